"""NetworkPolicy ports: parsing `ports` entries, and sets of (protocol, port range) to union and intersect."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from wizard.analysis.selectors import InvalidPolicy
from wizard.core.shown import shown

PROTOCOLS = ("TCP", "UDP", "SCTP")
_ORDER = {protocol: index for index, protocol in enumerate(PROTOCOLS)}
MAX_PORT = 65535
# IANA_SVC_NAME: at most 15 characters, lower-case letters, digits and '-', at least one letter, no '--', no '-' at
# either end.
_PORT_NAME = re.compile(r"^(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$")

Range = tuple[str, int, int]


@dataclass(frozen=True)
class Ports:
    """Ports per protocol as merged inclusive ranges; `other` = protocols beyond TCP/UDP/SCTP (e.g. ICMP)."""

    ranges: tuple[Range, ...] = ()
    other: bool = False

    @staticmethod
    def all() -> Ports:
        return Ports(tuple((p, 1, MAX_PORT) for p in PROTOCOLS), True)

    @staticmethod
    def of(ranges: Iterable[Range], other: bool = False) -> Ports:
        return Ports(_merge(ranges), other)

    @property
    def empty(self) -> bool:
        return not self.ranges and not self.other

    @property
    def everything(self) -> bool:
        return self == ALL_PORTS

    def union(self, other: Ports) -> Ports:
        if self is other or self is ALL_PORTS:  # quick answers equal to the merge below: ranges are kept merged
            return self
        if other is ALL_PORTS:
            return other
        if not other.ranges and other.other <= self.other:
            return self
        if not self.ranges and self.other <= other.other:
            return other
        return Ports.of(self.ranges + other.ranges, self.other or other.other)

    def intersect(self, other: Ports) -> Ports:
        if self is other or other is ALL_PORTS:
            return self
        if self is ALL_PORTS:
            return other
        return Ports.of(_overlaps(self.ranges, other.ranges), self.other and other.other)

    def covers(self, other: Ports) -> bool:
        if other.other and not self.other or not self._spans_cover(other):
            return False  # the quick no, before the intersection
        return self.intersect(other) == other

    def _spans_cover(self, other: Ports) -> bool:
        """Whether each protocol's span (lowest to highest port) of `other` lies within this one's: needed to cover
        it, and checked without building anything (a report compares every external peer's ports with the others')."""
        mine = self._spans
        for protocol, (lo, hi) in other._spans.items():
            span = mine.get(protocol)
            if span is None or lo < span[0] or hi > span[1]:
                return False
        return True

    @cached_property
    def _spans(self) -> dict[str, tuple[int, int]]:
        spans: dict[str, tuple[int, int]] = {}
        for protocol, lo, hi in self.ranges:  # sorted by protocol, then port: the first range starts the span
            spans[protocol] = (spans[protocol][0] if protocol in spans else lo, hi)
        return spans

    def contains(self, port: int, protocol: str) -> bool:
        return any(p == protocol and lo <= port <= hi for p, lo, hi in self.ranges)

    def by_protocol(self) -> dict[str, list[tuple[int, int]]]:
        grouped: dict[str, list[tuple[int, int]]] = {}
        for protocol, lo, hi in self.ranges:
            grouped.setdefault(protocol, []).append((lo, hi))
        return grouped

    def describe(self) -> str:
        """`all ports`, `TCP 80, 8000-8080`, `UDP/TCP 53`: protocols with the same ports share one phrase."""
        if self.everything:
            return "all ports"
        phrases: dict[str, list[str]] = {}
        for protocol, spans in self.by_protocol().items():
            text = "all ports" if spans == [(1, MAX_PORT)] else ", ".join(_span(lo, hi) for lo, hi in spans)
            phrases.setdefault(text, []).append(protocol)
        parts = [f"{'/'.join(protocols)} {text}" for text, protocols in phrases.items()]
        return "; ".join(parts + (["other protocols"] if self.other else [])) or "no ports"

    def to_json(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = [_span_json(p, lo, hi) for p, lo, hi in self.ranges]
        return items + ([{"protocol": "other"}] if self.other else [])


def _overlaps(a: tuple[Range, ...], b: tuple[Range, ...]) -> list[Range]:
    """The overlaps of two merged, sorted range lists, in one pass over both (comparing every pair was quadratic in
    the number of ranges: seconds for rules of hundreds of ports)."""
    found: list[Range] = []
    i = j = 0
    while i < len(a) and j < len(b):
        (pa, la, ha), (pb, lb, hb) = a[i], b[j]
        if pa != pb:
            if _ORDER[pa] < _ORDER[pb]:
                i += 1
            else:
                j += 1
            continue
        lo, hi = max(la, lb), min(ha, hb)
        if lo <= hi:
            found.append((pa, lo, hi))
        if ha < hb:
            i += 1
        else:
            j += 1
    return found


ALL_PORTS = Ports.all()
NO_PORTS = Ports()


def union_all(items: Iterable[Ports]) -> Ports:
    """The union of many port sets, merged once: unioning them one by one re-merges the growing result each time,
    quadratic in the number of rules (a pod under hundreds of rules took seconds)."""
    first: Ports | None = None
    ranges: list[Range] | None = None
    other = False
    for ports in items:
        if ports is ALL_PORTS:
            return ALL_PORTS
        if first is None or ports is first or ports.empty:
            first = first if first is not None and not first.empty else ports
            continue
        if ranges is None:
            ranges, other = list(first.ranges), first.other
        ranges += ports.ranges
        other = other or ports.other
    if ranges is None:  # one set (or none): nothing to merge
        return NO_PORTS if first is None else first
    found = Ports.of(ranges, other)
    return ALL_PORTS if found == ALL_PORTS else found


def _span(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _span_json(protocol: str, lo: int, hi: int) -> dict[str, Any]:
    if lo == 1 and hi == MAX_PORT:
        return {"protocol": protocol, "port": "all"}
    return {"protocol": protocol, "port": lo} if lo == hi else {"protocol": protocol, "from": lo, "to": hi}


def _merge(ranges: Iterable[Range]) -> tuple[Range, ...]:
    merged: list[list[Any]] = []
    for protocol, lo, hi in sorted(ranges, key=lambda r: (_ORDER[r[0]], r[1], r[2])):
        last = merged[-1] if merged else None
        if last and last[0] == protocol and lo <= last[2] + 1:
            last[2] = max(last[2], hi)
        else:
            merged.append([protocol, lo, hi])
    return tuple((p, lo, hi) for p, lo, hi in merged)


@dataclass(frozen=True)
class PortSpec:
    """One `ports` entry: a protocol with a number, a range (endPort), a name, or nothing (every port)."""

    protocol: str
    port: int | str | None = None
    end_port: int | None = None

    def resolve(self, named: Mapping[tuple[str, str], int] | None) -> Ports:
        """The ports this entry opens on one destination: `named` maps its (name, protocol) to numbers;
        None means the destination is an address block, which a named port never matches."""
        if isinstance(self.port, str):
            number = (named or {}).get((self.port, self.protocol))
            return Ports(((self.protocol, number, number),)) if number else NO_PORTS
        if self.port is None:
            return Ports(((self.protocol, 1, MAX_PORT),))
        return Ports(((self.protocol, self.port, self.end_port or self.port),))

    def matches(self, port: int, protocol: str, named: Mapping[tuple[str, str], int] | None) -> bool:
        """Whether this entry opens `port` on one destination (the quick form of `resolve(named).contains`)."""
        if protocol != self.protocol:
            return False
        if isinstance(self.port, str):
            return named is not None and named.get((self.port, protocol)) == port
        return self.port is None or self.port <= port <= (self.end_port or self.port)

    def describe(self) -> str:
        if isinstance(self.port, str):
            return f"{self.protocol} port named {self.port}"
        return Ports.of([(self.protocol, self.port or 1, self.end_port or self.port or MAX_PORT)]).describe()


def resolve_all(specs: tuple[PortSpec, ...], named: Mapping[tuple[str, str], int] | None) -> Ports:
    """What a rule's `ports` open on one destination; no entries = every port and protocol."""
    if not specs:
        return ALL_PORTS
    if not any(isinstance(spec.port, str) for spec in specs):
        return _resolve_numbers(specs)
    return _resolve(specs, named)


