"""The Report: what a deployment does to security, network and volumes, per Substra component, from manifests.

The same function serves the embedded chart model and real renders (`wizard explain --manifests`), so the two can be
compared pod by pod. `as_json` is the stable contract documented in the README (schema substra-wizard/report@1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.analysis.netpol import Connection, Connectivity, analyze
from wizard.analysis.netpol_model import from_manifests
from wizard.analysis.root import RootContainer, root_containers
from wizard.analysis.volumes import VolumeClaim, inventory
from wizard.charts.claims import CLAIMS_BY_ID, Claim
from wizard.charts.components import (
    ChartRelease,
    charts_in,
    component_of,
    is_helm_test,
    is_runtime,
    labels_of,
    release_of,
)

SCHEMA = "substra-wizard/report@1"
KUBE_DNS_KEY = "kube-system/kube-dns"


@dataclass(frozen=True)
class PodReport:
    component: str
    object: str
    chart: str | None
    runtime: bool
    pss_level: str
    violations: dict[str, list[str]]
    root_containers: list[RootContainer]
    ingress_from: list[str]
    egress_to: list[str]
    incoming: list[Connection] = field(repr=False, default_factory=list)
    outgoing: list[Connection] = field(repr=False, default_factory=list)
    namespace: str = ""
    internet_policies: list[str] = field(default_factory=list)
    """The NetworkPolicies that let the internet in (empty while it is open to the internet: no policy isolates its
    ingress)."""


@dataclass(frozen=True)
class VolumeReport:
    claim: VolumeClaim
    chart: str | None
    component: str | None
    row: Claim | None
    """The wizard's knowledge of this volume (claims.py), when it is one of the charts' own."""

    @property
    def existing_claim_key(self) -> str | None:
        """The values key that makes the chart reuse a claim instead of creating this one."""
        if self.row is None or not self.row.reusable:
            return None
        return ".".join((*self.row.prefix, "existingClaim"))


SEVERITIES = ("danger", "warning", "info")
"""A finding's severity, most severe first: the order every format lists them in."""
AREAS = ("security", "network", "volumes")


@dataclass(frozen=True)
class Finding:
    area: str
    severity: str
    message: str
    values_key: str | None = None


@dataclass
class Report:
    k8s_version: str
    source: str
    charts: list[ChartRelease]
    pods: list[PodReport]
    volumes: list[VolumeReport]
    findings: list[Finding] = field(default_factory=list)
    helm_tests: list[str] = field(default_factory=list)
    """`helm test` pods, shown apart: they run only when someone runs helm test."""


def build(manifests: Sequence[Manifest], *, version: tuple[int, int], default_namespace: str, source: str,
          charts: Sequence[ChartRelease] = ()) -> Report:
    """Analyse the manifests and name everything by Substra component."""
    tests = [m for m in manifests if is_helm_test(m)]
    kept = [m for m in manifests if not is_helm_test(m)]
    charts = list(charts) or charts_in(kept, default_namespace)
    workloads = [m for m in kept if pod_spec(m.obj) is not None]
    components = {_key(m, default_namespace): component_of(m, charts) for m in workloads}
    connectivity = analyze(*from_manifests(kept, default_namespace))
    known = {p.key for p in connectivity.pods}
    pods = [_pod_report(m, components, charts, connectivity if _key(m, default_namespace) in known else None,
                        version, default_namespace) for m in workloads]
    volumes = [_volume_report(claim, components, charts) for claim in inventory(kept, default_namespace)]
    return Report(pss.format_version(version), source, charts, pods, volumes, helm_tests=[m.label for m in tests])


def _key(manifest: Manifest, default_namespace: str) -> str:
    return f"{manifest.namespace or default_namespace}/{manifest.name}"


def _chart_of(manifest: Manifest, charts: Sequence[ChartRelease]) -> str | None:
    release = release_of(labels_of(manifest.obj))
    matching = [c.chart for c in charts if c.release == release]
    return matching[0] if len(matching) == 1 else (charts[0].chart if len(charts) == 1 else None)


