"""The layout is the pipeline: each package of wizard/ (and screens/) says in its `__init__` docstring which packages
it may import (a line `May import: a, b, c` or `May import: nothing`), and every import in the code keeps to it.

Every import counts, also those inside functions and under TYPE_CHECKING: a lazy import is still a dependency, and
a cycle of them is still a tangle a newcomer has to untie. The declarations themselves must form an order (no package
may import one that may import it), and no module may take part in an import cycle, within a package or across.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP = ("wizard", "screens")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _known(name: str) -> str:
    """The module `name` refers to: itself, or the package that holds the attribute it names."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    assert name in MODULES, f"an import names {name}, which is no module of {' or '.join(TOP)}"
    return name


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name) for alias in node.names if alias.name.split(".")[0] in TOP)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] not in TOP:
                continue
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.add(name if name in MODULES else _known(base))
    found.discard(module)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _layer(module: str) -> str:
    """The unit the declarations speak of: a package of wizard/ (`planning`), `screens`, or a top-level module of
    wizard/ (`cli`, `__main__`); `wizard` for the root package itself."""
    parts = module.split(".")
    if parts[0] == "screens":
        return "screens"
    return parts[1] if len(parts) > 1 else "wizard"


def _declared() -> dict[str, set[str]]:
    declared: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        layer = _layer(module)
        if path.name != "__init__.py" or module == "wizard":
            continue
        if module.count(".") > (0 if layer == "screens" else 1):
            continue  # a subpackage belongs to its package's layer
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        line = re.search(r"^May import: ([^.]+)\.?", doc, re.M)  # it may wrap onto the next lines
        assert line, f"{path.relative_to(ROOT)}: its docstring has no 'May import: ...' line"
        words = {word.strip() for word in line.group(1).split(",")}
        declared[layer] = set() if words == {"nothing"} else words
    return declared


DECLARED = _declared()
# Top-level modules of wizard/: the entry points sit above everything; the root package (the version) below.
ENTRY_POINTS = {"cli", "__main__"}


def test_every_declared_name_is_a_package() -> None:
    for layer, allowed in DECLARED.items():
        assert allowed <= set(DECLARED), f"{layer} may import {sorted(allowed - set(DECLARED))}, which are not packages"


def test_the_declarations_form_an_order() -> None:
    for layer, allowed in DECLARED.items():
        for lower in allowed:
            assert layer not in DECLARED[lower], f"{layer} and {lower} may import each other"
            assert DECLARED[lower] <= allowed, (
                f"{layer} may import {lower} but not what {lower} may import: {sorted(DECLARED[lower] - allowed)}")


def test_every_module_belongs_to_a_declared_package_or_is_an_entry_point() -> None:
    strays = [m for m in MODULES if _layer(m) not in DECLARED and _layer(m) not in ENTRY_POINTS | {"wizard"}]
    assert not strays, f"modules outside the pipeline's packages: {strays}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_direction(module: str) -> None:
    layer = _layer(module)
    if layer in ENTRY_POINTS:
        return  # the entry points may use anything
    allowed = {layer} | DECLARED.get(layer, set())
    against = sorted(dep for dep in GRAPH[module]
                     if _layer(dep) not in allowed and dep != "wizard")
    assert not against, f"{module} imports {against}, against the direction its package declares ({sorted(allowed)})"


def test_nothing_below_the_entry_points_imports_them() -> None:
    for module, deps in GRAPH.items():
        if _layer(module) not in ENTRY_POINTS:
            assert not {_layer(dep) for dep in deps} & ENTRY_POINTS, f"{module} imports an entry point"


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in GRAPH:
        if start in index:
            continue
        work = [(start, iter(sorted(GRAPH[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    GRAPH["wizard.core.errors"].add("wizard.cli")
    try:
        assert any("wizard.core.errors" in cycle and "wizard.cli" in cycle for cycle in _cycles())
    finally:
        GRAPH["wizard.core.errors"].discard("wizard.cli")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_longer_than_400_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[module].relative_to(ROOT)} has {lines} lines; split it by concern"
