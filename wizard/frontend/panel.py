"""What the implications panel shows, assembled from one report: the Security, Network and Volumes tabs (each tab's
own content comes from panel_security and panel_network), the level each namespace can enforce, what each selected
pod's detail says; and what changed since the previous Plan, so a front end can mark it (turning the private CA on
marks the six pods now running add-cert as root; turning the backend's ingress on marks its new way in)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wizard.charts.entry_points import EntryPoint
from wizard.frontend.draft import Draft
from wizard.frontend.panel_network import (
    NONE,
    SELF,
    columns,
    entry_rows,
    internet_rows,
    matrix_rows,
    pod_names,
    reach_lists,
)
from wizard.frontend.panel_rows import PodDetail, Row, keyed
from wizard.frontend.panel_security import root_summary, security_detail, security_rows
from wizard.planning.declare import declaration
from wizard.reporting.report import Report

LEVELS = ("privileged", "baseline", "restricted")
SECTIONS = ("security", "network", "volumes", "internet", "entries")
"""The panel's row sections, each compared on its own between two panels."""


@dataclass(frozen=True)
class Panel:
    security: tuple[Row, ...]
    network: tuple[Row, ...]
    """The reachability matrix: per pod, its number and name, then a cell per peer of `peers`."""
    volumes: tuple[Row, ...]
    """Per claim: name, size, storage class, access modes, created (or reused), the pod that mounts it."""
    namespace_levels: tuple[tuple[str, str], ...]
    """(namespace, the strictest Pod Security level every pod in it passes): what the namespace can enforce."""
    peers: tuple[tuple[str, str], ...] = ()
    """The matrix's columns as (peer key, heading)."""
    internet: tuple[Row, ...] = ()
    """The pods open to the internet: (name, ports, what lets the internet in)."""
    entries: tuple[Row, ...] = ()
    """The ways in from outside the cluster (Ingress hosts, NodePort and LoadBalancer Services)."""
    roots: str = ""
    """Which containers run as root, in a sentence."""
    details: tuple[PodDetail, ...] = ()

    def detail(self, key: str) -> PodDetail | None:
        return next((d for d in self.details if d.key == key), None)

    def reach(self, pod: str, peer: str) -> str:
        """The matrix cell of a pod (row key) and a peer (column key)."""
        row = next(r for r in self.network if r.key == pod)
        return row.cells[1 + [key for key, _ in self.peers].index(peer)]


def panel(report: Report, entries: Iterable[EntryPoint] = ()) -> Panel:
    """The panel's content for one report, with the ways in of its releases (charts.entry_points)."""
    pods = keyed(report.pods)
    peers = columns(pods)
    names = pod_names(pods)
    details = tuple(PodDetail(key, security_detail(key, pod), *reach_lists(key, pod, names)) for key, pod in pods)
    volumes = tuple(Row(v.claim.name, (v.claim.name, v.claim.size or "-", v.claim.class_text,
                                       ", ".join(v.claim.access_modes) or "-",
                                       "yes" if v.claim.created else "no, reused", v.component or "-"))
                    for v in report.volumes)
    return Panel(security_rows(pods), matrix_rows(pods, peers), volumes, _namespace_levels(report), peers,
                 internet_rows(pods), entry_rows(entries), root_summary(pods), details)


def _namespace_levels(report: Report) -> tuple[tuple[str, str], ...]:
    levels: dict[str, str] = {}
    for pod in report.pods:
        current = levels.get(pod.namespace, "restricted")
        levels[pod.namespace] = min(current, pod.pss_level, key=LEVELS.index)
    return tuple(sorted(levels.items()))


@dataclass(frozen=True)
class Changes:
    """Row keys per section that the last change added, altered or removed; and the matrix cells it altered, as
    (row key, peer key)."""

    added: frozenset[tuple[str, str]]
    changed: frozenset[tuple[str, str]]
    removed: frozenset[tuple[str, str]]
    cells: frozenset[tuple[str, str]] = frozenset()

    def marks(self, section: str, key: str) -> str:
        """`+`, `~` or '' for a row of a section, as a front end marks it."""
        if (section, key) in self.added:
            return "+"
        return "~" if (section, key) in self.changed else ""

    def touched(self, section: str) -> bool:
        """Whether the last change marked anything in a section (removed rows included)."""
        return any(s == section for s, _ in self.added | self.changed | self.removed)


def changes(before: Panel | None, after: Panel) -> Changes:
    """What differs between two panels (nothing is marked for the first one). A matrix row counts as changed when
    what it reaches changed, not when it was renumbered or a peer's column came or went that it never reached."""
    if before is None:
        return Changes(frozenset(), frozenset(), frozenset())
    added, changed, removed = set(), set(), set()
    cells, reach_changed = _cell_changes(before, after)
    for section in SECTIONS:
        old = {row.key: row for row in getattr(before, section)}
        new = {row.key: row for row in getattr(after, section)}
        added |= {(section, key) for key in new.keys() - old.keys()}
        removed |= {(section, key) for key in old.keys() - new.keys()}
        if section == "network":
            changed |= {(section, key) for key in new.keys() & old.keys() if key in reach_changed}
        else:
            changed |= {(section, key) for key in new.keys() & old.keys() if new[key] != old[key]}
    return Changes(frozenset(added), frozenset(changed), frozenset(removed), cells)


def _cell_changes(before: Panel, after: Panel) -> tuple[frozenset[tuple[str, str]], set[str]]:
    """The matrix cells whose reach differs, as (row key, peer key) (a new peer's column counts where it reaches or
    is reached), and the rows whose reach changed (those cells, or a peer gone that the row reached)."""
    old = {row.key: dict(zip((k for k, _ in before.peers), row.cells[1:], strict=True)) for row in before.network}
    cells, rows = set(), set()
    for row in after.network:
        if row.key not in old:
            continue
        now = dict(zip((k for k, _ in after.peers), row.cells[1:], strict=True))
        for peer, cell in now.items():
            was = old[row.key].get(peer)
            if cell != was and (was is not None or cell not in (NONE, SELF)):
                cells.add((row.key, peer))
                rows.add(row.key)
        if any(cell not in (NONE, SELF) for peer, cell in old[row.key].items() if peer not in now):
            rows.add(row.key)
    return frozenset(cells), rows


def stale_note(draft: Draft) -> str | None:
    """While some answers have problems the panel shows the last valid Plan: say so, and which fields to fix, so
    that a panel that did not follow the last answer is not taken for its consequences (None: it is current)."""
    if draft.valid:
        return None
    names: list[str] = []
    for problem in draft.problems:
        try:
            name = declaration(problem.path).label
        except KeyError:  # a problem of the whole Plan, not of one field
            name = problem.path
        if name not in names:
            names.append(name)
    return f"Shown for your last valid answers. To update it, fix: {', '.join(names)}."
