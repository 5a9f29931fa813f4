"""The import pipeline: read the files (reading), read the decisions back (reconstruct), make them a valid Plan
(valid_plan), split off the extras (extras), note what the operator must know (key_notes, credentials), and hand it
all back as an ImportResult whose layer says where each decision came from.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import coalesce, load_defaults
from wizard.core.errors import ConfigError, OutputError, Problem
from wizard.planning.declare import split_path
from wizard.planning.layers import Layer, merge
from wizard.planning.plan import Plan
from wizard.support.importing import credentials
from wizard.support.importing.extras import split_extras
from wizard.support.importing.key_notes import key_notes, open_storage_notes, unused_volume_notes
from wizard.support.importing.reading import MAX_NODES, read_values_file
from wizard.support.importing.reconstruct import Reader, reconstruct
from wizard.support.importing.result import ImportNote, ImportResult
from wizard.support.importing.valid_plan import simplest, valid_plan, without_null_conflicts

KeyPath = tuple[str, ...]


def import_values(files: Sequence[tuple[str, Path]]) -> ImportResult:
    """Import (chart name, path) values files; several files of one chart merge in order, like helm -f a -f b.

    Raises:
        WizardError: an unknown chart name (the message lists the valid ones), or a file that cannot be read as a
            values file (missing, not UTF-8, too large, invalid YAML, an alias bomb, duplicate keys, not a map).
    """
    unknown = sorted({chart for chart, _ in files if chart not in SUPPORTED_VERSIONS})
    if unknown:
        raise ConfigError([Problem("--values", f'"{name}" is not a chart the wizard knows; use one of '
                                               f"{', '.join(SUPPORTED_VERSIONS)}") for name in unknown])
    if not files:
        raise ConfigError([Problem("--values", "give at least one CHART=FILE")])
    notes: list[ImportNote] = []
    given: dict[str, dict] = {}
    where: dict[str, dict[KeyPath, tuple[str, int]]] = {}
    total = 0
    for chart, path in files:
        read = read_values_file(Path(path))
        total += read.nodes
        if total > MAX_NODES:
            raise OutputError(f"{path}: the values files of this import hold more than {MAX_NODES:,} keys, values and "
                              "list items together; the wizard imports up to that size.", title="Files too large")
        if read.data is None or not read.data:
            notes.append(ImportNote("empty", chart, None, "the file sets nothing: the chart's defaults apply",
                                    str(path), None))
        given[chart] = merge(given.get(chart, {}), read.data or {})
        where.setdefault(chart, {}).update({key: (str(path), line) for key, line in read.lines.items()})
    return _import(given, where, notes, [str(path) for _, path in files])


def _import(given: dict[str, dict], where: dict[str, dict[KeyPath, tuple[str, int]]], notes: list[ImportNote],
            names: list[str]) -> ImportResult:
    defaults = {chart: load_defaults(chart, SUPPORTED_VERSIONS[chart]) for chart in given}
    effective = {chart: coalesce(defaults[chart], data) for chart, data in given.items()}
    base = Plan().model_dump(mode="json")
    reader = Reader(effective, given, defaults, copy.deepcopy(base))
    reconstruct(reader)

    def at(chart: str, key: KeyPath) -> tuple[str | None, int | None]:
        file, line = where.get(chart, {}).get(key, (None, None))
        return file, line

    def field_at(field_path: str) -> tuple[str | None, int | None]:
        sources = reader.origins.get(_section_of(field_path, reader.origins))
        return at(*sources[0]) if sources else (None, None)

    read = copy.deepcopy(reader.data)
    plan = valid_plan(reader.data, base, notes, field_at)
    valid = plan.model_dump(mode="json")
    plan = without_null_conflicts(simplest(plan), given, notes, field_at)
    extras, overridden = split_extras(plan, given)
    data = plan.model_dump(mode="json")
    notes += key_notes(given, extras, overridden, at)
    notes += unused_volume_notes(plan, given, at)
    moved = credentials.move(plan, given)
    notes += [ImportNote(n.kind, n.chart, n.key, n.message, *at(n.chart, tuple(n.key.split("."))))
              for n in moved.notes]
    notes += open_storage_notes(plan, given, at)
    origins: dict[str, str] = {}
    decisions = []
    for name, sources in reader.origins.items():
        if _field_value(valid, name) != _field_value(read, name):
            continue  # the Plan could not hold it: a note says so, and the keys are extras
        chart, key = sources[0]
        file, line = at(chart, key)
        origin = f"{file}:{line}" if file else chart
        origins[name] = origin
        value = _field_value(data, name)
        derived = " (left empty: the Plan derives this same value)" if value != _field_value(valid, name) else ""
        decisions.append((name, _field_value(valid, name), f"{origin} {'.'.join(key)}{derived}"))
    value_origins = {chart: {".".join(key): f"{file}:{line}" for key, (file, line) in keys.items()}
                     for chart, keys in where.items()}
    layer = Layer(f"imported {', '.join(names)}", data, kind="import", origins=origins, extras=extras,
                  value_origins=value_origins, secrets=moved.secrets)
    return ImportResult(layer, extras, tuple(notes), tuple(decisions), moved.secrets)


def _section_of(field_path: str, origins: Mapping[str, Any]) -> str:
    """The recorded field that holds `field_path` (a list item's field is recorded as the list)."""
    path = field_path
    while path and path not in origins:
        path = path.rsplit(".", 1)[0] if "." in path else path.split("[", 1)[0] if "[" in path else ""
    return path


def _field_value(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for step in split_path(path):
        node = node[step]
    return node
