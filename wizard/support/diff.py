"""What changes between two configurations (sources.Side): the Plan fields, the values each chart ends up with (merged
over the chart's defaults, so equivalent files show nothing), and the implications, from the two explain Reports:
Pod Security levels, root containers, network paths, claims and findings. Formatting lives in diff_format.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wizard.charts.chart_defaults import MISSING, coalesce, load_defaults
from wizard.reporting.report import PodReport, Report, VolumeReport

ABSENT: Any = MISSING
"""A value one side does not have (not the same as a YAML null)."""


@dataclass(frozen=True)
class Change:
    """One leaf that differs: a Plan field (`label` from its declaration) or a chart values key (`chart` set)."""

    key: str
    a: Any
    b: Any
    label: str = ""
    chart: str = ""

    @property
    def kind(self) -> str:
        return "added" if self.a is ABSENT else "removed" if self.b is ABSENT else "changed"


@dataclass(frozen=True)
class ChartPresence:
    chart: str
    a: Any  # ChartRelease | None
    b: Any


@dataclass(frozen=True)
class PodChange:
    component: str
    a_level: str | None
    b_level: str | None

    @property
    def kind(self) -> str:
        return "added" if self.a_level is None else "removed" if self.b_level is None else "level"


@dataclass(frozen=True)
class RootChange:
    component: str
    container: str
    a_reason: str | None
    b_reason: str | None

    @property
    def kind(self) -> str:
        return "added" if self.a_reason is None else "removed" if self.b_reason is None else "reason"


@dataclass(frozen=True)
class PathChange:
    pod: str
    direction: str  # ingress | egress
    peer: str
    opened: bool
    context: str = ""
    """Why the path changed when a pod exists on one side only: pod-added, pod-removed, peer-added, peer-removed;
    empty when both ends exist on both sides (the policies changed)."""

    @property
    def internet(self) -> bool:
        return self.peer == "internet"


@dataclass(frozen=True)
class ClaimChange:
    claim: str
    component: str | None
    a: VolumeReport | None
    b: VolumeReport | None

    @property
    def kinds(self) -> list[str]:
        if self.a is None:
            return ["added"]
        if self.b is None:
            return ["removed"]
        a, b = self.a.claim, self.b.claim
        found = ["resized"] if a.size != b.size else []
        if a.storage_class != b.storage_class or sorted(a.access_modes) != sorted(b.access_modes):
            found.append("reclassified")
        if a.created != b.created:
            found.append("now-created" if b.created else "now-reused")
        return found


@dataclass(frozen=True)
class FindingChange:
    finding: Any
    added: bool


@dataclass
class Diff:
    a_label: str
    b_label: str
    a_version: str
    b_version: str
    plans_compared: bool
    fields: list[Change] = field(default_factory=list)
    charts: list[ChartPresence] = field(default_factory=list)
    values: list[Change] = field(default_factory=list)
    pods: list[PodChange] = field(default_factory=list)
    roots: list[RootChange] = field(default_factory=list)
    paths: list[PathChange] = field(default_factory=list)
    claims: list[ClaimChange] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def different(self) -> bool:
        return any((self.fields, self.values, self.pods, self.roots, self.paths, self.claims, self.findings,
                    [c for c in self.charts if c.a != c.b]))


def leaf_changes(a: Any, b: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(dotted key, a, b) for every leaf that differs. Maps recurse by key, lists of maps of the same length by
    index (`channels[0].name`); any other list is one value, as Helm replaces lists whole."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            yield from leaf_changes(a.get(key, ABSENT), b.get(key, ABSENT), _join(path, key))
    elif (isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and a != b
          and all(isinstance(item, dict) for item in a + b)):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from leaf_changes(x, y, f"{path}[{index}]")
    elif a != b or type(a) is not type(b):
        yield path, a, b


def _join(path: str, key: object) -> str:
    text = str(key)
    if "." in text or "[" in text or "/" in text:
        text = f'"{text}"'
    return f"{path}.{text}" if path else text


def compare(a: Any, b: Any, a_report: Report, b_report: Report) -> Diff:
    """The Diff of two Sides (sources.Side) and their Reports."""
    diff = Diff(a.label, b.label, a_report.k8s_version, b_report.k8s_version,
                a.plan is not None and b.plan is not None, notes=[*a.notes, *b.notes])
    if diff.plans_compared:
        diff.fields = _plan_changes(a.plan, b.plan)
    else:
        missing = " and ".join(s.label for s in (a, b) if s.plan is None)
        diff.notes.append(f"Plan fields not compared: no Plan for {missing}")
    _values(diff, a.inputs, b.inputs)
    _implications(diff, a_report, b_report)
    return diff


def _plan_changes(a: Any, b: Any) -> list[Change]:
    from wizard.planning.declare import declaration

    changes = []
    for key, x, y in leaf_changes(a.model_dump(mode="json"), b.model_dump(mode="json")):
        try:
            label = declaration(key).label
        except KeyError:
            label = key
        changes.append(Change(key, x, y, label=label))
    return changes


def _values(diff: Diff, a_inputs: list[Any], b_inputs: list[Any]) -> None:
    from wizard.support.sources import CHARTS

    a_by, b_by = {i.release.chart: i for i in a_inputs}, {i.release.chart: i for i in b_inputs}
    for chart in CHARTS:
        x, y = a_by.get(chart), b_by.get(chart)
        if x is None and y is None:
            continue
        diff.charts.append(ChartPresence(chart, x.release if x else None, y.release if y else None))
        version = (x or y).release.version
        defaults = load_defaults(chart, version)
        merged_a = coalesce(defaults, dict(x.values)) if x else defaults
        merged_b = coalesce(defaults, dict(y.values)) if y else defaults
        diff.values += [Change(key, v, w, chart=chart) for key, v, w in leaf_changes(merged_a, merged_b)]


def _pod_key(pods: list[PodReport]) -> dict[str, PodReport]:
    """Pods by component; a component seen twice is told apart by its object."""
    counts: dict[str, int] = {}
    for pod in pods:
        counts[pod.component] = counts.get(pod.component, 0) + 1
    return {pod.component if counts[pod.component] == 1 else f"{pod.component} ({pod.object})": pod for pod in pods}


def _implications(diff: Diff, a: Report, b: Report) -> None:
    pods_a, pods_b = _pod_key(a.pods), _pod_key(b.pods)
    names = [*pods_a, *(n for n in pods_b if n not in pods_a)]
    for name in names:
        x, y = pods_a.get(name), pods_b.get(name)
        if x is None or y is None or x.pss_level != y.pss_level:
            diff.pods.append(PodChange(name, x.pss_level if x else None, y.pss_level if y else None))
        roots_a = {r.container: r.reason for r in x.root_containers} if x else {}
        roots_b = {r.container: r.reason for r in y.root_containers} if y else {}
        for container in [*roots_a, *(c for c in roots_b if c not in roots_a)]:
            if roots_a.get(container) != roots_b.get(container):
                diff.roots.append(RootChange(name, container, roots_a.get(container), roots_b.get(container)))
        paths_a, paths_b = _paths(x), _paths(y)
        diff.paths += [PathChange(name, d, p, False, _context(name, p, pods_a, pods_b))
                       for d, p in sorted(paths_a - paths_b)]
        diff.paths += [PathChange(name, d, p, True, _context(name, p, pods_a, pods_b))
                       for d, p in sorted(paths_b - paths_a)]
    _claims(diff, a.volumes, b.volumes)
    seen_a = {(f.area, f.severity, f.message, f.values_key) for f in a.findings}
    seen_b = {(f.area, f.severity, f.message, f.values_key) for f in b.findings}
    diff.findings += [FindingChange(f, False) for f in a.findings if _key(f) not in seen_b]
    diff.findings += [FindingChange(f, True) for f in b.findings if _key(f) not in seen_a]


def _context(pod: str, peer: str, pods_a: dict[str, PodReport], pods_b: dict[str, PodReport]) -> str:
    for name, role in ((pod, "pod"), (peer, "peer")):
        if name in pods_a and name not in pods_b:
            return f"{role}-removed"
        if name in pods_b and name not in pods_a:
            return f"{role}-added"
    return ""


def _key(finding: Any) -> tuple[str, str, str, str | None]:
    return finding.area, finding.severity, finding.message, finding.values_key


def _paths(pod: PodReport | None) -> set[tuple[str, str]]:
    if pod is None:
        return set()
    return {("ingress", p) for p in pod.ingress_from} | {("egress", p) for p in pod.egress_to}


def _claims(diff: Diff, a: list[VolumeReport], b: list[VolumeReport]) -> None:
    by_a, by_b = {v.claim.name: v for v in a}, {v.claim.name: v for v in b}
    for name in [*by_a, *(n for n in by_b if n not in by_a)]:
        change = ClaimChange(name, (by_b.get(name) or by_a[name]).component, by_a.get(name), by_b.get(name))
        if change.kinds:
            diff.claims.append(change)
