"""Steps' pages are kept once built: going back to a step shows its page instead of building some 250 widgets
again, and a kept page always shows the answers as they are now."""

from __future__ import annotations

from textual.widgets import Button, Switch

from screens.app import make_app
from screens.step_pages import StepPage
from screens.widgets import FieldRow, field_id
from wizard.frontend.draft import edit
from wizard.frontend.lists import add_item
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


def _app():  # type: ignore[no-untyped-def]
    return make_app(build_plan([Layer("minimal", presets.load("minimal").plan)]))


def _index(step_id: str) -> int:
    return next(i for i, s in enumerate(STEPS) if s.id == step_id)


async def test_a_step_seen_before_shows_its_kept_page() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(_index("storage")):
            await pilot.press("ctrl+n")
        await pilot.pause()
        storage = app.current_page()
        assert storage.step_id == "storage"
        await pilot.press("escape")
        await pilot.pause()
        assert not storage.display  # hidden, kept
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_page() is storage and storage.display  # shown again, not built again
        assert app.focused is not None and storage in app.focused.ancestors  # on the step's first field


async def test_a_kept_page_shows_answers_changed_elsewhere() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")  # the features step
        await pilot.pause()
        features = app.current_page()
        builder = app.query_one(f"#{field_id('features.builder')}", FieldRow)
        assert builder.query_one(Switch).value is True
        await pilot.press("ctrl+n")
        await pilot.pause()
        app.draft = edit(app.draft, "features.builder", "false")  # as a quick fix or a resume changes the answers
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_page() is features  # kept
        assert builder.query_one(Switch).value is False  # and up to date
        await pilot.pause()
        assert app.draft.text("features.builder") == "false"  # showing it changed no answer


async def test_a_page_whose_fields_changed_is_built_again_and_only_one_next_button_exists() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        organisation = app.current_page()
        assert not app.query(f"#{field_id('channels[1].name')}")
        await pilot.press("escape")
        await pilot.pause()
        app.draft = add_item(app.draft, "channels")  # the organisation step now asks for a second channel
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_page() is not organisation and not organisation.is_attached  # built again, old one gone
        assert app.query_one(f"#{field_id('channels[1].name')}", FieldRow) in app.current_page().query(FieldRow)
        assert len(list(app.query("#next").results(Button))) == 1  # the buttons live under the pages, not in them
        assert len(app.query(StepPage)) == len({page.step_id for page in app.query(StepPage).results(StepPage)})