def _pod_report(manifest: Manifest, components: dict[str, str], charts: Sequence[ChartRelease],
                connectivity: Connectivity | None, version: tuple[int, int], default_namespace: str) -> PodReport:
    """`connectivity` is None for a workload the network analysis keeps under another name (two kinds, one name)."""
    pod = {"metadata": pod_metadata(manifest.obj), "spec": pod_spec(manifest.obj)}
    key = _key(manifest, default_namespace)
    incoming = connectivity.incoming(key) if connectivity else []
    outgoing = connectivity.outgoing(key) if connectivity else []
    violations = {level: [str(v) for v in found] for level, found in pss.evaluate_levels(pod, version).items()}
    level = "restricted" if not violations["restricted"] else "baseline" if not violations["baseline"] else "privileged"
    return PodReport(
        component=components[key],
        object=manifest.label,
        chart=_chart_of(manifest, charts),
        runtime=is_runtime(manifest),
        pss_level=level,
        violations=violations,
        root_containers=root_containers(pod),
        ingress_from=_peers((c.source for c in incoming), components),
        egress_to=_peers((c.destination for c in outgoing), components),
        incoming=incoming,
        outgoing=outgoing,
        namespace=manifest.namespace or default_namespace,
        internet_policies=connectivity.admitting(key, "internet") if connectivity else [],
    )


def _peers(peers: Any, components: dict[str, str]) -> list[str]:
    """Peer ids: a component, or kube-dns, internet, cluster-private, other-namespaces."""
    found = set()
    for peer in peers:
        if peer.kind == "pod":
            found.add("kube-dns" if peer.name == KUBE_DNS_KEY else components.get(peer.name, peer.name))
        else:
            found.add(peer.name)
    return sorted(found)


def _volume_report(claim: VolumeClaim, components: dict[str, str], charts: Sequence[ChartRelease]) -> VolumeReport:
    users = [f"{claim.namespace}/{label.split('/', 1)[1]}" for label in claim.mounted_by]
    component = next((components[u] for u in users if u in components), None)
    chart = next((c.chart for c in charts if component and component.startswith(_CHART_PREFIX.get(c.chart, "-"))),
                 None)
    return VolumeReport(claim, chart, component, _claim_row(component, claim.name))


_CHART_PREFIX = {"orchestrator": "orchestrator-", "substra-backend": "backend-", "substra-frontend": "frontend"}
_ROW_BY_COMPONENT = {"orchestrator-database": "orchestrator_database", "backend-database": "backend_database",
                     "backend-redis": "redis", "backend-docker-registry": "docker_registry",
                     "backend-server": "servermedias"}


def _claim_row(component: str | None, claim: str) -> Claim | None:
    """Which of the charts' volumes (claims.py) a claim is, from the component that mounts it and its name."""
    if component == "backend-object-storage":
        return CLAIMS_BY_ID["localstack" if "localstack" in claim else "minio"]
    if component in ("backend-worker", "backend-builder"):
        if claim.startswith("docker-cache-"):
            return CLAIMS_BY_ID["kaniko_cache"]
        if claim.startswith("subtuple-"):
            return CLAIMS_BY_ID[component.removeprefix("backend-")]
        return CLAIMS_BY_ID["servermedias"]  # the worker also mounts the server's media with DataSampleStorage...
    return CLAIMS_BY_ID.get(_ROW_BY_COMPONENT.get(component or "", ""))


def as_json(report: Report) -> dict[str, Any]:
    """The stable JSON contract (README, 'wizard explain --format json')."""
    return {
        "schema": SCHEMA,
        "k8s_version": report.k8s_version.removeprefix("v"),
        "source": report.source,
        "charts": [{"chart": c.chart, "version": c.version, "release": c.release, "namespace": c.namespace}
                   for c in report.charts],
        "pods": [{"component": p.component, "object": p.object, "chart": p.chart, "runtime": p.runtime,
                  "pss_level": p.pss_level, "violations": p.violations,
                  "root_containers": [{"container": r.container, "reason": r.reason} for r in p.root_containers],
                  "ingress_from": p.ingress_from, "egress_to": p.egress_to} for p in report.pods],
        "volumes": [{"claim": v.claim.name, "chart": v.chart, "component": v.component, "created": v.claim.created,
                     "size": v.claim.size, "storage_class": v.claim.storage_class,
                     "access_modes": list(v.claim.access_modes), "existing_claim_key": v.existing_claim_key}
                    for v in report.volumes],
        "findings": [{"area": f.area, "severity": f.severity, "message": f.message, "values_key": f.values_key}
                     for f in report.findings],
    }
