"""Embedded model of the orchestrator chart 8.8.0 (with its Bitnami postgresql 15.4.1 subchart).

`render` returns the objects the analysis needs (workloads with their pod templates, NetworkPolicies, claims),
computed from the coalesced values, so the wizard can explain a deployment instantly, without Helm. Behaviour
comes from FACTS.md §2 and the reference renders; what the model leaves out (ConfigMaps, Secrets, Services,
Ingress, Certificate, ServiceMonitor) creates no pod, policy or claim.

Like the chart, the orchestrator's own objects carry no namespace and the subchart's carry the release
namespace: analyse the result with the release namespace as the default one.
"""

from __future__ import annotations

import re
from typing import Any

CHART = "orchestrator"
VERSION = "8.8.0"
APP_VERSION = "1.0.0"
SERVER_PORT = 9000  # the container port is fixed; service.port only changes the Service and the policy (§2.2)
HOOK = "helm.sh/hook"

PG_CHART = "postgresql-15.4.1"
PG_APP_VERSION = "16.3.0"


def render(values: dict[str, Any], release: str, namespace: str) -> list[dict[str, Any]]:
    """The orchestrator's workloads, policies and claims for these (already coalesced) values, in the order Helm
    prints them (by template path: the subchart first, the test pod last)."""
    names = _Names(values, release)
    objects: list[dict[str, Any]] = []
    postgresql = values.get("postgresql") or {}
    if postgresql.get("enabled"):
        objects += postgresql_objects(postgresql, values.get("global") or {}, release, namespace)
    objects += [_server(values, names), _migrations(values, names)]
    objects += _policies(values, names)
    objects.append(_test_pod(values, names))
    return objects


# ---- names and labels ------------------------------------------------------------------------------------------

def _trunc(name: str) -> str:
    """Helm's `trunc 63 | trimSuffix "-"`: Kubernetes names are DNS labels."""
    return name[:63].removesuffix("-")


def fullname(release: str, chart: str, name_override: str, fullname_override: str) -> str:
    """The standard Helm fullname: the override, or the release alone if it already contains the chart name."""
    if fullname_override:
        return _trunc(fullname_override)
    name = name_override or chart
    return _trunc(release if name in release else f"{release}-{name}")


class _Names:
    """The names and label sets the chart derives from the release and the name overrides."""

    def __init__(self, values: dict[str, Any], release: str) -> None:
        self.release = release
        self.name = _trunc(values.get("nameOverride") or CHART)
        self.fullname = fullname(release, CHART, values.get("nameOverride") or "", values.get("fullnameOverride") or "")
        self.server = self._component(release, (values.get("orchestrator") or {}).get("fullnameOverride"), "server")
        self.migrations = self._component(release, (values.get("migrations") or {}).get("fullnameOverride"),
                                          "migrations")
        self.common = {"helm.sh/chart": f"{CHART}-{VERSION}", "app.kubernetes.io/managed-by": "Helm"}
        self.selector = {"app.kubernetes.io/instance": release, "app.kubernetes.io/name": self.name}
        self.server_labels = {"app.kubernetes.io/component": "server", **self.selector, **self.common}
        self.migrations_labels = {"app.kubernetes.io/component": "migrations", **self.common}

    def _component(self, release: str, override: str | None, suffix: str) -> str:
        """`<release>-<name>-<suffix>`, or `<release>-<suffix>` when the release contains the chart name (§2.5)."""
        if override:
            return _trunc(override)
        return _trunc(f"{release}-{suffix}" if self.name in release else f"{release}-{self.name}-{suffix}")


def _service_account(values: dict[str, Any], names: _Names) -> str:
    account = values.get("serviceAccount") or {}
    if account.get("create"):
        return account.get("name") or names.fullname
    return account.get("name") or "default"


# ---- workloads -------------------------------------------------------------------------------------------------

# Hard-coded in the templates: podSecurityContext and securityContext in values are not read (§2.2, §2.6).
_POD_CONTEXT = {"runAsUser": 1001, "fsGroup": 1001, "seccompProfile": {"type": "RuntimeDefault"},
                "runAsNonRoot": True}


