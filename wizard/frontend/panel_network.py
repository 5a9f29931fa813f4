"""The Network tab's content: what is open to the internet and on which ports (and which NetworkPolicy, or the lack of
one, makes it so); the ways in from outside the cluster (Ingress hosts, NodePort and LoadBalancer Services); a
reachability matrix of the whole deployment; and, for a selected pod, who may reach it and whom it may reach, with
ports.

A matrix, not a list of peers per pod: a pod's outgoing peers run to some 200 columns, which scroll the pod names
away; a matrix row is as wide as the number of pods, and its name column stays put.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from wizard.analysis.netpol_results import Connection, Peer
from wizard.analysis.ports import Ports, union_all
from wizard.charts.entry_points import EntryPoint, release_entry_points
from wizard.frontend.panel_rows import Row
from wizard.reporting.report import KUBE_DNS_KEY, PodReport
from wizard.writing.chart_inputs import ChartInput

INTERNET = "internet"
EXTERNALS = ((INTERNET, "net"), ("cluster-private", "priv"), ("other-namespaces", "ns"), ("kube-dns", "dns"))
"""The peers beyond the deployment's own pods, with their column heading: first, as they matter most."""
IN, OUT, BOTH, NONE, SELF = "←", "→", "↔", "·", ""
"""A matrix cell: the peer may open connections to the row's pod, the pod to the peer, both, neither; itself."""
_WORDS = {INTERNET: "internet", "cluster-private": "cluster-private addresses", "other-namespaces": "other namespaces"}
NO_POLICY = "no NetworkPolicy selects it"
LEGEND = ("← the column may connect to the pod, → the pod to the column, ↔ both, · neither. net = internet, priv = "
          "cluster-private addresses, ns = other namespaces, dns = kube-dns, numbers = the pods.")


def columns(pods: Sequence[tuple[str, PodReport]]) -> tuple[tuple[str, str], ...]:
    """The matrix's peers as (key, heading): the external ones, then every pod by its number."""
    return (*EXTERNALS, *((key, str(number)) for number, (key, _) in enumerate(pods, 1)))


def matrix_rows(pods: Sequence[tuple[str, PodReport]], peers: Sequence[tuple[str, str]]) -> tuple[Row, ...]:
    """One row per pod: its number and name, then one cell per peer; open to the internet is the alert."""
    rows = []
    for number, (key, pod) in enumerate(pods, 1):
        incoming, outgoing = set(pod.ingress_from), set(pod.egress_to)
        cells = [_cell(peer == key, peer in incoming, peer in outgoing) for peer, _ in peers]
        rows.append(Row(key, (f"{number:>2} {key}", *cells), INTERNET in incoming))
    return tuple(rows)


def _cell(itself: bool, incoming: bool, outgoing: bool) -> str:
    if itself:
        return SELF
    return BOTH if incoming and outgoing else IN if incoming else OUT if outgoing else NONE


def internet_rows(pods: Sequence[tuple[str, PodReport]]) -> tuple[Row, ...]:
    """The pods the internet may connect to: (name, ports, what lets it in)."""
    return tuple(Row(key, (key, _internet_ports(pod).describe(), _why(pod)), True)
                 for key, pod in pods if INTERNET in pod.ingress_from)


def _internet_ports(pod: PodReport) -> Ports:
    return union_all(c.ports for c in pod.incoming if c.source.kind != "pod" and c.source.name == INTERNET)


def _why(pod: PodReport) -> str:
    if pod.internet_policies:
        return f"NetworkPolicy {', '.join(pod.internet_policies)}"
    return NO_POLICY


def exposure(rows: Sequence[Row], mark: Callable[[str], str]) -> str:
    """What is open to the internet, on which ports, in one sentence to wrap (pods on the same ports share a part);
    `mark` gives a pod's change mark ("+ ", "~ " or '')."""
    if not rows:
        return "Open to the internet: nothing."
    by_ports: dict[str, list[str]] = {}
    for row in rows:
        by_ports.setdefault(row.cells[1], []).append(f"{mark(row.key)}{row.key}{'*' if _unguarded(row) else ''}")
    note = " (* no NetworkPolicy selects it)" if any(_unguarded(row) for row in rows) else ""
    return "Open to the internet " + "; ".join(f"on {ports}: {', '.join(names)}" for ports, names in
                                              by_ports.items()) + note + "."


def _unguarded(row: Row) -> bool:
    return row.cells[2] == NO_POLICY


def plan_entry_points(inputs: Iterable[ChartInput]) -> list[EntryPoint]:
    """The ways in of every release a Plan installs, from the values it gives each."""
    return [entry for item in inputs
            for entry in release_entry_points(item.release.chart, item.release.version, item.values)]


def entry_rows(entries: Iterable[EntryPoint]) -> tuple[Row, ...]:
    """The ways in, one row each (the row is its own key: a new host is a new row)."""
    return tuple(Row(str(entry), (str(entry),)) for entry in dict.fromkeys(entries))


def ways_in(rows: Sequence[Row], mark: Callable[[str], str]) -> str:
    if not rows:
        return "Ways in from outside the cluster: none (no Ingress, no NodePort or LoadBalancer Service)."
    return "Ways in: " + "; ".join(f"{mark(row.key)}{row.cells[0]}" for row in rows) + "."


def reach_lists(key: str, pod: PodReport, names: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who may reach the pod and whom it may reach, a line per peer (pods on the same ports share one); `names`
    maps pod keys (namespace/name) to row keys."""
    others = set(names.values()) - {key}
    why = f" ({_why(pod)})"
    reached_from = _lines([(c.source, c) for c in pod.incoming], names, others, why)
    return reached_from, _lines([(c.destination, c) for c in pod.outgoing], names, others, "")


def _lines(connections: list[tuple[Peer, Connection]], names: dict[str, str], others: set[str],
           internet_why: str) -> tuple[str, ...]:
    external: dict[tuple[str, str], list[Ports]] = {}  # one line per peer and detail, its ports unioned
    for peer, conn in connections:
        if peer.kind != "pod":
            external.setdefault((peer.name, peer.detail), []).append(conn.ports)
    order = {name: index for index, (name, _) in enumerate(EXTERNALS)}
    lines = [f"{_WORDS.get(name, name)}{f' ({detail})' if detail else ''}: {union_all(ports).describe()}"
             f"{internet_why if name == INTERNET else ''}"
             for (name, detail), ports in sorted(external.items(), key=lambda item: order.get(item[0][0], len(order)))]
    by_ports: dict[Ports, list[str]] = {}
    for peer, conn in connections:
        if peer.kind == "pod":
            by_ports.setdefault(conn.ports, []).append(_pod_name(peer.name, names))
    for ports, group in by_ports.items():
        shown = "every other pod" if others and others <= set(group) else ", ".join(group)
        lines.append(f"{shown}: {ports.describe()}")
    return tuple(lines) or ("nobody",)


def _pod_name(key: str, names: dict[str, str]) -> str:
    return "kube-dns" if key == KUBE_DNS_KEY else names.get(key, key)


def pod_names(pods: Sequence[tuple[str, PodReport]]) -> dict[str, str]:
    """Pod keys as the network analysis names them (namespace/object name) to row keys."""
    return {f"{pod.namespace}/{pod.object.split('/', 1)[-1]}": key for key, pod in pods}
