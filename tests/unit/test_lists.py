"""Adding and removing list items (channels, images to prepopulate), as every front end does it."""

from __future__ import annotations

from wizard.frontend.draft import Draft
from wizard.frontend.lists import add_item, items, list_decisions, lists_in, remove_item
from wizard.frontend.steps import STEPS_BY_ID, fields
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


def minimal_draft() -> Draft:
    return Draft.start(build_plan([Layer("minimal", presets.load("minimal").plan)]))


def test_the_plan_declares_its_lists_with_an_item_noun() -> None:
    assert [(d.path, d.item) for d in list_decisions()] == [("channels", "channel"), ("features.prepopulate", "image"),
                                                                 ("accounts.users", "user")]
    assert [d.path for d in lists_in(STEPS_BY_ID["organisation"].sections)] == ["channels"]
    assert lists_in(STEPS_BY_ID["review"].sections) == []


def test_a_new_item_is_empty_and_its_required_field_says_so() -> None:
    draft = add_item(minimal_draft(), "channels")
    assert items(draft.data, "channels")[1] == {}
    assert draft.problem("channels[1].name") == "required"
    assert len(draft.plan.channels) == 1  # the last valid Plan stays what the panel shows


def test_the_new_item_s_fields_are_asked_together_after_the_existing_ones() -> None:
    draft = add_item(minimal_draft(), "channels")
    paths = [d.path for d in fields(STEPS_BY_ID["organisation"], draft.shown, data=draft.data)]
    channel_paths = [p for p in paths if p.startswith("channels[")]
    assert channel_paths == [f"channels[{i}].{name}" for i in (0, 1)
                             for name in ("name", "organizations", "restricted", "model_export_enabled")]


def test_an_added_item_once_filled_is_in_the_plan() -> None:
    from wizard.frontend.draft import edit

    draft = edit(add_item(minimal_draft(), "channels"), "channels[1].name", "second")
    assert draft.valid
    assert [c.name for c in draft.plan.channels] == ["mychannel", "second"]


def test_removing_an_item_removes_exactly_that_one() -> None:
    from wizard.frontend.draft import edit

    draft = edit(add_item(minimal_draft(), "channels"), "channels[1].name", "second")
    draft = remove_item(draft, "channels", 0)
    assert [c.name for c in draft.plan.channels] == ["second"]
    assert remove_item(draft, "channels", 5) is draft  # out of range: nothing changes


def test_a_nested_list_is_created_when_absent() -> None:
    draft = minimal_draft()
    data = dict(draft.data)
    data["features"] = {k: v for k, v in data["features"].items() if k != "prepopulate"}
    draft = add_item(Draft(data, draft.plan), "features.prepopulate")
    assert items(draft.data, "features.prepopulate") == [{}]
    assert draft.problem("features.prepopulate[0].image") == "required"