def _container_context() -> dict[str, Any]:
    return {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def _image(image: dict[str, Any], default_tag: str) -> str:
    tag = image.get("tag") or default_tag
    registry = image.get("registry")
    return f"{registry}/{image.get('repository')}:{tag}" if registry else f"{image.get('repository')}:{tag}"


def _wait_postgresql(values: dict[str, Any]) -> dict[str, Any]:
    image = ((values.get("initImages") or {}).get("postgresql")) or {}
    return {"name": "wait-postgresql", "image": _image(image, "latest"), "securityContext": _container_context()}


def _server(values: dict[str, Any], names: _Names) -> dict[str, Any]:
    orchestrator = values.get("orchestrator") or {}
    container = {
        "name": CHART,
        "securityContext": _container_context(),
        "image": _image(orchestrator.get("image") or {}, APP_VERSION),
        "ports": [{"name": "grpc", "containerPort": SERVER_PORT, "protocol": "TCP"}],
        "volumeMounts": [{"name": "orchestrator-config", "mountPath": "/var/orchestrator/config.yaml",
                          "subPath": "config.yaml", "readOnly": True}],
    }
    volumes: list[dict[str, Any]] = [{"name": "orchestrator-config", "configMap": {
        "name": f"{names.server}-config", "items": [{"key": "config.yaml", "path": "config.yaml"}]}}]
    _add_tls(orchestrator.get("tls") or {}, container["volumeMounts"], volumes)
    spec: dict[str, Any] = {"serviceAccountName": _service_account(values, names),
                            "securityContext": dict(_POD_CONTEXT), "initContainers": [_wait_postgresql(values)],
                            "containers": [container], "volumes": volumes}
    _scheduling(values, spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": names.server, "labels": dict(names.server_labels)},
            "spec": {"selector": {"matchLabels": {"app.kubernetes.io/component": "server", **names.selector}},
                     "template": {"metadata": {"labels": dict(names.server_labels)}, "spec": spec}}}


def _add_tls(tls: dict[str, Any], mounts: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> None:
    """TLS mounts the server pair and the CA as Secrets; mTLS adds one projected Secret volume per client CA."""
    if not tls.get("enabled"):
        return
    pair = (tls.get("secrets") or {}).get("pair")
    mounts += [{"name": "orchestrator-tls-server-pair", "mountPath": "/var/orchestrator/tls/server/pair",
                "readOnly": True},
               {"name": "orchestrator-tls-cacert", "mountPath": "/var/orchestrator/tls/server/cacert",
                "readOnly": True}]
    volumes += [{"name": "orchestrator-tls-cacert", "secret": {"secretName": tls.get("cacert")}},
                {"name": "orchestrator-tls-server-pair", "secret": {"secretName": pair}}]
    mtls = tls.get("mtls") or {}
    if not mtls.get("enabled"):
        return
    for ca_name, secrets in sorted((mtls.get("clientCACerts") or {}).items()):
        volume = f"orchestrator-tls-client-cacert-{kebabcase(ca_name)}"
        mounts.append({"name": volume, "mountPath": f"/var/orchestrator/tls/client/{ca_name}", "readOnly": True})
        sources = [{"secret": {"name": secret, "items": [{"key": "ca.crt", "path": f"{kebabcase(secret)}.crt"}]}}
                   for secret in secrets or []]
        volumes.append({"name": volume, "projected": {"sources": sources}})


def kebabcase(text: str) -> str:
    """Sprig's kebabcase (volume names must be DNS labels): `orgCA` -> `org-ca`, `my_ca` -> `my-ca`."""
    text = _ACRONYM_END.sub(r"\1-\2", _WORD_START.sub(r"\1-\2", text))
    return re.sub(r"[_\s.]+", "-", text).lower()


_WORD_START = re.compile(r"([a-z0-9])([A-Z])")
_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")


def _scheduling(values: dict[str, Any], spec: dict[str, Any]) -> None:
    for key in ("nodeSelector", "affinity", "tolerations"):
        if values.get(key):
            spec[key] = values[key]


def _migrations(values: dict[str, Any], names: _Names) -> dict[str, Any]:
    """The post-install/upgrade migrations Job: same hard-coded contexts, its own labels (not under deny-all)."""
    orchestrator = values.get("orchestrator") or {}
    container = {"name": "db-migrations", "securityContext": _container_context(),
                 "image": _image(orchestrator.get("image") or {}, APP_VERSION)}
    spec = {"securityContext": dict(_POD_CONTEXT), "restartPolicy": "OnFailure",
            "initContainers": [_wait_postgresql(values)], "containers": [container]}
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": names.migrations, "labels": dict(names.migrations_labels),
                         "annotations": {HOOK: "post-install,post-upgrade",
                                         "helm.sh/hook-delete-policy": "before-hook-creation"}},
            "spec": {"template": {"metadata": {"name": names.migrations, "labels": dict(names.migrations_labels)},
                                  "spec": spec}}}


