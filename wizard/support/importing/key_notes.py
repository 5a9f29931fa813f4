"""Notes about the customer's keys, each at its file and line: a key the chart does not know (with a "did you mean"),
a key without effect or contradicting another (the findings of wizard explain), a key kept verbatim because no
decision writes it as it is, volume keys of a volume the chart does not create, and storage policies left open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, declared, get_path, load_defaults, nearest_keys
from wizard.planning.plan import Plan
from wizard.reporting.findings import values_findings
from wizard.support.importing.extras import leaves
from wizard.support.importing.result import ImportNote
from wizard.writing.values import render

KeyPath = tuple[str, ...]
MAX_SUGGESTIONS = 50
"""Unknown keys that get a 'did you mean' (each costs a search of the chart's keys; a file of thousands of unknown
keys is not a typo)."""


def key_notes(given: Mapping[str, dict], extras: Mapping[str, dict], overridden: Mapping[str, list[KeyPath]],
              at: Any) -> list[ImportNote]:
    """Per chart: its unknown keys, the findings on its values (no effect, contradictions), the extras no decision
    writes as they are, and the keys a Plan value is overridden by (`at`: chart, key -> file, line)."""
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


def unused_volume_notes(plan: Plan, given: Mapping[str, dict], at: Any) -> list[ImportNote]:
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


def open_storage_notes(plan: Plan, given: Mapping[str, dict], at: Any) -> list[ImportNote]:
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
