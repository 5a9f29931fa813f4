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

from wizard.charts.bitnami_postgresql_15_4_1 import postgresql_objects
from wizard.charts.helm_names import fullname, trunc, uncut

CHART = "orchestrator"
VERSION = "8.8.0"
APP_VERSION = "1.0.0"
SERVER_PORT = 9000  # the container port is fixed; service.port only changes the Service and the policy (§2.2)
HOOK = "helm.sh/hook"



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

class _Names:
    """The names and label sets the chart derives from the release and the name overrides."""

    def __init__(self, values: dict[str, Any], release: str) -> None:
        self.release = release
        self.name = trunc(values.get("nameOverride") or CHART)
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
            return trunc(override)
        return trunc(f"{uncut(release, self.name)}-{suffix}")


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
