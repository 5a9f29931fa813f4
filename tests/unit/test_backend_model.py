"""The substra-backend 26.15.3 model follows the values that change what the analysis reports (FACTS.md §1, §6)."""

from __future__ import annotations

import time
from typing import Any

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.analysis.netpol import analyze, from_manifests
from wizard.analysis.volumes import inventory
from wizard.charts import substra_backend_26_15_3 as backend
from wizard.charts.chart_defaults import coalesce, load_defaults

NAMESPACE = "org-1"
SIX_CA_PODS = {"rel-substra-backend-server", "rel-substra-backend-worker", "rel-substra-backend-builder",
               "rel-substra-backend-api-events", "rel-substra-backend-worker-events",
               "rel-substra-backend-scheduler-worker"}


def values(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    return coalesce(load_defaults(backend.CHART, backend.VERSION), overrides or {})


def render(overrides: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return backend.render(values(overrides), "rel", NAMESPACE)


def runtime(overrides: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return backend.runtime_pods(values(overrides), "rel", NAMESPACE)


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any] | None:
    return next((o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name), None)


def names(objects: list[dict[str, Any]], kind: str) -> set[str]:
    return {o["metadata"]["name"] for o in objects if o["kind"] == kind}


def manifests(objects: list[dict[str, Any]]) -> list[Manifest]:
    return [Manifest(obj, "model", index) for index, obj in enumerate(objects, 1)]


def claims(objects: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {c.name: (c.created, c.size, c.storage_class, c.access_modes)
            for c in inventory(manifests(objects), NAMESPACE)}


def level(obj: dict[str, Any]) -> str:
    return pss.highest_level({"metadata": pod_metadata(obj), "spec": pod_spec(obj)})


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(obj) or {}
    return list(spec.get("initContainers") or []) + list(spec.get("containers") or [])


def volume(obj: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((v for v in (pod_spec(obj) or {}).get("volumes") or [] if v["name"] == name), None)


# ---- defaults -----------------------------------------------------------------------------------------------------

def test_defaults_render_every_workload_policy_and_claim_of_the_chart() -> None:
    objects = render()
    assert len(names(objects, "NetworkPolicy")) == 21  # 18 backend + postgresql, redis, minio (FACTS §6)
    assert names(objects, "StatefulSet") == {"rel-postgresql", "rel-redis-master", "rel-substra-backend-builder",
                                             "rel-substra-backend-worker"}
    assert set(claims(objects)) == {"rel-docker-registry", "rel-minio", "data-rel-postgresql-0",
                                    "redis-data-rel-redis-master-0", "subtuple-rel-substra-backend-builder-0",
                                    "docker-cache-rel-substra-backend-builder-0",
                                    "subtuple-rel-substra-backend-worker-0", "rel-substra-backend-servermedias"}
    assert all(level(o) == "restricted" for o in objects if pod_spec(o) is not None)


def test_every_object_uses_the_given_namespace() -> None:
    objects = backend.render(values(), "rel", "elsewhere") + backend.runtime_pods(values(), "rel", "elsewhere")
    assert {o["metadata"]["namespace"] for o in objects} == {"elsewhere"}


def test_the_output_shares_no_container_with_the_values_or_with_itself() -> None:
    tree = values({"privateCa": {"enabled": True}, "worker": {"affinity": {"x": {"y": 1}}}})
    seen: dict[int, str] = {}

    def walk(node: object, where: str) -> None:
        if isinstance(node, (dict, list)):
            assert id(node) not in seen, f"{where} is shared with {seen[id(node)]}"
            seen[id(node)] = where
            for key, item in node.items() if isinstance(node, dict) else enumerate(node):
                walk(item, f"{where}/{key}")

    walk(tree, "values")
    walk(backend.render(tree, "rel", NAMESPACE) + backend.runtime_pods(tree, "rel", NAMESPACE), "output")


def test_rendering_the_defaults_takes_well_under_five_milliseconds() -> None:
    tree = values()
    best = float("inf")
    for _ in range(20):
        start = time.perf_counter()
        backend.render(tree, "rel", NAMESPACE)
        best = min(best, time.perf_counter() - start)
    assert best < 0.005


# ---- private CA ---------------------------------------------------------------------------------------------------

def test_private_ca_adds_a_root_add_cert_to_exactly_six_pods() -> None:
    objects = render({"privateCa": {"enabled": True}})
    with_cert = {o["metadata"]["name"] for o in objects if any(c["name"] == "add-cert" for c in containers(o))}
    assert with_cert == SIX_CA_PODS
    for name in SIX_CA_PODS:
        obj = next(o for o in objects if o["metadata"]["name"] == name and pod_spec(o) is not None)
        cert = next(c for c in containers(obj) if c["name"] == "add-cert")
        assert cert["securityContext"] == {"runAsUser": 0, "runAsNonRoot": False}
        assert cert["image"] == "ghcr.io/substra/substra-backend-ca-cert-injector:%!s(<nil>)"
        assert level(obj) == "baseline"
        assert volume(obj, "ssl-certs") == {"name": "ssl-certs", "emptyDir": {}}
        assert volume(obj, "private-ca") == {"name": "private-ca", "secret": {"secretName": "substra-private-ca"}}


def test_private_ca_without_builder_is_five_pods_and_a_tag_fixes_the_image() -> None:
    objects = render({"privateCa": {"enabled": True, "image": {"tag": "0.1"}}, "builder": {"enabled": False}})
    certs = [c for o in objects for c in containers(o) if c["name"] == "add-cert"]
    assert len(certs) == 5
    assert {c["image"] for c in certs} == {"ghcr.io/substra/substra-backend-ca-cert-injector:0.1"}


# ---- builder and runtime pods -------------------------------------------------------------------------------------

def test_builder_off_removes_the_statefulset_its_claims_and_the_kaniko_pod() -> None:
    objects = render({"builder": {"enabled": False}})
    assert find(objects, "StatefulSet", "rel-substra-backend-builder") is None
    assert not any("builder" in name for name in claims(objects))
    pods = runtime({"builder": {"enabled": False}})
    assert [p["metadata"]["labels"]["substra.ai/pod-type"] for p in pods] == ["compute-task"]
    assert len(names(objects, "NetworkPolicy")) == 21  # no policy changes (FACTS §1.3)


def test_kaniko_pod_is_root_with_added_capabilities_and_mounts_the_builder_claims() -> None:
    kaniko = runtime()[0]
    assert kaniko["metadata"]["annotations"] == {"substra-wizard/runtime": "true"}
    assert kaniko["metadata"]["labels"]["substra.ai/pod-type"] == "image-build"
    assert level(kaniko) == "baseline"
    assert kaniko["spec"]["containers"][0]["image"] == "gcr.io/kaniko-project/executor:v1.23.2"
    mounted = {v["persistentVolumeClaim"]["claimName"] for v in kaniko["spec"]["volumes"]
               if "persistentVolumeClaim" in v}
    assert mounted == {"subtuple-rel-substra-backend-builder-0", "docker-cache-rel-substra-backend-builder-0"}


def test_compute_pod_is_restricted_until_a_gpu_limit_adds_a_host_path() -> None:
    compute = runtime()[1]
    assert level(compute) == "restricted"
    assert compute["spec"]["securityContext"]["runAsUser"] == 1001
    gpu = runtime({"config": {"COMPUTE_POD_GKE_GPUS_LIMITS": "1"}})[1]
    assert {"name": "nvidia0", "hostPath": {"path": "/dev/nvidia0"}} in gpu["spec"]["volumes"]
    assert level(gpu) == "privileged"
    assert any(v.check == "hostPathVolumes" for v in pss.evaluate_object(gpu, "baseline") or [])


def test_compute_pods_are_fully_isolated_and_kaniko_pods_reach_the_internet() -> None:
    objects = render() + runtime()
    pods, policies, namespaces = from_manifests(manifests(objects), NAMESPACE)
    result = analyze(pods, policies, namespaces)
    compute = f"{NAMESPACE}/substra-00000000-compute-00000000"
    assert result.outgoing(compute) == [] and result.incoming(compute) == []
    assert "substra-backend-internet-egress" in result.policies(f"{NAMESPACE}/kaniko-example", "Egress")


# ---- object stores, registry, subcharts ---------------------------------------------------------------------------

def test_without_an_object_store_storage_ingress_selects_every_pod() -> None:
    objects = render({"minio": {"enabled": False}, "localstack": {"enabled": False}})
    ingress = find(objects, "NetworkPolicy", "substra-backend-storage-ingress")
    assert ingress and ingress["spec"]["podSelector"] == {"matchLabels": None}
    pods, policies, namespaces = from_manifests(manifests(objects), NAMESPACE)
    result = analyze(pods, policies, namespaces)
    assert "substra-backend-storage-ingress" in result.policies(f"{NAMESPACE}/rel-postgresql", "Ingress")
    assert not any(c["name"] == "wait-minio" for o in objects for c in containers(o))


def test_localstack_replaces_minio_in_the_policies_and_brings_its_test_pods() -> None:
    objects = render({"minio": {"enabled": False}, "localstack": {"enabled": True,
                                                                  "persistence": {"accessMode": "ReadWriteMany"}}})
    egress = find(objects, "NetworkPolicy", "substra-backend-storage-egress")
    assert egress and egress["spec"]["egress"][0]["ports"] == [{"protocol": "TCP", "port": 4566}]
    assert {"rel-localstack-test-connection", "rel-localstack-test-s3"} <= names(objects, "Pod")
    assert claims(objects)["rel-localstack"] == (True, "5Gi", None, ("ReadWriteOnce",))  # accessMode ignored
    localstack = find(objects, "Deployment", "rel-localstack")
    assert localstack and level(localstack) == "baseline"


def test_registry_policies_follow_containerregistry_local_not_the_subchart() -> None:
    remote = render({"docker-registry": {"enabled": False}, "containerRegistry": {"local": False}})
    assert not any("registry" in name for name in names(remote, "NetworkPolicy"))
    local = render({"docker-registry": {"enabled": False}, "containerRegistry": {"port": 5050}})
    assert find(local, "Deployment", "rel-docker-registry") is None
    egress = find(local, "NetworkPolicy", "substra-backend-registry-egress")
    assert egress and egress["spec"]["egress"][0]["ports"][0] == {"protocol": "TCP", "port": 5050}


def test_prepopulate_adds_one_baseline_deployment_per_item_only_with_the_local_registry() -> None:
    items = [{"image": "a"}, {"image": "b", "dockerConfigSecretName": "creds"}]
    objects = render({"containerRegistry": {"prepopulate": items}})
    first = find(objects, "Deployment", "rel-substra-backend-registry-prepopulate-0")
    second = find(objects, "Deployment", "rel-substra-backend-registry-prepopulate-1")
    assert first and second and level(first) == "baseline"
    assert volume(second, "docker-config") is not None
    assert not names(render({"containerRegistry": {"prepopulate": items, "local": False}}),
                     "Deployment") & {"rel-substra-backend-registry-prepopulate-0"}


def test_subchart_network_policy_switches() -> None:
    objects = render({"postgresql": {"primary": {"networkPolicy": {"enabled": False}}},
                      "redis": {"networkPolicy": {"allowExternal": False, "allowExternalEgress": False}}})
    assert find(objects, "NetworkPolicy", "rel-postgresql") is None
    redis = find(objects, "NetworkPolicy", "rel-redis")
    assert redis and redis["spec"]["egress"] == [] and "from" in redis["spec"]["ingress"][0]


def test_external_database_and_redis_drop_their_workloads_and_wait_containers() -> None:
    objects = render({"postgresql": {"enabled": False}, "redis": {"enabled": False}, "database": {"host": "db"}})
    assert not names(objects, "StatefulSet") & {"rel-postgresql", "rel-redis-master"}
    assert not any(c["name"] == "wait-redis" for o in objects for c in containers(o))
    assert any(c["name"] == "wait-postgresql" for o in objects for c in containers(o))  # always there (FACTS §6)


# ---- claims -------------------------------------------------------------------------------------------------------

def test_existing_servermedias_claim_is_mounted_instead_of_created() -> None:
    objects = render({"server": {"persistence": {"servermedias": {"existingClaim": "my-medias"}}}})
    assert claims(objects)["my-medias"] == (False, None, None, ())
    assert "rel-substra-backend-servermedias" not in claims(objects)
    server = find(objects, "Deployment", "rel-substra-backend-server")
    assert server and volume(server, "data-servermedias") == {
        "name": "data-servermedias", "persistentVolumeClaim": {"claimName": "my-medias"}}


def test_storage_class_quirks() -> None:
    objects = render({"server": {"persistence": {"storageClass": "ignored", "servermedias": {"storageClass": "m"}}},
                      "builder": {"persistence": {"storageClass": "-"}},
                      "postgresql": {"primary": {"persistence": {"storageClass": "ignored-too", "size": "1Gi"}}},
                      "docker-registry": {"persistence": {"storageClass": "reg", "accessMode": "ReadWriteMany"}}})
    found = claims(objects)
    assert found["rel-substra-backend-servermedias"][2] == "m"
    assert found["subtuple-rel-substra-backend-builder-0"][2] == ""
    assert found["data-rel-postgresql-0"][1:3] == ("1Gi", None)
    assert found["rel-docker-registry"][2:] == ("reg", ("ReadWriteMany",))


def test_two_worker_access_modes_become_one_bogus_string() -> None:
    objects = render({"worker": {"accessModes": ["ReadWriteOnce", "ReadWriteMany"]}})
    assert claims(objects)["subtuple-rel-substra-backend-worker-0"][3] == ("ReadWriteOnce ReadWriteMany",)


def test_replica_counts_multiply_the_statefulset_claims() -> None:
    found = claims(render({"worker": {"replicaCount": 3}, "builder": {"replicaCount": 2}}))
    assert {f"subtuple-rel-substra-backend-worker-{n}" for n in range(3)} <= set(found)
    assert "docker-cache-rel-substra-backend-builder-1" in found


def test_subchart_existing_claims_and_disabled_persistence() -> None:
    objects = render({"minio": {"persistence": {"existingClaim": "objects"}},
                      "redis": {"master": {"persistence": {"enabled": False}}}})
    found = claims(objects)
    assert found["objects"] == (False, None, None, ())
    assert "rel-minio" not in found and "redis-data-rel-redis-master-0" not in found
    redis = find(objects, "StatefulSet", "rel-redis-master")
    assert redis and volume(redis, "redis-data") == {"name": "redis-data", "emptyDir": {}}


# ---- pod security and labels --------------------------------------------------------------------------------------

def test_disabled_pod_security_contexts_drop_the_pod_level_context_only() -> None:
    objects = render({"server": {"podSecurityContext": {"enabled": False}}})
    server = find(objects, "Deployment", "rel-substra-backend-server")
    migrations = find(objects, "Job", "rel-substra-backend-migrations")
    assert server and migrations
    assert "securityContext" not in server["spec"]["template"]["spec"]
    assert "securityContext" not in migrations["spec"]["template"]["spec"]  # reuses server.podSecurityContext
    assert level(server) == "restricted"  # the containers still carry a restricted context


def test_delete_hooks_are_jobs_without_any_security_context() -> None:
    objects = render({"hooks": {"deleteWorkerPvc": {"enabled": True}, "deleteComputePods": {"enabled": True}}})
    hooks = [o for o in objects if o["kind"] == "Job" and "hook-delete" in o["metadata"]["name"]]
    assert len(hooks) == 2
    for hook in hooks:
        assert hook["spec"]["template"]["spec"]["containers"][0]["image"] == "bitnami/kubectl:latest"
        assert level(hook) == "baseline"


def test_data_samples_in_servermedias_pin_the_worker_to_the_server() -> None:
    objects = render({"DataSampleStorageInServerMedia": True})
    worker = find(objects, "StatefulSet", "rel-substra-backend-worker")
    assert worker and volume(worker, "data-servermedias") is not None
    affinity = worker["spec"]["template"]["spec"]["affinity"]["podAffinity"]
    assert affinity["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"] == "kubernetes.io/hostname"


def test_oidc_and_same_cluster_options_change_labels_and_egress() -> None:
    objects = render({"oidc": {"enabled": True, "provider": {"sameCluster": True, "port": 8443}},
                      "orchestrator": {"sameCluster": True, "port": 443}, "server": {"allowLocalRequests": True}})
    migrations = find(objects, "Job", "rel-substra-backend-migrations")
    assert migrations and migrations["spec"]["template"]["metadata"]["labels"]["role-internet-egress"] == "true"
    server = find(objects, "Deployment", "rel-substra-backend-server")
    assert server and server["spec"]["template"]["metadata"]["labels"]["role-server-client"] == "true"
    orchestrator = find(objects, "NetworkPolicy", "substra-backend-orchestrator-client-egress")
    assert orchestrator and orchestrator["spec"]["egress"][0]["ports"] == [{"protocol": "TCP", "port": 443}]
    assert [p["ipBlock"]["cidr"] for p in orchestrator["spec"]["egress"][0]["to"]] == [
        "10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/20"]
    egress = find(objects, "NetworkPolicy", "substra-backend-server-egress")
    assert egress and egress["spec"]["egress"][1]["ports"] == [{"port": 8443, "protocol": "TCP"}]


def test_database_and_redis_ports_drive_their_policies() -> None:
    objects = render({"database": {"port": 6543}, "redis": {"master": {"service": {"ports": {"redis": 6380}}}}})
    database = find(objects, "NetworkPolicy", "substra-backend-database-egress")
    redis = find(objects, "NetworkPolicy", "substra-backend-redis-ingress")
    assert database and database["spec"]["egress"][0]["ports"] == [{"protocol": "TCP", "port": 6543}]
    assert redis and redis["spec"]["ingress"][0]["ports"] == [{"protocol": "TCP", "port": 6380}]
