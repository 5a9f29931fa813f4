"""Once the operator pauses on a step, the panels of its switches' other positions are computed in a thread, so a
toggle finds its panel ready: the explain is not waited for, only the repaint."""

from __future__ import annotations

from textual.widgets import Switch

from screens import editing, panel_updates
from screens.app import make_app
from screens.widgets import field_id
from wizard.frontend.draft import edit
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


async def _read_until(app, pilot, done, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """The operator reads, without a key, until `done()`: the pages around the step are built first, then the panels
    computed after a PAUSE, which on a loaded CI host takes well over the PAUSE itself. Bounded: fails, never hangs."""
    for _ in range(int(seconds / 0.1)):
        if done():
            return
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
    assert done(), f"still not done after {seconds} s of reading"


async def test_a_toggle_after_a_pause_finds_its_panel_computed(monkeypatch) -> None:
    app = make_app(build_plan([Layer("minimal", presets.load("minimal").plan)]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")
        assert STEPS[app.index].id == "features"
        off = edit(app.draft, "features.builder", "false").plan
        await _read_until(app, pilot, lambda: off in app._known)  # computed while the operator read, no key pressed
        computed: list[object] = []
        real = panel_updates.implications
        monkeypatch.setattr(panel_updates, "implications", lambda plan: computed.append(plan) or real(plan))
        edited: list[str] = []
        real_edit = editing.edit
        monkeypatch.setattr(editing, "edit", lambda draft, path, text: edited.append(path) or real_edit(draft, path,
                                                                                                       text))
        app.query_one(f"#{field_id('features.builder')} Switch", Switch).value = False
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert off not in computed and app.draft.plan == off  # (later pauses may prepare the next ones)
        assert "features.builder" not in edited  # the answers the click makes were made ahead too
        assert app._shown == app._known[off][0]  # the panel shows the builder off
        assert not any(row.key == "backend-builder" for row in app._shown.security)
