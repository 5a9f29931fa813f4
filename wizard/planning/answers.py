"""Answers files: a whole Plan as YAML with a schema version. Presets use the same schema with a partial Plan.

    schema: substra-wizard/answers@1
    description: ...        (optional; presets describe themselves here)
    plan: {...}             (any subset of the Plan; missing fields keep their defaults)
    extras: {CHART: {...}}  (optional; values keys imported verbatim, written over the Plan's keys)

Every run writes one beside the values (`dumps`), and `--answers FILE` reads it back (`load`) to the same Plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wizard.core import files
from wizard.core.errors import ConfigError, Problem
from wizard.planning.declare import declaration
from wizard.planning.plan import Plan
from wizard.yamlkit import yamledit, yamlio

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
    if found:
        raise ConfigError(found[:MAX_PROBLEMS] + _more(found), source)
    return plan


MAX_PROBLEMS = 50
"""Problems listed for one answers file; a file with thousands of wrong keys is not worth thousands of lines."""


def _more(found: list[Problem]) -> list[Problem]:
    extra = len(found) - MAX_PROBLEMS
    return [Problem("", f"... and {extra:,} more problem(s) of the same kind")] if extra > 0 else []


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
    data = read(path)
    return parse(data, str(path)), parse_extras(data, str(path))


MAX_BYTES = 1024 * 1024
"""An answers file is about 6 KB, plus the extras of an import (a values file of at most 512 KB, written back a few
levels deeper)."""
MAX_NODES = 12_000
"""Keys, values and list items, aliases expanded: the Plan (about 230) plus the extras of an import at its limit
(importing.reading.MAX_NODES, over all its files). A run writes every extra back twice (values and answers files,
ruamel's pure-Python emitter); at this size `wizard --answers FILE --out DIR` takes about 2 s."""


def read(path: Path) -> Any:
    """An answers file (or a draft) as plain data, within MAX_BYTES and MAX_NODES.

    Raises:
        OutputError: unreadable, too large, or not YAML (naming the file, line and column).
    """
    what = "an answers file (wizard-answers.yaml)"
    return yamlio.load_plain(files.read_text(path, limit=MAX_BYTES, what=what), str(path), nodes=MAX_NODES, what=what)


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
