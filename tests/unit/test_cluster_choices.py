"""What the wizard offers from the cluster for storage fields (wizard.cluster.choices)."""

from __future__ import annotations

from fake_cluster import FACTS

from wizard.cluster.choices import choices_for
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


def minimal():  # type: ignore[no-untyped-def]
    return build_plan([Layer("minimal", presets.load("minimal").plan)])


def test_storage_classes_are_offered_default_first() -> None:
    offer = choices_for("storage.worker.storage_class", minimal(), FACTS)
    assert offer is not None
    assert offer.values == ("standard", "fast")
    assert offer.note == "cluster: standard (default), fast"


def test_claims_are_offered_from_the_volume_s_own_namespace() -> None:
    plan = minimal()
    offer = choices_for("storage.worker.existing_claim", plan, FACTS)
    assert plan.target.backend.namespace == "org-1"
    assert offer is not None and offer.values == ("worker-data",)
    assert "worker-data (Bound, 20Gi, ReadWriteOnce)" in offer.note
    orchestrator = choices_for("storage.orchestrator_database.existing_claim", plan, FACTS)
    assert orchestrator is not None and orchestrator.values == ()
    assert orchestrator.note == f"cluster: no claim in namespace {plan.target.orchestrator.namespace} yet"


def test_nothing_is_offered_without_a_cluster_or_for_other_fields() -> None:
    assert choices_for("storage.worker.storage_class", minimal(), None) is None
    assert choices_for("storage.worker.size", minimal(), FACTS) is None
    assert choices_for("features.builder", minimal(), FACTS) is None
