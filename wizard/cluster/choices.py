"""What the cluster offers for a field, so that the front ends can fill their choice lists: the storage classes for a
volume's `storage_class`, the claims of the volume's namespace for its `existing_claim`. Offers only: the operator may
still type a name the cluster does not have yet (preflight says so before an install)."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.charts.claims import CLAIMS_BY_ID
from wizard.cluster.facts import ClusterFacts, Discovery
from wizard.planning.plan import Plan

_CHART_TARGET = {"orchestrator": "orchestrator", "substra-backend": "backend", "substra-frontend": "frontend"}


@dataclass(frozen=True)
class FieldChoices:
    values: tuple[str, ...]
    """The names to offer, the cluster's default first."""
    note: str
    """One line for the field's help: what the cluster has ("cluster: standard (default), fast")."""


def may_offer(path: str) -> bool:
    """Whether a cluster could ever offer something for this field (front ends make room only for those)."""
    parts = path.split(".")
    return len(parts) == 3 and parts[0] == "storage" and parts[2] in ("storage_class", "existing_claim")


def choices_for(path: str, plan: Plan, facts: ClusterFacts | None) -> FieldChoices | None:
    """The cluster's offer for the field at `path`; None when there is no cluster or nothing to offer."""
    parts = path.split(".")
    if facts is None or len(parts) != 3 or parts[0] != "storage" or parts[1] not in CLAIMS_BY_ID:
        return None
    if parts[2] == "storage_class":
        return _storage_classes(facts)
    if parts[2] == "existing_claim":
        claim = CLAIMS_BY_ID[parts[1]]
        namespace = getattr(plan.target, _CHART_TARGET[claim.chart]).namespace
        return _claims(facts, namespace)
    return None


def _storage_classes(facts: ClusterFacts) -> FieldChoices:
    ordered = sorted(facts.storage_classes, key=lambda sc: (not sc.is_default, sc.name))
    if not ordered:
        return FieldChoices((), "cluster: no storage class found")
    shown = ", ".join(f"{sc.name} (default)" if sc.is_default else sc.name for sc in ordered)
    return FieldChoices(tuple(sc.name for sc in ordered), f"cluster: {shown}")


def _claims(facts: ClusterFacts, namespace: str) -> FieldChoices:
    claims = sorted(facts.claims_in(namespace), key=lambda c: c.name)
    if not claims:
        return FieldChoices((), f"cluster: no claim in namespace {namespace} yet")
    shown = ", ".join(f"{c.name} ({c.phase}, {c.capacity or c.requested or '?'}, {'/'.join(c.access_modes) or '-'})"
                      for c in claims)
    return FieldChoices(tuple(c.name for c in claims), f"cluster, namespace {namespace}: {shown}")


def discover_for(plan: Plan, *, kubeconfig: str | None = None, context: str | None = None) -> Discovery:
    """One quick look at the cluster (of the current kube context, or `context`: a network's organisation's) for
    the wizard's choice lists (never raises)."""
    from wizard.cluster.discovery import discover

    targets = (plan.target.orchestrator, plan.target.backend, plan.target.frontend)
    return discover(timeout=2.0, kubeconfig=kubeconfig, context=context,
                    namespaces=tuple(sorted({t.namespace for t in targets if t.enabled})))
