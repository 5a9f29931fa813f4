"""The import report: what was understood as which decision, what is kept verbatim, and every note."""

from __future__ import annotations

import json
from typing import Any

from wizard.support.importing.extras import leaves
from wizard.support.importing.result import ImportResult

SCHEMA = "substra-wizard/import@1"
MAX_PER_KIND = 40  # a file of thousands of unknown keys should not bury the contradictions
_SEVERITY = {"unknown-key": "warning", "no-effect": "warning", "contradiction": "danger", "unrepresentable": "warning",
             "unmodelled": "info", "empty": "info", "default-credential": "danger", "account": "danger",
             "storage-open": "danger", "secret-unknown": "warning", "secret-moved": "warning", "own-pair": "info"}


def severity(kind: str) -> str:
    return _SEVERITY.get(kind, "warning")


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def text(result: ImportResult) -> str:
    """The report for people, one line per decision and per note."""
    lines = [f"Imported {result.layer.source.removeprefix('imported ')}."]
    if result.decisions:
        lines.append("Decisions read from your files:")
        width = max(len(name) for name, _, _ in result.decisions)
        lines += [f"  {name:<{width}} = {_shown(value)}  ({origin})" for name, value, origin in result.decisions]
    else:
        lines.append("No wizard decision differs from the chart defaults in your files.")
    kept = sum(1 for tree in result.extras.values() for _ in leaves(tree))
    if kept:
        per_chart = ", ".join(f"{chart}: {sum(1 for _ in leaves(tree))}" for chart, tree in result.extras.items())
        lines.append(f"Kept verbatim and written back unchanged: {kept} key(s) ({per_chart}).")
    if result.notes:
        lines.append("Notes:")
        order = {"danger": 0, "warning": 1, "info": 2}
        shown: dict[str, int] = {}
        for note in sorted(result.notes, key=lambda n: order[severity(n.kind)]):
            shown[note.kind] = shown.get(note.kind, 0) + 1
            if shown[note.kind] <= MAX_PER_KIND:
                lines.append(f"  {severity(note.kind)}: {note}")
        lines += [f"  ... and {count - MAX_PER_KIND} more {kind} notes (--format json lists them all)"
                  for kind, count in shown.items() if count > MAX_PER_KIND]
    return "\n".join(lines) + "\n"


def as_json(result: ImportResult) -> dict[str, Any]:
    """The report as data (schema substra-wizard/import@1)."""
    return {
        "schema": SCHEMA,
        "source": result.layer.source,
        "decisions": [{"field": name, "value": value, "from": origin} for name, value, origin in result.decisions],
        "plan": result.layer.data,
        "extras": result.extras,
        "notes": [{"kind": n.kind, "severity": severity(n.kind), "chart": n.chart, "key": n.key,
                   "message": n.message, "file": n.file, "line": n.line} for n in result.notes],
    }
