"""Importing a customer's values files: the Plan they amount to, what it cannot say, and what the operator must know.

`import_values` reads the files the way Helm does (reading.py), reads every decision back from them
(reconstruct.py), makes the Plan valid (a value it cannot hold falls back to its default, and says so), then keeps
verbatim every customer key the Plan does not render exactly (extras.py). The written values (the Plan's keys plus
the extras) merge over the chart defaults to what the customer's files merge to. Nothing is silently dropped: each
such key, each key the chart does not know, each key without effect and each contradiction becomes an ImportNote.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, declared, get_path, load_defaults, nearest_keys
from wizard.core.errors import ConfigError, OutputError, Problem
from wizard.planning import rules
from wizard.planning.declare import join_path, split_path
from wizard.planning.layers import Layer, merge
from wizard.planning.plan import Plan
from wizard.reporting.findings import values_findings
from wizard.support.importing import credentials
from wizard.support.importing.extras import leaves, same, split_extras, written_tree
from wizard.support.importing.reading import MAX_NODES, read_values_file
from wizard.support.importing.reconstruct import Reader, reconstruct
from wizard.writing.values import render

__all__ = ["ImportNote", "ImportResult", "import_values", "written_tree"]

KeyPath = tuple[str, ...]
MAX_SUGGESTIONS = 50
"""Unknown keys that get a 'did you mean' (each costs a search of the chart's keys; a file of thousands of unknown
keys is not a typo)."""
# Decisions the Plan leaves empty to derive them; imported explicitly, then emptied when that renders the same.
_DERIVED_WHEN_EMPTY = ("orchestrator.host", "orchestrator.port", "orchestrator.same_cluster",
                       "features.registry_pull_domain", "ingress.allowed_hosts")


@dataclass(frozen=True)
class ImportNote:
    """One thing the operator must know about the customer's files."""

    kind: str
    """unmodelled | unknown-key | no-effect | contradiction | unrepresentable | empty, and for credentials:
    secret-moved | default-credential | secret-unknown | account | own-pair | storage-open"""
    chart: str
    key: str | None
    message: str
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if self.file is None:
            return self.chart
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        key = f" {self.key}" if self.key else ""
        return f"{self.kind}: {self.where}{key}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    layer: Layer
    """The reconstructed Plan data, a layer for build_plan (kind "import"; its source names the files)."""
    extras: dict[str, dict]
    """chart -> the customer's keys the Plan does not render as they are, verbatim."""
    notes: tuple[ImportNote, ...]
    decisions: tuple[tuple[str, Any, str], ...] = field(default=())
    """(Plan field, value, "file:line key") for every decision read from a customer key, in Plan order."""
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Credential id -> value found inline in the customer's files: the run's given secrets (secrets/ only)."""


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
    plan = _valid_plan(reader.data, base, notes, field_at)
    valid = plan.model_dump(mode="json")
    plan = _without_null_conflicts(_simplest(plan), given, notes, field_at)
    extras, overridden = split_extras(plan, given)
    data = plan.model_dump(mode="json")
    notes += _key_notes(given, extras, overridden, at)
    notes += _unused_volume_notes(plan, given, at)
    moved = credentials.move(plan, given)
    notes += [ImportNote(n.kind, n.chart, n.key, n.message, *at(n.chart, tuple(n.key.split("."))))
              for n in moved.notes]
    notes += _open_storage_notes(plan, given, at)
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


def _open_storage_notes(plan: Plan, given: Mapping[str, dict], at: Any) -> list[ImportNote]:
    """With features.close_storage off, the storage policy keys the customer's values leave open (one note per
    chart, at the first of them)."""
    if plan.features.close_storage:
        return []
    notes = []
    for values in render(plan):
        effective = coalesce(load_defaults(values.chart, values.version), given.get(values.chart, {}))
        open_keys = [s.path for s in values.settings if s.field == "features.close_storage"
                     and get_path(effective, s.path) is not False and get_path(effective, (s.path[0], "enabled"))
                     is not False]  # a subchart that is off runs no pod to open
        if not open_keys:
            continue
        ingress = [".".join(p) for p in open_keys if p[-1] == "allowExternal"]
        egress = [".".join(p) for p in open_keys if p[-1] == "allowExternalEgress"]
        what = [f"{', '.join(ingress)} let any pod of any namespace, and the internet, reach the storage"] * bool(
            ingress) + [f"{', '.join(egress)} let the storage open connections to any address"] * bool(egress)
        notes.append(ImportNote("storage-open", values.chart, ".".join(open_keys[0]), f"open in your values: "
                                f"{'; '.join(what)}. The imported Plan keeps features.close_storage off to write "
                                "them back as they are; turn it on (--set features.close_storage=true, or the "
                                "Features step) to close every storage pod", *at(values.chart, open_keys[0])))
    return notes


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


# --- a valid Plan, whatever the files say ------------------------------------------------------------------------


def _valid_plan(data: dict[str, Any], base: dict[str, Any], notes: list[ImportNote], field_at: Any) -> Plan:
    """Validate; each field the Plan cannot hold goes back to a value it can, with a note (the customer's keys then
    become extras, so the written values still say what theirs say)."""
    for _ in range(10):
        try:
            plan = Plan.model_validate(data)
        except ValidationError as error:
            from wizard.planning.layers import _translate

            for item in error.errors(include_url=False):
                steps = [s for s in item["loc"] if isinstance(s, int | str)]
                cut = next((i for i, s in enumerate(steps) if isinstance(s, int)), len(steps))
                path = join_path(steps[:cut])
                _reset(data, base, path)
                notes.append(_unrepresentable(path, _translate(item).message, field_at(path)))
            continue
        problems = rules.problems(plan)
        if not problems:
            return plan
        for problem in problems:
            notes.append(_unrepresentable(problem.path, problem.message, field_at(problem.path)))
            _fix(data, base, problem.path)
    return Plan.model_validate(base)  # unreachable in practice: every fix moves towards the defaults


def _unrepresentable(path: str, why: str, where: tuple[str | None, int | None]) -> ImportNote:
    return ImportNote("unrepresentable", "plan", path, f"{why}. The Plan keeps a value it can hold there, and your "
                                                       "keys are written back as they are", *where)


def _reset(data: dict[str, Any], base: Mapping[str, Any], path: str) -> None:
    steps = split_path(path)
    node, default = data, base
    for step in steps[:-1]:
        node, default = node[step], default[step]  # type: ignore[index]
    if steps:
        node[steps[-1]] = copy.deepcopy(default[steps[-1]])  # type: ignore[index]


def _fix(data: dict[str, Any], base: Mapping[str, Any], path: str) -> None:
    """Move the Plan away from one cross-field problem (rules.problems) with the smallest change."""
    steps = split_path(path)
    if steps[:2] == ["accounts", "users"] and len(steps) > 2:  # a user on a channel the Plan lost: the first one
        users = data["accounts"]["users"]
        if steps[-1] == "channel":
            users[steps[2]]["channel"] = None
        else:
            del users[steps[2]]
        data["accounts"]["users"] = users or copy.deepcopy(base["accounts"]["users"])
        return
    if steps[:1] == ["channels"]:
        if len(steps) == 1:
            data["channels"] = copy.deepcopy(base["channels"])
            if not data["target"]["backend"]["enabled"]:
                data["channels"][0]["organizations"] = [data["organisation"]["msp_id"]]
        elif steps[-1] == "organizations":
            data["channels"][steps[1]]["organizations"] = [data["organisation"]["msp_id"]]
        else:
            del data["channels"][steps[1]]
        return
    replacements: dict[str, tuple[str, Any]] = {
        "orchestrator.host": ("orchestrator.host", "orchestrator.local"),
        "ingress.orchestrator_host": ("ingress.cluster_issuer", None),
        "features.add_cert_image_tag": ("features.private_ca", False),
        "features.registry_host": ("features.registry", "bundled"),
        "features.prepopulate": ("features.prepopulate", []),
        "ingress.backend_host": ("ingress.backend_host", "substra-backend.local"),
        "ingress.frontend_host": ("ingress.frontend_host", None),
    }
    if path in replacements:
        target, value = replacements[path]
        node = data
        for step in target.split(".")[:-1]:
            node = node[step]
        node[target.split(".")[-1]] = value
        return
    _reset(data, base, path if path != "target" else "target")


def _simplest(plan: Plan) -> Plan:
    """Empty the decisions the Plan derives by itself when that renders exactly the same values."""
    rendered = _rendered(plan)
    for path in _DERIVED_WHEN_EMPTY:
        section, name = path.split(".")
        if getattr(getattr(plan, section), name) is None:
            continue
        trial = plan.model_copy(update={section: getattr(plan, section).model_copy(update={name: None})})
        if not rules.problems(trial) and _rendered(trial) == rendered:
            plan = trial
    return plan


def _null_conflicts(plan: Plan, given: Mapping[str, dict]) -> list[str]:
    """Fields writing a key the customer's values leave at a null default: a values file cannot put a null back
    (Helm deletes a key set to null), so such a key is the one thing extras cannot restore."""
    fields = []
    for values in render(plan):
        effective = coalesce(load_defaults(values.chart, values.version), given.get(values.chart, {}))
        for setting in values.settings:
            if credentials.credential_setting(setting.field):
                continue  # the Plan's own credential keys: the customer's are not written back (credentials.OWNED)
            if get_path(effective, setting.path) is None and setting.value is not None:
                fields.append(setting.field)
    return fields


def _without_null_conflicts(plan: Plan, given: Mapping[str, dict], notes: list[ImportNote], field_at: Any) -> Plan:
    """Give such a field its Plan default when that is valid: the other charts' keys it wrote become extras."""
    for field_path in dict.fromkeys(_null_conflicts(plan, given)):
        section, name = field_path.split(".", 1) if "." in field_path else (field_path, "")
        if not name or "." in name or "[" in name:
            continue
        default = type(getattr(plan, section)).model_fields[name].default
        trial = plan.model_copy(update={section: getattr(plan, section).model_copy(update={name: default})})
        if not rules.problems(trial) and len(_null_conflicts(trial, given)) < len(_null_conflicts(plan, given)):
            notes.append(_unrepresentable(field_path, f"one value of {field_path} cannot match every chart's keys",
                                          field_at(field_path)))
            plan = trial
    return plan


