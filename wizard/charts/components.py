"""Substra's components, recognised from labels: which chart release an object belongs to, and the component id the
reference page uses for it (backend-server, orchestrator-database, ...). The analysis engine knows nothing of this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wizard.analysis.manifests import Manifest, pod_metadata
from wizard.charts import SUPPORTED_VERSIONS

CHART_LABEL, INSTANCE_LABEL, NAME_LABEL = "helm.sh/chart", "app.kubernetes.io/instance", "app.kubernetes.io/name"
RUNTIME_POD_TYPES = {"image-build": "backend-task-build", "compute-task": "backend-task-execution"}
_SUBCHART_COMPONENTS = {"redis": "backend-redis", "minio": "backend-object-storage",
                        "localstack": "backend-object-storage"}


@dataclass(frozen=True)
class ChartRelease:
    """A Substra chart release found in the manifests (or planned)."""

    chart: str
    version: str
    release: str
    namespace: str


def labels_of(obj: Mapping[str, Any]) -> dict[str, str]:
    """The object's labels with its pods' labels over them (pods carry the most specific ones). A null value is "",
    as the API server stores it."""
    own = (obj.get("metadata") or {}).get("labels") or {}
    merged = {**own, **(pod_metadata(dict(obj)).get("labels") or {})}
    if None not in merged.values():
        return merged
    return {key: "" if value is None else value for key, value in merged.items()}


def release_of(labels: Mapping[str, str]) -> str | None:
    return labels.get(INSTANCE_LABEL) or labels.get("release")


def charts_in(manifests: Iterable[Manifest], default_namespace: str) -> list[ChartRelease]:
    """The Substra chart releases the objects come from, told by their `helm.sh/chart` and instance labels."""
    found: dict[tuple[str, str], ChartRelease] = {}
    for manifest in manifests:
        labels = labels_of(manifest.obj)
        chart, _, version = (labels.get(CHART_LABEL) or "").rpartition("-")
        release = release_of(labels)
        if chart in SUPPORTED_VERSIONS and release:
            found.setdefault((chart, release), ChartRelease(chart, version, release,
                                                            manifest.namespace or default_namespace))
    return list(found.values())


def component_of(manifest: Manifest, charts: Iterable[ChartRelease]) -> str:
    """The reference page's id for a workload (falls back to the object's name for anything unknown)."""
    labels = labels_of(manifest.obj)
    chart_of_release = {c.release: c.chart for c in charts}
    return _component(manifest, labels, chart_of_release) or manifest.name


def _component(manifest: Manifest, labels: Mapping[str, str], chart_of_release: Mapping[str, str]) -> str | None:
    name = labels.get(NAME_LABEL, "")
    chart_label = labels.get(CHART_LABEL, "")
    if labels.get("substra.ai/pod-type") in RUNTIME_POD_TYPES:
        return RUNTIME_POD_TYPES[labels["substra.ai/pod-type"]]
    if name.startswith("substra-backend-registry-prepopulate-"):
        return "registry-prepopulate-" + name.rsplit("-", 1)[1]
    if manifest.kind == "Job" and chart_label.startswith("substra-backend-"):
        # Before the name label: the migrations Job's is `<release>-substra-backend-migrations`, which a release
        # named substra-backend* would make look like a component name.
        return _backend_job(manifest.name)
    if name.startswith("substra-backend-"):
        return "backend-" + name.removeprefix("substra-backend-")
    part = labels.get("app.kubernetes.io/component")
    if name == "orchestrator" or (chart_label.startswith("orchestrator-") and part):
        return "orchestrator-" + (part or "server")
    if name == "substra-frontend":
        return "frontend"
    if name == "postgresql":
        chart = chart_of_release.get(release_of(labels) or "")
        return "orchestrator-database" if chart == "orchestrator" else "backend-database"
    if labels.get("app") == "docker-registry":
        return "backend-docker-registry"
    return _SUBCHART_COMPONENTS.get(name)


def _backend_job(name: str) -> str:
    if "pvc" in name:
        return "job-delete-stateful-pvc"
    if "compute" in name or "pods" in name:
        return "job-delete-compute-task"
    return "backend-migrations"


def is_helm_test(manifest: Manifest) -> bool:
    """`helm test` pods run only when someone runs helm test: reports show them apart."""
    hook = ((manifest.obj.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", "")
    return "test" in str(hook).split(",") or "test-success" in str(hook).split(",")


def is_runtime(manifest: Manifest) -> bool:
    """Pods the backend creates while it runs (image builds, compute tasks), added by the chart model."""
    return labels_of(manifest.obj).get("substra.ai/pod-type") in RUNTIME_POD_TYPES or (
        (manifest.obj.get("metadata") or {}).get("annotations") or {}).get("substra-wizard/runtime") == "true"
