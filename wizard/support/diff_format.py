"""A Diff (wizard/support/diff.py) as text for a terminal, as markdown for a ticket, and as the JSON contract
substra-wizard/diff@1 (documented in the README)."""

from __future__ import annotations

import json
from typing import Any

from wizard.support.diff import ABSENT, Change, ClaimChange, Diff, PathChange

SCHEMA = "substra-wizard/diff@1"
_ARROW = "->"


def _shown(value: Any) -> str:
    if value is ABSENT:
        return "(not set)"
    return json.dumps(value, ensure_ascii=False, default=str)


def _change(change: Change) -> str:
    label = f" ({change.label})" if change.label and change.label != change.key else ""
    return f"{change.key}{label}: {_shown(change.a)} {_ARROW} {_shown(change.b)}"


def _path(path: PathChange) -> str:
    arrow = f"{path.peer} -> {path.pod}" if path.direction == "ingress" else f"{path.pod} -> {path.peer}"
    callout = ""
    if path.internet:
        callout = " (exposed to the internet)" if path.direction == "ingress" else " (reaches the internet)"
    return f"{'opened' if path.opened else 'closed'} {path.direction}: {arrow}{callout}"


def _network(paths: list[PathChange]) -> list[str]:
    """Paths whose policies changed, and those of new pods, one by one; the paths that went with a removed pod or
    peer are counted per pod (listing them would drown the rest)."""
    lines = [_path(p) for p in paths if p.context in ("", "pod-added")]
    gone: dict[str, int] = {}
    for path in paths:
        if path.context == "pod-removed":
            gone[path.pod] = gone.get(path.pod, 0) + 1
    lines += [f"closed with {pod} (removed): {count} paths" for pod, count in gone.items()]
    consequences = [p for p in paths if p.context.startswith("peer-")]
    if consequences:
        lines.append(f"and {len(consequences)} paths to or from pods that run on one side only (see --format json)")
    return lines


def _volume(volume: Any) -> str:
    claim = volume.claim
    modes = ", ".join(claim.access_modes) or "-"
    return f"{'created' if claim.created else 'reused'}, {claim.size or '-'}, class {claim.class_text}, {modes}"


def _claim(change: ClaimChange) -> str:
    owner = f" ({change.component})" if change.component else ""
    if change.a is None or change.b is None:
        return f"{change.kinds[0]} {change.claim}{owner}: {_volume(change.a or change.b)}"
    return f"{', '.join(change.kinds)} {change.claim}{owner}: {_volume(change.a)} {_ARROW} {_volume(change.b)}"


def _release(release: Any) -> str:
    return f"release {release.release} in {release.namespace}" if release else "not installed"


def sections(diff: Diff) -> list[tuple[str, list[str]]]:
    """(title, lines) of each part that differs, in reading order; shared by text and markdown."""
    found: list[tuple[str, list[str]]] = []
    if diff.plans_compared:
        found.append(("Plan fields", [_change(c) for c in diff.fields]))
    charts = [f"{c.chart}: {_release(c.a)} {_ARROW} {_release(c.b)}" for c in diff.charts if c.a != c.b]
    found.append(("Charts", charts))
    for chart in dict.fromkeys(c.chart for c in diff.values):
        found.append((f"Values of {chart} (merged over the chart's defaults)",
                      [_change(c) for c in diff.values if c.chart == chart]))
    found.append(("Pod Security", [
        f"{p.component}: {p.kind} {p.a_level or '-'} {_ARROW} {p.b_level or '-'}" if p.kind == "level" else
        f"{p.component}: {p.kind} (level {p.a_level or p.b_level})" for p in diff.pods]))
    found.append(("Containers running as root", [
        f"{r.kind} {r.component}/{r.container}: {r.a_reason or r.b_reason}" if r.kind != "reason" else
        f"{r.component}/{r.container}: {r.a_reason} {_ARROW} {r.b_reason}" for r in diff.roots]))
    found.append(("Network paths", _network(diff.paths)))
    found.append(("Volumes", [_claim(c) for c in diff.claims]))
    found.append(("Findings", [f"{'added' if f.added else 'gone'}: {f.finding.severity.upper()} {f.finding.area}: "
                               f"{f.finding.message}" for f in diff.findings]))
    return [(title, lines) for title, lines in found if lines]


