"""Answers files: a whole Plan as YAML with a schema version. Presets use the same schema with a partial Plan.

    schema: substra-wizard/answers@1
    description: ...        (optional; presets describe themselves here)
    plan: {...}             (any subset of the Plan; missing fields keep their defaults)
    extras: {CHART: {...}}  (optional; values keys imported verbatim, written over the Plan's keys)

Every run writes one beside the values (`dumps`), and `--answers FILE` reads it back (`load`) to the same Plan.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from wizard import files, yamledit, yamlio
from wizard.declare import declaration
from wizard.errors import ConfigError, Problem
from wizard.plan import Plan

SCHEMA = "substra-wizard/answers@1"
FILE_NAME = "wizard-answers.yaml"
_TOP_KEYS = ("schema", "description", "plan")
_IMPORT_KEYS = ("extras",)  # written only after an import, so messages name the usual keys


def parse(data: Any, source: str) -> dict[str, Any]:
    """The partial Plan of an answers file or preset already read as plain data.

    Raises:
        ConfigError: naming `source`, for a missing or unknown schema and keys other than schema/description/plan.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([Problem("", f"the file must be a map with schema and plan, not {type(data).__name__}")],
                          source)
    found = [Problem(str(key), f"unknown key; an answers file has only {', '.join(_TOP_KEYS)}")
             for key in data if key not in _TOP_KEYS + _IMPORT_KEYS]
    schema = data.get("schema")
    if schema is None:
        found.append(Problem("schema", f"missing: the file should start with `schema: {SCHEMA}`"))
    elif schema != SCHEMA:
        found.append(Problem("schema", f'"{schema}" is not a schema this wizard reads ({SCHEMA}); it may come '
                                       "from a newer wizard: upgrade substra-wizard"))
    plan = data.get("plan", {})
    if not isinstance(plan, dict):
        found.append(Problem("plan", f"must be a map of Plan sections, not {type(plan).__name__}"))
    found += key_problems(data, "")
    if found:
        raise ConfigError(found[:MAX_PROBLEMS] + _more(found), source)
    return plan


MAX_PROBLEMS = 50
"""Problems listed for one answers file; a file with thousands of wrong keys is not worth thousands of lines."""


def _more(found: list[Problem]) -> list[Problem]:
    extra = len(found) - MAX_PROBLEMS
    return [Problem("", f"... and {extra:,} more problem(s) of the same kind")] if extra > 0 else []


_KEY_KINDS = {bool: "a bool", int: "a number", float: "a number", type(None): "null", tuple: "a list",
              datetime.date: "a date", datetime.datetime: "a date"}


def _shown(key: Any) -> str:
    """A key as it is written in YAML (true, null, 2024-01-01, [a, b])."""
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, tuple):
        return "[" + ", ".join(map(_shown, key)) + "]"
    return key.isoformat() if hasattr(key, "isoformat") else str(key)


def key_problems(tree: Any, at: str) -> list[Problem]:
    """Every map key that is not text, at any depth, with its path: Plan fields and values keys are names, and a
    number or bool key would be written back as something else (e.g. `1:` is "1" for Helm, `true:` is "true")."""
    found: list[Problem] = []
    stack = [(tree, at)]
    while stack:
        node, where = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(node, list):
                stack.append((value, f"{where}[{key}]"))
                continue
            path = f"{where}.{_shown(key)}" if where else _shown(key)
            if not isinstance(key, str):
                kind = _KEY_KINDS.get(type(key), type(key).__name__)
                found.append(Problem(path, f'this key is {kind}, not text: write it as text ("{_shown(key)}") or '
                                           "remove it"))
            stack.append((value, path))
    return sorted(found, key=lambda problem: problem.path)


def parse_extras(data: Any, source: str) -> dict[str, dict[str, Any]]:
    """The `extras` of an answers file: chart name -> values keys kept verbatim ({} when absent).

    Raises:
        ConfigError: naming `source`, when extras is not a map of chart names to maps.
    """
    from wizard.charts import SUPPORTED_VERSIONS

    extras = data.get("extras") if isinstance(data, dict) else None
    if extras is None:
        return {}
    if not isinstance(extras, dict):
        raise ConfigError([Problem("extras", f"must be a map of chart names to values, not {type(extras).__name__}")],
                          source)
    found = [Problem(f"extras.{chart}", f"must be a map of values keys (chart one of {', '.join(SUPPORTED_VERSIONS)})")
             for chart, tree in extras.items() if chart not in SUPPORTED_VERSIONS or not isinstance(tree, dict)]
    if found:
        raise ConfigError(found, source)
    return extras


def load(path: Path) -> dict[str, Any]:
    """The partial Plan in an answers file (validated later, with the other layers).

    Raises:
        OutputError: the file cannot be read or is not YAML.
        ConfigError: the file is not an answers file.
    """
    return load_with_extras(path)[0]


def load_with_extras(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(partial Plan, extras) of an answers file; see `load` and `parse_extras`."""
    data = yamlio.load_plain(files.read_text(path), str(path))
    return parse(data, str(path)), parse_extras(data, str(path))


def dumps(plan: Plan, header: tuple[str, ...] = (), extras: dict[str, Any] | None = None) -> str:
    """The whole Plan as an answers file, each decision commented with its label; imported `extras` after it."""
    entries = [yamledit.Entry(("schema",), SCHEMA)]
    entries += _entries(plan.model_dump(mode="json"), ("plan",), "")
    if extras:
        entries.append(yamledit.Entry(("extras",), extras, "values keys imported verbatim: no decision writes them"))
    return yamlio.dumps(yamledit.build_document(entries), header)


def _entries(tree: dict[str, Any], at: tuple[str, ...], prefix: str) -> list[yamledit.Entry]:
    entries = []
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            entries += _entries(value, (*at, key), path)
        else:
            entries.append(yamledit.Entry((*at, key), value, declaration(path).label))
    return entries
