"""The test clusters are real control planes: the API server built from k8s.io/kubernetes answers with its version,
its admission chain (PodSecurity included) judges pods, the controllers and kwok's nodes run workloads, and two
clusters run at once, each with its own kubeconfig."""

from __future__ import annotations

import json

import pytest
from kube import TestCluster


def test_the_api_server_is_kubernetes_built_here(cluster: TestCluster) -> None:
    from kubernetes import client

    version = client.VersionApi(cluster.api).get_code()
    assert version.git_version == "v1.36.3"
    assert cluster.kubeconfig.read_text().count("server: https://127.0.0.1:") == 1
    nodes = cluster.core.list_node().items
    assert len(nodes) == 2 and all(c.status == "True" for n in nodes for c in n.status.conditions if c.type == "Ready")


def test_pod_security_admission_is_on(cluster: TestCluster, prefix: str) -> None:
    from kubernetes.client.exceptions import ApiException

    namespace = f"{prefix}-restricted"
    cluster.add_namespace(namespace, enforce="restricted")
    root = {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "root-"},
            "spec": {"containers": [{"name": "c", "image": "busybox", "securityContext": {"runAsUser": 0}}]}}
    with pytest.raises(ApiException) as refused:
        cluster.core.create_namespaced_pod(namespace, root, dry_run="All")
    assert refused.value.status == 403
    assert 'violates PodSecurity "restricted:latest"' in json.loads(refused.value.body)["message"]


def test_two_clusters_run_at_once(cluster: TestCluster, second_cluster: TestCluster, prefix: str) -> None:
    assert cluster.kubeconfig != second_cluster.kubeconfig
    servers = {c.api.configuration.host for c in (cluster, second_cluster)}
    assert len(servers) == 2
    cluster.add_namespace(f"{prefix}-only-here")
    names = {n.metadata.name for n in second_cluster.core.list_namespace().items}
    assert f"{prefix}-only-here" not in names and "default" in names
    assert "standard" in {c.metadata.name for c in cluster.storage.list_storage_class().items}
    assert second_cluster.storage.list_storage_class().items == []