def _header(diff: Diff) -> list[str]:
    versions = diff.a_version if diff.a_version == diff.b_version else f"{diff.a_version} and {diff.b_version}"
    return [f"A: {diff.a_label}", f"B: {diff.b_label}", f"Pod Security rules of Kubernetes {versions}"]


def text(diff: Diff) -> str:
    lines = ["Differences from A to B", *(f"  {line}" for line in _header(diff))]
    lines += [f"  note: {note}" for note in diff.notes]
    parts = sections(diff)
    for title, items in parts:
        lines += ["", title, *(f"  {item}" for item in items)]
    if not parts:
        lines += ["", "No difference."]
    return "\n".join(lines) + "\n"


def markdown(diff: Diff) -> str:
    lines = ["# Differences from A to B", "", *(f"- {line}" for line in _header(diff))]
    lines += [f"- Note: {note}" for note in diff.notes]
    parts = sections(diff)
    for title, items in parts:
        lines += ["", f"## {title}", "", *(f"- `{item}`" if title.startswith(("Values", "Plan")) else f"- {item}"
                                           for item in items)]
    if not parts:
        lines += ["", "No difference."]
    return "\n".join(lines) + "\n"


def _values_pair(a: Any, b: Any) -> dict[str, Any]:
    return {**({"a": a} if a is not ABSENT else {}), **({"b": b} if b is not ABSENT else {})}


def _claim_json(volume: Any) -> dict[str, Any] | None:
    if volume is None:
        return None
    claim = volume.claim
    return {"created": claim.created, "size": claim.size, "storage_class": claim.storage_class,
            "access_modes": list(claim.access_modes), "component": volume.component}


def _chart_json(release: Any) -> dict[str, str] | None:
    return {"version": release.version, "release": release.release, "namespace": release.namespace} \
        if release else None


def as_json(diff: Diff) -> dict[str, Any]:
    """The stable JSON contract (schema substra-wizard/diff@1)."""
    return {
        "schema": SCHEMA,
        "a": {"source": diff.a_label, "k8s_version": diff.a_version.removeprefix("v")},
        "b": {"source": diff.b_label, "k8s_version": diff.b_version.removeprefix("v")},
        "different": diff.different,
        "notes": diff.notes,
        "plan": {"compared": diff.plans_compared,
                 "fields": [{"path": c.key, "label": c.label, "change": c.kind, **_values_pair(c.a, c.b)}
                            for c in diff.fields]},
        "charts": [{"chart": c.chart, "a": _chart_json(c.a), "b": _chart_json(c.b)} for c in diff.charts],
        "values": [{"chart": c.chart, "key": c.key, "change": c.kind, **_values_pair(c.a, c.b)} for c in diff.values],
        "pods": [{"component": p.component, "change": p.kind, "a_level": p.a_level, "b_level": p.b_level}
                 for p in diff.pods],
        "root_containers": [{"component": r.component, "container": r.container, "change": r.kind,
                             "a_reason": r.a_reason, "b_reason": r.b_reason} for r in diff.roots],
        "network": [{"pod": p.pod, "direction": p.direction, "peer": p.peer,
                     "change": "opened" if p.opened else "closed", "internet": p.internet,
                     "context": p.context or None} for p in diff.paths],
        "volumes": [{"claim": c.claim, "changes": c.kinds, "a": _claim_json(c.a), "b": _claim_json(c.b)}
                    for c in diff.claims],
        "findings": [{"change": "added" if f.added else "removed", "area": f.finding.area,
                      "severity": f.finding.severity, "message": f.finding.message,
                      "values_key": f.finding.values_key} for f in diff.findings],
    }
