"""ipBlock peers: CIDR minus excepts, and how much of each class of external address ("internet", "cluster-private")
a block covers, by CIDR arithmetic, so a report can say "cluster-private (10.0.0.0/8 only)" instead of a raw CIDR."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from wizard.analysis.selectors import InvalidPolicy
from wizard.core.shown import shown

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

INTERNET, CLUSTER_PRIVATE = "internet", "cluster-private"
# RFC 1918 (IPv4) and unique-local (IPv6) addresses: where the Kubernetes API, nodes, pods and other private hosts live.
PRIVATE: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))


class Networks(tuple):  # type: ignore[type-arg]
    """A tuple of networks that computes its hash once: peers keyed by their networks are grouped for every pod, and
    hashing dozens of ipaddress networks each time dominated the analysis."""

    def __hash__(self) -> int:
        try:
            return self._hash  # type: ignore[has-type, no-any-return]
        except AttributeError:
            self._hash = tuple.__hash__(self)
            return self._hash


def _exclude(networks: Iterable[Network], removed: Iterable[Network]) -> list[Network]:
    """The addresses of `networks` that are in none of `removed`, as collapsed CIDRs."""
    return list(_exclude_cached(tuple(networks), tuple(removed)))


@lru_cache(maxsize=4096)
def _exclude_cached(networks: tuple[Network, ...], removed: tuple[Network, ...]) -> tuple[Network, ...]:
    """Cached: the same few blocks (0.0.0.0/0 minus the private ranges, ...) recur in every policy and report."""
    current = list(networks)
    for cut in removed:
        current = [piece for net in current for piece in _cut(net, cut)]
    return tuple(_collapse(current))


def _cut(net: Network, cut: Network) -> list[Network]:
    if net.version != cut.version or not (net.overlaps(cut)):
        return [net]
    if net.subnet_of(cut):  # type: ignore[arg-type]
        return []
    return list(net.address_exclude(cut))  # type: ignore[arg-type]


def _collapse(networks: Iterable[Network]) -> list[Network]:
    v4 = [n for n in networks if n.version == 4]
    v6 = [n for n in networks if n.version == 6]
    return list(ipaddress.collapse_addresses(v4)) + list(ipaddress.collapse_addresses(v6))  # type: ignore[arg-type]


PUBLIC: tuple[Network, ...] = tuple(_exclude(
    [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")], PRIVATE))
CLASSES: dict[str, tuple[Network, ...]] = {INTERNET: PUBLIC, CLUSTER_PRIVATE: PRIVATE}


def intersect(a: Sequence[Network], b: Sequence[Network]) -> list[Network]:
    """Two CIDRs are nested or disjoint, so the intersection is the smaller of each overlapping pair."""
    spans = [(y, y.version, int(y.network_address), int(y.broadcast_address)) for y in b]
    found = []
    for x in a:
        low, high = int(x.network_address), int(x.broadcast_address)
        found += [x if x.prefixlen >= y.prefixlen else y for y, version, y_low, y_high in spans
                  if version == x.version and y_low <= high and low <= y_high]
    return _collapse(found)


def covers(outer: Sequence[Network], inner: Sequence[Network]) -> bool:
    """Whether every address of `inner` is in `outer` (both collapsed)."""
    return not _exclude(inner, outer)


@dataclass(frozen=True)
class IpBlock:
    """`cidr` minus `except`, as the collapsed networks that remain."""

    text: str
    networks: tuple[Network, ...]
    notes: tuple[str, ...] = ()
    """What the API server accepts but changes (a CIDR with host bits set, leading zeros)."""

    def contains(self, ip: str) -> bool:
        address = ipaddress.ip_address(ip)
        return any(address in net for net in self.networks)


def parse_ip_block(raw: Any, where: str) -> IpBlock:
    """Parse and validate an ipBlock as the API server does: cidr a CIDR with its prefix length, each except a CIDR
    strictly inside it. A CIDR with host bits set (10.0.0.1/8) is accepted and taken as its network (10.0.0.0/8), as
    Kubernetes does; `IpBlock.notes` says so."""
    if not isinstance(raw, dict) or raw.get("cidr") in (None, ""):
        raise InvalidPolicy(f"{where}: an ipBlock needs a cidr")
    notes: list[str] = []
    cidr = _network(raw["cidr"], where, "cidr", notes)
    excepts_raw = raw.get("except")
    if excepts_raw is not None and not isinstance(excepts_raw, list):
        raise InvalidPolicy(f"{where}: except must be a list of CIDRs, not {shown(excepts_raw)!r}")
    excepts = [_network(e, where, "except", notes) for e in excepts_raw or []]
    for cut in excepts:
        if cut.version != cidr.version or cut == cidr or not cut.subnet_of(cidr):  # type: ignore[arg-type]
            raise InvalidPolicy(f"{where}: except {cut} must be strictly inside the cidr {cidr}")
    text = str(cidr) + (f" except {', '.join(str(c) for c in excepts)}" if excepts else "")
    return IpBlock(text, tuple(_exclude([cidr], excepts)), tuple(notes))


def _network(value: Any, where: str, field: str, notes: list[str]) -> Network:
    if not isinstance(value, str):
        raise InvalidPolicy(f"{where}: {field} {shown(value)!r} is not a CIDR such as 10.0.0.0/8 (a string)")
    found = _parse_network(value)
    if isinstance(found, str):
        raise InvalidPolicy(f"{where}: {field} {shown(value)!r} {found}")
    if str(found) != value:
        notes.append(f"{where}: {field} {shown(value)} is not in canonical form; Kubernetes takes it as {found} "
                     "(newer API servers warn about it)")
    return found


@lru_cache(maxsize=4096)
def _parse_network(text: str) -> Network | str:
    """The network of a CIDR as the API server parses it, or why it refuses it. Cached: the charts' policies name the
    same few CIDRs on every explain, and networks are immutable."""
    address, slash, prefix = text.partition("/")
    if not slash:
        return "has no prefix length: Kubernetes wants a CIDR, e.g. 10.0.0.0/8 (or /32 for one address)"
    if "%" in address:
        return "has an IPv6 zone (%...): Kubernetes refuses zones in a CIDR"
    if not prefix.isascii() or not prefix.isdigit() or len(prefix) > 3:
        return "has no valid prefix length after the /"
    if "." in address and ":" not in address:
        address = ".".join(part.lstrip("0") or "0" if part.isdigit() else part for part in address.split("."))
    try:
        return ipaddress.ip_network(f"{address}/{int(prefix)}", strict=False)
    except ValueError:
        return "is not a CIDR such as 10.0.0.0/8"


@dataclass(frozen=True)
class Coverage:
    """The part of one address class a set of blocks covers, within the IP versions the blocks use (an IPv4-only
    block covering all public IPv4 addresses is "internet", not "internet minus IPv6")."""

    name: str
    networks: tuple[Network, ...]

    @property
    def whole(self) -> list[Network]:
        versions = {n.version for n in self.networks}
        return [n for n in CLASSES[self.name] if n.version in versions]

    @property
    def full(self) -> bool:
        return covers(self.networks, self.whole)

    def detail(self) -> str:
        """`` (all of it), `10.0.0.0/8 only` or `all but 172.16.0.0/20`: the shorter way to say it."""
        return _detail(self)

    def describe(self) -> str:
        """`internet`, `cluster-private (10.0.0.0/8 only)` or `cluster-private (all but 172.16.0.0/20)`."""
        detail = self.detail()
        return f"{self.name} ({detail})" if detail else self.name


@lru_cache(maxsize=4096)
def _detail(coverage: Coverage) -> str:
    """Cached: every peer of every pod is described, from the same few blocks, and the public class is dozens of
    CIDRs to subtract."""
    if coverage.full:
        return ""
    missing = _exclude(coverage.whole, coverage.networks)
    if len(missing) < len(coverage.networks):
        return f"all but {_list(missing)}"
    return f"{_list(coverage.networks)} only"


def _list(networks: Iterable[Network]) -> str:
    return ", ".join(str(n) for n in networks)


@lru_cache(maxsize=4096)
def coverages(networks: tuple[Network, ...]) -> tuple[Coverage, ...]:
    """Per address class, what the networks cover of it (classes they miss entirely are left out). Cached: policies
    repeat the same few blocks, and the public class is dozens of CIDRs."""
    found = [Coverage(name, Networks(intersect(networks, nets))) for name, nets in CLASSES.items()]
    return tuple(c for c in found if c.networks)


def union(a: Sequence[Network], b: Sequence[Network]) -> tuple[Network, ...]:
    return Networks(_collapse([*a, *b]))
