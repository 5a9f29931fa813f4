"""NetworkPolicy analysis: for each pod, who may connect to it and whom it may connect to, on which ports.

Semantics follow the Kubernetes API (see PSS_NETPOL_FACTS §3): isolation per pod and direction, additive rules, a
connection needs the source's egress and the destination's ingress, named ports resolved on the destination pod.
Peers are pods, or external classes: `internet` (public addresses), `cluster-private` (RFC 1918, where the API
server, nodes and pods live) and `other-namespaces` (pods in namespaces the input does not show). A `kube-dns` pod
(k8s-app=kube-dns in kube-system, serving 53 UDP/TCP) is always added unless the input has one, so DNS egress
can be checked; kube-system's own policies are unknown, so it is treated as not isolated.

Cost: each policy's selected pods and each rule's peer pods are computed once from label indexes; per pod, only the
list of rules that apply to it is kept. `allowed()` looks at the rules of the two pods only; `incoming()` and
`outgoing()` enumerate peers on demand.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

from wizard.analysis.ipblocks import CLUSTER_PRIVATE, INTERNET, Coverage, Network, coverages, covers, union
from wizard.analysis.netpol_model import (
    EGRESS,
    INGRESS,
    NAME_LABEL,
    ContainerPort,
    Namespace,
    PeerSpec,
    Pod,
    Policy,
    Rule,
    from_manifests,
)
from wizard.analysis.ports import ALL_PORTS, Ports, PortSpec, resolve_all, union_all
from wizard.analysis.selectors import LabelIndex, Selector, could_match_new

__all__ = ["Connection", "Connectivity", "Finding", "Peer", "Pod", "Policy", "Namespace", "ContainerPort",
           "analyze", "from_manifests", "INGRESS", "EGRESS", "KUBE_DNS", "OTHER_NAMESPACES"]

OTHER_NAMESPACES = "other-namespaces"
KUBE_DNS = Pod("kube-system", "kube-dns", {"k8s-app": "kube-dns"},
               (ContainerPort("dns", 53, "UDP"), ContainerPort("dns-tcp", 53, "TCP"),
                ContainerPort("metrics", 9153, "TCP")), kind="cluster DNS", synthetic=True)
POD_IP_CAVEAT = ("pod IPs are private addresses too: depending on the CNI and the pod CIDR, "
                 "this may also match pods in the cluster")


@dataclass(frozen=True)
class Peer:
    """The other end of a connection: a pod (`name` = namespace/name) or an external class with what it covers."""

    kind: str
    name: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name


@dataclass(frozen=True)
class Connection:
    """Traffic both ends allow: `source` may open connections to `destination` on `ports` (replies implied)."""

    source: Peer
    destination: Peer
    ports: Ports
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    pod: str
    message: str


@dataclass(frozen=True)
class _External:
    """An external peer a rule reaches: an address class with the networks it covers, or other-namespaces (`who`)."""

    name: str
    networks: tuple[Network, ...] = ()
    who: str = ""
    caveats: tuple[str, ...] = ()

    @cached_property
    def peer(self) -> Peer:
        """Computed once: describing the networks covered is costly, and externals are shared between pods."""
        return Peer("external", self.name, Coverage(self.name, self.networks).detail() if self.networks else self.who)


@dataclass(frozen=True)
class _Grant:
    """One rule of one policy with its peers resolved: pod keys (None = every pod), blocks, externals."""

    policy: str
    pods: frozenset[Hashable] | None
    blocks: tuple[Network, ...]
    externals: tuple[_External, ...]
    ports: tuple[PortSpec, ...]
    fixed: Ports | None = field(init=False, compare=False, repr=False)
    """The ports the rule opens on any destination, resolved once; None when a named port makes them depend on it."""
    _by_named: dict[int, tuple[object, Ports]] = field(init=False, compare=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        named = any(isinstance(spec.port, str) for spec in self.ports)
        object.__setattr__(self, "fixed", None if named else resolve_all(self.ports, None))

    def has(self, key: Hashable) -> bool:
        return self.pods is None or key in self.pods

    def opens(self, named: Mapping[tuple[str, str], int] | None) -> Ports:
        """The ports the rule opens on a destination with these named ports (resolved once per set of them)."""
        if self.fixed is not None:
            return self.fixed
        found = self._by_named.get(id(named))  # a pod's named ports are one dict (Pod.named_ports): kept with it
        if found is None:
            found = self._by_named[id(named)] = (named, resolve_all(self.ports, named))
        return found[1]


class _GrantIndex:
    """A list of rules indexed by the pods they reach, with the ports they open memoised per set of rules that
    reach a peer (and named ports, when a rule names one): pods with the same labels share one answer, so hundreds
    of rules are unioned once per kind of peer, not once per pair. Sides with the same rules share one index."""

    def __init__(self, grants: Sequence[_Grant]) -> None:
        self.grants = grants
        self._by_peer: dict[Hashable, tuple[_Grant, ...]] | None = None
        self._everyone: tuple[_Grant, ...] = ()
        self._named = False
        self._opened: dict[tuple[int, int | None], tuple[object, object, Ports]] = {}

    def pod_ports(self, peer: Hashable, named: Mapping[tuple[str, str], int] | None) -> Ports:
        if self._by_peer is None:
            found: dict[Hashable, list[_Grant]] = {}
            for grant in self.grants:
                for key in grant.pods or ():
                    found.setdefault(key, []).append(grant)
            same: dict[tuple[int, ...], tuple[_Grant, ...]] = {}  # one tuple per set of rules, shared by its peers
            self._by_peer = {key: same.setdefault(tuple(map(id, grants)), tuple(grants))
                             for key, grants in found.items()}
            self._everyone = tuple(g for g in self.grants if g.pods is None)
            self._named = any(g.fixed is None for g in self.grants)
        specific = self._by_peer.get(peer, ())
        slot = (id(specific), id(named) if self._named else None)  # both kept alive: by the index, by the pod
        found = self._opened.get(slot)
        if found is None:
            found = self._opened[slot] = (specific, named, union_all(g.opens(named) for g in (*self._everyone,
                                                                                               *specific)))
        return found[2]


@dataclass
class _Side:
    """What applies to one pod in one direction: the policies isolating it and their rules."""

    policies: list[str] = field(default_factory=list)
    grants: list[_Grant] = field(default_factory=list)
    index: _GrantIndex | None = field(default=None, repr=False)

    def pod_ports(self, peer: Hashable, named: Mapping[tuple[str, str], int] | None) -> Ports:
        """The ports these rules open towards the pod `peer`, named ports resolved with `named` (the destination's)."""
        if self.index is None:
            self.index = _GrantIndex(self.grants)
        return self.index.pod_ports(peer, named)


class Connectivity:
    """The result of `analyze`: per pod and direction, the rules in force, and queries over them."""

    def __init__(self, pods: Sequence[Pod], sides: dict[tuple[str, str], _Side], namespaces: set[str]) -> None:
        self.pods = [p for p in pods if not p.synthetic]
        self._by_key = {p.key: p for p in pods}
        self._sides = sides
        self.namespaces = namespaces
        # Memos, valid for this analysis only: a report asks for both ends of every pair (outgoing of one pod,
        # incoming of the other), pods under the same policies ask the same unions, and externals repeat per side.
        self._pairs: dict[tuple[str, str], Connection | None] = {}
        self._peers: dict[str, Peer] = {}
        self._merged: dict[tuple[object, ...], list[tuple[_External, Ports]]] = {}
        self._meets: dict[tuple[int, int], tuple[Ports, Ports, Ports]] = {}

    @property
    def everyone(self) -> list[Pod]:
        """The pods analysed plus the synthetic ones (kube-dns)."""
        return list(self._by_key.values())

    def pod(self, key: str | Pod) -> Pod:
        return key if isinstance(key, Pod) else self._by_key[key]

    def isolated(self, pod: str | Pod, direction: str) -> bool:
        return (self.pod(pod).key, direction) in self._sides

    def policies(self, pod: str | Pod, direction: str) -> list[str]:
        """Names of the policies that isolate the pod in that direction (empty: not isolated)."""
        side = self._sides.get((self.pod(pod).key, direction))
        return sorted(set(side.policies)) if side else []

    def allowed(self, source: str | Pod, destination: str | Pod, port: int, protocol: str = "TCP") -> bool:
        """Whether `source` may connect to `destination` on that port. A pod may always reach itself.
        Either end may be an IP address (an external host: its side is not restricted by any policy)."""
        src, dst = self._endpoint(source), self._endpoint(destination)
        if isinstance(src, Pod) and src == dst:
            return True
        return (self._permits(EGRESS, src, dst, dst, port, protocol)
                and self._permits(INGRESS, dst, src, dst, port, protocol))

    def _permits(self, direction: str, pod: Pod | str, peer: Pod | str, destination: Pod | str, port: int,
                 protocol: str) -> bool:
        """Whether `pod`'s rules in `direction` let `peer` through on that port (an address has no rules)."""
        side = self._sides.get((pod.key, direction)) if isinstance(pod, Pod) else None
        if side is None:
            return True
        named = destination.named_ports if isinstance(destination, Pod) else None
        return any(_reaches(grant, peer) and (not grant.ports or any(spec.matches(port, protocol, named)
                                                                     for spec in grant.ports))
                   for grant in side.grants)

    def _endpoint(self, value: str | Pod) -> Pod | str:
        if isinstance(value, Pod) or value in self._by_key:
            return self.pod(value)
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            raise KeyError(f"{value!r} is neither a known pod (namespace/name) nor an IP address") from None

    def _ports(self, direction: str, pod: Pod, peer: Pod | str, destination: Pod | str) -> Ports:
        """The ports `pod`'s rules in `direction` open towards `peer` (named ports resolved on `destination`)."""
        side = self._sides.get((pod.key, direction))
        if side is None:
            return ALL_PORTS
        named = destination.named_ports if isinstance(destination, Pod) else None
        if isinstance(peer, Pod):
            return side.pod_ports(peer.key, named)
        return union_all(grant.opens(named) for grant in side.grants if _reaches(grant, peer))

    def _pair(self, src: Pod, dst: Pod) -> Connection | None:
        """The connection `src` may open to `dst` (None: no port), on the ports its egress opens there and dst's
        ingress lets in from it. One object per pair, which `outgoing(src)` and `incoming(dst)` both list."""
        key = (src.key, dst.key)
        if key in self._pairs:
            return self._pairs[key]
        egress, ingress = self._sides.get((src.key, EGRESS)), self._sides.get((dst.key, INGRESS))
        ports = ALL_PORTS if egress is None else egress.pod_ports(dst.key, dst.named_ports)
        if ingress is not None and not ports.empty:
            ports = self._meet(ports, ingress.pod_ports(src.key, dst.named_ports))
        found = self._pairs[key] = None if ports.empty else Connection(self._peer(src), self._peer(dst), ports)
        return found

    def _meet(self, a: Ports, b: Ports) -> Ports:
        """`a.intersect(b)`, once per pair of port sets: pods with the same labels get the same (memoised) sets, so
        most pairs of pods intersect sets already intersected. The sets are kept with the answer, so ids stay theirs."""
        key = (id(a), id(b))
        found = self._meets.get(key)
        if found is None:
            found = self._meets[key] = (a, b, a.intersect(b))
        return found[2]

    def outgoing(self, pod: str | Pod) -> list[Connection]:
        """Connections `pod` may open: to pods whose ingress also allows it, and to external classes."""
        src = self.pod(pod)
        conns = [c for dst in self._candidates(src, EGRESS) if dst != src for c in [self._pair(src, dst)] if c]
        me = self._peer(src)
        externals = self._merged_externals(src, EGRESS, None)
        return conns + [Connection(me, e.peer, p, e.caveats) for e, p in externals]

    def incoming(self, pod: str | Pod) -> list[Connection]:
        """Connections other pods and external addresses may open to `pod`."""
        dst = self.pod(pod)
        conns = [c for src in self._candidates(dst, INGRESS) if src != dst for c in [self._pair(src, dst)] if c]
        me = self._peer(dst)
        externals = self._merged_externals(dst, INGRESS, dst)
        return conns + [Connection(e.peer, me, p, e.caveats) for e, p in externals]

    def _peer(self, pod: Pod) -> Peer:
        """One Peer per pod (they are immutable), not one per connection listed."""
        found = self._peers.get(pod.key)
        if found is None:
            found = self._peers[pod.key] = Peer("pod", pod.key)
        return found

    def _merged_externals(self, pod: Pod, direction: str, destination: Pod | None) -> list[tuple[_External, Ports]]:
        """`_merge` of the pod's externals, once per set of rules (and named ports, when a rule has some)."""
        side = self._sides.get((pod.key, direction))
        if side is None:
            return _open_externals()
        named = destination.named_ports if destination and any(g.fixed is None for g in side.grants) else None
        key = (*map(id, side.grants), tuple(sorted(named.items())) if named else ())
        found = self._merged.get(key)
        if found is None:
            found = self._merged[key] = _merge(self._externals(pod, direction, destination))
        return found

    def _candidates(self, pod: Pod, direction: str) -> list[Pod]:
        side = self._sides.get((pod.key, direction))
        if side is None or any(g.pods is None for g in side.grants):
            return list(self._by_key.values())
        keys = set().union(*(g.pods for g in side.grants if g.pods is not None))
        return [self._by_key[k] for k in sorted(keys, key=str) if k in self._by_key]

    def _externals(self, pod: Pod, direction: str, destination: Pod | None) -> list[tuple[_External, Ports]]:
        side = self._sides.get((pod.key, direction))
        if side is None:
            return [(e, ALL_PORTS) for e in _everything_external()]
        named = destination.named_ports if destination else None
        return [(e, g.opens(named)) for g in side.grants for e in g.externals]

    @property
    def findings(self) -> list[Finding]:
        """Egress-isolated pods that cannot resolve names, and pods open to the internet."""
        found: list[Finding] = []
        dns = next((p for p in self._by_key.values() if _is_dns(p)), KUBE_DNS)
        for pod in self.pods:
            found += self._dns_findings(pod, dns) + self._internet_findings(pod)
        return found

    def _dns_findings(self, pod: Pod, dns: Pod) -> list[Finding]:
        if not self.isolated(pod, EGRESS):
            return []
        if not self._permits(EGRESS, pod, dns, dns, 53, "UDP"):
            return [Finding(pod.key, "egress-isolated without DNS egress (UDP 53 to kube-dns): name lookups fail")]
        if not self._permits(EGRESS, pod, dns, dns, 53, "TCP"):
            return [Finding(pod.key, "DNS egress allows UDP 53 but not TCP 53: large DNS answers fail")]
        return []

    def _internet_findings(self, pod: Pod) -> list[Finding]:
        if not self.isolated(pod, INGRESS):
            return [Finding(pod.key, "no policy isolates its ingress: it accepts connections from anywhere, "
                                     "including the internet if it is exposed")]
        open_ports = [p for e, p in self._externals(pod, INGRESS, pod) if e.name == INTERNET]
        if not open_ports:
            return []
        ports = union_all(open_ports)
        return [Finding(pod.key, f"accepts connections from the internet on {ports.describe()}")] if not ports.empty \
            else []


def _reaches(grant: _Grant, peer: Pod | str) -> bool:
    if isinstance(peer, Pod):
        return grant.has(peer.key)
    address = ipaddress.ip_address(peer)
    return grant.pods is None or any(address in net for net in grant.blocks)


def _is_dns(pod: Pod) -> bool:
    return pod.namespace == "kube-system" and pod.labels.get("k8s-app") == "kube-dns"


@cache
def _everything_external() -> tuple[_External, ...]:
    """What a rule with no peers (or no isolation) reaches beyond the known pods."""
    found = [_External(c.name, c.networks, "", (POD_IP_CAVEAT,) if c.name == CLUSTER_PRIVATE else ())
             for c in coverages((ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")))]
    return (*found, _External(OTHER_NAMESPACES, who="any pod"))


@cache
def _open_externals() -> list[tuple[_External, Ports]]:
    """The externals of a side no policy isolates: everything, on every port (callers only read it)."""
    return _merge((e, ALL_PORTS) for e in _everything_external())


def _merge(items: Iterable[tuple[_External, Ports]]) -> list[tuple[_External, Ports]]:
    """One entry per external peer: blocks with the same ports are unioned, entries that another one contains are
    dropped, then ports of the same blocks are unioned."""
    return list(_merge_cached(tuple(items)))


@lru_cache(maxsize=1024)
def _merge_cached(items: tuple[tuple[_External, Ports], ...]) -> tuple[tuple[_External, Ports], ...]:
    """Cached: a pure function of immutable values, and the charts' policies give the same few external peers with
    the same ports to many pods, on every explain (network unions are the costly part)."""
    return tuple(_merge_items(items))


def _merge_items(items: Iterable[tuple[_External, Ports]]) -> list[tuple[_External, Ports]]:
    same_ports = _group(items, lambda e, p: (e.name, e.who, p))
    kept = [item for item in same_ports if not any(other is not item and _dominates(other, item)
                                                   for other in same_ports)]
    return _group(kept, lambda e, p: (e.name, e.who, e.networks))


def _group(items: Iterable[tuple[_External, Ports]], key: Callable[[_External, Ports], Hashable],
           ) -> list[tuple[_External, Ports]]:
    groups: dict[Hashable, tuple[_External, Ports]] = {}
    for ext, ports in items:
        if ports.empty:
            continue
        old = groups.get(key(ext, ports))
        if old is not None:
            ext = _External(ext.name, union(old[0].networks, ext.networks), ext.who,
                            tuple(dict.fromkeys(old[0].caveats + ext.caveats)))
            ports = ports.union(old[1])
        groups[key(ext, ports)] = (ext, ports)
    return list(groups.values())


def _dominates(a: tuple[_External, Ports], b: tuple[_External, Ports]) -> bool:
    (ea, pa), (eb, pb) = a, b
    if ea.name != eb.name or not pa.covers(pb):
        return False
    if ea.networks or eb.networks:
        return covers(ea.networks, eb.networks)
    return ea.who == "any pod"


def analyze(pods: Sequence[Pod], policies: Sequence[Policy], namespaces: Sequence[Namespace] = (),
            dns: bool = True) -> Connectivity:
    """Resolve every policy once against label indexes and record, per pod and direction, the rules that apply."""
    everyone = list(pods) + ([KUBE_DNS] if dns and not any(_is_dns(p) for p in pods) else [])
    resolver = _Resolver(everyone, _all_namespaces(everyone, policies, namespaces))
    sides: dict[tuple[str, str], _Side] = {}
    for policy in policies:
        targets = resolver.pods_in(policy.namespace, policy.selector)
        for direction in sorted(policy.types):
            grants = [resolver.grant(policy, rule) for rule in policy.rules(direction)]
            for key in targets:
                side = sides.setdefault((str(key), direction), _Side())
                side.policies.append(policy.name)
                side.grants.extend(grants)
    indexes: dict[tuple[int, ...], _GrantIndex] = {}
    for side in sides.values():  # pods under the same policies share one index of their rules
        side.index = indexes.setdefault(tuple(map(id, side.grants)), _GrantIndex(side.grants))
    return Connectivity(everyone, sides, set(resolver.namespace_labels))


def _all_namespaces(pods: Sequence[Pod], policies: Sequence[Policy], given: Sequence[Namespace]) -> list[Namespace]:
    """The given namespaces plus every one a pod or policy lives in, each with its kubernetes.io/metadata.name."""
    labels: dict[str, dict[str, str]] = {n.name: dict(n.labels) for n in given}
    for name in [p.namespace for p in pods] + [p.namespace for p in policies]:
        labels.setdefault(name, {})
    return [Namespace(name, {**value, NAME_LABEL: name}) for name, value in labels.items()]


class _Resolver:
    """Turns selectors into sets of pod keys, caching each distinct (namespace, selectors) combination."""

    def __init__(self, pods: Sequence[Pod], namespaces: Sequence[Namespace]) -> None:
        self.pod_index = LabelIndex((p.key, p.labels) for p in pods)
        self.namespace_labels = {n.name: n.labels for n in namespaces}
        self.ns_index = LabelIndex((n.name, n.labels) for n in namespaces)
        self.by_namespace: dict[str, set[Hashable]] = {}
        self.namespace_of = {p.key: p.namespace for p in pods}
        for pod in pods:
            self.by_namespace.setdefault(pod.namespace, set()).add(pod.key)
        self.with_ip = [(p.key, ipaddress.ip_address(p.ip)) for p in pods if p.ip]
        self.some_without_ip = any(not p.ip for p in pods)
        self.cache: dict[tuple[str, str, str], frozenset[Hashable]] = {}

    def pods_in(self, namespace: str, selector: Selector) -> frozenset[Hashable]:
        key = (namespace, "", selector.key)
        if key not in self.cache:
            self.cache[key] = self.pod_index.select(selector) & frozenset(self.by_namespace.get(namespace, ()))
        return self.cache[key]

    def grant(self, policy: Policy, rule: Rule) -> _Grant:
        if not rule.peers:
            return _Grant(policy.name, None, (), _everything_external(), rule.ports)
        pods: set[Hashable] = set()
        blocks: list[Network] = []
        externals: list[_External] = []
        for peer in rule.peers:
            if peer.block is not None:
                blocks += peer.block.networks
                pods |= self._in_block(peer.block.networks)
                externals += self._block_externals(peer.block.networks)
            else:
                pods |= self._selected(policy.namespace, peer)
                externals += self._other_namespaces(peer)
        return _Grant(policy.name, frozenset(pods), tuple(blocks), tuple(externals), rule.ports)

    def _selected(self, namespace: str, peer: PeerSpec) -> frozenset[Hashable]:
        if peer.namespaces is None:
            return self.pods_in(namespace, peer.pods or Selector((), (), "{}"))
        pod_selector = peer.pods or Selector((), (), "{}")
        key = ("*", peer.namespaces.key, pod_selector.key)
        if key not in self.cache:
            chosen = self.ns_index.select(peer.namespaces)
            selected = self.pod_index.select(pod_selector)
            self.cache[key] = frozenset(k for k in selected if self.namespace_of[k] in chosen)
        return self.cache[key]

    def _in_block(self, networks: Sequence[Network]) -> set[Hashable]:
        return {key for key, ip in self.with_ip if any(ip in net for net in networks)}

    def _block_externals(self, networks: Sequence[Network]) -> list[_External]:
        found = []
        for cover in coverages(tuple(networks)):
            caveats = (POD_IP_CAVEAT,) if cover.name == CLUSTER_PRIVATE and self.some_without_ip else ()
            found.append(_External(cover.name, cover.networks, "", caveats))
        return found

    def _other_namespaces(self, peer: PeerSpec) -> list[_External]:
        """Pods in namespaces the input does not show, when the namespace selector could match such a namespace."""
        selector = peer.namespaces
        if selector is None or not could_match_new(selector, NAME_LABEL, set(self.namespace_labels)):
            return []
        where = f"namespaces labelled {selector.describe()}"
        if selector.equals and selector.equals[0][0] == NAME_LABEL and len(selector.equals) == 1 \
                and not selector.expressions:
            where = f"namespace {selector.equals[0][1]}"
        who = "any pod" if peer.pods is None or peer.pods.empty else f"pods labelled {peer.pods.describe()}"
        return [_External(OTHER_NAMESPACES, who=who if selector.empty else f"{who} in {where}")]
