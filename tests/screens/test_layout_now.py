"""A step switch and an answer are laid out within their own handling (screens/layout_now.py): once Next or a toggle
returns, the screen's layout already holds what they changed, without waiting for Textual's queues and timer; a
page built ahead is arranged ahead too (StepPages.lay_out_ahead)."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.widgets import Static

from screens import page_building
from screens.app import make_app
from screens.step_pages import StepPages
from screens.widgets import FieldRow, field_id
from wizard.frontend.steps import STEPS, STEPS_BY_ID

sys.path.insert(0, str(Path(__file__).parent))
from test_app import go_to, minimal, settle  # noqa: E402,I001
from test_partial_repaint import _calls  # noqa: E402


async def test_next_is_laid_out_before_it_returns() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        left = app.current_page()
        layouts = _calls(app.screen, "_refresh_layout")
        await app.next_step()  # no pause after it: nothing of Textual's own schedule has run
        shown = app.current_page()
        assert STEPS[app.index].id == "organisation" and shown is not left
        assert layouts, "the step switch was left to Textual's update timer"
        assert shown.region.height > 0 and left.region.height == 0  # the new page has its place, the old none


async def test_an_answer_that_hides_a_row_is_laid_out_before_it_returns() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(app, pilot, "features")
        row = app.query_one(f"#{field_id('features.kaniko_cached_images')}", FieldRow)
        assert row.region.height > 0  # the bundled image builder's cache list: shown while the builder is on
        layouts = _calls(app.screen, "_refresh_layout")
        await app.field_edited(FieldRow.Edited("features.builder", "false"))
        assert layouts and row.region.height == 0  # hidden on the screen, not only in the DOM
        await settle(app, pilot)
        assert not row.display and row.region.height == 0


async def test_a_page_built_ahead_has_its_texts_measured_before_it_is_shown() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(app, pilot, "features")
        await pilot.pause(page_building.AHEAD_PAUSE + 0.1)  # the operator reads: the next page is built meanwhile
        await app.workers.wait_for_complete()
        ahead = app.query_one(StepPages).page(STEPS_BY_ID["storage"])
        assert ahead is not None and not ahead.display  # built while the operator reads the features step
        texts = [widget for widget in ahead.walk_children(Static) if widget.display and
                 widget.classes & {"field-label", "field-help", "step-title", "step-help"}]
        assert len(texts) > 30  # its labels and helps: each one's height is found by rendering it
        width = app.current_page().scrollable_content_region.width
        unmeasured = [widget for widget in texts if widget._content_height_cache[0] is None]
        assert unmeasured == []  # measured ahead (Textual keeps a text's height for its width) ...
        await app.next_step()
        assert app.current_page() is ahead and ahead.scrollable_content_region.width == width  # ... at this width
