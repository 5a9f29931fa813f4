"""Embedded model of the substra-backend 26.15.3 chart: the objects the chart renders, computed from its values.

Only what the analysis reads is modelled (workloads with their pod templates, NetworkPolicies, PersistentVolumeClaims,
`helm test` pods); Services, ConfigMaps, Secrets, RBAC and Ingresses are left out. Objects come in the order Helm
prints them (subcharts first, then template file order), since the volume inventory keeps manifest order.
The NetworkPolicies and the runtime pods (Kaniko, compute) are in `substra_backend_26_15_3_policies`, the shared
builders and the Bitnami/twuni/localstack subcharts in `substra_backend_26_15_3_subcharts`.
Facts: FACTS.md §1 and §6, checked against the 16 reference renders of the chart.
"""

from __future__ import annotations

from typing import Any

from wizard.charts import substra_backend_26_15_3_policies as policies
from wizard.charts import substra_backend_26_15_3_subcharts as subcharts
from wizard.charts.substra_backend_26_15_3_subcharts import (
    RESTRICTED_CONTAINER,
    Ctx,
    container,
    flag,
    fresh,
    image,
    node,
    persistent,
    stateful_set,
    volume_claim,
    workload,
)

CHART = "substra-backend"
VERSION = "26.15.3"
RUNTIME_ANNOTATION = policies.RUNTIME_ANNOTATION


def render(values: dict[str, Any], release: str, namespace: str) -> list[dict[str, Any]]:
    """The chart's workloads, NetworkPolicies and claims for already-coalesced values (subcharts first, like Helm)."""
    ctx = Ctx(values, release, namespace)
    objects = subcharts.render(ctx)
    objects += _api_events(ctx) + _prepopulate(ctx) + _scheduler_worker(ctx) + _scheduler(ctx) + [_server(ctx)]
    objects += _worker_events(ctx) + _hooks(ctx) + [_migrations(ctx)]
    objects += policies.render(ctx)
    objects += _builder(ctx) + _worker(ctx) + _servermedias_claim(ctx)
    return objects


def runtime_pods(values: dict[str, Any], release: str, namespace: str) -> list[dict[str, Any]]:
    """Pods the backend creates at run time (not rendered by Helm): a Kaniko build pod when the builder is on, and
    one compute-task pod; annotated `substra-wizard/runtime` so reports can set them apart."""
    ctx = Ctx(values, release, namespace)
    found = [policies.kaniko_pod(ctx)] if flag(ctx.v, "builder", "enabled") else []
    return found + [policies.compute_pod(ctx)]


# ---- Deployments --------------------------------------------------------------------------------------------------

def _api_events(ctx: Ctx) -> list[dict[str, Any]]:
    """The api-events Deployment (one replica, hard-coded): orchestrator event listener of the API side."""
    return _events(ctx, node(ctx.v, "api", "events"), "api-events", "api-event",
                   ("role-redis-client", "role-database-client", "role-orchestrator-client"))


def _events(ctx: Ctx, section: dict[str, Any], component: str, short: str, roles: tuple[str, ...]
            ) -> list[dict[str, Any]]:
    """An orchestrator event listener (api-events, worker-events): the two differ only by name, service account
    (`<fullname>-<short>`, with worker-events' short name `event`) and roles."""
    if not section.get("enabled"):
        return []
    inits = add_cert(ctx) + [wait_postgresql(ctx), wait_init_migrations(ctx, section)]
    inits += wait_redis(ctx)
    volumes = [wait_init_volume(ctx)] + orchestrator_tls_volumes(ctx) + private_ca_volumes(ctx)
    app = component.removesuffix("s") + "-app"  # api-event-app, worker-event-app
    spec = {"serviceAccountName": f"{ctx.fullname}-{short}", "initContainers": inits,
            "containers": [container(app, image(section.get("image")))], "volumes": volumes}
    labels = component_labels(ctx, component, *roles)
    return [workload(ctx, "Deployment", f"{ctx.fullname}-{component}", labels, pod_security(section), spec, 1)]