def _test_pod(values: dict[str, Any], names: _Names) -> dict[str, Any]:
    """The `helm test` pod: busybox with no security context; the hook annotation lets reports set it apart."""
    port = (values.get("service") or {}).get("port")
    container = {"name": "wget", "image": "busybox", "command": ["wget"], "args": [f"{names.fullname}:{port}"]}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"{names.fullname}-test-connection", "labels": dict(names.server_labels),
                         "annotations": {HOOK: "test"}},
            "spec": {"containers": [container], "restartPolicy": "Never"}}


# ---- NetworkPolicies (unconditional, named after the chart name, §2.4) -----------------------------------------

_PG_PRIMARY = {"app.kubernetes.io/component": "primary", "app.kubernetes.io/name": "postgresql"}


def _policy(name: str, selector: dict[str, str], spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name},
            "spec": {"podSelector": {"matchLabels": selector}, **spec}}


def _policies(values: dict[str, Any], names: _Names) -> list[dict[str, Any]]:
    db_port = (values.get("database") or {}).get("port")
    service_port = (values.get("service") or {}).get("port")
    dns = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                   "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
           "ports": [{"protocol": "TCP", "port": 53}, {"protocol": "UDP", "port": 53}]}
    database_ingress = {"from": [{"podSelector": {"matchLabels": dict(names.migrations_labels)}},
                                 {"podSelector": {"matchLabels": dict(names.server_labels)}}],
                        "ports": [{"protocol": "TCP", "port": db_port}]}
    server_ingress = {"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                      "ports": [{"protocol": "TCP", "port": port} for port in (443, 80, service_port)]}
    return [
        _policy(f"{names.name}-database", dict(_PG_PRIMARY),
                {"policyTypes": ["Ingress", "Egress"], "ingress": [database_ingress], "egress": []}),
        _policy(f"{names.name}-deny-all", dict(names.selector), {"ingress": [], "egress": []}),
        _policy(f"{names.name}-common", dict(names.common), {"policyTypes": ["Egress"], "egress": [
            dns, {"to": [{"podSelector": {"matchLabels": dict(_PG_PRIMARY)}}],
                  "ports": [{"protocol": "TCP", "port": db_port}]}]}),
        _policy(f"{names.name}-server", dict(names.server_labels),
                {"policyTypes": ["Ingress"], "ingress": [server_ingress]}),
    ]


# ---- Bitnami postgresql 15.4.1 (standalone primary) ------------------------------------------------------------

def _security_context(raw: Any, openshift: bool = False) -> dict[str, Any] | None:
    """Bitnami's `enabled` switch: the context without that key, or none at all. With OpenShift adaptation
    forced, the user and group IDs are dropped (OpenShift assigns them), and an empty seLinuxOptions too."""
    if not isinstance(raw, dict) or not raw.get("enabled"):
        return None
    dropped = {"enabled"}
    if openshift:
        dropped |= {"fsGroup", "runAsUser", "runAsGroup"} | (set() if raw.get("seLinuxOptions") else {"seLinuxOptions"})
    return {key: value for key, value in raw.items() if key not in dropped}


def _openshift(pg: dict[str, Any]) -> bool:
    """global.compatibility.openshift.adaptSecurityContext: only "force" applies offline ("auto" needs a cluster
    to detect OpenShift, and helm template has none)."""
    adapt = ((((pg.get("global") or {}).get("compatibility") or {}).get("openshift") or {})
             .get("adaptSecurityContext"))
    return adapt == "force"


def postgresql_objects(pg: dict[str, Any], global_values: dict[str, Any], release: str,
                       namespace: str) -> list[dict[str, Any]]:
    """The subchart's primary StatefulSet and its NetworkPolicy (on by default: anyone may reach 5432)."""
    primary = pg.get("primary") or {}
    name = _trunc(pg.get("nameOverride") or "postgresql")
    base = fullname(release, "postgresql", pg.get("nameOverride") or "", pg.get("fullnameOverride") or "")
    full = _trunc(f"{base}-{primary.get('name')}") if pg.get("architecture") == "replication" else base
    match = {"app.kubernetes.io/instance": release, "app.kubernetes.io/name": name}
    custom = {**(pg.get("commonLabels") or {}), **(primary.get("podLabels") or {})}
    standard = {**match, "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/version": PG_APP_VERSION,
                "helm.sh/chart": PG_CHART}
    pod_labels = {**standard, **custom, "app.kubernetes.io/component": "primary"}
    selector = {**match, "app.kubernetes.io/component": "primary"}
    account = pg.get("serviceAccount") or {}
    service_account = (account.get("name") or base) if account.get("create") else (account.get("name") or "default")
    objects = []
    if (primary.get("networkPolicy") or {}).get("enabled"):
        objects.append(_pg_policy(pg, full, namespace, match))
    objects.append(_pg_statefulset(pg, global_values, full, namespace, pod_labels, selector, service_account))
    return objects


def _pg_statefulset(pg: dict[str, Any], global_values: dict[str, Any], full: str, namespace: str,
                    pod_labels: dict[str, str], selector: dict[str, str], service_account: str) -> dict[str, Any]:
    primary = pg.get("primary") or {}
    persistence = primary.get("persistence") or {}
    spec: dict[str, Any] = {"automountServiceAccountToken": primary.get("automountServiceAccountToken", False),
                            "hostNetwork": bool(primary.get("hostNetwork")), "hostIPC": bool(primary.get("hostIPC"))}
    spec["serviceAccountName"] = service_account
    context = _security_context(primary.get("podSecurityContext"), _openshift(pg))
    if context is not None:
        spec["securityContext"] = context
    inits = _pg_init_containers(pg, persistence)
    if inits:
        spec["initContainers"] = inits
    spec["containers"] = [_pg_container(pg, persistence)] + _pg_metrics(pg) + list(primary.get("sidecars") or [])
    spec["volumes"] = _pg_volumes(pg, full, persistence)
    statefulset: dict[str, Any] = {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": full, "namespace": namespace, "labels": dict(pod_labels)},
        "spec": {"replicas": 1, "serviceName": f"{full}-hl", "selector": {"matchLabels": selector},
                 "template": {"metadata": {"name": full, "labels": pod_labels}, "spec": spec}}}
    if persistence.get("enabled") and not persistence.get("existingClaim"):
        statefulset["spec"]["volumeClaimTemplates"] = [_pg_claim(persistence, pg.get("global") or {},
                                                                 global_values)]
    return statefulset


def _pg_container(pg: dict[str, Any], persistence: dict[str, Any]) -> dict[str, Any]:
    primary = pg.get("primary") or {}
    container: dict[str, Any] = {"name": "postgresql", "image": _bitnami_image(pg.get("image") or {})}
    context = _security_context(primary.get("containerSecurityContext"), _openshift(pg))
    if context is not None:
        container["securityContext"] = context
    container["ports"] = [{"name": "tcp-postgresql",
                           "containerPort": (pg.get("containerPorts") or {}).get("postgresql")}]
    mounts = [{"name": "empty-dir", "mountPath": "/tmp", "subPath": "tmp-dir"}]
    if _extended_config(primary):
        mounts.append({"name": "postgresql-extended-config", "mountPath": "/bitnami/postgresql/conf/conf.d/"})
    if (pg.get("shmVolume") or {}).get("enabled"):
        mounts.append({"name": "dshm", "mountPath": "/dev/shm"})
    mounts.append({"name": persistence.get("volumeName") or "data", "mountPath": persistence.get("mountPath")})
    container["volumeMounts"] = mounts + list(primary.get("extraVolumeMounts") or [])
    return container


def _bitnami_image(image: dict[str, Any]) -> str:
    repository = f"{image.get('registry')}/{image.get('repository')}" if image.get("registry") \
        else str(image.get("repository"))
    return f"{repository}@{image['digest']}" if image.get("digest") else f"{repository}:{image.get('tag')}"


def _extended_config(primary: dict[str, Any]) -> bool:
    return bool(primary.get("extendedConfiguration") or primary.get("existingExtendedConfigmap"))


def _pg_init_containers(pg: dict[str, Any], persistence: dict[str, Any]) -> list[dict[str, Any]]:
    """volumePermissions adds the root `init-chmod-data` container (runAsUser 0 by default); then the user's own."""
    found: list[dict[str, Any]] = []
    permissions = pg.get("volumePermissions") or {}
    if permissions.get("enabled") and (persistence.get("enabled") or (pg.get("shmVolume") or {}).get("enabled")):
        context = _security_context({**(permissions.get("containerSecurityContext") or {}), "enabled": True},
                                    _openshift(pg))
        found.append({"name": "init-chmod-data", "image": _bitnami_image(permissions.get("image") or {}),
                      "securityContext": context})
    return found + list((pg.get("primary") or {}).get("initContainers") or [])


def _pg_metrics(pg: dict[str, Any]) -> list[dict[str, Any]]:
    metrics = pg.get("metrics") or {}
    if not metrics.get("enabled"):
        return []
    container: dict[str, Any] = {"name": "metrics", "image": _bitnami_image(metrics.get("image") or {})}
    context = _security_context(metrics.get("containerSecurityContext"), _openshift(pg))
    if context is not None:
        container["securityContext"] = context
    container["ports"] = [{"name": "http-metrics",
                           "containerPort": (metrics.get("containerPorts") or {}).get("metrics")}]
    return [container]


def _pg_volumes(pg: dict[str, Any], full: str, persistence: dict[str, Any]) -> list[dict[str, Any]]:
    primary = pg.get("primary") or {}
    volumes: list[dict[str, Any]] = [{"name": "empty-dir", "emptyDir": {}}]
    if _extended_config(primary):
        config_map = primary.get("existingExtendedConfigmap") or f"{full}-extended-configuration"
        volumes.append({"name": "postgresql-extended-config", "configMap": {"name": config_map}})
    shm = pg.get("shmVolume") or {}
    if shm.get("enabled"):
        empty: dict[str, Any] = {"medium": "Memory"}
        if shm.get("sizeLimit"):
            empty["sizeLimit"] = shm["sizeLimit"]
        volumes.append({"name": "dshm", "emptyDir": empty})
    volume_name = persistence.get("volumeName") or "data"
    if persistence.get("enabled") and persistence.get("existingClaim"):
        volumes.append({"name": volume_name, "persistentVolumeClaim": {"claimName": persistence["existingClaim"]}})
    elif not persistence.get("enabled"):
        volumes.append({"name": volume_name, "emptyDir": {}})
    return volumes + list(primary.get("extraVolumes") or [])


def storage_class(persistence: dict[str, Any], *globals_: dict[str, Any]) -> str | None:
    """Bitnami's common.storage.class: global.storageClass wins; "-" means no class (""); empty means unset."""
    chosen = next((g.get("storageClass") for g in globals_ if g.get("storageClass")), None)
    chosen = chosen or persistence.get("storageClass")
    if not chosen:
        return None
    return "" if chosen == "-" else str(chosen)


def _pg_claim(persistence: dict[str, Any], sub_global: dict[str, Any],
              parent_global: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": [str(mode) for mode in persistence.get("accessModes") or []],
                            "resources": {"requests": {"storage": str(persistence.get("size"))}}}
    if persistence.get("dataSource"):
        spec["dataSource"] = persistence["dataSource"]
    if persistence.get("selector"):
        spec["selector"] = persistence["selector"]
    chosen = storage_class(persistence, parent_global, sub_global)
    if chosen is not None:
        spec["storageClassName"] = chosen
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": persistence.get("volumeName") or "data"}, "spec": spec}


def _pg_policy(pg: dict[str, Any], full: str, namespace: str, match: dict[str, str]) -> dict[str, Any]:
    """allowExternal: anyone on the port; otherwise same-release pods and `<fullname>-client` pods (+ namespaces)."""
    policy = (pg.get("primary") or {}).get("networkPolicy") or {}
    port = (pg.get("containerPorts") or {}).get("postgresql")
    ports = [{"port": port}]
    if (pg.get("metrics") or {}).get("enabled"):
        ports.append({"port": ((pg.get("metrics") or {}).get("containerPorts") or {}).get("metrics")})
    rule: dict[str, Any] = {"ports": ports}
    if not policy.get("allowExternal"):
        rule["from"] = [{"podSelector": {"matchLabels": dict(match)}},
                        {"podSelector": {"matchLabels": {f"{full}-client": "true"}}}]
        if policy.get("ingressNSMatchLabels"):
            peer: dict[str, Any] = {"namespaceSelector": {"matchLabels": dict(policy["ingressNSMatchLabels"])}}
            if policy.get("ingressNSPodMatchLabels"):
                peer["podSelector"] = {"matchLabels": dict(policy["ingressNSPodMatchLabels"])}
            rule["from"].append(peer)
    if policy.get("allowExternalEgress"):
        egress: list[dict[str, Any]] = [{}]
    else:
        egress = [{"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]},
                  {"ports": [{"port": port}], "to": [{"podSelector": {"matchLabels": {
                      **match, "app.kubernetes.io/component": "read"}}}]}]
        egress += list(policy.get("extraEgress") or [])
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": full, "namespace": namespace},
            "spec": {"podSelector": {"matchLabels": {**match, "app.kubernetes.io/component": "primary"}},
                     "policyTypes": ["Ingress", "Egress"], "egress": egress,
                     "ingress": [rule] + list(policy.get("extraIngress") or [])}}
