"""Issue contract: `wizard explain` of the chart defaults matches the Substra reference page (Pod Security, Network
Policies, Volumes) except where a finding names the difference; the chart wins, the finding says both sides.

The page's claims are tests/data/reference_page.yaml (ours, always present). The report is the one of the chart
DEFAULTS through the embedded models: orchestrator, substra-backend and substra-frontend with empty values, releases
orchestrator/backend/frontend, run-time pods included (Kaniko build and compute pods are on the page). Namespaces are
the minimal preset's: the orchestrator in `orchestrator`, the backend in `org-1`, and the frontend next to its backend
in `org-1` (as the production preset does). The page describes one organisation next to its orchestrator; sharing one
namespace would add an artefact of co-location the page does not describe (the backend's and the orchestrator's
database policies select each other's postgres by labels alone, FACTS.md §4).

A difference is (component, aspect, peer, page side): a peer or claim the page lists and the report lacks, one the
report has and the page does not list, a level or root container the page rules out, a claim attribute that differs.
A finding NAMES a difference when its message says "the reference page" (the page's side; the report's side is the
finding itself) and mentions the component id as a whole word, and
  * network: mentions the peer id as a whole word; for a peer the report has and the page does not, the catch-all
    wording of the storage findings also counts: "every pod" for any incoming peer but the internet, "any address"
    for any outgoing peer;
  * pod security: says "baseline" (level) or "root" (root containers);
  * volumes: is a volumes finding whose values key (or message) is the claim's reuse key.
Removing any one finding that names a difference leaves one unnamed (two documented exceptions that another finding
names too): test_every_finding_that_names_a_difference_is_needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest
from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.components import ChartRelease
from wizard.charts.renderer import EmbeddedRenderer
from wizard.cli import main
from wizard.reporting.explain import ChartInput, explain
from wizard.reporting.findings import add_findings
from wizard.reporting.report import Finding, Report, build

PAGE = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "reference_page.yaml").read_text())
PAGE_TEXT = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / PAGE["source"]
RELEASES = (("orchestrator", "orchestrator", "orchestrator"), ("substra-backend", "backend", "org-1"),
            ("substra-frontend", "frontend", "org-1"))
NETWORK = PAGE["network_policies"]["pods"]
CONDITIONAL = PAGE["network_policies"]["conditional"]
ROOT_COMPONENTS = set(PAGE["pod_security"]["root_only"]["components"])
ROOT_CONTAINERS = set(PAGE["pod_security"]["root_only"]["containers"])


@dataclass(frozen=True)
class Difference:
    component: str
    aspect: str
    """incoming, outgoing, pss, root or volume."""
    peer: str
    """The peer, the pod's level, the root container, or the claim's reuse key (its kind when it has none)."""
    page: str
    """What the page says."""
    extra: bool = False
    """The report has what the page does not list (rather than the page claiming what the report lacks)."""


def merge(*trees: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for tree in trees:
        for key, value in tree.items():
            merged[key] = merge(merged[key], value) if isinstance(value, Mapping) and key in merged else value
    return merged


def inputs(values: Mapping[str, Any] | None = None) -> list[ChartInput]:
    values = values or {}
    return [ChartInput(ChartRelease(chart, SUPPORTED_VERSIONS[chart], release, namespace), values.get(chart, {}))
            for chart, release, namespace in RELEASES]


def report_of(values: Mapping[str, Any] | None = None) -> Report:
    return explain(inputs(values), version=pss.LATEST)


# Everything the page describes that the defaults leave off: the conditional jobs and the LocalStack claim.
OPTIONAL_VALUES = merge(*CONDITIONAL.values(), *(v["when"] for v in PAGE["volumes"] if "when" in v),
                        {"substra-backend": {"privateCa": {"enabled": True, "image": {"tag": "1.0.1"}}}})


@pytest.fixture(scope="module")
def defaults() -> Report:
    return report_of()


@pytest.fixture(scope="module")
def optional() -> Report:
    return report_of(OPTIONAL_VALUES)


def page_id(name: str) -> str:
    """Our numbered ids (registry-prepopulate-0) in the page's terms."""
    return re.sub(r"^(registry-prepopulate)-\d+$", r"\1", name)