def _prepopulate(ctx: Ctx) -> list[dict[str, Any]]:
    """One registry-prepopulate Deployment per `containerRegistry.prepopulate` item, only with the local registry.
    No pod securityContext and runAsNonRoot false: these pass baseline only (FACTS §1.7)."""
    registry = node(ctx.v, "containerRegistry")
    items = registry.get("prepopulate") or []
    if not registry.get("local") or not isinstance(items, list):
        return []
    found = []
    unprivileged = {**RESTRICTED_CONTAINER, "runAsNonRoot": False}
    for index, item in enumerate(items):
        name = f"{ctx.fullname}-registry-prepopulate-{index}"
        dockerfile = {"name": f"{ctx.fullname}-registry-prepopulate-dockerfile-{index}"}
        volumes = [{"name": "kaniko-dir", "emptyDir": {}}, {"name": "dockerfile", "configMap": dockerfile}]
        secret = item.get("dockerConfigSecretName") if isinstance(item, dict) else None
        if secret:
            volumes.append(policies.docker_config_volume(secret))
        dockerize = image(node(ctx.v, "initImages", "dockerize"))
        spec = {"initContainers": [container("wait-registry", dockerize, unprivileged),
                                   container("kaniko", image(node(ctx.v, "kaniko", "image")), unprivileged)],
                "containers": [container("pause", "gcr.io/google-containers/pause:3.2", unprivileged)],
                "volumes": volumes}
        labels = {**ctx.labels, "app.kubernetes.io/name": f"substra-backend-registry-prepopulate-{index}",
                  "role-registry-client": "true", "role-internet-egress": "true"}
        found.append(workload(ctx, "Deployment", name, labels, None, spec, 1))
    return found


def _scheduler_worker(ctx: Ctx) -> list[dict[str, Any]]:
    """The scheduler-worker Deployment; gets add-cert but not the orchestrator TLS volumes (render-verified)."""
    section = node(ctx.v, "schedulerWorker")
    if not section.get("enabled"):
        return []
    spec = {"initContainers": add_cert(ctx) + wait_redis(ctx),
            "containers": [container("scheduler-worker", image(section.get("image")))],
            "volumes": private_ca_volumes(ctx)}
    labels = component_labels(ctx, "scheduler-worker", "role-database-client", "role-orchestrator-client",
                                   "role-redis-client", "role-registry-client")
    return [workload(ctx, "Deployment", f"{ctx.fullname}-scheduler-worker", labels, pod_security(section), spec,
                     section.get("replicaCount"))]


def _scheduler(ctx: Ctx) -> list[dict[str, Any]]:
    """The scheduler (celery beat) Deployment; gets the orchestrator TLS volumes but never add-cert."""
    section = node(ctx.v, "scheduler")
    if not section.get("enabled"):
        return []
    spec = {"initContainers": wait_redis(ctx),
            "containers": [container("scheduler", image(section.get("image")))],
            "volumes": [{"name": "runtime-db", "emptyDir": {}}] + orchestrator_tls_volumes(ctx)}
    labels = component_labels(ctx, "scheduler", "role-database-client", "role-orchestrator-client",
                                   "role-redis-client", "role-registry-client")
    return [workload(ctx, "Deployment", f"{ctx.fullname}-scheduler", labels, pod_security(section), spec,
                     section.get("replicaCount"))]


