"""The clicks one away from the answers: each the answers (and Plan) that flipping one switch or picking one other
choice of the step makes, so that the panel can have their implications ready before the click, and the click its
answers."""

from __future__ import annotations

from wizard.frontend.draft import Draft, edit
from wizard.frontend.speculation import MOST, one_click_away
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


def _draft() -> Draft:
    return Draft.start(build_plan([Layer("minimal", presets.load("minimal").plan)]))


def _step(step_id: str):  # type: ignore[no-untyped-def]
    return next(s for s in STEPS if s.id == step_id)


def test_each_switch_of_the_features_step_gives_the_plan_its_click_gives() -> None:
    draft = _draft()
    clicks = one_click_away(draft, _step("features"))
    plans = [click.after.plan for click in clicks]
    assert edit(draft, "features.builder", "false").plan in plans
    assert edit(draft, "features.private_ca", "true").plan not in plans  # refused until its tag is given
    assert edit(draft, "features.object_store", "localstack").plan in plans
    assert draft.plan not in plans and len(plans) == len(set(plans)) <= MOST
    for click in clicks:  # each kept answer is the one the click itself would make
        assert click.after == edit(draft, click.path, click.text)
    assert {"features.builder", "features.object_store"} <= {click.path for click in clicks}


def test_nothing_is_guessed_for_typed_text_a_review_or_invalid_answers() -> None:
    draft = _draft()
    assert one_click_away(draft, _step("review")) == []
    broken = edit(draft, "features.registry", "remote")  # the host is still missing
    assert not broken.valid and one_click_away(broken, _step("features")) == []
    organisation = one_click_away(draft, _step("organisation"))
    assert all(click.after.plan.organisation == draft.plan.organisation for click in organisation)  # no guessed names