def network_differences(report: Report, scope: Iterable[str] | None = None) -> list[Difference]:
    """Per component on the page: peers it lists and the report lacks, peers the report has and it does not list.
    With `scope`, only rows of those components and peers that are those components."""
    scope = set(scope) if scope is not None else None
    pods = {page_id(p.component): p for p in report.pods}
    found = []
    for component, row in NETWORK.items():
        if component not in pods:
            continue
        pod = pods[component]
        for aspect, reported in (("incoming", pod.ingress_from), ("outgoing", pod.egress_to)):
            page, have = set(row[aspect]), {page_id(p) for p in reported}
            page = {p for p in page if p not in NETWORK or p in pods}  # peers this configuration deploys
            said = f"{component} {aspect}: {', '.join(sorted(row[aspect])) or 'NONE'}"
            found += [Difference(component, aspect, p, said) for p in sorted(page - have)]
            found += [Difference(component, aspect, p, said, extra=True) for p in sorted(have - page)]
    if scope is None:
        return found
    return [d for d in found if d.component in scope or d.peer in scope]


def security_differences(report: Report) -> list[Difference]:
    found = []
    for pod in report.pods:
        component = page_id(pod.component)
        if pod.pss_level not in ("baseline", "restricted"):
            found.append(Difference(component, "pss", pod.pss_level, "every pod is baseline"))
        for root in pod.root_containers:
            if component not in ROOT_COMPONENTS and root.container not in ROOT_CONTAINERS:
                found.append(Difference(component, "root", root.container, "root only in Kaniko pods and add-cert"))
    return found


def volume_differences(report: Report, rows: Sequence[Mapping[str, Any]]) -> list[Difference]:
    found = []
    listed = {row["kind"] for row in PAGE["volumes"]}
    for row in rows:
        claims = [v for v in report.volumes if v.row is not None and v.row.id == row["kind"]]
        key = row["reuse_key"] or row["kind"]
        if not claims:
            found.append(Difference(row["component"], "volume", key, f"{row['kind']} claim exists"))
        for claim in claims:
            seen = {"component": claim.component, "size": claim.claim.size,
                    "access_mode": ",".join(claim.claim.access_modes), "reusable": claim.existing_claim_key is not None,
                    "reuse_key": claim.existing_claim_key}
            found += [Difference(row["component"], "volume", key, f"{row['kind']} {attr}: {row[attr]}")
                      for attr, value in seen.items() if row[attr] != value]
    for claim in report.volumes:
        kind = claim.row.id if claim.row is not None else claim.claim.name
        if kind not in listed:
            found.append(Difference(claim.component or "?", "volume", claim.existing_claim_key or kind,
                                    "not in the page's volume tables", extra=True))
    return found


def mentions(message: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?:-\d+)?(?![\w-])", message) is not None


def names(finding: Finding, difference: Difference) -> bool:
    """See the module docstring."""
    text = finding.message
    if "the reference page" not in text:
        return False
    if difference.aspect == "volume":
        return finding.area == "volumes" and difference.peer in (finding.values_key, *re.findall(r"[\w.-]+", text))
    if not mentions(text, difference.component):
        return False
    if difference.aspect == "pss":
        return "baseline" in text
    if difference.aspect == "root":
        return "root" in text
    if mentions(text, difference.peer):
        return True
    if not difference.extra:
        return False
    if difference.aspect == "incoming":
        return difference.peer != "internet" and "every pod" in text
    return "any address" in text


def unnamed(differences: Iterable[Difference], findings: Sequence[Finding]) -> list[Difference]:
    return [d for d in differences if not any(names(f, d) for f in findings)]


def all_differences(report: Report, optional_report: Report) -> list[tuple[Report, Difference]]:
    scope = {*CONDITIONAL}
    rows = [r for r in PAGE["volumes"] if "when" not in r]
    optional_rows = [r for r in PAGE["volumes"] if "when" in r]
    return [*((report, d) for d in network_differences(report) + security_differences(report)
              + volume_differences(report, rows)),
            *((optional_report, d) for d in network_differences(optional_report, scope)
              + security_differences(optional_report) + volume_differences(optional_report, optional_rows))]


def explain_unnamed(pairs: Iterable[tuple[Report, Difference]]) -> list[str]:
    return [f"{d.component} {d.aspect} {'has' if d.extra else 'lacks'} {d.peer} (page: {d.page})"
            for report, d in pairs
            if not any(names(f, d) for f in report.findings)]


