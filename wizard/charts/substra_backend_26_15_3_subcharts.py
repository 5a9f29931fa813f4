"""substra-backend 26.15.3 model, part 2: the object builders shared by the model, and the vendored subcharts
(docker-registry 2.2.3, localstack 0.6.9, minio 14.6.1, postgresql 15.4.1, redis 19.5.0) as they render inside
this chart.

Quirk kept on purpose (FACTS §1.3): the parent chart redefines `common.storage.class`, so the storageClass of the
Bitnami subcharts and localstack is never emitted; docker-registry's works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.charts.bitnami_postgresql_15_4_1 import bitnami_image
from wizard.charts.chart_defaults import copy_json
from wizard.charts.helm_names import fullname, trunc

APP_VERSION = "1.0.1"
CHART_LABEL = "substra-backend-26.15.3"
RESTRICTED_CONTAINER: dict[str, Any] = {
    "allowPrivilegeEscalation": False, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"},
    "capabilities": {"drop": ["ALL"]}}
_BITNAMI = {"postgresql": ("15.4.1", "16.3.0"), "redis": ("19.5.0", "7.2.5"), "minio": ("14.6.1", "2024.5.27")}


@dataclass
class Ctx:
    """One render: the coalesced values, the release and namespace, and names derived once."""

    v: dict[str, Any]
    release: str
    namespace: str
    fullname: str = field(init=False)
    labels: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        # The chart cuts its own full name to 63 characters before it appends each suffix (`-api-events`, ...):
        # release names of 48 to 53 characters give names cut in the middle (substra-renders-releases).
        self.fullname = trunc(f"{self.release}-substra-backend")
        self.labels = {"helm.sh/chart": CHART_LABEL, "app.kubernetes.io/instance": self.release,
                       "app.kubernetes.io/version": APP_VERSION, "app.kubernetes.io/managed-by": "Helm",
                       "app.kubernetes.io/part-of": "substra-backend"}


# ---- value access and object builders ------------------------------------------------------------------------------

def node(tree: Any, *path: str) -> dict[str, Any]:
    """The map at `path`, or an empty one: values may miss or null any key, and a missing map reads as empty."""
    for key in path:
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree if isinstance(tree, dict) else {}


def flag(tree: Any, *path: str) -> bool:
    """A boolean at `path` (missing = false), as Helm's `if` reads it."""
    *parents, last = path
    return bool(node(tree, *parents).get(last))


def image(ref: Any, default_tag: str | None = APP_VERSION) -> str:
    """`registry/repository:tag` as the charts print it; a null tag falls back to `default_tag`. Pass
    default_tag=None for templates that do not fall back (they print Go's `%!s(<nil>)`)."""
    ref = ref if isinstance(ref, dict) else {}
    tag = ref.get("tag")
    tag = default_tag if tag is None else tag
    text = "%!s(<nil>)" if tag is None else tag
    registry = ref.get("registry")
    return f"{registry}/{ref.get('repository')}:{text}" if registry else f"{ref.get('repository')}:{text}"


def subchart_image(ctx: Ctx, values: dict[str, Any]) -> str:
    """A Bitnami subchart's main image, with the parent's and the subchart's global.imageRegistry."""
    return bitnami_image(node(values, "image"), node(ctx.v, "global"), node(values, "global"))


def fresh(value: Any) -> Any:
    """A copy of a small JSON-like piece (a securityContext, an affinity), so no two objects share containers."""
    return copy_json(value)


