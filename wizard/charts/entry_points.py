"""The ways into a release from outside the cluster: its Ingress hosts and its Services of type NodePort or
LoadBalancer, read from the release's values.

Read from values, not from rendered objects, because the embedded models render only what the Pod Security and
NetworkPolicy analysis reads (no Services, no Ingresses): the implications panel still has to show that turning an
ingress on adds a way in, even where a NetworkPolicy already let the internet reach the pod. The keys are the
charts' own (their values.yaml and templates); tests/conformance checks them against real renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wizard.charts.chart_defaults import coalesce, load_defaults

EXPOSING = ("NodePort", "LoadBalancer")
"""Service types that open a port beyond the cluster (ClusterIP and headless Services stay inside)."""


@dataclass(frozen=True)
class EntryPoint:
    """One way in: an `ingress` host, or a `NodePort`/`LoadBalancer` Service (`address`: its ports) to a component."""

    kind: str
    address: str
    component: str

    def __str__(self) -> str:
        return f"{self.kind} {self.address} -> {self.component}"


def release_entry_points(chart: str, version: str, overrides: Mapping[str, Any] | None) -> list[EntryPoint]:
    """The ways in of one release, from its override values over the chart's defaults ([] for a chart version the
    wizard does not know: nothing to say rather than a guess)."""
    reader = _READERS.get(chart)
    try:
        values = coalesce(load_defaults(chart, version), dict(overrides or {}))
    except ValueError:
        return []
    return reader(values) if reader else []


def _node(values: Any, *path: str) -> Any:
    for key in path:
        values = values.get(key) if isinstance(values, dict) else None
    return values


def _service(values: Any, component: str, ports: list[Any], node_port: Any) -> list[EntryPoint]:
    """A Service's entry, when its type exposes it: `ports` the service ports, `node_port` a fixed node port."""
    kind = _node(values, "type")
    if kind not in EXPOSING:
        return []
    address = ", ".join(str(p) for p in ports if p not in (None, "")) or "its ports"
    if kind == "NodePort" and node_port not in (None, ""):
        address += f" (node port {node_port})"
    return [EntryPoint(str(kind), address, component)]


def _ingress(settings: Any, component: str, hosts: list[Any]) -> list[EntryPoint]:
    if not _node(settings, "enabled"):
        return []
    return [EntryPoint("ingress", str(host), component) for host in dict.fromkeys(hosts) if host]


def _listed_hosts(items: Any, key: str) -> list[Any]:
    return [item.get(key) if isinstance(item, dict) else item for item in items or []]


def _backend(values: dict[str, Any]) -> list[EntryPoint]:
    server = _node(values, "server") or {}
    found = _service(_node(server, "service"), "backend-server", [_node(server, "service", "port")],
                     _node(server, "service", "nodePort"))
    ingress = _node(server, "ingress")
    found += _ingress(ingress, "backend-server",
                      [_node(ingress, "hostname"), *_listed_hosts(_node(ingress, "extraHosts"), "name")])
    registry = _node(values, "docker-registry") or {}
    if registry.get("enabled"):
        found += _service(_node(registry, "service"), "backend-docker-registry", [_node(registry, "service", "port")],
                          _node(registry, "service", "nodePort"))
        found += _ingress(_node(registry, "ingress"), "backend-docker-registry",
                          _listed_hosts(_node(registry, "ingress", "hosts"), "host"))
    found += _localstack(_node(values, "localstack") or {})
    found += _minio(_node(values, "minio") or {})
    found += _bitnami_database(values, "backend-database")
    redis = _node(values, "redis") or {}
    if redis.get("enabled"):
        found += _service(_node(redis, "master", "service"), "backend-redis",
                          [_node(redis, "master", "service", "ports", "redis")],
                          _node(redis, "master", "service", "nodePorts", "redis"))
    return found


def _localstack(localstack: dict[str, Any]) -> list[EntryPoint]:
    if not localstack.get("enabled"):
        return []
    edge = _node(localstack, "service", "edgeService") or {}
    extra = _node(localstack, "service", "externalServicePorts") or {}
    ports: list[Any] = [edge.get("targetPort")]
    start, end = extra.get("start"), extra.get("end")
    if isinstance(start, int) and isinstance(end, int) and end > start:
        ports.append(f"{start}-{end - 1}")  # the chart's range stops before `end`
    found = _service(_node(localstack, "service"), "backend-object-storage", ports, edge.get("nodePort"))
    return found + _ingress(_node(localstack, "ingress"), "backend-object-storage",
                            _listed_hosts(_node(localstack, "ingress", "hosts"), "host"))


def _minio(minio: dict[str, Any]) -> list[EntryPoint]:
    if not minio.get("enabled"):
        return []
    ports = _node(minio, "service", "ports") or {}
    node_ports = _node(minio, "service", "nodePorts") or {}
    found = _service(_node(minio, "service"), "backend-object-storage", [ports.get("api"), ports.get("console")],
                     ", ".join(str(p) for p in node_ports.values() if p not in (None, "")) or None)
    for key in ("ingress", "apiIngress"):
        settings = _node(minio, key)
        found += _ingress(settings, "backend-object-storage",
                          [_node(settings, "hostname"), *_listed_hosts(_node(settings, "extraHosts"), "name")])
    return found


def _bitnami_database(values: dict[str, Any], component: str) -> list[EntryPoint]:
    database = _node(values, "postgresql") or {}
    if not database.get("enabled"):
        return []
    service = _node(database, "primary", "service")
    return _service(service, component, [_node(service, "ports", "postgresql")],
                    _node(service, "nodePorts", "postgresql"))


def _orchestrator(values: dict[str, Any]) -> list[EntryPoint]:
    found = _service(_node(values, "service"), "orchestrator-server", [_node(values, "service", "port")],
                     _node(values, "service", "nodePort"))
    ingress = _node(values, "ingress")
    found += _ingress(ingress, "orchestrator-server",
                      [_node(ingress, "hostname"), *_listed_hosts(_node(ingress, "extraHosts"), "name")])
    return found + _bitnami_database(values, "orchestrator-database")


def _frontend(values: dict[str, Any]) -> list[EntryPoint]:
    found = _service(_node(values, "service"), "frontend", [_node(values, "service", "port")],
                     _node(values, "service", "nodePort"))
    return found + _ingress(_node(values, "ingress"), "frontend",
                            _listed_hosts(_node(values, "ingress", "hosts"), "host"))


_READERS: dict[str, Callable[[dict[str, Any]], list[EntryPoint]]] = {
    "substra-backend": _backend,
    "orchestrator": _orchestrator,
    "substra-frontend": _frontend,
}
