"""What an operator needs to know about a Report, each finding with the values key that causes it, and where the
charts differ from the Substra reference page (the chart wins; the finding says both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wizard.analysis.manifests import Manifest, pod_spec
from wizard.analysis.root import IMAGE_DEFAULT
from wizard.charts.chart_defaults import MISSING, get_path
from wizard.reporting.credential_findings import credential_findings
from wizard.reporting.reference_page import page_findings
from wizard.reporting.report import AREAS, SEVERITIES, Finding, PodReport, Report

STORAGE = ("backend-database", "backend-redis", "backend-object-storage", "backend-docker-registry",
           "orchestrator-database")
# The values key that brings a component (and so its security context) into the deployment.
_CAUSE = {"backend-task-build": "builder.enabled", "backend-task-execution": "config.COMPUTE_POD_GKE_GPUS_LIMITS",
          "job-delete-compute-task": "hooks.deleteComputePods.enabled",
          "job-delete-stateful-pvc": "hooks.deleteWorkerPvc.enabled"}
# The Bitnami subcharts' own policies open what Substra's restrict: with `allowExternal` (and `allowExternalEgress`)
# off they admit only the chart's own and client-labelled pods, and Substra's policies still let the backend's pods in
# (FACTS_ACCOUNTS_NETWORK_IMAGES.md §2.4). The wizard's decision features.close_storage sets exactly these keys.
_SUBCHART_POLICY = {"backend-database": "postgresql.primary.networkPolicy",
                    "orchestrator-database": "postgresql.primary.networkPolicy",
                    "backend-redis": "redis.networkPolicy",
                    "backend-object-storage": "minio.networkPolicy"}
CLOSE_STORAGE = "features.close_storage"
_CLOSE_HOW = f"in the wizard: {CLOSE_STORAGE}, \"Close the storage pods to outsiders\", closes every storage pod"
DNS_PORT = 53
_REFERENCE_ROOT = "the reference page says only Kaniko build pods and the add-cert init container run as root"


def add_findings(report: Report, manifests: Sequence[Manifest]) -> Report:
    """The report with its findings filled in: DANGER, then WARNING, then INFO, each by area (security, network,
    volumes), so that what must be fixed comes first in every front end and format."""
    found = [*_malformed(manifests), *_security(report.pods), *_network(report.pods), *page_findings(report),
             *_volumes(report), *_broken_images(manifests)]
    if report.helm_tests:
        found.append(Finding("security", "info", f"helm test pods left out of the tables (they run only on helm "
                                                 f"test): {', '.join(report.helm_tests)}"))
    report.findings = ordered(found)
    return report


def ordered(found: Sequence[Finding]) -> list[Finding]:
    """Most severe first, then by area; the order of discovery otherwise (the sort is stable)."""
    return sorted(found, key=lambda f: (SEVERITIES.index(f.severity), AREAS.index(f.area)))


def _cause(pod: PodReport) -> str | None:
    if any(r.container == "add-cert" for r in pod.root_containers):
        return "privateCa.enabled"
    if pod.component.startswith("registry-prepopulate-"):
        return "containerRegistry.prepopulate"
    if pod.component == "backend-object-storage" and "localstack" in pod.object:
        return "localstack.enabled"
    return _CAUSE.get(pod.component)


def _security(pods: Iterable[PodReport]) -> list[Finding]:
    found = []
    for pod in pods:
        if pod.pss_level != "restricted":
            why = "; ".join(pod.violations["restricted"])
            severity = "danger" if pod.pss_level == "privileged" else "warning"
            found.append(Finding("security", severity, f"{pod.component} passes only Pod Security {pod.pss_level}: "
                                                       f"{why}", _cause(pod)))
        explicit = [r for r in pod.root_containers if r.reason != IMAGE_DEFAULT]
        maybe = [r for r in pod.root_containers if r.reason == IMAGE_DEFAULT]
        expected = pod.component == "backend-task-build" or all(r.container == "add-cert" for r in explicit)
        note = "" if expected and not maybe else f" ({_REFERENCE_ROOT})"
        if explicit:
            names = ", ".join(f"{r.container} ({r.reason})" for r in explicit)
            found.append(Finding("security", "danger", f"{pod.component} runs as root: {names}{note}", _cause(pod)))
        if maybe:
            names = ", ".join(r.container for r in maybe)
            found.append(Finding("security", "warning", f"{pod.component} may run as root: nothing stops the image's "
                                 f"own user in {names} (no runAsUser, no runAsNonRoot){note}", _cause(pod)))
    return found


def _policy_key(pod: PodReport, key: str) -> str | None:
    """The subchart policy key behind a storage pod's openness (LocalStack and the registry ship no policy)."""
    if pod.component == "backend-object-storage" and "localstack" in pod.object:
        return None
    prefix = _SUBCHART_POLICY.get(pod.component)
    return f"{prefix}.{key}" if prefix else None


