"""NetworkPolicy analysis: for each pod, who may connect to it and whom it may connect to, on which ports.

Semantics follow the Kubernetes API (see PSS_NETPOL_FACTS §3): isolation per pod and direction, additive rules, a
connection needs the source's egress and the destination's ingress, named ports resolved on the destination pod.
Peers are pods, or external classes: `internet` (public addresses), `cluster-private` (RFC 1918, where the API
server, nodes and pods live) and `other-namespaces` (pods in namespaces the input does not show). A `kube-dns` pod
(k8s-app=kube-dns in kube-system, serving 53 UDP/TCP) is always added unless the input has one, so DNS egress
can be checked; kube-system's own policies are unknown, so it is treated as not isolated.

Cost: each policy's selected pods and each rule's peer pods are computed once from label indexes (netpol_grants);
per pod, only the list of rules that apply to it is kept. `allowed()` looks at the rules of the two pods only;
`incoming()` and `outgoing()` enumerate peers on demand.

This module is the analysis's front door: `analyze` and the queries of its result here, the inputs in netpol_model
and netpol_policies, the answers in netpol_results; `__all__` names what the commands and reports use.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from wizard.analysis.ipblocks import INTERNET
from wizard.analysis.netpol_externals import (
    OTHER_NAMESPACES,
    ExternalPeer,
    everything_external,
    merge_externals,
    open_externals,
)
from wizard.analysis.netpol_grants import Side, reaches, resolve_sides
from wizard.analysis.netpol_model import ContainerPort, Namespace, Pod, from_manifests
from wizard.analysis.netpol_policies import EGRESS, INGRESS, Policy
from wizard.analysis.netpol_results import Connection, Finding, Peer
from wizard.analysis.ports import ALL_PORTS, Ports, union_all

__all__ = ["Connection", "Connectivity", "Finding", "Peer", "Pod", "Policy", "Namespace", "ContainerPort",
           "analyze", "from_manifests", "INGRESS", "EGRESS", "KUBE_DNS", "OTHER_NAMESPACES"]

KUBE_DNS = Pod("kube-system", "kube-dns", {"k8s-app": "kube-dns"},
               (ContainerPort("dns", 53, "UDP"), ContainerPort("dns-tcp", 53, "TCP"),
                ContainerPort("metrics", 9153, "TCP")), kind="cluster DNS", synthetic=True)


class Connectivity:
    """The result of `analyze`: per pod and direction, the rules in force, and queries over them."""

    def __init__(self, pods: Sequence[Pod], sides: dict[tuple[str, str], Side], namespaces: set[str]) -> None:
        self.pods = [p for p in pods if not p.synthetic]
        self._by_key = {p.key: p for p in pods}
        self._sides = sides
        self.namespaces = namespaces
        # Memos, valid for this analysis only: a report asks for both ends of every pair (outgoing of one pod,
        # incoming of the other), pods under the same policies ask the same unions, and externals repeat per side.
        self._pairs: dict[tuple[str, str], Connection | None] = {}
        self._peers: dict[str, Peer] = {}
        self._merged: dict[tuple[object, ...], list[tuple[ExternalPeer, Ports]]] = {}
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

    def admitting(self, pod: str | Pod, external: str) -> list[str]:
        """Names of the policies whose ingress rules let the external class `external` (internet, cluster-private,
        other-namespaces) reach the pod: what to change to close it. Empty when none does, or when no policy isolates
        the pod's ingress (then nothing limits it)."""
        side = self._sides.get((self.pod(pod).key, INGRESS))
        if side is None:
            return []
        return sorted({grant.policy for grant in side.grants if any(e.name == external for e in grant.externals)})

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
        return any(reaches(grant, peer) and (not grant.ports or any(spec.matches(port, protocol, named)
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
        return union_all(grant.opens(named) for grant in side.grants if reaches(grant, peer))

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

    def _merged_externals(self, pod: Pod, direction: str, destination: Pod | None) -> list[tuple[ExternalPeer, Ports]]:
        """`merge_externals` of the pod's externals, once per set of rules (and named ports, when a rule has some)."""
        side = self._sides.get((pod.key, direction))
        if side is None:
            return open_externals()
        named = destination.named_ports if destination and any(g.fixed is None for g in side.grants) else None
        key = (*map(id, side.grants), tuple(sorted(named.items())) if named else ())
        found = self._merged.get(key)
        if found is None:
            found = self._merged[key] = merge_externals(self._externals(pod, direction, destination))
        return found

    def _candidates(self, pod: Pod, direction: str) -> list[Pod]:
        side = self._sides.get((pod.key, direction))
        if side is None or any(g.pods is None for g in side.grants):
            return list(self._by_key.values())
        keys = set().union(*(g.pods for g in side.grants if g.pods is not None))
        return [self._by_key[k] for k in sorted(keys, key=str) if k in self._by_key]

    def _externals(self, pod: Pod, direction: str, destination: Pod | None) -> list[tuple[ExternalPeer, Ports]]:
        side = self._sides.get((pod.key, direction))
        if side is None:
            return [(e, ALL_PORTS) for e in everything_external()]
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


def _is_dns(pod: Pod) -> bool:
    return pod.namespace == "kube-system" and pod.labels.get("k8s-app") == "kube-dns"


def analyze(pods: Sequence[Pod], policies: Sequence[Policy], namespaces: Sequence[Namespace] = (),
            dns: bool = True) -> Connectivity:
    """Who may reach whom among `pods` under `policies`, with a kube-dns pod added (unless `dns` is False or the
    input has one) so DNS egress can be checked; every policy is resolved once, up front (netpol_grants)."""
    everyone = list(pods) + ([KUBE_DNS] if dns and not any(_is_dns(p) for p in pods) else [])
    sides, known_namespaces = resolve_sides(everyone, policies, namespaces)
    return Connectivity(everyone, sides, known_namespaces)
