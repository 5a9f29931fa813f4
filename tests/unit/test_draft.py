"""Editing one field at a time, through invalid states, with the non-interactive run's messages."""

from __future__ import annotations

from wizard.frontend.draft import Draft, edit
from wizard.planning.plan import Plan


def test_a_valid_edit_updates_the_plan() -> None:
    draft = edit(Draft.start(Plan()), "storage.worker.size", "50Gi")
    assert draft.valid and draft.plan.storage.worker.size == "50Gi"
    assert draft.text("storage.worker.size") == "50Gi"


def test_an_invalid_edit_is_refused_at_the_field_and_the_last_plan_is_kept() -> None:
    draft = edit(Draft.start(Plan()), "storage.worker.size", "10GB")
    assert draft.problem("storage.worker.size") == '"10GB" is not a Kubernetes quantity; did you mean 10Gi?'
    assert draft.plan == Plan()
    assert draft.text("storage.worker.size") == "10GB"  # what the operator typed stays in the field


def test_a_cross_field_problem_clears_once_the_other_field_is_filled() -> None:
    draft = edit(Draft.start(Plan()), "target.frontend.enabled", "true")
    assert draft.problem("ingress.backend_host") == ("required when the frontend runs here: the browser calls the "
                                                     "backend at this address (api.url)")
    assert not draft.plan.target.frontend.enabled
    draft = edit(draft, "ingress.backend_host", "api.example.com")
    assert draft.valid and draft.plan.target.frontend.enabled


def test_text_of_each_kind_of_value() -> None:
    draft = edit(Draft.start(Plan()), "features.kaniko_cached_images", "a/b:1, c/d:2")
    assert draft.plan.features.kaniko_cached_images == ("a/b:1", "c/d:2")
    assert draft.text("features.kaniko_cached_images") == "a/b:1, c/d:2"
    assert draft.text("features.builder") == "true"
    assert draft.text("ingress.backend_host") == ""
    assert draft.text("channels[0].name") == "mychannel"
    assert edit(draft, "ingress.backend_host", "").plan.ingress.backend_host is None


def test_unparseable_list_text_is_a_field_problem() -> None:
    draft = edit(Draft.start(Plan()), "features.kaniko_cached_images", "[a, b")
    assert draft.problem("features.kaniko_cached_images") == "write the items separated by commas, e.g. a, b"
