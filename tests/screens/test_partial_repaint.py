"""What a step switch, a focus move or a new panel text costs Textual: only what changed is repainted (no repaint of
every line of the screen), and a panel text that keeps its height is not followed by a layout of the whole screen
(screens/partial_repaint.py, screens/text_updates.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.widgets import Static

from screens.app import make_app
from screens.panel_view import ImplicationsPanel
from screens.partial_repaint import StepScreen

sys.path.insert(0, str(Path(__file__).parent))
from test_app import minimal, settle  # noqa: E402,I001


def _calls(owner: object, method: str) -> list[bool]:
    """Counts the calls of `owner.method` from now on (one entry per call), the method still doing its work."""
    calls: list[bool] = []
    wrapped = getattr(owner, method)

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(True)
        return wrapped(*args, **kwargs)

    setattr(owner, method, counted)
    return calls


async def test_a_step_switch_and_a_focus_move_repaint_only_what_changed() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, StepScreen)
        full = _calls(screen._compositor, "render_full_update")
        before = app.focused
        await pilot.press("tab")
        await settle(app, pilot)
        assert app.focused is not before  # the focus moved ...
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.index == 1 and "Step 2 of 7" in str(app.query_one("HeaderTitle", Static).content)  # ... the step
        assert full == []  # and neither repainted every line of the screen


async def test_a_panel_text_that_keeps_its_height_is_repainted_without_a_layout() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ImplicationsPanel)
        text = panel._texts["namespace-levels"]
        layouts = _calls(app.screen, "_refresh_layout")
        panel._set("namespace-levels", "marker-one")  # laid out if its height changed
        await settle(app, pilot)
        layouts.clear()
        panel._set("namespace-levels", "marker-two")  # the same height: drawn, not laid out
        await settle(app, pilot)
        assert layouts == [] and text.size.height == 1
        assert "marker-two" in app.export_screenshot()
        panel._set("namespace-levels", "a\nb\nc")  # taller: laid out, shown whole
        await settle(app, pilot)
        assert layouts and text.size.height == 3
