"""substra-backend 26.15.3 model, part 3: the chart's own NetworkPolicies (FACTS §1.5), in template file order, and
the pods the backend creates at run time, which several of those policies are written for (FACTS §1.6-1.7).

None has a values switch except the three registry policies (`containerRegistry.local`). Names come from the chart
name, not the release, except the compute-task deny policy. Quirks kept on purpose: with neither MinIO nor
LocalStack, the storage policies get an empty podSelector and a null port (they then select every pod of the
namespace); the internet egress policy has no part-of filter, so it also selects Kaniko pods.
"""

from __future__ import annotations

from typing import Any

from wizard.charts.substra_backend_26_15_3_subcharts import (
    APP_VERSION,
    CHART_LABEL,
    RESTRICTED_CONTAINER,
    Ctx,
    container,
    flag,
    fresh,
    image,
    meta,
    node,
)

PRIVATE = ("10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/20")  # 172.16/20, not /12: as the chart writes it
PART_OF = {"app.kubernetes.io/part-of": "substra-backend"}
DNS_PORTS = ({"protocol": "TCP", "port": 53}, {"protocol": "UDP", "port": 53})
RUNTIME_ANNOTATION = "substra-wizard/runtime"


def render(ctx: Ctx) -> list[dict[str, Any]]:
    """Every backend NetworkPolicy for these values."""
    found = [_policy(ctx, f"{ctx.fullname}-deny-ingress", {"substra.ai/pod-type": "compute-task"},
                     types=["Ingress", "Egress"]),
             _policy(ctx, "substra-backend-api-server-egress", _client("role-api-k8s-client"), types=["Egress"],
                     egress=[{"to": [_block("10.0.0.0/8"), _block("172.16.0.0/12")]}])]
    found += _database(ctx)
    dns = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
           "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
    found.append(_policy(ctx, "substra-backend-deny-all-backend", dict(PART_OF), ingress=[],
                         egress=[{"to": [dns], "ports": fresh(list(DNS_PORTS))}]))
    found += _internet(ctx) + [_orchestrator(ctx)] + _redis(ctx)
    if flag(ctx.v, "containerRegistry", "local"):
        found += _registry(ctx)
    return found + _server(ctx) + _storage(ctx)


