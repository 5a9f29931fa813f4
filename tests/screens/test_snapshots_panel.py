"""What each tab of the implications panel looks like at 80x24 and 120x40, on a plan where containers run as root
(the private CA's add-cert, LocalStack, Kaniko) and storage has a NodePort: Security, Network with a pod selected in
its matrix, Volumes. Compared with the accepted SVGs in __snapshots__/ (pytest-textual-snapshot); accept a change
with `pytest tests/screens/test_snapshots_panel.py --snapshot-update` after looking at it."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from screens.app import make_app
from screens.panel_table import PanelTable
from wizard.planning import presets
from wizard.planning.layers import Layer, apply_sets, build_plan

SIZES = ((80, 24), (120, 40))
ROOTED = ["features.private_ca=true", "features.add_cert_image_tag=1.0.1", "features.object_store=localstack"]
"""The private CA (add-cert runs as root in six pods) and LocalStack (its image's user): root containers to show."""
SELECTED = "backend-server"
"""The pod selected in the Network matrix: open to the internet, with peers on several ports."""


def rooted_app():  # type: ignore[no-untyped-def]
    preset = Layer("preset minimal", presets.load("minimal").plan, kind="preset")
    layers = [preset, apply_sets(preset.data, ROOTED)]
    return make_app(build_plan(layers), layers=layers)


def _show_tab(tab: str):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press({"security": "f5", "network": "f6", "volumes": "f7"}[tab])
        if tab == "network":
            table = app.query_one("#table-network", PanelTable)
            table.focus()
            row = [row.key for row in table.rows].index(SELECTED)
            for _ in range(row - table.cursor_row):  # from the first pod open to the internet, where it opens
                await pilot.press("down")
            assert app.query_one("#panel").selected("network") == SELECTED
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        for control in app.query(Input).results(Input):
            control.cursor_blink = False  # a steady cursor: a screenshot taken late looks the same
        await pilot.pause()
        assert app.query_one("#panel-tabs").active == f"tab-{tab}"

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("tab", ("security", "network", "volumes"))
def test_each_panel_tab_looks_as_accepted(snap_compare, tab: str, size: tuple[int, int]) -> None:
    assert snap_compare(rooted_app(), terminal_size=size, run_before=_show_tab(tab))
