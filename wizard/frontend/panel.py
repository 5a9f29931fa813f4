"""What the implications panel shows: per pod its Pod Security level and root containers, per pod its peers with
internet exposure, per claim what is created or reused; the level each namespace can enforce; and what changed
since the previous Plan, so a front end can mark it (turning the private CA on marks the six pods now running
add-cert as root)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wizard.analysis.root import RootContainer
from wizard.frontend.draft import Draft
from wizard.planning.declare import declaration
from wizard.reporting.report import Report

LEVELS = ("privileged", "baseline", "restricted")


@dataclass(frozen=True)
class Row:
    """One line of a panel section: `key` identifies it across Plans, `cells` are what is shown."""

    key: str
    cells: tuple[str, ...]
    alert: bool = False
    """Worth a colour: root, below restricted, open to the internet."""


@dataclass(frozen=True)
class Panel:
    security: tuple[Row, ...]
    network: tuple[Row, ...]
    volumes: tuple[Row, ...]
    namespace_levels: tuple[tuple[str, str], ...]
    """(namespace, the strictest Pod Security level every pod in it passes): what the namespace can enforce."""


def panel(report: Report) -> Panel:
    """The panel's content for one report."""
    security = tuple(Row(p.component, (p.component, p.pss_level, _root(p.root_containers)),
                         p.pss_level != "restricted" or bool(p.root_containers)) for p in report.pods)
    network = tuple(Row(p.component, (p.component, ", ".join(p.ingress_from) or "none",
                                      ", ".join(p.egress_to) or "none"), "internet" in p.ingress_from)
                    for p in report.pods)
    volumes = tuple(Row(v.claim.name, (v.claim.name, v.component or "-", "created" if v.claim.created else "reused",
                                       v.claim.size or "-", v.claim.class_text, ", ".join(v.claim.access_modes) or "-"))
                    for v in report.volumes)
    return Panel(security, network, volumes, _namespace_levels(report))


def _root(roots: Sequence[RootContainer]) -> str:
    return ", ".join(r.container for r in roots) or "no"


def _namespace_levels(report: Report) -> tuple[tuple[str, str], ...]:
    levels: dict[str, str] = {}
    for pod in report.pods:
        current = levels.get(pod.namespace, "restricted")
        levels[pod.namespace] = min(current, pod.pss_level, key=LEVELS.index)
    return tuple(sorted(levels.items()))


@dataclass(frozen=True)
class Changes:
    """Row keys per section that the last change added, altered or removed."""

    added: frozenset[tuple[str, str]]
    changed: frozenset[tuple[str, str]]
    removed: frozenset[tuple[str, str]]

    def marks(self, section: str, key: str) -> str:
        """`+`, `~` or '' for a row of a section, as a front end marks it."""
        if (section, key) in self.added:
            return "+"
        return "~" if (section, key) in self.changed else ""


def changes(before: Panel | None, after: Panel) -> Changes:
    """What differs between two panels (nothing is marked for the first one)."""
    if before is None:
        return Changes(frozenset(), frozenset(), frozenset())
    added, changed, removed = set(), set(), set()
    for section in ("security", "network", "volumes"):
        old = {row.key: row for row in getattr(before, section)}
        new = {row.key: row for row in getattr(after, section)}
        added |= {(section, key) for key in new.keys() - old.keys()}
        removed |= {(section, key) for key in old.keys() - new.keys()}
        changed |= {(section, key) for key in new.keys() & old.keys() if new[key] != old[key]}
    return Changes(frozenset(added), frozenset(changed), frozenset(removed))


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
