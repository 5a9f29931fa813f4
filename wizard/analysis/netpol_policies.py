"""NetworkPolicy objects parsed and validated as the API server would store or refuse them.

Apart from the pods and namespaces (netpol_model) because it needs no manifest: the manifest reader runs the same
check on every file it reads (manifests.check_policies), so this module sits below both and imports neither.
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.analysis.ipblocks import IpBlock, parse_ip_block
from wizard.analysis.ports import PortSpec, parse_port
from wizard.analysis.selectors import InvalidPolicy, Selector, parse_selector
from wizard.core.shown import shown

INGRESS, EGRESS = "Ingress", "Egress"


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


_PARSED: dict[tuple[bytes, str], Policy] = {}
_PARSED_MAX = 1024


def check_policy(obj: Mapping[str, Any], where: str) -> None:
    """Raise InvalidPolicy where the API server would refuse the policy (manifests.check_policies: every file read,
    whatever the command)."""
    parse_policy_cached(obj, "default", where)


def parse_policy_cached(obj: Mapping[str, Any], default_namespace: str, where: str) -> Policy:
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
