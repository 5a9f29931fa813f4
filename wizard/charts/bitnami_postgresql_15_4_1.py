"""The Bitnami postgresql 15.4.1 subchart as the orchestrator chart renders it (standalone primary): its StatefulSet,
claim template and NetworkPolicy, from the subchart's values (FACTS.md §2.3-2.4). In this chart, unlike inside
substra-backend, storageClass works."""

from __future__ import annotations

from typing import Any

from wizard.charts.helm_names import fullname, trunc

PG_CHART = "postgresql-15.4.1"
PG_APP_VERSION = "16.3.0"


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
    name = trunc(pg.get("nameOverride") or "postgresql")
    base = fullname(release, "postgresql", pg.get("nameOverride") or "", pg.get("fullnameOverride") or "")
    full = trunc(f"{base}-{primary.get('name')}") if pg.get("architecture") == "replication" else base
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
    inits = _pg_init_containers(pg, persistence, (global_values, pg.get("global") or {}))
    if inits:
        spec["initContainers"] = inits
    images = (global_values, pg.get("global") or {})
    spec["containers"] = [_pg_container(pg, persistence, images)] + _pg_metrics(pg, images) + \
        list(primary.get("sidecars") or [])
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


def _pg_container(pg: dict[str, Any], persistence: dict[str, Any], globals_: tuple[dict[str, Any], ...]
                  ) -> dict[str, Any]:
    primary = pg.get("primary") or {}
    container: dict[str, Any] = {"name": "postgresql", "image": bitnami_image(pg.get("image") or {}, *globals_)}
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


def bitnami_image(image: dict[str, Any], *globals_: dict[str, Any]) -> str:
    """Bitnami's common.images.image, shared by every Bitnami subchart: global.imageRegistry (the parent's, then the
    subchart's) wins over the image's own registry, and a digest over the tag (FACTS_ACCOUNTS_NETWORK_IMAGES §4.1)."""
    registry = next((g.get("imageRegistry") for g in globals_ if g.get("imageRegistry")), None) \
        or image.get("registry")
    repository = f"{registry}/{image.get('repository')}" if registry else str(image.get("repository"))
    return f"{repository}@{image['digest']}" if image.get("digest") else f"{repository}:{image.get('tag')}"


def _extended_config(primary: dict[str, Any]) -> bool:
    return bool(primary.get("extendedConfiguration") or primary.get("existingExtendedConfigmap"))


def _pg_init_containers(pg: dict[str, Any], persistence: dict[str, Any], globals_: tuple[dict[str, Any], ...]
                        ) -> list[dict[str, Any]]:
    """volumePermissions adds the root `init-chmod-data` container (runAsUser 0 by default); then the user's own."""
    found: list[dict[str, Any]] = []
    permissions = pg.get("volumePermissions") or {}
    if permissions.get("enabled") and (persistence.get("enabled") or (pg.get("shmVolume") or {}).get("enabled")):
        context = _security_context({**(permissions.get("containerSecurityContext") or {}), "enabled": True},
                                    _openshift(pg))
        found.append({"name": "init-chmod-data", "image": bitnami_image(permissions.get("image") or {}, *globals_),
                      "securityContext": context})
    return found + list((pg.get("primary") or {}).get("initContainers") or [])


def _pg_metrics(pg: dict[str, Any], globals_: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    metrics = pg.get("metrics") or {}
    if not metrics.get("enabled"):
        return []
    container: dict[str, Any] = {"name": "metrics", "image": bitnami_image(metrics.get("image") or {}, *globals_)}
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
