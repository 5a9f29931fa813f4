"""Embedded model of the substra-frontend chart 1.2.3: its Deployment and its NetworkPolicy (FACTS.md §3).

The chart has no claims and no dependencies; its Service, ServiceAccount and Ingress create no pod or policy,
so they are left out. `replicaCount` is ignored, as by the chart (the Deployment sets no replicas).
"""

from __future__ import annotations

from typing import Any

from wizard.charts.orchestrator_8_8_0 import fullname

CHART = "substra-frontend"
VERSION = "1.2.3"
APP_VERSION = "1.0.0"
CONTAINER_PORT = 3000
NODE_PORT_RANGE = (30000, 32767)

# The template-html initContainer's context is hard-coded (restricted-compliant).
_INIT_CONTEXT = {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"},
                 "capabilities": {"drop": ["ALL"]}}


def render(values: dict[str, Any], release: str, namespace: str) -> list[dict[str, Any]]:
    """The frontend's workload and policy for these (already coalesced) values."""
    name = (values.get("nameOverride") or CHART)[:63].removesuffix("-")
    full = fullname(release, CHART, values.get("nameOverride") or "", values.get("fullnameOverride") or "")
    selector = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": release}
    labels = {"helm.sh/chart": f"{CHART}-{VERSION}", **selector, "app.kubernetes.io/version": APP_VERSION,
              "app.kubernetes.io/managed-by": "Helm"}
    return [_deployment(values, full, selector, labels), _policy(values, full, selector, labels)]


def _image(values: dict[str, Any]) -> str:
    image = values.get("image") or {}
    repository = f"{image['registry']}/{image.get('repository')}" if image.get("registry") else image.get("repository")
    return f"{repository}:{image.get('tag') or APP_VERSION}"


def _service_account(values: dict[str, Any], full: str) -> str:
    account = values.get("serviceAccount") or {}
    if account.get("create"):
        return account.get("name") or full
    return account.get("name") or "default"


def _deployment(values: dict[str, Any], full: str, selector: dict[str, str],
                labels: dict[str, str]) -> dict[str, Any]:
    image = _image(values)
    init = {"name": "template-html", "image": image, "securityContext": dict(_INIT_CONTEXT),
            "volumeMounts": [{"name": "html", "mountPath": "/html"}]}
    container = {"name": CHART, "securityContext": values.get("securityContext") or {}, "image": image,
                 "ports": [{"name": "http", "containerPort": CONTAINER_PORT, "protocol": "TCP"}],
                 "volumeMounts": [{"name": "html", "mountPath": "/usr/share/nginx/html"},
                                  {"name": "nginx-cache", "mountPath": "/var/cache/nginx/"},
                                  {"name": "nginx-run", "mountPath": "/var/run"}]}
    spec: dict[str, Any] = {"serviceAccountName": _service_account(values, full),
                            "securityContext": values.get("podSecurityContext") or {},
                            "initContainers": [init], "containers": [container],
                            "volumes": [{"name": volume, "emptyDir": {}}
                                        for volume in ("html", "nginx-cache", "nginx-run")]}
    for key in ("nodeSelector", "affinity", "tolerations"):
        if values.get(key):
            spec[key] = values[key]
    template: dict[str, Any] = {"metadata": {"labels": dict(selector)}, "spec": spec}
    if values.get("podAnnotations"):
        template["metadata"]["annotations"] = dict(values["podAnnotations"])
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": full, "labels": dict(labels)},
            "spec": {"selector": {"matchLabels": dict(selector)}, "template": template}}


def _policy(values: dict[str, Any], full: str, selector: dict[str, str], labels: dict[str, str]) -> dict[str, Any]:
    """Ingress from anywhere on 3000, plus the node port (or the whole node-port range when none is set) for a
    NodePort Service; policyTypes has Egress with no rule, so all egress (DNS included) is denied."""
    ports: list[dict[str, Any]] = [{"port": CONTAINER_PORT, "protocol": "TCP"}]
    service = values.get("service") or {}
    if service.get("type") == "NodePort":
        if service.get("nodePort"):
            ports.append({"port": service["nodePort"], "protocol": "TCP"})
        else:
            ports.append({"port": NODE_PORT_RANGE[0], "endPort": NODE_PORT_RANGE[1], "protocol": "TCP"})
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": full, "labels": dict(labels)},
            "spec": {"podSelector": {"matchLabels": dict(selector)},
                     "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": ports}],
                     "policyTypes": ["Ingress", "Egress"]}}