# --- the contract -----------------------------------------------------------------------------------------


def test_the_defaults_deploy_every_component_on_the_page_but_the_conditional_ones(defaults: Report,
                                                                                   optional: Report) -> None:
    deployed = {page_id(p.component) for p in defaults.pods}
    assert set(NETWORK) - deployed == set(CONDITIONAL)
    assert set(CONDITIONAL) <= {page_id(p.component) for p in optional.pods}
    assert {v.row.id for v in optional.volumes if v.row} >= {r["kind"] for r in PAGE["volumes"] if "when" in r}


def test_every_difference_with_the_page_is_named_by_a_finding(defaults: Report, optional: Report) -> None:
    pairs = all_differences(defaults, optional)
    assert len(pairs) > 50  # the page and the charts do differ: a vacuous comparison would find nothing
    assert explain_unnamed(pairs) == []


def test_where_no_finding_speaks_the_report_agrees_with_the_page(defaults: Report) -> None:
    """Spot checks of agreement, so a broken comparison cannot pass by naming everything."""
    pods = {p.component: p for p in defaults.pods}
    assert pods["backend-migrations"].egress_to == ["backend-database", "kube-dns"]
    assert pods["backend-migrations"].ingress_from == []
    assert pods["orchestrator-migrations"].egress_to == ["kube-dns", "orchestrator-database"]
    assert pods["backend-task-execution"].ingress_from == []
    assert {p.pss_level for p in defaults.pods} <= {"baseline", "restricted"}
    assert [p.component for p in defaults.pods if p.root_containers] == ["backend-task-build"]
    (only,) = volume_differences(defaults, [r for r in PAGE["volumes"] if "when" not in r])
    servermedias = "server.persistence.servermedias.existingClaim"
    assert (only.component, only.peer, only.extra) == ("backend-server", servermedias, True)


def naming_findings(report: Report, pairs: Sequence[tuple[Report, Difference]]) -> list[Finding]:
    return [f for f in report.findings if any(r is report and names(f, d) for r, d in pairs)]


# Findings that name only differences another finding names too: the orchestrator ipBlock finding lists every backend
# client of orchestrator-server with "internet or cluster-private", so it also matches these two. Listed so that
# removing either still fails a test.
ALSO_NAMED_ELSEWHERE = {
    "backend-server admits 0.0.0.0/0, private ranges included": "backend-server incoming cluster-private",
    "may open connections to the internet on all ports (role-internet-egress": "backend-worker/-builder outgoing "
                                                                               "internet",
}


@pytest.mark.parametrize("which", ["defaults", "optional"])
def test_every_finding_that_names_a_difference_is_needed(which: str, defaults: Report, optional: Report) -> None:
    """Dropping any one finding that names a difference leaves a difference unnamed (or it is one of the two above)."""
    pairs = all_differences(defaults, optional)
    report = defaults if which == "defaults" else optional
    needless = []
    for finding in naming_findings(report, pairs):
        without = [(replace(r, findings=[f for f in r.findings if f is not finding]) if r is report else r, d)
                   for r, d in pairs]
        if not explain_unnamed(without) and not any(p in finding.message for p in ALSO_NAMED_ELSEWHERE):
            needless.append(finding.message)
    assert needless == []
    assert len(naming_findings(report, pairs)) >= (24 if which == "defaults" else 8)


def test_the_findings_also_named_elsewhere_are_there(defaults: Report) -> None:
    for phrase in ALSO_NAMED_ELSEWHERE:
        assert any(phrase in f.message for f in defaults.findings), phrase


def test_the_comparison_fails_without_findings(defaults: Report, optional: Report) -> None:
    bare = [(replace(r, findings=[]), d) for r, d in all_differences(defaults, optional)]
    assert len(explain_unnamed(bare)) == len(bare)


# --- findings are derived: they go when the configuration closes the difference -------------------------------------


def test_turning_off_the_redis_subchart_policy_closes_its_difference() -> None:
    report = report_of({"substra-backend": {"redis": {"networkPolicy": {"enabled": False}}}})
    redis = next(p for p in report.pods if p.component == "backend-redis")
    assert set(redis.ingress_from) == set(NETWORK["backend-redis"]["incoming"])
    assert not any(mentions(f.message, "backend-redis") and "every pod" in f.message for f in report.findings)
    assert [d for d in network_differences(report) if d.component == "backend-redis" and d.aspect == "incoming"] == []


