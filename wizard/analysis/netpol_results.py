"""What the NetworkPolicy analysis answers with: connections between peers, and findings about single pods.

Plain immutable values, apart from the analysis that computes them, so the commands and reports that print them
(and the external peers that describe themselves as one) depend on these alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.analysis.ports import Ports


@dataclass(frozen=True)
class Peer:
    """The other end of a connection: a pod (`name` = namespace/name) or an external class with what it covers."""

    kind: str
    name: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name


@dataclass(frozen=True)
class Connection:
    """Traffic both ends allow: `source` may open connections to `destination` on `ports` (replies implied)."""

    source: Peer
    destination: Peer
    ports: Ports
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """Something the operator should know about one pod (no DNS egress, open to the internet)."""

    pod: str
    message: str
