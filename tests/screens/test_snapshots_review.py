"""What the review looks like at 80x24 and 120x40 (issue 16): its findings grouped, most severe first; the values
files in the full-width viewer; the question asked before writing. Compared with the accepted SVG screenshots in
__snapshots__/ (pytest-textual-snapshot); accept a change with `--snapshot-update` after looking at it."""

from __future__ import annotations

import pytest

from screens.app import make_app
from screens.modals import ConfirmWrite
from screens.panel_table import PanelTable
from screens.review import ReviewList
from screens.viewer import ValuesViewer
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan

SIZES = ((80, 24), (120, 40))


def _on_the_review(then: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        for _ in range(len(STEPS) - 1):
            await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()  # the panel is computed in a thread, then posted to the UI
        table = app.query_one("#table-security", PanelTable)
        for _ in range(200):  # bounded: a panel that never fills must fail the test, not hang it
            if table.row_count:
                break
            await pilot.pause(0.01)
        assert STEPS[app.index].id == "review" and table.row_count
        if then == "findings":
            app.query_one("#findings", ReviewList).focus()
        else:
            await pilot.press("v" if then == "viewer" else "ctrl+n")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert isinstance(app.screen, {"viewer": ValuesViewer, "confirm": ConfirmWrite}.get(then, type(app.screen)))

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("then", ("findings", "viewer", "confirm"))
def test_the_review_looks_as_accepted(snap_compare, then: str, size: tuple[int, int]) -> None:
    layers = [Layer("preset minimal", presets.load("minimal").plan, kind="preset")]
    app = make_app(build_plan(layers), layers=layers)
    assert snap_compare(app, terminal_size=size, run_before=_on_the_review(then))
