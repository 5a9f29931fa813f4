"""The StatefulSet name limit the wizard's release-name check rests on (charts.release_names.STATEFULSET_LIMIT), shown
on a real control plane: the API server takes a StatefulSet of any DNS-subdomain name, but its controller refuses
every pod of one whose name passes 52 characters, since each pod's controller-revision-hash label is the name plus a
hash. The long name is the worker's under the longest backend release the wizard used to accept (36 characters)."""

from __future__ import annotations

from kube import TestCluster

from wizard.charts.release_names import LIMIT, STATEFULSET_LIMIT, longest_release, statefulsets_too_long


def _statefulset(name: str) -> dict:
    labels = {"app": "names"}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
            "spec": {"replicas": 1, "serviceName": name[:LIMIT], "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "main", "image": "busybox"}]}}}}


def _pods_of(cluster: TestCluster, namespace: str, name: str) -> list[str]:
    return [p["metadata"]["name"] for p in cluster.pods(namespace) if p["metadata"]["name"] == f"{name}-0"]


def test_a_statefulset_over_52_characters_is_taken_but_gets_no_pod(cluster: TestCluster, prefix: str) -> None:
    (_, too_long), *_ = statefulsets_too_long("r" * 36)
    fitting = f"{'r' * longest_release()}-substra-backend-builder"  # the longest StatefulSet name the wizard allows
    assert len(fitting) == STATEFULSET_LIMIT and len(too_long) > STATEFULSET_LIMIT
    short_ns, long_ns = f"{prefix}-fits", f"{prefix}-long"
    for namespace, name in ((short_ns, fitting), (long_ns, too_long)):
        cluster.add_namespace(namespace)
        cluster.apps.create_namespaced_stateful_set(namespace, _statefulset(name))  # the API server takes both

    cluster.wait_for(lambda: _pods_of(cluster, short_ns, fitting), f"the pod of the {len(fitting)}-character "
                                                                 "StatefulSet")
    refused = cluster.wait_for(lambda: cluster.refusals(long_ns, "must be no more than 63"),
                               f"the refusal of the pod of the {len(too_long)}-character StatefulSet")
    assert f'"{too_long}-' in refused[too_long] and "metadata.labels" in refused[too_long]  # the name, a dash, a hash
    assert _pods_of(cluster, long_ns, too_long) == []