def rendered(patch: Any = None) -> list[Manifest]:
    renderer, manifests = EmbeddedRenderer(), []
    for chart, release, namespace in RELEASES:
        objects = renderer.render_with_runtime_pods(chart, SUPPORTED_VERSIONS[chart], {}, release=release,
                                                    namespace=namespace)
        manifests += [Manifest(patch(obj) if patch else obj, chart, i) for i, obj in enumerate(objects, 1)]
    return manifests


def report_of_manifests(manifests: list[Manifest]) -> Report:
    charts = [ChartRelease(c, SUPPORTED_VERSIONS[c], r, n) for c, r, n in RELEASES]
    return add_findings(build(manifests, version=pss.LATEST, default_namespace="orchestrator", source="manifests",
                              charts=charts), manifests)


def with_frontend_dns(obj: dict[str, Any]) -> dict[str, Any]:
    """The frontend policy as an operator adjusts it, as the page invites: DNS egress to kube-dns."""
    if obj.get("kind") != "NetworkPolicy" or obj["metadata"]["name"] != "frontend-substra-frontend":
        return obj
    dns = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                   "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
           "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}
    return {**obj, "spec": {**obj["spec"], "egress": [dns]}}


def with_labelled_orchestrator_migrations(obj: dict[str, Any]) -> dict[str, Any]:
    """The orchestrator's migrations Job with the labels that bring it under orchestrator-deny-all."""
    if obj.get("kind") != "Job" or obj["metadata"]["name"] != "orchestrator-migrations":
        return obj
    template = obj["spec"]["template"]
    labels = {**template["metadata"].get("labels", {}), "app.kubernetes.io/instance": "orchestrator",
              "app.kubernetes.io/name": "orchestrator"}
    spec = {**obj["spec"], "template": {**template, "metadata": {**template["metadata"], "labels": labels}}}
    return {**obj, "spec": spec}


@pytest.mark.parametrize(("patch", "component", "phrase"), [
    (with_frontend_dns, "frontend", "cannot reach kube-dns"),
    (with_labelled_orchestrator_migrations, "orchestrator-migrations", "is not isolated for ingress"),
])
def test_a_finding_goes_when_adjusted_policies_close_the_difference(patch: Any, component: str, phrase: str) -> None:
    def finding(report: Report) -> list[str]:
        return [f.message for f in report.findings if phrase in f.message and mentions(f.message, component)]

    before, after = report_of_manifests(rendered()), report_of_manifests(rendered(patch))
    assert finding(before) and not finding(after)
    aspect = "outgoing" if component == "frontend" else "incoming"
    assert [d for d in network_differences(before) if d.component == component and d.aspect == aspect]
    assert [d for d in network_differences(after) if d.component == component and d.aspect == aspect] == []


# --- the command and the page itself ------------------------------------------------------------------------------


def test_explain_minimal_markdown_shows_the_three_tables(capsys) -> None:
    assert main(["explain", "--preset", "minimal", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    for heading, columns in (("## Pod Security Standards", "| Pod | Object | Level | Runs as root |"),
                             ("## Network Policies", "| Pod | Incoming | Outgoing |"),
                             ("## Volumes", "| Claim | Component | Created or reused | Size |")):
        assert heading in out and columns in out
    assert "## Findings" in out and "the reference page" in out


PAGE_NAMES = {"backend-migrations": "job-migrations (backend)", "orchestrator-migrations": "job-migrations (orc)"}


@pytest.mark.skipif(not PAGE_TEXT.is_file(), reason=f"{PAGE_TEXT} is absent: the reference page lives in ../shared")
def test_the_yaml_has_a_row_for_every_row_of_the_page() -> None:
    lines = [line.strip() for line in PAGE_TEXT.read_text().splitlines()]
    start, jobs, end = lines.index("---|---|---|"), lines.index("JOBS |"), lines.index("Note")
    # Three lines per row (pod, incoming, outgoing); the JOBS line and its empty cells ("||") start the second part.
    rows = {line.removesuffix(" |") for line in [*lines[start + 1:jobs:3], *lines[jobs + 2:end:3]]}
    assert {PAGE_NAMES.get(c, c) for c in NETWORK} == rows