def _rendered(plan: Plan) -> list[tuple[str, KeyPath, str]]:
    return [(values.chart, setting.path, repr(setting.value)) for values in render(plan)
            for setting in values.settings]


# --- notes about the customer's keys ------------------------------------------------------------------------------


def _key_notes(given: Mapping[str, dict], extras: Mapping[str, dict], overridden: Mapping[str, list[KeyPath]],
               at: Any) -> list[ImportNote]:
    notes: list[ImportNote] = []
    for chart, data in given.items():
        version = SUPPORTED_VERSIONS[chart]
        unknown = _unknown_keys(chart, version, data, ())
        for index, path in enumerate(unknown):
            close = nearest_keys(chart, version, path) if index < MAX_SUGGESTIONS else []
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            notes.append(ImportNote("unknown-key", chart, ".".join(path), f"{chart} {version} has no such key, so "
                                    f"Helm ignores it (kept as written){hint}", *at(chart, path)))
        for finding in values_findings(chart, data, credentials=False):  # credentials: importing.credentials
            kind = "no-effect" if "has no effect" in finding.message else "contradiction"
            key = tuple((finding.values_key or "").split("."))
            notes.append(ImportNote(kind, chart, finding.values_key, finding.message, *at(chart, key)))
        skip, overridden_here = set(unknown), set(overridden.get(chart, []))
        for path, _ in leaves(extras.get(chart, {})):
            if any(path[:i] in skip for i in range(1, len(path) + 1)) or path in overridden_here:
                continue
            if get_path(data, path) is MISSING:
                continue
            deciders = _deciders(chart, path)
            if deciders:
                message = (f"the decision {' / '.join(deciders)} does not write this value with the rest of your "
                           "files: kept verbatim and written back unchanged")
            else:
                message = "no wizard decision writes this key: kept verbatim and written back unchanged"
            notes.append(ImportNote("unmodelled", chart, ".".join(path), message, *at(chart, path)))
        for path in overridden.get(chart, []):
            theirs = get_path(coalesce(load_defaults(chart, version), data), path)
            shown = "absent" if theirs is MISSING else repr(theirs)
            notes.append(ImportNote("unrepresentable", chart, ".".join(path), f"the Plan would write another value; "
                                    f"yours ({shown}) is kept verbatim over it", *at(chart, path)))
    return notes