def container(name: str, image_name: str, security: dict[str, Any] | None = RESTRICTED_CONTAINER,
              ports: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A container with what the analysis reads; `security` None leaves the securityContext out."""
    found: dict[str, Any] = {"name": name, "image": image_name}
    if ports:
        found["ports"] = ports
    if security is not None:
        found["securityContext"] = fresh(security)
    return found


def meta(ctx: Ctx, name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """Object metadata in the render's namespace."""
    found: dict[str, Any] = {"name": name, "namespace": ctx.namespace}
    if labels:
        found["labels"] = labels
    return found


def workload(ctx: Ctx, kind: str, name: str, labels: dict[str, str], security: dict[str, Any] | None,
             spec: dict[str, Any], replicas: Any = None, *, by_component: bool = False) -> dict[str, Any]:
    """A Deployment, StatefulSet or Job whose pod template carries `labels`; empty lists are dropped. Deployments
    and StatefulSets select their pods as the charts do: twuni's registry by app and release, the others by name
    and instance (the Bitnami StatefulSets, `by_component`, by their component too)."""
    pod_spec = {key: value for key, value in spec.items() if value not in ([], None)}
    if security is not None:
        pod_spec["securityContext"] = security
    body: dict[str, Any] = {"template": {"metadata": {"labels": labels}, "spec": pod_spec}}
    if kind != "Job":
        keys = ("app", "release") if "app" in labels else (
            "app.kubernetes.io/instance", "app.kubernetes.io/name", *(["app.kubernetes.io/component"] if by_component
                                                                      else []))
        body = {"selector": {"matchLabels": {key: labels[key] for key in keys if key in labels}}, **body}
    if replicas is not None:
        body = {"replicas": replicas, **body}
    api = "batch/v1" if kind == "Job" else "apps/v1"
    return {"apiVersion": api, "kind": kind, "metadata": meta(ctx, name, dict(labels)), "spec": body}


def stateful_set(obj: dict[str, Any], templates: list[dict[str, Any]], service: str | None = None) -> dict[str, Any]:
    """Attach the governing Service's name (default: the StatefulSet's) and claim templates (none: the key is left
    out) to a StatefulSet."""
    obj["spec"] = {"serviceName": service or obj["metadata"]["name"], **obj["spec"]}
    if templates:
        obj["spec"]["volumeClaimTemplates"] = templates
    return obj


def storage_class(value: Any) -> str | None:
    """Substra's and twuni's class rule: empty means the cluster default (no field), `-` means no class ("")."""
    if not value:
        return None
    return "" if value == "-" else str(value)


def volume_claim(name: str, modes: list[str], persistence: dict[str, Any], with_class: bool = True) -> dict[str, Any]:
    """A claim template (`metadata.name` + spec) from a persistence map's size and storageClass."""
    spec: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": persistence.get("size")}}}
    klass = storage_class(persistence.get("storageClass")) if with_class else None
    if klass is not None:
        spec["storageClassName"] = klass
    return {"metadata": {"name": name}, "spec": spec}


def persistent(ctx: Ctx, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A standalone PersistentVolumeClaim."""
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(ctx, name), "spec": spec}


def without_enabled(section: Any) -> dict[str, Any] | None:
    """A Bitnami-style securityContext map: None when `enabled` is false, else the map minus `enabled`."""
    if not isinstance(section, dict) or not section.get("enabled"):
        return None
    return {key: fresh(value) for key, value in section.items() if key != "enabled"}


def _modes(persistence: dict[str, Any]) -> list[str]:
    modes = persistence.get("accessModes")
    return [str(mode) for mode in modes] if isinstance(modes, list) else []


# ---- subcharts ------------------------------------------------------------------------------------------------------

def render(ctx: Ctx) -> list[dict[str, Any]]:
    """Every enabled subchart's workloads, policies, claims and test pods, in Helm's (alphabetical) chart order."""
    found: list[dict[str, Any]] = []
    if flag(ctx.v, "docker-registry", "enabled"):
        found += _registry(ctx)
    if flag(ctx.v, "localstack", "enabled"):
        found += _localstack(ctx)
    if flag(ctx.v, "minio", "enabled"):
        found += _minio(ctx)
    if flag(ctx.v, "postgresql", "enabled"):
        found += _postgresql(ctx)
    if flag(ctx.v, "redis", "enabled"):
        found += _redis(ctx)
    return found


def _data_volume(persistence: dict[str, Any], default_claim: str, name: str = "data") -> dict[str, Any]:
    """The data volume of a chart whose claim is a standalone PVC: existing claim, own claim, or emptyDir."""
    if not persistence.get("enabled"):
        return {"name": name, "emptyDir": {}}
    return {"name": name, "persistentVolumeClaim": {"claimName": persistence.get("existingClaim") or default_claim}}


def _own_claim(persistence: dict[str, Any]) -> bool:
    return bool(persistence.get("enabled")) and not persistence.get("existingClaim")


def _registry(ctx: Ctx) -> list[dict[str, Any]]:
    """twuni docker-registry: Deployment (UID 1000) and its claim; accessMode is a single string here."""
    values = node(ctx.v, "docker-registry")
    name = fullname(ctx.release, "docker-registry")
    persistence = node(values, "persistence")
    ref = node(values, "image")
    security = without_enabled(values.get("containerSecurityContext"))
    main = container("docker-registry", f"{ref.get('repository')}:{ref.get('tag')}", security,
                     [{"containerPort": 5000}])
    volumes = [{"name": f"{name}-config", "configMap": {"name": f"{name}-config"}}, _data_volume(persistence, name)]
    spec = {"containers": [main], "volumes": volumes}
    labels = {"app": "docker-registry", "release": ctx.release}
    found = [workload(ctx, "Deployment", name, labels, without_enabled(values.get("securityContext")), spec,
                      values.get("replicaCount"))]
    if _own_claim(persistence):
        claim = volume_claim(name, [str(persistence.get("accessMode"))], persistence)
        found.append(persistent(ctx, name, claim["spec"]))
    return found


def _localstack(ctx: Ctx) -> list[dict[str, Any]]:
    """localstack: no securityContext at all, edge port 4566 and the external service port range, a claim that
    reads `persistence.accessModes` (Substra's `accessMode` is ignored), and two `helm test` pods."""
    values = node(ctx.v, "localstack")
    name = fullname(ctx.release, "localstack")
    persistence = node(values, "persistence")
    service = node(values, "service")
    ref = node(values, "image")
    ports = [{"name": "edge", "containerPort": node(service, "edgeService").get("targetPort", 4566),
              "protocol": "TCP"}]
    span = node(service, "externalServicePorts")
    ports += [{"name": f"ext-svc-{port}", "containerPort": port, "protocol": "TCP"}
              for port in range(int(span.get("start") or 0), int(span.get("end") or 0))]
    main = container("localstack", f"{ref.get('repository')}:{ref.get('tag')}", values.get("securityContext") or {},
                     ports)
    spec = {"serviceAccountName": name, "containers": [main],
            "volumes": [_data_volume(persistence, name)] if persistence.get("enabled") else []}
    labels = {"app.kubernetes.io/name": "localstack", "app.kubernetes.io/instance": ctx.release}
    found = [workload(ctx, "Deployment", name, labels, values.get("podSecurityContext") or {}, spec,
                      values.get("replicaCount"))]
    if _own_claim(persistence):
        found.append(persistent(ctx, name, volume_claim(name, _modes(persistence), persistence, False)["spec"]))
    test_labels = {"app.kubernetes.io/name": "localstack", "helm.sh/chart": "localstack-0.6.9",
                   "app.kubernetes.io/instance": ctx.release, "app.kubernetes.io/managed-by": "Helm"}
    for suffix, box, box_image in (("test-connection", "wget-edge", "busybox"), ("test-s3", "awscli-s3",
                                                                                   "amazon/aws-cli")):
        found.append({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {**meta(ctx, f"{name}-{suffix}", dict(test_labels)),
                                   "annotations": {"helm.sh/hook": "test"}},
                      "spec": {"restartPolicy": "Never", "containers": [container(box, box_image, None)]}})
    return found


def _bitnami_labels(ctx: Ctx, chart: str, component: str | None = None) -> dict[str, str]:
    version, app = _BITNAMI[chart]
    labels = {"app.kubernetes.io/instance": ctx.release, "app.kubernetes.io/managed-by": "Helm",
              "app.kubernetes.io/name": chart, "app.kubernetes.io/version": app, "helm.sh/chart": f"{chart}-{version}"}
    if component:
        labels["app.kubernetes.io/component"] = component
    return labels


def _bitnami_policy(ctx: Ctx, name: str, selector: dict[str, str], ports: list[int], settings: dict[str, Any],
                    client: str, dns: tuple[str, ...] = ("UDP", "TCP"),
                    peers: tuple[list[int], dict[str, str]] | None = None,
                    extra_as_peers: bool = False) -> dict[str, Any]:
    """A Bitnami subchart NetworkPolicy: ingress on the service ports (from anyone with allowExternal, else from
    the chart's own pods and `<fullname>-client` pods) and all egress with allowExternalEgress, else DNS over the
    chart's protocols (none for standalone redis, whose template has no DNS rule) plus its own `peers` rule.

    `extraIngress` items are whole rules after the first, except for minio (`extra_as_peers`), whose template puts
    them as peers into the first rule's `from`, and only when closed: a rule-shaped item there becomes a peer the
    API server refuses, exactly as the real chart renders it (render 22)."""
    ingress: dict[str, Any] = {"ports": [{"port": port} for port in ports]}
    extra_ingress = [fresh(item) for item in settings.get("extraIngress") or []]
    if not settings.get("allowExternal"):
        ingress["from"] = [{"podSelector": {"matchLabels": {f"{client}-client": "true"}}},
                           {"podSelector": {"matchLabels": dict(selector)}}]
        if extra_as_peers:
            ingress["from"] += extra_ingress
    closed_egress = not settings.get("allowExternalEgress")
    egress: list[dict[str, Any]] = [] if closed_egress else [{}]
    if closed_egress and dns:
        egress.append({"ports": [{"port": 53, "protocol": protocol} for protocol in dns]})
    if closed_egress and peers is not None:
        egress.append({"ports": [{"port": port} for port in peers[0]],
                       "to": [{"podSelector": {"matchLabels": peers[1]}}]})
    if closed_egress and not extra_as_peers:
        egress += [fresh(item) for item in settings.get("extraEgress") or []]
    spec = {"podSelector": {"matchLabels": selector}, "policyTypes": ["Ingress", "Egress"], "egress": egress,
            "ingress": [ingress] + ([] if extra_as_peers else extra_ingress)}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(ctx, name), "spec": spec}


def _minio(ctx: Ctx) -> list[dict[str, Any]]:
    """Bitnami minio (standalone): policy, claim `<release>-minio` and the Deployment."""
    values = node(ctx.v, "minio")
    name = fullname(ctx.release, "minio")
    persistence = node(values, "persistence")
    ports = node(values, "containerPorts")
    found = []
    settings = node(values, "networkPolicy")
    if settings.get("enabled"):
        selector = {"app.kubernetes.io/instance": ctx.release, "app.kubernetes.io/name": "minio"}
        service_ports = [ports.get("console", 9001), ports.get("api", 9000)]
        found.append(_bitnami_policy(ctx, name, selector, service_ports, settings, name, dns=("UDP",),
                                     peers=(service_ports, dict(selector)), extra_as_peers=True))
    if _own_claim(persistence):
        found.append(persistent(ctx, name, volume_claim(name, _modes(persistence), persistence, False)["spec"]))
    main = container("minio", subchart_image(ctx, values), without_enabled(values.get("containerSecurityContext")),
                     [{"name": "minio-api", "containerPort": ports.get("api", 9000), "protocol": "TCP"},
                      {"name": "minio-console", "containerPort": ports.get("console", 9001), "protocol": "TCP"}])
    spec = {"serviceAccountName": name, "containers": [main],
            "volumes": [{"name": "empty-dir", "emptyDir": {}}, _data_volume(persistence, name)]}
    found.append(workload(ctx, "Deployment", name, _bitnami_labels(ctx, "minio"),
                          without_enabled(values.get("podSecurityContext")), spec))
    return found


def _postgresql(ctx: Ctx) -> list[dict[str, Any]]:
    """Bitnami postgresql primary: policy and StatefulSet whose `data` template gives data-<release>-postgresql-0."""
    values = node(ctx.v, "postgresql")
    primary = node(values, "primary")
    name = fullname(ctx.release, "postgresql")
    port = node(values, "containerPorts").get("postgresql", 5432)
    found = []
    settings = node(primary, "networkPolicy")
    if settings.get("enabled"):
        selector = {"app.kubernetes.io/instance": ctx.release, "app.kubernetes.io/name": "postgresql",
                    "app.kubernetes.io/component": "primary"}
        replicas = {**selector, "app.kubernetes.io/component": "read"}
        found.append(_bitnami_policy(ctx, name, selector, [port], settings, name, peers=([port], replicas)))
    main = container("postgresql", subchart_image(ctx, values),
                     without_enabled(primary.get("containerSecurityContext")),
                     [{"name": "tcp-postgresql", "containerPort": port}])
    volumes: list[dict[str, Any]] = [{"name": "empty-dir", "emptyDir": {}}]
    if flag(values, "shmVolume", "enabled"):
        volumes.append({"name": "dshm", "emptyDir": {"medium": "Memory"}})
    persistence = node(primary, "persistence")
    volume_name = persistence.get("volumeName") or "data"
    if not _own_claim(persistence):
        volumes.append(_data_volume(persistence, "", volume_name))
    spec = {"serviceAccountName": name, "hostNetwork": bool(primary.get("hostNetwork")),
            "hostIPC": bool(primary.get("hostIPC")), "containers": [main], "volumes": volumes}
    obj = workload(ctx, "StatefulSet", name, _bitnami_labels(ctx, "postgresql", "primary"),
                   without_enabled(primary.get("podSecurityContext")), spec, 1, by_component=True)
    templates = [volume_claim(volume_name, _modes(persistence), persistence, False)] if _own_claim(persistence) else []
    return found + [stateful_set(obj, templates, trunc(f"{name}-hl"))]


def _redis(ctx: Ctx) -> list[dict[str, Any]]:
    """Bitnami redis master StatefulSet (its `redis-data` template gives redis-data-<release>-redis-master-0),
    then the chart's policy."""
    values = node(ctx.v, "redis")
    master = node(values, "master")
    name = fullname(ctx.release, "redis")
    port = node(master, "containerPorts").get("redis", 6379)
    persistence = node(master, "persistence")
    main = container("redis", subchart_image(ctx, values), without_enabled(master.get("containerSecurityContext")),
                     [{"name": "redis", "containerPort": port}])
    volumes: list[dict[str, Any]] = [
        {"name": "start-scripts", "configMap": {"name": f"{name}-scripts", "defaultMode": 493}},
        {"name": "health", "configMap": {"name": f"{name}-health", "defaultMode": 493}},
        {"name": "config", "configMap": {"name": f"{name}-configuration"}}, {"name": "empty-dir", "emptyDir": {}}]
    if not _own_claim(persistence):
        volumes.append(_data_volume(persistence, "", "redis-data"))
    spec = {"serviceAccountName": f"{name}-master", "containers": [main], "volumes": volumes}
    obj = workload(ctx, "StatefulSet", f"{name}-master", _bitnami_labels(ctx, "redis", "master"),
                   without_enabled(master.get("podSecurityContext")), spec, master.get("count", 1), by_component=True)
    templates = [volume_claim("redis-data", _modes(persistence), persistence, False)] if _own_claim(persistence) else []
    found = [stateful_set(obj, templates, f"{name}-headless")]  # not cut: the chart does not
    settings = node(values, "networkPolicy")
    if settings.get("enabled"):
        selector = {"app.kubernetes.io/instance": ctx.release, "app.kubernetes.io/name": "redis"}
        replication = values.get("architecture") == "replication"
        found.append(_bitnami_policy(ctx, name, selector, [port], settings, name,
                                     dns=("UDP", "TCP") if replication else ()))
    return found