def _server(ctx: Ctx) -> dict[str, Any]:
    """The API server Deployment: the only pod with internet ingress; mounts the servermedias claim."""
    section = node(ctx.v, "server")
    backend = image(section.get("image"))
    inits = add_cert(ctx) + [container("init-collectstatic", backend), wait_postgresql(ctx),
                                  container("init-migrate", backend)]
    inits += wait_object_store(ctx) + wait_redis(ctx)
    volumes = [servermedias_volume(ctx), {"name": "statics", "emptyDir": {}},
               {"name": "runtime-secrets", "emptyDir": {}},
               {"name": "uwsgi", "configMap": {"name": f"{ctx.fullname}-server-uwsgi"}}]
    containers = [container("server", backend, ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}])]
    metrics = node(section, "metrics")
    if metrics.get("enabled"):  # the Prometheus exporter sidecar and its emptyDir (render-verified: secure 37)
        volumes.append({"name": "metrics", "emptyDir": {}})
        containers.append(container("metrics-sidecar", image(metrics.get("image")),
                                    ports=[{"name": "metrics", "containerPort": 8001, "protocol": "TCP"}]))
    volumes += orchestrator_tls_volumes(ctx) + private_ca_volumes(ctx)
    spec = {"initContainers": inits, "containers": containers, "volumes": volumes}
    roles = ["role-redis-client", "role-database-client", "role-internet-ingress", "role-internet-egress",
             "role-orchestrator-client", "role-storage-client"]
    if section.get("allowLocalRequests"):
        roles.append("role-server-client")
    labels = component_labels(ctx, "server", *roles)
    return workload(ctx, "Deployment", f"{ctx.fullname}-server", labels, pod_security(section), spec,
                    section.get("replicaCount"))


def _worker_events(ctx: Ctx) -> list[dict[str, Any]]:
    """The worker-events Deployment (one replica, hard-coded); talks to the Kubernetes API."""
    return _events(ctx, node(ctx.v, "worker", "events"), "worker-events", "event",
                   ("role-api-k8s-client", "role-redis-client", "role-database-client", "role-orchestrator-client"))


# ---- Jobs ---------------------------------------------------------------------------------------------------------

def _hooks(ctx: Ctx) -> list[dict[str, Any]]:
    """Post-delete kubectl Jobs: no securityContext at all, so they run as the image's user (FACTS §6)."""
    found = []
    for key, suffix in (("deleteComputePods", "hook-delete-pods"), ("deleteWorkerPvc", "hook-delete-worker-pvc")):
        hook = node(ctx.v, "hooks", key)
        if not hook.get("enabled"):
            continue
        ref = node(hook, "image")  # `registry` is not in values.yaml but the template reads it (FACTS §4.2)
        spec = {"restartPolicy": "Never", "containers": [{"name": "kubectl", "image": image(ref, None)}]}
        job = workload(ctx, "Job", f"{ctx.fullname}-{suffix}", dict(ctx.labels), None, spec)
        job["metadata"]["annotations"] = {"helm.sh/hook": "post-delete", "helm.sh/hook-weight": "1",
                                          "helm.sh/hook-delete-policy": "hook-succeeded"}
        found.append(job)
    return found


def _migrations(ctx: Ctx) -> dict[str, Any]:
    """The migrations hook Job: reuses the server's pod securityContext; internet egress only with OIDC."""
    labels = {**ctx.labels, "role-database-client": "true"}
    if flag(ctx.v, "oidc", "enabled"):
        labels["role-internet-egress"] = "true"
    accounts = node(ctx.v, "addAccountOperator").get("existingSecret") or f"{ctx.fullname}-add-account"
    spec = {"restartPolicy": "OnFailure",
            "containers": [container("db-migrations", image(node(ctx.v, "server", "image")))],
            "volumes": [{"name": "accounts", "secret": {"secretName": accounts}}]}
    job = workload(ctx, "Job", f"{ctx.fullname}-migrations", labels, pod_security(node(ctx.v, "server")), spec)
    job["metadata"]["annotations"] = {"helm.sh/hook": "post-install,post-upgrade"}
    # The Job itself (not its pod) carries a name label; a release named substra-backend* is recognised by it.
    job["metadata"]["labels"] = {**job["metadata"]["labels"], "app.kubernetes.io/name": f"{ctx.fullname}-migrations"}
    return job


# ---- StatefulSets and the servermedias claim ----------------------------------------------------------------------

