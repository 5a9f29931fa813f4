"""The paths between organisations, each judged from both ends: may the caller's pod open the connection (its
NetworkPolicies' egress), may the callee's pod accept it (its ingress), and do both sides hold the same secret.

Who calls whom (FACTS_ACCOUNTS_NETWORK_IMAGES.md §1.7, the reference page's network table): each backend's server
and worker call the orchestrator; the server and the worker fetch assets from every other organisation's server at
its public address; the worker calls its own server there too. A public address is reached as the internet (the
other side's ingress controller), an in-cluster Service as a cluster-private address; the callee's pod is reached by
its ingress controller, or by the caller's pod, from inside its cluster.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from wizard.analysis.netpol import Connection
from wizard.network.model import Network, Organisation
from wizard.network.plans import Member, orchestrator_address
from wizard.planning.derive import scheme
from wizard.reporting.report import PodReport, Report

BACKEND_PORT, ORCHESTRATOR_PORT = 8000, 9000
"""The container ports a connection finally reaches, whatever port the Service or ingress shows."""
INSIDE = ("cluster-private", "other-namespaces", "internet")
"""Where a connection from an ingress controller (or another namespace's pod) comes from, as the analysis names it."""
CALLERS = ("backend-server", "backend-worker")

Credentials = Literal["match", "differ", "missing", "made on write"]


@dataclass(frozen=True)
class Hop:
    """One end of a path: whether its pod's policies let the connection through, and why."""

    allowed: bool
    how: str


@dataclass(frozen=True)
class CallPath:
    """One call between organisations (or to the orchestrator): who calls, which pod, whom, at which address, and
    how each end and the credentials judge it."""

    caller: str
    pod: str
    callee: str
    target: str
    address: str
    leaves: Hop
    arrives: Hop
    credentials: Credentials | None = None
    clear_text: bool = False

    @property
    def open(self) -> bool:
        return self.leaves.allowed and self.arrives.allowed


def network_paths(network: Network, members: Sequence[Member], reports: dict[str, Report],
                  credentials: dict[tuple[str, str], Credentials]) -> list[CallPath]:
    """Every path of the network, orchestrator first, in the network file's order. `reports`: folder -> Report of
    that member's Plan; `credentials`: (caller, callee) folders -> what the two sides hold."""
    found: list[CallPath] = []
    orchestrator = reports[members[0].folder]
    server = _pod(orchestrator, "orchestrator-server")
    for member in members[1:]:
        organisation = member.organisation
        assert organisation is not None
        host, port, same = orchestrator_address(network, organisation)
        for pod in CALLERS:
            caller = _pod(reports[member.folder], pod)
            where = "cluster-private" if same else "internet"
            found.append(CallPath(member.folder, pod, "orchestrator", "orchestrator-server", f"{host}:{port}",
                              _leaves(caller, where, port), _arrives(server, ORCHESTRATOR_PORT)))
        for other in members[1:]:
            target = other.organisation
            assert target is not None
            url = f"{scheme(other.plan)}://{target.host}"
            port = 443 if scheme(other.plan) == "https" else 80
            callee = _pod(reports[other.folder], "backend-server")
            for pod in CALLERS if other is not member else ("backend-worker",):
                found.append(CallPath(member.folder, pod, other.folder, "backend-server", url,
                                  _leaves(_pod(reports[member.folder], pod), "internet", port),
                                  _arrives(callee, BACKEND_PORT),
                                  credentials.get((member.folder, other.folder), "missing"), port == 80))
    return found


def _pod(report: Report, component: str) -> PodReport | None:
    return next((p for p in report.pods if p.component == component), None)


def _leaves(pod: PodReport | None, where: str, port: int) -> Hop:
    if pod is None:
        return Hop(False, "the pod does not run")
    through = _through(pod.outgoing, "destination", (where,), port)
    if through:
        return Hop(True, f"egress to {where} on TCP {port} ({through})")
    return Hop(False, f"no egress to {where} on TCP {port}: its NetworkPolicies block the call")


def _arrives(pod: PodReport | None, port: int) -> Hop:
    if pod is None:
        return Hop(False, "the pod does not run")
    through = _through(pod.incoming, "source", INSIDE, port)
    if through:
        return Hop(True, f"ingress on TCP {port} from {through}")
    return Hop(False, f"no ingress on TCP {port} from its ingress controller or other namespaces: its "
                      "NetworkPolicies refuse the call")


def _through(connections: Iterable[Connection], end: Literal["source", "destination"], names: tuple[str, ...],
             port: int) -> str:
    """The peers (of the classes `names`) whose connections include TCP `port`, as the analysis names them."""
    peers = [getattr(c, end).name for c in connections
             if getattr(c, end).name in names and c.ports.contains(port, "TCP")]
    return ", ".join(dict.fromkeys(peers))


def pair_credentials(organisations: Sequence[Organisation], held: dict[str, dict[str, str]],
                     written: bool) -> dict[tuple[str, str], Credentials]:
    """What the two sides of each ordered pair hold (never the secrets): `held` maps each organisation to its
    credential ids (substra-backend/incoming/<msp> ...) as read from its folder; not `written`: none yet."""
    from wizard.writing.credentials import organisation_id

    found: dict[tuple[str, str], Credentials] = {}
    for caller in organisations:
        for callee in organisations:
            if not written:
                found[caller.name, callee.name] = "made on write"
                continue
            if caller is callee:
                own = held[caller.name].get(organisation_id("incoming", caller.msp_id))
                found[caller.name, callee.name] = "match" if own else "missing"  # one secret, both lists
                continue
            sent = held[caller.name].get(organisation_id("outgoing", callee.msp_id))
            checked = held[callee.name].get(organisation_id("incoming", caller.msp_id))
            found[caller.name, callee.name] = "missing" if not (sent and checked) else \
                "match" if sent == checked else "differ"
    return found