def _dns_only(pod: PodReport) -> bool:
    """Every connection the pod may open beyond the cluster's known peers is DNS (the Bitnami egress rule with
    allowExternalEgress off allows port 53 to any destination)."""
    wide = {"internet", "cluster-private", "other-namespaces"}
    return all(all(start == end == DNS_PORT for _, start, end in c.ports.ranges) and not c.ports.other
               for c in pod.outgoing if c.destination.name in wide)


def _network(pods: Iterable[PodReport]) -> list[Finding]:
    found = []
    for pod in pods:
        public_in = "internet" in pod.ingress_from
        if pod.component == "backend-docker-registry" and public_in:
            found.append(Finding("network", "warning", "backend-docker-registry accepts connections from the internet "
                                 "on its port and the NodePort range: the chart's registry-ingress policy allows "
                                 "0.0.0.0/0 so that the kubelet can pull built images through the NodePort; the "
                                 "reference page says storage pods are reachable only from inside the cluster",
                                 "containerRegistry.local"))
        elif pod.component in STORAGE and public_in:
            key = _policy_key(pod, "allowExternal")
            fix = f"; close it with {key}: false ({_CLOSE_HOW})" if key else ""
            found.append(Finding("network", "danger", f"{pod.component} accepts connections from the internet (and "
                                 "every pod of every namespace); the reference page says storage pods are reachable "
                                 f"only from inside the cluster{fix}", key))
        elif public_in:
            ports = next((c.ports.describe() for c in pod.incoming if c.source.name == "internet"), "some ports")
            found.append(Finding("network", "warning", f"{pod.component} accepts connections from the internet on "
                                                       f"{ports}", None))
        if pod.component in STORAGE and {"internet", "cluster-private"} & set(pod.egress_to):
            key = _policy_key(pod, "allowExternalEgress")
            if _dns_only(pod):
                found.append(Finding("network", "info", f"{pod.component} may open connections to any address on "
                                     "port 53 only (DNS: the subchart's egress rule names no destination); the "
                                     "reference page says storage pods have no outgoing connections", key))
            else:
                fix = f"; close it with {key}: false ({_CLOSE_HOW})" if key else ""
                found.append(Finding("network", "warning", f"{pod.component} may open connections to any address; "
                                     f"the reference page says storage pods have no outgoing connections{fix}", key))
    return found


def _volumes(report: Report) -> list[Finding]:
    found = [Finding("volumes", "info", f"{v.claim.name} is reused, not created: it must exist in {v.claim.namespace} "
                                        "and be Bound before installing", v.existing_claim_key)
             for v in report.volumes if not v.claim.created]
    defaulted = [v.claim.name for v in report.volumes if v.claim.created and v.claim.storage_class is None]
    if defaulted:
        found.append(Finding("volumes", "info", f"{len(defaulted)} claims get the cluster's default storage class: "
                                                f"{', '.join(defaulted)}", None))
    if any(v.row is not None and v.row.id == "servermedias" for v in report.volumes):
        found.append(Finding("volumes", "info", "the reference page's volume table leaves out the server's media "
                             "claim; the chart creates it (ReadWriteOnce, reusable)",
                             "server.persistence.servermedias.existingClaim"))
    return found


def _malformed(manifests: Sequence[Manifest]) -> list[Finding]:
    """Objects the embedded models rendered with a field of the wrong type (someone's values put it there): the API
    server refuses them, so helm install fails; the report read them without those fields."""
    found = []
    for manifest in manifests:
        if manifest.malformed:
            first = manifest.malformed[0]
            more = f" ({len(manifest.malformed) - 1} more)" if len(manifest.malformed) > 1 else ""
            area = "volumes" if manifest.kind == "PersistentVolumeClaim" or any(
                step in ("volumes", "volumeClaimTemplates") for step in first.steps) else "security"
            found.append(Finding(area, "danger", f"{manifest.label} as {manifest.file} renders it: {first}{more}: the "
                                 "API server will refuse this object, so helm install fails; fix the values that set "
                                 "it (this report reads the object without that field)", None))
    return found


def _broken_images(manifests: Sequence[Manifest]) -> list[Finding]:
    """Images the chart renders from a null value (`%!s(<nil>)`): the pod can never start."""
    found = []
    for manifest in manifests:
        spec = pod_spec(manifest.obj) or {}
        for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            if "%!s(<nil>)" in str(container.get("image", "")):
                key = "privateCa.image.tag" if container.get("name") == "add-cert" else None
                found.append(Finding("security", "danger", f"{manifest.label} container {container.get('name')} "
                                     f"has the invalid image {container.get('image')}: set its tag", key))
    return found