def _builder(ctx: Ctx) -> list[dict[str, Any]]:
    """The builder StatefulSet (builder.enabled): two claim templates per replica, subtuple and docker-cache."""
    section = node(ctx.v, "builder")
    if not section.get("enabled"):
        return []
    inits = [wait_postgresql(ctx)] + wait_redis(ctx) + add_cert(ctx) + wait_object_store(ctx)
    cached = node(ctx.v, "kaniko", "cache", "warmer").get("cachedImages")
    if cached:
        inits.append(container("kaniko-cache-warmer", image(node(ctx.v, "kaniko", "cache", "warmer", "image"))))
    builder = container("builder", image(section.get("image")),
                        ports=[{"name": "http", "containerPort": 8000, "protocol": "TCP"}])
    volumes = policies.docker_config_volumes(ctx) + orchestrator_tls_volumes(ctx) + private_ca_volumes(ctx)
    spec = {"serviceAccountName": f"{ctx.fullname}-builder", "initContainers": inits, "containers": [builder],
            "volumes": volumes}
    labels = {"app.kubernetes.io/name": "substra-backend-builder", **ctx.labels,
              "app.kubernetes.io/component": "substra-builder", **roles(*BUILDER_ROLES)}
    templates = [volume_claim("subtuple", ["ReadWriteOnce"], node(section, "persistence")),
                 volume_claim("docker-cache", ["ReadWriteOnce"], node(ctx.v, "kaniko", "cache", "persistence"))]
    obj = workload(ctx, "StatefulSet", f"{ctx.fullname}-builder", labels, pod_security(section), spec,
                   section.get("replicaCount"))
    return [stateful_set(obj, templates)]


def _worker(ctx: Ctx) -> list[dict[str, Any]]:
    """The worker StatefulSet: one subtuple claim per replica, whose access modes are printed with Go's %v, so two
    modes become one bogus string (FACTS §1.3)."""
    section = node(ctx.v, "worker")
    if not section.get("enabled"):
        return []
    in_media = bool(ctx.v.get("DataSampleStorageInServerMedia"))
    volumes = policies.docker_config_volumes(ctx) + orchestrator_tls_volumes(ctx) + private_ca_volumes(ctx)
    if in_media:
        volumes.append(servermedias_volume(ctx))
    spec: dict[str, Any] = {
        "serviceAccountName": f"{ctx.fullname}-worker",
        "initContainers": add_cert(ctx) + [wait_postgresql(ctx)] + wait_object_store(ctx),
        "containers": [container("worker", image(section.get("image")))], "volumes": volumes}
    if in_media:
        spec["affinity"] = server_affinity()
    elif section.get("affinity"):
        spec["affinity"] = fresh(section["affinity"])
    labels = {**ctx.labels, "app.kubernetes.io/name": "substra-backend-worker",
              "app.kubernetes.io/component": "substra-worker", **roles(*WORKER_ROLES)}
    modes = section.get("accessModes")
    modes = [" ".join(str(mode) for mode in modes)] if isinstance(modes, list) and modes else []
    obj = workload(ctx, "StatefulSet", f"{ctx.fullname}-worker", labels, pod_security(section), spec,
                   section.get("replicaCount"))
    return [stateful_set(obj, [volume_claim("subtuple", modes, node(section, "persistence"))])]


def _servermedias_claim(ctx: Ctx) -> list[dict[str, Any]]:
    """The servermedias claim unless an existing one is named; reads the undocumented servermedias.storageClass."""
    media = node(ctx.v, "server", "persistence", "servermedias")
    if media.get("existingClaim"):
        return []
    spec = volume_claim("servermedias", ["ReadWriteOnce"], media)["spec"]
    if ctx.v.get("settings") == "dev":
        spec["selector"] = {"matchLabels": {"app.kubernetes.io/instance": ctx.release}}
    return [persistent(ctx, f"{ctx.fullname}-servermedias", spec)]


# ---- backend pod pieces -------------------------------------------------------------------------------------------

WORKER_ROLES = ("role-api-k8s-client", "role-database-client", "role-internet-egress", "role-server-client",
                "role-orchestrator-client", "role-redis-client", "role-registry-client", "role-storage-client")
BUILDER_ROLES = WORKER_ROLES
ROOT_CONTAINER = {"runAsUser": 0, "runAsNonRoot": False}  # add-cert: root, nothing dropped (FACTS §1.7)


def roles(*names: str) -> dict[str, str]:
    """Role labels, which the NetworkPolicies select on."""
    return {name: "true" for name in names}