@lru_cache(maxsize=4096)
def _resolve_numbers(specs: tuple[PortSpec, ...]) -> Ports:
    """Cached: entries without named ports open the same ports on every destination, and each rule is asked once
    per pod pair."""
    return _resolve(specs, None)


def _resolve(specs: tuple[PortSpec, ...], named: Mapping[tuple[str, str], int] | None) -> Ports:
    return union_all(spec.resolve(named) for spec in specs)


def parse_port(raw: Any, where: str) -> PortSpec:
    """Parse and validate one `ports` entry as the API server would (ValidateNetworkPolicyPort): protocol TCP, UDP
    or SCTP (default TCP); port a number from 1 to 65535 or a port name; endPort only after a numeric port."""
    if not isinstance(raw, dict):
        raise InvalidPolicy(f"{where}: a ports entry must be a mapping with port and protocol")
    protocol = raw.get("protocol")
    if protocol is None:
        protocol = "TCP"
    elif protocol not in PROTOCOLS:
        raise InvalidPolicy(f"{where}: protocol {shown(protocol)!r} is not TCP, UDP or SCTP (in capitals)")
    port, end = raw.get("port"), raw.get("endPort")
    if isinstance(port, str):
        if port.isdigit():
            raise InvalidPolicy(f'{where}: port "{shown(port)}" is quoted, so Kubernetes reads it as a port name, '
                                f"and a name needs a letter: write {shown(port)} without quotes")
        return _named(protocol, port, end, where)
    if port is not None:
        _check_number(port, where, "port")
    if end is not None:
        _check_range(port, end, where)
    return PortSpec(protocol, port, end)


def _named(protocol: str, name: str, end: Any, where: str) -> PortSpec:
    if not _PORT_NAME.match(name):
        raise InvalidPolicy(f"{where}: port {shown(name)!r} is neither a number nor a valid port name (at most 15 "
                            "lower-case letters, digits and single '-', with a letter)")
    if end is not None:
        raise InvalidPolicy(f"{where}: endPort needs a numeric port, not the name {name!r}")
    return PortSpec(protocol, name)


def _check_number(value: Any, where: str, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PORT:
        raise InvalidPolicy(f"{where}: {field} {shown(value)!r} must be a number from 1 to {MAX_PORT}")


def _check_range(port: Any, end: Any, where: str) -> None:
    if port is None:
        raise InvalidPolicy(f"{where}: endPort needs a port")
    _check_number(end, where, "endPort")
    if end < port:
        raise InvalidPolicy(f"{where}: endPort {end} is below port {port}")