def _policy(ctx: Ctx, name: str, selector: dict[str, str] | None, *, types: list[str] | None = None,
            ingress: list[dict[str, Any]] | None = None,
            egress: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A NetworkPolicy; a None list is left out (`[]` is kept: it means "no rule" and makes the type implicit)."""
    spec: dict[str, Any] = {"podSelector": {"matchLabels": selector}}
    if types is not None:
        spec["policyTypes"] = types
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(ctx, name),
            "spec": spec}


def _client(role: str, part_of: bool = True) -> dict[str, str]:
    """The selector of a backend pod holding a role label."""
    return {**(PART_OF if part_of else {}), role: "true"}


def _block(cidr: str, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    block: dict[str, Any] = {"cidr": cidr}
    if exclude:
        block["except"] = list(exclude)
    return {"ipBlock": block}


def _tcp(port: Any) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": port}]


def _pair(ctx: Ctx, stem: str, target: dict[str, str] | None, role: str, ports: list[dict[str, Any]]
          ) -> list[dict[str, Any]]:
    """An ingress policy on `target` from `role` clients and the matching egress policy of those clients."""
    return [_policy(ctx, f"substra-backend-{stem}-ingress", target, types=["Ingress"],
                    ingress=[{"from": [{"podSelector": {"matchLabels": _client(role)}}], "ports": ports}], egress=[]),
            _policy(ctx, f"substra-backend-{stem}-egress", _client(role), types=["Egress"],
                    egress=[{"to": [{"podSelector": {"matchLabels": fresh(target)}}], "ports": fresh(ports)}])]


def _database(ctx: Ctx) -> list[dict[str, Any]]:
    """Postgres primary pods of any release in the namespace, on database.port (an external DB is not allowed)."""
    target = {"app.kubernetes.io/component": "primary", "app.kubernetes.io/name": "postgresql"}
    return _pair(ctx, "database", target, "role-database-client", _tcp(node(ctx.v, "database").get("port")))


def _redis(ctx: Ctx) -> list[dict[str, Any]]:
    """Redis master pods on redis.master.service.ports.redis."""
    target = {"app.kubernetes.io/component": "master", "app.kubernetes.io/name": "redis"}
    port = node(ctx.v, "redis", "master", "service", "ports").get("redis")
    return _pair(ctx, "redis", target, "role-redis-client", _tcp(port))


def _storage(ctx: Ctx) -> list[dict[str, Any]]:
    """The object store (MinIO first, else LocalStack); with neither, a null selector and a null port."""
    if flag(ctx.v, "minio", "enabled"):
        target: dict[str, str] | None = {"app.kubernetes.io/name": "minio"}
        port: int | None = 9000
    elif flag(ctx.v, "localstack", "enabled"):
        target, port = {"app.kubernetes.io/name": "localstack"}, 4566
    else:
        target, port = None, None
    return _pair(ctx, "storage", target, "role-storage-client", _tcp(port))


def _internet(ctx: Ctx) -> list[dict[str, Any]]:
    """Internet ingress to the server, internet egress (private ranges excluded) and DNS anywhere for Kaniko pods."""
    return [_policy(ctx, "substra-backend-internet-ingress", _client("role-internet-ingress"), types=["Ingress"],
                    ingress=[{"from": [_block("0.0.0.0/0")]}]),
            _policy(ctx, "substra-backend-internet-egress", _client("role-internet-egress", False), types=["Egress"],
                    egress=[{"to": [_block("0.0.0.0/0", exclude=PRIVATE)]}]),
            _policy(ctx, "substra-backend-internet-builder-egress",
                    {"app.kubernetes.io/component": "substra-compute", "role-internet-egress": "true"},
                    types=["Egress"], egress=[{"to": None, "ports": fresh(list(DNS_PORTS))}])]


def _orchestrator(ctx: Ctx) -> dict[str, Any]:
    """Orchestrator clients on orchestrator.port: the private ranges when sameCluster, else the internet."""
    orchestrator = node(ctx.v, "orchestrator")
    if orchestrator.get("sameCluster"):
        peers = [_block(cidr) for cidr in PRIVATE]
    else:
        peers = [_block("0.0.0.0/0", exclude=PRIVATE)]
    return _policy(ctx, "substra-backend-orchestrator-client-egress", _client("role-orchestrator-client", False),
                   types=["Egress"], egress=[{"to": peers, "ports": _tcp(orchestrator.get("port"))}])


def _registry_ports(ctx: Ctx) -> list[dict[str, Any]]:
    """containerRegistry.port and the NodePort range, through which the kubelet pulls (FACTS §1.3)."""
    port = node(ctx.v, "containerRegistry").get("port")
    return [{"protocol": "TCP", "port": port}, {"protocol": "TCP", "port": 30000, "endPort": 32767}]


def _registry(ctx: Ctx) -> list[dict[str, Any]]:
    """The bundled registry, open to registry clients and to any address."""
    target = {"app": "docker-registry"}
    to_registry = [{"to": [{"podSelector": {"matchLabels": dict(target)}}], "ports": _registry_ports(ctx)}]
    return [_policy(ctx, "substra-backend-registry-ingress", target, types=["Ingress"],
                    ingress=[{"from": [{"podSelector": {"matchLabels": _client("role-registry-client")}},
                                       _block("0.0.0.0/0")], "ports": _registry_ports(ctx)}]),
            _policy(ctx, "substra-backend-registry-egress", _client("role-registry-client"), types=["Egress"],
                    egress=fresh(to_registry)),
            _policy(ctx, "substra-backend-registry-kaniko-egress",
                    {"app.kubernetes.io/component": "substra-compute", "role-registry-client": "true"},
                    types=["Egress"], egress=to_registry)]


def _server(ctx: Ctx) -> list[dict[str, Any]]:
    """Server ingress from role-server-client pods of any namespace, and their egress; allowLocalRequests adds the
    private ranges, and an OIDC provider in the cluster a second rule on oidc.provider.port."""
    port = node(ctx.v, "server", "service").get("port")
    server = {"app.kubernetes.io/name": "substra-backend-server", "helm.sh/chart": CHART_LABEL,
              "app.kubernetes.io/instance": ctx.release, "app.kubernetes.io/version": APP_VERSION,
              "app.kubernetes.io/managed-by": "Helm", **PART_OF}
    clients = {"namespaceSelector": {}, "podSelector": {"matchLabels": {"role-server-client": "true"}}}
    to_server = {"matchLabels": {"app.kubernetes.io/name": "substra-backend-server"}}
    peers: list[dict[str, Any]] = [{"namespaceSelector": {}, "podSelector": to_server}]
    if flag(ctx.v, "server", "allowLocalRequests"):
        peers += [_block(cidr) for cidr in PRIVATE]
    egress = [{"ports": [{"port": port, "protocol": "TCP"}], "to": peers}]
    provider = node(ctx.v, "oidc", "provider")
    if provider.get("sameCluster"):
        egress.append({"ports": [{"port": provider.get("port"), "protocol": "TCP"}],
                       "to": [_block(cidr) for cidr in PRIVATE]})
    return [_policy(ctx, "substra-backend-server-ingress", server, types=["Ingress"],
                    ingress=[{"from": [clients], "ports": [{"port": port, "protocol": "TCP"}]}]),
            _policy(ctx, "substra-backend-server-egress", {"role-server-client": "true"}, types=["Egress"],
                    egress=egress)]


# ---- runtime pods -------------------------------------------------------------------------------------------------

def kaniko_pod(ctx: Ctx) -> dict[str, Any]:
    """A Kaniko image-build pod as the builder code creates it: root with a few added capabilities (baseline, not
    restricted), mounting the builder's subtuple and docker-cache claims read-only, pinned to the builder pod."""
    name = "kaniko-example"
    builder = f"{ctx.fullname}-builder-0"
    security = {"runAsUser": 0, "runAsGroup": 0, "runAsNonRoot": False, "privileged": False,
                "allowPrivilegeEscalation": False, "seccompProfile": {"type": "RuntimeDefault"},
                "capabilities": {"drop": ["ALL"],
                                 "add": ["CHOWN", "SETUID", "SETGID", "FOWNER", "DAC_OVERRIDE", "SETFCAP"]}}
    volumes = [{"name": "subtuple", "persistentVolumeClaim": {"claimName": f"subtuple-{builder}", "readOnly": True}},
               {"name": "docker-cache",
                "persistentVolumeClaim": {"claimName": f"docker-cache-{builder}", "readOnly": True}}]
    volumes += docker_config_volumes(ctx)
    if flag(ctx.v, "privateCa", "enabled"):
        volumes.append({"name": "ssl-certs", "secret": {"secretName": "ca-certificates"}})
    labels = {"substra.ai/pod-name": name, "substra.ai/pod-type": "image-build",
              "app.kubernetes.io/component": "substra-compute", "role-registry-client": "true",
              "role-internet-egress": "true"}
    spec = {"restartPolicy": "Never", "affinity": pinned_to(builder),
            "containers": [container("kaniko", image(node(ctx.v, "kaniko", "image")), security)],
            "volumes": volumes}
    return _runtime(ctx, name, labels, spec)


def compute_pod(ctx: Ctx) -> dict[str, Any]:
    """A compute-task pod as the worker code creates it: non-root from worker.computePod.securityContext, the
    worker's subtuple claim, and one hostPath /dev/nvidiaN per GPU when COMPUTE_POD_GKE_GPUS_LIMITS > 0 (which
    fails baseline)."""
    name = "substra-00000000-compute-00000000"
    worker = f"{ctx.fullname}-worker-0"
    compute = node(ctx.v, "worker", "computePod")
    context = node(compute, "securityContext")
    pod_context = {"runAsNonRoot": True, **{key: context[key] for key in ("runAsUser", "runAsGroup", "fsGroup")
                                            if context.get(key) is not None}}
    volumes: list[dict[str, Any]] = [
        {"name": "subtuple", "persistentVolumeClaim": {"claimName": f"subtuple-{worker}"}}]
    for index in range(_gpus(ctx)):
        volumes.append({"name": f"nvidia{index}", "hostPath": {"path": f"/dev/nvidia{index}"}})
    labels = {"substra.ai/pod-name": name, "substra.ai/pod-type": "compute-task",
              "app.kubernetes.io/component": "substra-compute", "substra.ai/compute-plan-key": "00000000",
              "substra.ai/function-key": "00000000"}
    registry = node(ctx.v, "containerRegistry")
    function_image = f"{registry.get('pullDomain')}/{registry.get('userImageRepository')}:00000000"
    spec: dict[str, Any] = {"restartPolicy": "Never", "securityContext": pod_context,
                            "containers": [container("compute", function_image, {**RESTRICTED_CONTAINER,
                                                                                   "privileged": False})],
                            "volumes": volumes}
    for key in ("affinity", "nodeSelector", "tolerations"):
        if compute.get(key):
            spec[key] = fresh(compute[key])
    secret = node(ctx.v, "kaniko").get("dockerConfigSecretName")
    if secret:
        spec["imagePullSecrets"] = [{"name": secret}]
    return _runtime(ctx, name, labels, spec)


def _gpus(ctx: Ctx) -> int:
    """COMPUTE_POD_GKE_GPUS_LIMITS from `config` (any type the operator wrote); 0 when absent or not a number."""
    raw = node(ctx.v, "config").get("COMPUTE_POD_GKE_GPUS_LIMITS")
    try:
        return max(int(str(raw).strip()), 0) if raw is not None else 0
    except ValueError:
        return 0


def _runtime(ctx: Ctx, name: str, labels: dict[str, str], spec: dict[str, Any]) -> dict[str, Any]:
    """A bare Pod marked as created at run time."""
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {**meta(ctx, name, labels), "annotations": {RUNTIME_ANNOTATION: "true"}}, "spec": spec}



def docker_config_volume(secret: str) -> dict[str, Any]:
    """A dockerconfigjson Secret mounted as config.json, the way Kaniko reads registry credentials."""
    return {"name": "docker-config", "secret": {"secretName": secret,
                                                "items": [{"key": ".dockerconfigjson", "path": "config.json"}]}}


def docker_config_volumes(ctx: Ctx) -> list[dict[str, Any]]:
    """kaniko.dockerConfigSecretName, mounted by the builder, the worker and the Kaniko """
    secret = node(ctx.v, "kaniko").get("dockerConfigSecretName")
    return [docker_config_volume(secret)] if secret else []


def pinned_to(pod_name: str) -> dict[str, Any]:
    """A required podAffinity to one StatefulSet pod, as the builder gives its Kaniko """
    return {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchExpressions": [{"key": "statefulset.kubernetes.io/pod-name", "operator": "In",
                                                "values": [pod_name]}]},
        "topologyKey": "kubernetes.io/hostname"}]}}
