"""Peers outside the pods the input shows: address classes (internet, cluster-private) a rule's blocks cover, and
pods in namespaces the input does not hold; and how one pod's list of them is merged into one entry per peer.

Apart from the rules that reach them (netpol_grants) because merging is its own costly step (network unions),
cached across analyses, and what the report prints for every pod.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from wizard.analysis.ipblocks import CLUSTER_PRIVATE, Coverage, Network, coverages, covers, union
from wizard.analysis.netpol_results import Peer
from wizard.analysis.ports import ALL_PORTS, Ports

OTHER_NAMESPACES = "other-namespaces"
POD_IP_CAVEAT = ("pod IPs are private addresses too: depending on the CNI and the pod CIDR, "
                 "this may also match pods in the cluster")


@dataclass(frozen=True)
class ExternalPeer:
    """An external peer a rule reaches: an address class with the networks it covers, or other-namespaces (`who`)."""

    name: str
    networks: tuple[Network, ...] = ()
    who: str = ""
    caveats: tuple[str, ...] = ()

    @cached_property
    def peer(self) -> Peer:
        """Computed once: describing the networks covered is costly, and externals are shared between pods."""
        return Peer("external", self.name, Coverage(self.name, self.networks).detail() if self.networks else self.who)


@cache
def everything_external() -> tuple[ExternalPeer, ...]:
    """What a rule with no peers (or no isolation) reaches beyond the known pods."""
    found = [ExternalPeer(c.name, c.networks, "", (POD_IP_CAVEAT,) if c.name == CLUSTER_PRIVATE else ())
             for c in coverages((ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")))]
    return (*found, ExternalPeer(OTHER_NAMESPACES, who="any pod"))


@cache
def open_externals() -> list[tuple[ExternalPeer, Ports]]:
    """The externals of a side no policy isolates: everything, on every port (callers only read it)."""
    return merge_externals((e, ALL_PORTS) for e in everything_external())


def merge_externals(items: Iterable[tuple[ExternalPeer, Ports]]) -> list[tuple[ExternalPeer, Ports]]:
    """One entry per external peer: blocks with the same ports are unioned, entries that another one contains are
    dropped, then ports of the same blocks are unioned."""
    return list(_merge_cached(tuple(items)))


@lru_cache(maxsize=1024)
def _merge_cached(items: tuple[tuple[ExternalPeer, Ports], ...]) -> tuple[tuple[ExternalPeer, Ports], ...]:
    """Cached: a pure function of immutable values, and the charts' policies give the same few external peers with
    the same ports to many pods, on every explain (network unions are the costly part)."""
    return tuple(_merge_items(items))


def _merge_items(items: Iterable[tuple[ExternalPeer, Ports]]) -> list[tuple[ExternalPeer, Ports]]:
    same_ports = _group(items, lambda e, p: (e.name, e.who, p))
    kept = [item for item in same_ports if not any(other is not item and _dominates(other, item)
                                                   for other in same_ports)]
    return _group(kept, lambda e, p: (e.name, e.who, e.networks))


def _group(items: Iterable[tuple[ExternalPeer, Ports]], key: Callable[[ExternalPeer, Ports], Hashable],
           ) -> list[tuple[ExternalPeer, Ports]]:
    groups: dict[Hashable, tuple[ExternalPeer, Ports]] = {}
    for ext, ports in items:
        if ports.empty:
            continue
        old = groups.get(key(ext, ports))
        if old is not None:
            ext = ExternalPeer(ext.name, union(old[0].networks, ext.networks), ext.who,
                               tuple(dict.fromkeys(old[0].caveats + ext.caveats)))
            ports = ports.union(old[1])
        groups[key(ext, ports)] = (ext, ports)
    return list(groups.values())


def _dominates(a: tuple[ExternalPeer, Ports], b: tuple[ExternalPeer, Ports]) -> bool:
    (ea, pa), (eb, pb) = a, b
    if ea.name != eb.name or not pa.covers(pb):
        return False
    if ea.networks or eb.networks:
        return covers(ea.networks, eb.networks)
    return ea.who == "any pod"
