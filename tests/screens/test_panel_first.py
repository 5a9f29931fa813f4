"""An answer draws the implications panel first (screens/layout_now.paint_now): the panel's shown tab is filled and
drawn with the field, then the panel's other tabs are filled and the step's rows that came or went laid out, in the
same handling (the rows in the first layout that follows)."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static, Switch

from screens.app import make_app
from screens.layout_now import paint_now
from screens.modals import ConfirmWrite
from screens.panel_table import PanelTable
from screens.panel_updates import implications
from screens.panel_view import ImplicationsPanel
from screens.widgets import FieldRow, field_id
from wizard.frontend.draft import edit
from wizard.frontend.panel import changes

sys.path.insert(0, str(Path(__file__).parent))
from test_app import go_to, minimal, settle  # noqa: E402,I001
from test_panel_ahead import _read_until  # noqa: E402


def _record(app, events: list[tuple[str, object]]) -> None:  # type: ignore[no-untyped-def]
    """Each frame sent to the terminal (its update) and each layout of the screen, in order, still done."""
    display, layout = app._display, app.screen._refresh_layout

    def displayed(screen, update):  # type: ignore[no-untyped-def]
        if update is not None:
            events.append(("frame", update))
        display(screen, update)

    def laid_out(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append(("layout", None))
        layout(*args, **kwargs)

    app._display, app.screen._refresh_layout = displayed, laid_out


def _text(update) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(strip.text for line in update.chops for strip in line.values() if strip is not None)


def _covers(update, widget) -> bool:  # type: ignore[no-untyped-def]
    region = widget.region
    return any(y == region.y and x1 <= region.x < x2 for y, x1, x2 in update.spans)


async def test_a_toggle_draws_its_panel_and_the_switch_first_then_lays_out_the_rows() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to(app, pilot, "features")
        switch = app.query_one(f"#{field_id('features.builder')} Switch", Switch)
        switch.focus()
        switch.value = False
        await settle(app, pilot)
        on = edit(app.draft, "features.builder", "true").plan
        await _read_until(app, pilot, lambda: on in app._known)  # the panel one toggle away, computed ahead
        cache = app.query_one(f"#{field_id('features.kaniko_cached_images')}", FieldRow)
        events: list[tuple[str, object]] = []
        _record(app, events)
        await pilot.press("space")
        await settle(app, pilot)
        assert switch.value and cache.region.height > 0  # the builder on: its cache list shown
        first_layout = events.index(("layout", None))
        before = [update for kind, update in events[:first_layout] if kind == "frame"]
        assert before and "backend-builder" in _text(before[0])  # the panel's new rows, in the first frame ...
        assert any(_covers(update, switch) for update in before)  # ... with the switch ...
        assert "pre-cache" not in "".join(_text(update) for update in before)  # ... before the rows that came ...
        with_rows = next(update for kind, update in events[first_layout:] if kind == "frame")
        assert "pre-cache" in _text(with_rows)  # ... in the frame of the first layout, not one later


async def test_show_first_fills_the_tab_shown_and_show_rest_the_others() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to(app, pilot, "features")
        panel = app.query_one(ImplicationsPanel)
        before = {section: app.query_one(f"#table-{section}", PanelTable).rows for section in ("security", "volumes")}
        new, _ = implications(edit(app.draft, "features.builder", "false").plan)
        panel.show_first(new, changes(panel.shown, new))
        security = app.query_one("#table-security", PanelTable)
        volumes = app.query_one("#table-volumes", PanelTable)
        assert security.rows != before["security"] and "backend-builder" not in [row.key for row in security.rows]
        assert volumes.rows == before["volumes"]  # a hidden tab: not yet
        panel.show_rest()
        assert volumes.rows != before["volumes"]  # the builder's claims gone from the Volumes tab too
        assert not any("builder" in row.key for row in volumes.rows)


async def test_nothing_is_painted_under_a_modal_or_for_no_widget() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(ImplicationsPanel)
        assert paint_now(panel)  # the screen shown: drawn
        assert not paint_now(None)
        app.push_screen(ConfirmWrite("Write", "Write the files?"))
        await pilot.pause()
        assert not paint_now(panel)  # another screen on top: left to Textual


def _lines(widget) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of each line the widget draws now."""
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.size))]


async def test_the_removed_line_breaks_long_names_after_a_hyphen_never_inside_a_word() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await go_to(app, pilot, "features")
        app.query_one(f"#{field_id('features.builder')} Switch", Switch).value = False
        await settle(app, pilot)
        removed = app.query_one("#removed", Static)
        names = sorted({key for section, key in app.query_one(ImplicationsPanel).last_change.removed
                        if section != "internet"})
        long = [name for name in names if len(name) >= removed.size.width]
        assert long, "a claim name longer than the panel is wide (46 characters at 42 columns)"
        lines = _lines(removed)
        assert all(line.endswith(("-", ",")) for line in lines[:-1])  # each break after a hyphen or a name ...
        assert all(len(line) > 1 for line in lines)  # ... and none for the last name's comma it does not have
        text = "".join(line if line.endswith("-") else line + " " for line in lines)
        assert all(name in text for name in names)  # every name whole once the lines are read on
        assert "\n" in str(removed.render())  # broken for 80 columns ...
        await pilot.resize_terminal(120, 40)
        await settle(app, pilot)
        assert removed.size.width > max(map(len, names)) + 1 and "\n" not in str(removed.render())  # ... not 120
