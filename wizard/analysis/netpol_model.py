"""The inputs of the NetworkPolicy analysis (pods, namespaces, policies), parsed and validated from manifests."""

from __future__ import annotations

import marshal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from wizard.analysis.ipblocks import IpBlock, parse_ip_block
from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.analysis.ports import PROTOCOLS, PortSpec, parse_port
from wizard.analysis.selectors import InvalidPolicy, Selector, label_value, parse_selector
from wizard.core.errors import WizardError
from wizard.core.shown import shown

INGRESS, EGRESS = "Ingress", "Egress"
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


@dataclass(frozen=True)
class PeerSpec:
    """One `from`/`to` element: pods and/or namespaces by label (ANDed), or an address block."""

    pods: Selector | None = None
    namespaces: Selector | None = None
    block: IpBlock | None = None


@dataclass(frozen=True)
class Rule:
    """One ingress/egress rule: empty `peers` = every peer, empty `ports` = every port and protocol."""

    peers: tuple[PeerSpec, ...] = ()
    ports: tuple[PortSpec, ...] = ()


@dataclass(frozen=True)
class Policy:
    """A NetworkPolicy with its effective policyTypes; rules of a type not in `types` are ignored, as in Kubernetes."""

    name: str
    namespace: str
    selector: Selector
    types: frozenset[str]
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)
    """What the API server accepts but changes (e.g. a CIDR with host bits set), to tell the operator."""

    def rules(self, direction: str) -> tuple[Rule, ...]:
        return self.ingress if direction == INGRESS else self.egress


def parse_policy(obj: Mapping[str, Any], default_namespace: str, where: str = "") -> Policy:
    """A NetworkPolicy as the API server would store it (defaults applied); InvalidPolicy where it would refuse it."""
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    name = str(meta.get("name") or "")
    where = where or f"NetworkPolicy {name}"
    spec = obj.get("spec")
    spec = {} if spec is None else spec
    if not isinstance(spec, dict):
        raise InvalidPolicy(f"{where}: spec must be a mapping, not {shown(spec)!r}")
    ingress = tuple(_rule(r, "from", f"{where}, ingress rule {i}")
                    for i, r in enumerate(_list(spec, "ingress", where), 1))
    egress = tuple(_rule(r, "to", f"{where}, egress rule {i}") for i, r in enumerate(_list(spec, "egress", where), 1))
    notes = tuple(note for rule in ingress + egress for peer in rule.peers if peer.block for note in peer.block.notes)
    return Policy(name, str(meta.get("namespace") or default_namespace),
                  parse_selector(spec.get("podSelector"), f"{where}, podSelector"),
                  _types(spec.get("policyTypes"), bool(egress), where), ingress, egress, notes)


def _list(spec: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = spec.get(key)
    if value is not None and not isinstance(value, list):
        raise InvalidPolicy(f"{where}: {key} must be a list of rules, not {shown(value)!r}")
    return value or []


def _types(raw: Any, has_egress: bool, where: str) -> frozenset[str]:
    """Omitted policyTypes: Ingress always, Egress only when there is at least one egress rule."""
    if raw is None or raw == []:
        return frozenset({INGRESS, EGRESS} if has_egress else {INGRESS})
    if not isinstance(raw, list):
        raise InvalidPolicy(f"{where}: policyTypes must be a list (Ingress and/or Egress), not {shown(raw)!r}")
    types = [t if isinstance(t, str) else repr(t) for t in raw]
    wrong = [t for t in types if t not in (INGRESS, EGRESS)]
    if wrong or len(types) > 2:
        raise InvalidPolicy(f"{where}: policyTypes must be Ingress and/or Egress (at most two), not {types}")
    return frozenset(types)


def _rule(raw: Any, peers_key: str, where: str) -> Rule:
    if raw is None:
        return Rule()
    if not isinstance(raw, dict):
        raise InvalidPolicy(f"{where}: a rule must be a mapping with {peers_key} and ports")
    peers = tuple(_peer(p, f"{where}, {peers_key} {i}") for i, p in enumerate(_items(raw, peers_key, where), 1))
    ports = tuple(parse_port(p, f"{where}, ports {i}") for i, p in enumerate(_items(raw, "ports", where), 1))
    return Rule(peers, ports)


def _items(raw: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key)
    if value is not None and not isinstance(value, list):
        raise InvalidPolicy(f"{where}: {key} must be a list, not {shown(value)!r}")
    return value or []


def _peer(raw: Any, where: str) -> PeerSpec:
    if not isinstance(raw, dict) or not any(raw.get(k) is not None for k in ("podSelector", "namespaceSelector",
                                                                            "ipBlock")):
        raise InvalidPolicy(f"{where}: a peer must set podSelector, namespaceSelector or ipBlock")
    if raw.get("ipBlock") is not None:
        if raw.get("podSelector") is not None or raw.get("namespaceSelector") is not None:
            raise InvalidPolicy(f"{where}: ipBlock cannot be combined with podSelector or namespaceSelector")
        return PeerSpec(block=parse_ip_block(raw["ipBlock"], where))
    pods = raw.get("podSelector")
    namespaces = raw.get("namespaceSelector")
    return PeerSpec(None if pods is None else parse_selector(pods, f"{where}, podSelector"),
                    None if namespaces is None else parse_selector(namespaces, f"{where}, namespaceSelector"))


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


_PARSED: dict[tuple[bytes, str], Policy] = {}
_PARSED_MAX = 1024


def check_policy(obj: Mapping[str, Any], where: str) -> None:
    """Raise InvalidPolicy where the API server would refuse the policy (manifests.check_policies: every file read,
    whatever the command)."""
    _cached_policy(obj, "default", where)


def _parsed_policy(item: Manifest, default_namespace: str) -> Policy:
    return _cached_policy(item.obj, default_namespace, f"{item.file}, document {item.document} ({item.label})")


def _cached_policy(obj: Mapping[str, Any], default_namespace: str, where: str) -> Policy:
    """`parse_policy`, remembered by the policy's content: a Policy is immutable, and the charts render the same
    policies on every explain (the TUI reruns it on each change). The key is the object's marshal bytes, so a
    changed policy is parsed again; one marshal refuses (e.g. a date from YAML) is parsed every time. A refused
    policy is not remembered: its message names the file it came from."""
    try:
        key = (marshal.dumps(obj), default_namespace)
    except ValueError:
        return parse_policy(obj, default_namespace, where)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        found = _PARSED[key] = parse_policy(obj, default_namespace, where)
    return found


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