def values_findings(chart: str, values: dict[str, Any], *, credentials: bool = True) -> list[Finding]:
    """What a chart's override values say that the rendered objects cannot show: settings without effect in this
    chart version, combinations the chart renders although they cannot work, and (unless `credentials` is off: the
    import says them its own way) credentials left at a default, missing or inline."""
    found = credential_findings(chart, values) if credentials else []
    if chart != "substra-backend":
        return _ordered(found)
    found += [Finding("volumes", "warning", f"{key} has no effect in substra-backend 26.15.3: {why}", key)
             for key, why in _IGNORED_KEYS.items() if _get(values, key) not in (None, "", MISSING)]
    if _get(values, "docker-registry.enabled") is False and _get(values, "containerRegistry.local") is not False:
        found.append(Finding("network", "danger", "the bundled registry is off (docker-registry.enabled: false) "
                             "but containerRegistry.local is still true: builds push to a registry that does not "
                             "exist; set containerRegistry.local: false and give containerRegistry.host",
                             "containerRegistry.local"))
    if _get(values, "minio.enabled") is False and _get(values, "localstack.enabled") is not True:
        found.append(Finding("network", "danger", "no object storage: minio and localstack are both off, so "
                             "OBJECTSTORE_URL is empty and the storage NetworkPolicies select every pod of the "
                             "namespace; turn one of them on", "minio.enabled"))
    found += _minio_policy_shapes(values)
    if _get(values, "privateCa.enabled") is True and _get(values, "privateCa.image.tag") in (None, MISSING):
        found.append(Finding("security", "danger", "private CA on without privateCa.image.tag: the add-cert image "
                             "renders as ...:%!s(<nil>) and the pods cannot start", "privateCa.image.tag"))
    return _ordered(found)


def _ordered(found: list[Finding]) -> list[Finding]:
    """Most severe first, as add_findings orders the objects' findings."""
    return sorted(found, key=lambda f: ("danger", "warning", "info").index(f.severity))


def _minio_policy_shapes(values: Mapping[str, Any]) -> list[Finding]:
    """The MinIO chart reads its NetworkPolicy extras differently from PostgreSQL's and Redis's (FACTS_ACCOUNTS_
    NETWORK_IMAGES.md §2.2): extraIngress items are peers, and extraEgress with allowExternalEgress off fails to
    render."""
    found = []
    extra = _get(values, "minio.networkPolicy.extraIngress")
    rules = [i for i, item in enumerate(extra) if isinstance(item, dict) and {"from", "ports"} & item.keys()] \
        if isinstance(extra, list) else []
    if rules:
        items = ", ".join(f"minio.networkPolicy.extraIngress[{i}]" for i in rules)
        found.append(Finding("network", "danger", f"{items} written as a whole rule ({{ports, from}}), but the MinIO "
                             "chart adds each extraIngress item as a peer of its own "
                             "rule: the peer has no selector, the API server refuses the NetworkPolicy and the "
                             "install fails; write each item as a peer ({podSelector: ...} or {namespaceSelector: "
                             "...})", "minio.networkPolicy.extraIngress"))
    if _get(values, "minio.networkPolicy.extraEgress") not in (None, [], MISSING) \
            and _get(values, "minio.networkPolicy.allowExternalEgress") is False:
        found.append(Finding("network", "danger", "minio.networkPolicy.extraEgress with allowExternalEgress off does "
                             "not render (the MinIO template reads a key that does not exist): helm install fails; "
                             "leave extraEgress empty", "minio.networkPolicy.extraEgress"))
    return found


_BITNAMI = ("the backend redefines the Bitnami common.storage.class template, so no storageClassName is emitted; "
            "create the claim yourself with that class and set existingClaim")
_IGNORED_KEYS = {
    "server.persistence.storageClass": "the servermedias claim reads server.persistence.servermedias.storageClass",
    "postgresql.primary.persistence.storageClass": _BITNAMI,
    "redis.master.persistence.storageClass": _BITNAMI,
    "minio.persistence.storageClass": _BITNAMI,
    "localstack.persistence.storageClass": _BITNAMI,
    "global.storageClass": _BITNAMI,
    "localstack.persistence.accessMode": "the localstack chart reads localstack.persistence.accessModes (a list)",
}


def _get(values: Mapping[str, Any], dotted: str) -> Any:
    return get_path(values, tuple(dotted.split(".")))
