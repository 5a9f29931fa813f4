"""The inputs of the NetworkPolicy analysis read from manifests: pods (with their labels and named ports),
namespaces, and the policies (parsed by netpol_policies, which needs no manifest and so sits below the reader)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.analysis.netpol_policies import Policy, parse_policy_cached
from wizard.analysis.ports import PROTOCOLS
from wizard.analysis.selectors import label_value
from wizard.core.errors import WizardError

NAME_LABEL = "kubernetes.io/metadata.name"
MAX_PODS = 150
"""Pods and workloads the NetworkPolicy analysis takes at once: it answers for every pair of them, so its time
grows with the square; 150 pods under 300 policies that all select each other take about two seconds
(bench/hostile_manifests.py). One Substra organisation renders about 15 workloads and 25 policies."""
MAX_POLICIES = 300
"""NetworkPolicies the analysis takes at once (see MAX_PODS)."""


@dataclass(frozen=True)
class ContainerPort:
    """A port a container declares; named ports in policies resolve against (name, protocol)."""

    name: str
    port: int
    protocol: str = "TCP"


@dataclass(frozen=True)
class Pod:
    """A pod, or the pods of one workload (they share labels and ports). `ip` is known only for real pods."""

    namespace: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    ports: tuple[ContainerPort, ...] = field(default=(), compare=False, hash=False)
    ip: str | None = field(default=None, compare=False, hash=False)
    kind: str = field(default="Pod", compare=False, hash=False)
    synthetic: bool = field(default=False, compare=False, hash=False)

    @cached_property
    def key(self) -> str:
        """`namespace/name`, computed once: the analysis looks pods up by key for every pair."""
        return f"{self.namespace}/{self.name}"

    @cached_property
    def named_ports(self) -> dict[tuple[str, str], int]:
        return {(p.name, p.protocol): p.port for p in self.ports if p.name}


@dataclass(frozen=True)
class Namespace:
    name: str
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


def from_manifests(manifests: Sequence[Manifest], default_namespace: str,
                   namespace_labels: Mapping[str, Mapping[str, str]] | None = None,
                   ) -> tuple[list[Pod], list[Policy], list[Namespace]]:
    """Pods (one per Pod or workload template), policies and namespaces from rendered manifests.

    Every namespace seen gets its `kubernetes.io/metadata.name` label, since renders rarely hold Namespace objects;
    `namespace_labels` adds labels the cluster gives them (e.g. from `kubectl get ns --show-labels`).
    """
    pods: dict[str, Pod] = {}
    policies: list[Policy] = []
    labels: dict[str, dict[str, str]] = {default_namespace: {}}
    for item in manifests:
        namespace = item.namespace or default_namespace
        labels.setdefault(namespace, {})
        if item.kind == "Namespace":
            labels.setdefault(item.name, {}).update(_labels((item.obj.get("metadata") or {}).get("labels")))
        elif item.kind == "NetworkPolicy":
            policies.append(_parsed_policy(item, default_namespace))
        elif pod_spec(item.obj) is not None:
            pod = _pod(item, namespace)
            key = _unique(pods, pod)
            pods[key] = pod if key == pod.key else _renamed(pod)
    if len(pods) > MAX_PODS or len(policies) > MAX_POLICIES:
        raise WizardError(f"{len(pods)} pods and workloads under {len(policies)} NetworkPolicies: the network "
                          f"analysis takes at most {MAX_PODS} and {MAX_POLICIES} at once (one Substra organisation "
                          "renders about 15 and 25); give the manifests of fewer releases or namespaces")
    for name, extra in (namespace_labels or {}).items():
        labels.setdefault(name, {}).update(extra)
    namespaces = [Namespace(n, {**v, NAME_LABEL: n}) for n, v in labels.items()]
    return list(pods.values()), policies, namespaces


def _parsed_policy(item: Manifest, default_namespace: str) -> Policy:
    return parse_policy_cached(item.obj, default_namespace, f"{item.file}, document {item.document} ({item.label})")


def _unique(pods: Mapping[str, Pod], pod: Pod) -> str:
    return pod.key if pod.key not in pods else f"{pod.namespace}/{pod.name} ({pod.kind})"


def _renamed(pod: Pod) -> Pod:
    """Two workloads of different kinds with one name (e.g. a Deployment and a Job): keep both, apart."""
    return Pod(pod.namespace, f"{pod.name} ({pod.kind})", pod.labels, pod.ports, pod.ip, pod.kind)


def _pod(item: Manifest, namespace: str) -> Pod:
    spec = pod_spec(item.obj) or {}
    ports = tuple(p for c in _serving_containers(spec) for p in _container_ports(c))
    status = item.obj.get("status") if item.kind == "Pod" else None
    ip = status.get("podIP") if isinstance(status, dict) else None
    return Pod(namespace, item.name, _labels(pod_metadata(item.obj).get("labels")), ports, ip or None, item.kind)


def _serving_containers(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Containers and native sidecars (init containers that keep running), whose ports can be named in policies."""
    inits, containers = spec.get("initContainers"), spec.get("containers")
    sidecars = [c for c in inits if isinstance(c, dict) and c.get("restartPolicy") == "Always"] \
        if isinstance(inits, list) else []
    return [c for c in containers if isinstance(c, dict)] + sidecars if isinstance(containers, list) else sidecars


def _container_ports(container: Mapping[str, Any]) -> list[ContainerPort]:
    found = []
    declared = container.get("ports")
    for raw in declared if isinstance(declared, list) else []:
        number, protocol = raw.get("containerPort") if isinstance(raw, dict) else None, "TCP"
        if isinstance(number, int) and not isinstance(number, bool):
            protocol = str(raw.get("protocol") or "TCP")
            protocol = protocol if protocol in PROTOCOLS else "TCP"
            found.append(ContainerPort(str(raw.get("name") or ""), number, protocol))
    return found


def _labels(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): label_value(v) for k, v in raw.items()}  # a null value is "", as the API server stores it
