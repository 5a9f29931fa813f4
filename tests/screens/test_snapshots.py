"""What each step of the wizard looks like at 80x24 (the smallest terminal it supports) and 120x40, compared with
the accepted SVG screenshots in __snapshots__/ (pytest-textual-snapshot). A change to the look fails here until it
is looked at and accepted with `pytest tests/screens/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from screens.app import make_app
from screens.panel_table import PanelTable
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan

SIZES = ((80, 24), (120, 40))


def _go_to_step(index: int):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        for _ in range(index):
            await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()  # the panel is computed in a thread, then posted to the UI
        table = app.query_one("#table-security", PanelTable)
        for _ in range(200):  # bounded: a panel that never fills must fail the test, not hang it
            if table.row_count:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        _steady_cursor(app)
        await pilot.pause()
        assert app.index == index and table.row_count  # the screenshot shows its step, and the panel filled

    return run_before


def _steady_cursor(app) -> None:  # type: ignore[no-untyped-def]
    """The focused field's cursor shown, not blinking: a screenshot taken late under load (more than the 0.5 s of a
    blink) must look the same as one taken at once."""
    from textual.widgets import Input

    for control in app.query(Input).results(Input):
        control.cursor_blink = False


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("index", range(len(STEPS)), ids=[step.id for step in STEPS])
def test_each_step_looks_as_accepted(snap_compare, index: int, size: tuple[int, int]) -> None:
    layers = [Layer("preset minimal", presets.load("minimal").plan, kind="preset")]
    app = make_app(build_plan(layers), layers=layers)
    assert snap_compare(app, terminal_size=size, run_before=_go_to_step(index))


TYPED = "Quiet7Lantern-Ox-Maple-22"
"""A password the backend accepts, typed the same way every run (a generated one would change every snapshot)."""


def _type_a_password(view: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        from textual.widgets import Button, Input

        from screens.accounts import PasswordRow

        app = pilot.app
        await _go_to_step(STEPS.index(next(s for s in STEPS if s.id == "accounts")))(pilot)
        control = app.query_one(PasswordRow).query_one(Input)
        control.focus()
        await pilot.press(*TYPED)
        await app.workers.wait_for_complete()  # the backend's rules judge it in a thread
        await pilot.pause()
        assert control.password and app.given_secrets == {"substra-backend/admin/admin": TYPED}
        if view == "list":  # what each secret is for, at the end of the step
            app.query_one("#next", Button).focus()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        _steady_cursor(app)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("view", ("field", "list"))
def test_a_typed_password_shows_masked(snap_compare, view: str, size: tuple[int, int]) -> None:
    layers = [Layer("preset minimal", presets.load("minimal").plan, kind="preset")]
    app = make_app(build_plan(layers), layers=layers)
    assert snap_compare(app, terminal_size=size, run_before=_type_a_password(view))
