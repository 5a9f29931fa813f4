"""What a Plan needs from a cluster, in cluster terms: namespaces with the Pod Security level their pods need, each
volume as the claim name it will have (or the existing claim it reuses), the storage and ingress classes it names.

Computed from the explain report (the embedded chart models), so claim names and pod verdicts are the ones the real
charts produce; preflight compares this with the cluster, and the install creates namespaces from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.charts.claims import CLAIMS, Claim
from wizard.planning.derive import claim_in_use
from wizard.planning.plan import Plan, Volume
from wizard.reporting.report import PodReport, Report
from wizard.writing.values import ORCHESTRATOR, render

LEVELS = ("privileged", "baseline", "restricted")
"""Least to most strict."""


@dataclass(frozen=True)
class ChartTarget:
    chart: str
    version: str
    release: str
    namespace: str


@dataclass(frozen=True)
class PlannedClaim:
    """One volume of the Plan in the cluster: the claims the charts will create for it (`names`: one per replica for
    StatefulSet templates), or the existing claim it reuses."""

    claim: Claim
    volume: Volume
    namespace: str
    names: tuple[str, ...] = ()
    existing: str | None = None

    @property
    def field(self) -> str:
        return f"storage.{self.claim.id}"

    @property
    def needed_modes(self) -> tuple[str, ...]:
        return (self.volume.access_mode or "ReadWriteOnce",)


@dataclass(frozen=True)
class Needs:
    charts: tuple[ChartTarget, ...]
    pods: dict[str, tuple[PodReport, ...]] = field(default_factory=dict)
    """Per namespace: every pod the plan creates there, run-time pods included."""
    claims: tuple[PlannedClaim, ...] = ()

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.namespace for c in self.charts))

    def level(self, namespace: str) -> str:
        """The strictest Pod Security level every pod of the namespace passes: what to enforce when creating it."""
        pods = self.pods.get(namespace, ())
        return min((p.pss_level for p in pods), key=LEVELS.index, default="restricted")


def needs(plan: Plan, report: Report) -> Needs:
    charts = tuple(ChartTarget(v.chart, v.version, v.release, v.namespace) for v in render(plan))
    pods: dict[str, list[PodReport]] = {}
    for pod in report.pods:
        pods.setdefault(pod.namespace, []).append(pod)
    return Needs(charts, {ns: tuple(found) for ns, found in pods.items()}, _claims(plan, report))


def _claims(plan: Plan, report: Report) -> tuple[PlannedClaim, ...]:
    found = []
    for claim in CLAIMS:
        if not claim_in_use(plan, claim):
            continue
        volume: Volume = getattr(plan.storage, claim.id)
        target = plan.target.orchestrator if claim.chart == ORCHESTRATOR else plan.target.backend
        names = tuple(v.claim.name for v in report.volumes
                      if v.row is claim and v.claim.created and v.claim.namespace == target.namespace)
        if claim.reusable and volume.existing_claim:
            found.append(PlannedClaim(claim, volume, target.namespace, (), volume.existing_claim))
        else:
            found.append(PlannedClaim(claim, volume, target.namespace, names))
    if plan.target.backend.enabled and plan.scale.server_replicas > 1:  # replicas share the media volume
        found = [PlannedClaim(p.claim, p.volume.model_copy(update={"access_mode": "ReadWriteMany"}), p.namespace,
                              p.names, p.existing) if p.claim.id == "servermedias" else p for p in found]
    return tuple(found)
