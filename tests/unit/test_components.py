"""Substra component ids from labels, as the reference page names them."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.analysis.manifests import Manifest
from wizard.charts.components import ChartRelease, charts_in, component_of, is_helm_test

CHARTS = [ChartRelease("substra-backend", "26.15.3", "backend", "org-1"),
          ChartRelease("orchestrator", "8.8.0", "orc", "orchestrator")]


def workload(labels: dict[str, str], kind: str = "Deployment", name: str = "x", **meta: Any) -> Manifest:
    obj = {"kind": kind, "metadata": {"name": name, **meta},
           "spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": []}}}}
    return Manifest(obj, "f.yaml", 1)


@pytest.mark.parametrize(("labels", "kind", "name", "component"), [
    ({"app.kubernetes.io/name": "substra-backend-server"}, "Deployment", "x", "backend-server"),
    ({"app.kubernetes.io/name": "substra-backend-scheduler-worker"}, "Deployment", "x", "backend-scheduler-worker"),
    ({"app.kubernetes.io/name": "substra-backend-registry-prepopulate-2"}, "Deployment", "x", "registry-prepopulate-2"),
    ({"app.kubernetes.io/name": "orchestrator", "app.kubernetes.io/component": "server"}, "Deployment", "x",
     "orchestrator-server"),
    ({"helm.sh/chart": "orchestrator-8.8.0", "app.kubernetes.io/component": "migrations"}, "Job", "x",
     "orchestrator-migrations"),
    ({"helm.sh/chart": "substra-backend-26.15.3"}, "Job", "backend-substra-backend-migrations", "backend-migrations"),
    ({"app.kubernetes.io/name": "postgresql", "app.kubernetes.io/instance": "orc"}, "StatefulSet", "x",
     "orchestrator-database"),
    ({"app.kubernetes.io/name": "postgresql", "app.kubernetes.io/instance": "backend"}, "StatefulSet", "x",
     "backend-database"),
    ({"app.kubernetes.io/name": "minio"}, "Deployment", "x", "backend-object-storage"),
    ({"app.kubernetes.io/name": "localstack"}, "Deployment", "x", "backend-object-storage"),
    ({"app": "docker-registry"}, "Deployment", "x", "backend-docker-registry"),
    ({"app.kubernetes.io/name": "substra-frontend"}, "Deployment", "x", "frontend"),
    ({"substra.ai/pod-type": "image-build"}, "Deployment", "x", "backend-task-build"),
    ({"substra.ai/pod-type": "compute-task"}, "Deployment", "x", "backend-task-execution"),
    ({"app": "something-else"}, "Deployment", "mystery", "mystery"),
])
def test_component_ids(labels: dict[str, str], kind: str, name: str, component: str) -> None:
    assert component_of(workload(labels, kind, name), CHARTS) == component


def test_charts_are_recognised_from_their_chart_and_instance_labels() -> None:
    found = charts_in([workload({"helm.sh/chart": "substra-backend-26.15.3", "app.kubernetes.io/instance": "b"}),
                       workload({"helm.sh/chart": "postgresql-15.4.1", "app.kubernetes.io/instance": "b"})], "ns")
    assert found == [ChartRelease("substra-backend", "26.15.3", "b", "ns")]


def test_helm_test_pods_are_told_apart() -> None:
    assert is_helm_test(workload({}, annotations={"helm.sh/hook": "test"}))
    assert not is_helm_test(workload({}, annotations={"helm.sh/hook": "post-install,post-upgrade"}))