def component_labels(ctx: Ctx, component: str, *role_names: str) -> dict[str, str]:
    """Pod labels of a Deployment: its name label, its roles, then the common substra labels."""
    return {"app.kubernetes.io/name": f"substra-backend-{component}", **roles(*role_names), **ctx.labels}


def pod_security(section: dict[str, Any]) -> dict[str, Any] | None:
    """`<component>.podSecurityContext`: non-root and RuntimeDefault plus the IDs, or nothing when disabled."""
    values = node(section, "podSecurityContext")
    if not values.get("enabled"):
        return None
    found: dict[str, Any] = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    for key in ("fsGroup", "runAsUser", "runAsGroup"):
        if values.get(key) is not None:
            found[key] = values[key]
    return found


def add_cert(ctx: Ctx) -> list[dict[str, Any]]:
    """The root add-cert initContainer (privateCa.enabled); its image tag has no appVersion fallback."""
    if not flag(ctx.v, "privateCa", "enabled"):
        return []
    return [container("add-cert", image(node(ctx.v, "privateCa", "image"), None), ROOT_CONTAINER)]


def private_ca_volumes(ctx: Ctx) -> list[dict[str, Any]]:
    """The ssl-certs emptyDir and private-ca secret that go with add-cert."""
    if not flag(ctx.v, "privateCa", "enabled"):
        return []
    secret = node(ctx.v, "privateCa", "secret").get("name")
    return [{"name": "ssl-certs", "emptyDir": {}}, {"name": "private-ca", "secret": {"secretName": secret}}]


def orchestrator_tls_volumes(ctx: Ctx) -> list[dict[str, Any]]:
    """The orchestrator CA and mTLS client pair, mounted as Secrets (FACTS §1.2: the docs say ConfigMap)."""
    tls = node(ctx.v, "orchestrator", "tls")
    if not tls.get("enabled"):
        return []
    found = []
    if tls.get("cacert"):
        found.append({"name": "orchestrator-tls-cacert", "secret": {"secretName": tls["cacert"]}})
    mtls = node(tls, "mtls")
    if mtls.get("enabled") and mtls.get("clientCertificate"):
        found.append({"name": "orchestrator-tls-client-pair", "secret": {"secretName": mtls["clientCertificate"]}})
    return found


def servermedias_volume(ctx: Ctx) -> dict[str, Any]:
    """The servermedias claim: the chart's own, or the existing one named."""
    claim = node(ctx.v, "server", "persistence", "servermedias").get("existingClaim") or f"{ctx.fullname}-servermedias"
    return {"name": "data-servermedias", "persistentVolumeClaim": {"claimName": claim}}


def wait_postgresql(ctx: Ctx) -> dict[str, Any]:
    """Always present, whatever database.host says (FACTS §6)."""
    return container("wait-postgresql", image(node(ctx.v, "initImages", "postgresql")))


def wait_redis(ctx: Ctx) -> list[dict[str, Any]]:
    """Only with the bundled Redis (render-verified: gone with redis.enabled=false)."""
    if not flag(ctx.v, "redis", "enabled"):
        return []
    return [container("wait-redis", image(node(ctx.v, "initImages", "dockerize")))]


def wait_object_store(ctx: Ctx) -> list[dict[str, Any]]:
    """`wait-minio`, whichever object store is on (LocalStack too); none without one."""
    if not (flag(ctx.v, "minio", "enabled") or flag(ctx.v, "localstack", "enabled")):
        return []
    return [container("wait-minio", image(node(ctx.v, "initImages", "dockerize")))]


def wait_init_migrations(ctx: Ctx, section: dict[str, Any]) -> dict[str, Any]:
    return container("wait-init-migrations", image(section.get("image")))


def wait_init_volume(ctx: Ctx) -> dict[str, Any]:
    return {"name": "volume-wait-init-migrations", "configMap": {"name": f"{ctx.fullname}-wait-init-migrations"}}


def server_affinity() -> dict[str, Any]:
    """DataSampleStorageInServerMedia forces the worker onto the server's node (it shares the RWO claim)."""
    return {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "In",
                                                "values": ["substra-backend-server"]}]},
        "topologyKey": "kubernetes.io/hostname"}]}}