def _unused_volume_notes(plan: Plan, given: Mapping[str, dict], at: Any) -> list[ImportNote]:
    """Volume keys of a volume the chart does not create with these values (its feature is off)."""
    from wizard.charts.claims import CLAIMS
    from wizard.planning.derive import claim_in_use
    from wizard.planning.rules import _WHY_UNUSED

    notes = []
    for claim in CLAIMS:
        data = given.get(claim.chart)
        if data is None or claim_in_use(plan, claim):
            continue
        for key in ("size", "storageClass", "existingClaim", "accessModes", "accessMode"):
            path = (*claim.prefix, key)
            if get_path(data, path) is not MISSING:
                why = f"has no effect: the chart creates no {claim.label.lower()} because {_WHY_UNUSED[claim.needs]}"
                notes.append(ImportNote("no-effect", claim.chart, ".".join(path), why, *at(claim.chart, path)))
    return notes


def _deciders(chart: str, path: KeyPath) -> list[str]:
    """The Plan fields that declare this values key (or a map holding it) among the keys they drive."""
    table = _declared_keys()
    return [field for length in range(len(path), 0, -1) for field in table.get(f"{chart}:{'.'.join(path[:length])}",
                                                                                 ())][:2]


_DECLARED: dict[str, list[str]] = {}


