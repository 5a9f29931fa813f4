"""The pieces of the implications panel's content that its tabs share: a row of a table, and what the panel says
about one pod once it is selected. Apart from panel.py so that each tab's module builds them without importing the
panel that assembles the tabs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wizard.reporting.report import PodReport


@dataclass(frozen=True)
class Row:
    """One line of a panel section: `key` identifies it across Plans, `cells` are what is shown."""

    key: str
    cells: tuple[str, ...]
    alert: bool = False
    """Worth a colour: root, below restricted, open to the internet."""


@dataclass(frozen=True)
class PodDetail:
    """What the panel says of the pod selected in a tab, as lines to wrap (never to cut)."""

    key: str
    security: tuple[str, ...]
    """Its level, each container that runs as root and why, what keeps it from restricted."""
    reached_from: tuple[str, ...]
    """Who may open connections to it, on which ports."""
    reaches: tuple[str, ...]
    """Whom it may open connections to, on which ports."""


def keyed(pods: Iterable[PodReport]) -> list[tuple[str, PodReport]]:
    """Each pod with the key its rows have in every tab: its component, numbered when two pods share one (a row key
    must be unique in a table)."""
    seen: dict[str, int] = {}
    found = []
    for pod in pods:
        seen[pod.component] = seen.get(pod.component, 0) + 1
        count = seen[pod.component]
        found.append((pod.component if count == 1 else f"{pod.component} ({count})", pod))
    return found


def listed(names: Sequence[str], most: int = 2) -> str:
    """A few names in full, or how many there are (a list longer than the panel is wide says less than a count)."""
    return ", ".join(names) if len(names) <= most else f"{len(names)} pods"
