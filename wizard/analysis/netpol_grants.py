"""Policies resolved against the pods: for each rule, the pods, address blocks and external peers it reaches and the
ports it opens (a grant), and for each pod and direction, the policies isolating it and their grants (a side).

Apart from the queries (netpol.Connectivity) because this is the one pass over every policy, done with label
indexes so its cost grows with the rules, not with the pairs of pods; the queries then only read what it recorded.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from wizard.analysis.ipblocks import CLUSTER_PRIVATE, Network, coverages
from wizard.analysis.netpol_externals import OTHER_NAMESPACES, POD_IP_CAVEAT, ExternalPeer, everything_external
from wizard.analysis.netpol_model import NAME_LABEL, Namespace, Pod
from wizard.analysis.netpol_policies import PeerSpec, Policy, Rule
from wizard.analysis.ports import Ports, PortSpec, resolve_all, union_all
from wizard.analysis.selectors import LabelIndex, Selector, could_match_new


@dataclass(frozen=True)
class Grant:
    """One rule of one policy with its peers resolved: pod keys (None = every pod), blocks, externals."""

    policy: str
    pods: frozenset[Hashable] | None
    blocks: tuple[Network, ...]
    externals: tuple[ExternalPeer, ...]
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


def reaches(grant: Grant, peer: Pod | str) -> bool:
    """Whether the rule lets `peer` (a pod, or an IP address) through, whatever the port."""
    if isinstance(peer, Pod):
        return grant.has(peer.key)
    address = ipaddress.ip_address(peer)
    return grant.pods is None or any(address in net for net in grant.blocks)


class GrantIndex:
    """A list of rules indexed by the pods they reach, with the ports they open memoised per set of rules that
    reach a peer (and named ports, when a rule names one): pods with the same labels share one answer, so hundreds
    of rules are unioned once per kind of peer, not once per pair. Sides with the same rules share one index."""

    def __init__(self, grants: Sequence[Grant]) -> None:
        self.grants = grants
        self._by_peer: dict[Hashable, tuple[Grant, ...]] | None = None
        self._everyone: tuple[Grant, ...] = ()
        self._named = False
        self._opened: dict[tuple[int, int | None], tuple[object, object, Ports]] = {}

    def pod_ports(self, peer: Hashable, named: Mapping[tuple[str, str], int] | None) -> Ports:
        if self._by_peer is None:
            found: dict[Hashable, list[Grant]] = {}
            for grant in self.grants:
                for key in grant.pods or ():
                    found.setdefault(key, []).append(grant)
            same: dict[tuple[int, ...], tuple[Grant, ...]] = {}  # one tuple per set of rules, shared by its peers
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
class Side:
    """What applies to one pod in one direction: the policies isolating it and their rules."""

    policies: list[str] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    index: GrantIndex | None = field(default=None, repr=False)

    def pod_ports(self, peer: Hashable, named: Mapping[tuple[str, str], int] | None) -> Ports:
        """The ports these rules open towards the pod `peer`, named ports resolved with `named` (the destination's)."""
        if self.index is None:
            self.index = GrantIndex(self.grants)
        return self.index.pod_ports(peer, named)


def resolve_sides(pods: Sequence[Pod], policies: Sequence[Policy], namespaces: Sequence[Namespace],
                  ) -> tuple[dict[tuple[str, str], Side], set[str]]:
    """Resolve every policy once against label indexes and record, per pod key and direction, the rules that apply;
    with the names of every namespace known (given, or where a pod or policy lives)."""
    resolver = _Resolver(pods, _all_namespaces(pods, policies, namespaces))
    sides: dict[tuple[str, str], Side] = {}
    for policy in policies:
        targets = resolver.pods_in(policy.namespace, policy.selector)
        for direction in sorted(policy.types):
            grants = [resolver.grant(policy, rule) for rule in policy.rules(direction)]
            for key in targets:
                side = sides.setdefault((str(key), direction), Side())
                side.policies.append(policy.name)
                side.grants.extend(grants)
    indexes: dict[tuple[int, ...], GrantIndex] = {}
    for side in sides.values():  # pods under the same policies share one index of their rules
        side.index = indexes.setdefault(tuple(map(id, side.grants)), GrantIndex(side.grants))
    return sides, set(resolver.namespace_labels)


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

    def grant(self, policy: Policy, rule: Rule) -> Grant:
        if not rule.peers:
            return Grant(policy.name, None, (), everything_external(), rule.ports)
        pods: set[Hashable] = set()
        blocks: list[Network] = []
        externals: list[ExternalPeer] = []
        for peer in rule.peers:
            if peer.block is not None:
                blocks += peer.block.networks
                pods |= self._in_block(peer.block.networks)
                externals += self._block_externals(peer.block.networks)
            else:
                pods |= self._selected(policy.namespace, peer)
                externals += self._other_namespaces(peer)
        return Grant(policy.name, frozenset(pods), tuple(blocks), tuple(externals), rule.ports)

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

    def _block_externals(self, networks: Sequence[Network]) -> list[ExternalPeer]:
        found = []
        for cover in coverages(tuple(networks)):
            caveats = (POD_IP_CAVEAT,) if cover.name == CLUSTER_PRIVATE and self.some_without_ip else ()
            found.append(ExternalPeer(cover.name, cover.networks, "", caveats))
        return found

    def _other_namespaces(self, peer: PeerSpec) -> list[ExternalPeer]:
        """Pods in namespaces the input does not show, when the namespace selector could match such a namespace."""
        selector = peer.namespaces
        if selector is None or not could_match_new(selector, NAME_LABEL, set(self.namespace_labels)):
            return []
        where = f"namespaces labelled {selector.describe()}"
        if selector.equals and selector.equals[0][0] == NAME_LABEL and len(selector.equals) == 1 \
                and not selector.expressions:
            where = f"namespace {selector.equals[0][1]}"
        who = "any pod" if peer.pods is None or peer.pods.empty else f"pods labelled {peer.pods.describe()}"
        return [ExternalPeer(OTHER_NAMESPACES, who=who if selector.empty else f"{who} in {where}")]
