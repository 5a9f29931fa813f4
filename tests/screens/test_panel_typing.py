"""A value typed in a text field is marked in the panel for what the whole value does, not for its last key: the
panel of each key is compared with the one from before the field's first key (PanelUpdatesMixin.note_typing)."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.widgets import Input, Static, Switch

sys.path.insert(0, str(Path(__file__).parent))
from test_app import go_to, minimal, settle  # noqa: E402,I001

from screens.app import make_app  # noqa: E402
from screens.panel_view import ImplicationsPanel  # noqa: E402
from screens.widgets import field_id  # noqa: E402

HOST = "api.org-1.example.com"
INGRESS = f"ingress {HOST} -> backend-server"


async def _type(app, pilot, path: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Key by key, each key's panel computed and shown before the next (an operator typing slowly)."""
    app.query_one(f"#{field_id(path)} Input", Input).focus()
    for key in text:
        await pilot.press(key)
        await settle(app, pilot)


async def test_a_host_typed_key_by_key_is_marked_as_one_new_way_in() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "network")
        await _type(app, pilot, "ingress.backend_host", HOST)
        panel = app.query_one(ImplicationsPanel)
        assert app.draft.plan.ingress.backend_host == HOST
        assert ("entries", INGRESS) in panel.last_change.added
        assert not [key for section, key in panel.last_change.removed if section == "entries"]  # no "api.org-1.ex"
        assert f"+ {INGRESS}" in str(app.query_one("#ways-in", Static).render())
        removed = app.query_one("#removed", Static)
        assert not removed.display or "example.co " not in str(removed.render())


async def test_typing_the_value_back_leaves_nothing_marked_and_another_answer_marks_against_the_screen() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "network")
        await _type(app, pilot, "ingress.backend_host", "api")
        panel = app.query_one(ImplicationsPanel)
        assert ("entries", "ingress api -> backend-server") in panel.last_change.added
        for _ in "api":
            await pilot.press("backspace")
            await settle(app, pilot)
        assert app.draft.plan.ingress.backend_host is None
        assert not (panel.last_change.added or panel.last_change.removed or panel.last_change.changed)
        await _type(app, pilot, "ingress.backend_host", "x")  # typed again, then a switch on another step
        for _ in range(2):  # back to the features step
            await pilot.press("escape")
            await settle(app, pilot)
        app.query_one(f"#{field_id('features.builder')} Switch", Switch).value = False
        await settle(app, pilot)
        assert ("security", "backend-builder") in panel.last_change.removed
        assert ("entries", "ingress x -> backend-server") not in panel.last_change.added  # the toggle's own marks