def _declared_keys() -> dict[str, list[str]]:
    if not _DECLARED:
        from wizard.planning.declare import declarations

        for item in declarations():
            for key in item.values_keys:
                _DECLARED.setdefault(key, []).append(item.path.replace("[0]", "[]"))
    return _DECLARED


def _unknown_keys(chart: str, version: str, tree: Mapping[str, Any], at: KeyPath) -> list[KeyPath]:
    """The highest key paths the chart does not declare (their children are not listed again)."""
    found: list[KeyPath] = []
    for key, value in tree.items():
        path = (*at, key)
        if not declared(chart, version, path):
            found.append(path)
        elif isinstance(value, dict) and value and not _free_below(chart, version, path):
            found.extend(_unknown_keys(chart, version, value, path))
    return found


def _free_below(chart: str, version: str, path: KeyPath) -> bool:
    """Anything goes below this key (a free-form map): declared() accepts any child."""
    return declared(chart, version, (*path, "\x00any"))


def check_round_trip(plan: Plan, extras: Mapping[str, dict], given: Mapping[str, dict]) -> list[str]:
    """The charts whose written values would not merge to what the customer's do, apart from the credential keys,
    which name the wizard's Secrets now (empty: the import is exact)."""
    written = written_tree(plan, extras)
    wrong = []
    for chart, data in given.items():
        defaults = load_defaults(chart, SUPPORTED_VERSIONS[chart])
        ours = credentials.without_credentials(chart, coalesce(defaults, written.get(chart, {})))
        if not same(ours, credentials.without_credentials(chart, coalesce(defaults, data))):
            wrong.append(chart)
    return wrong
