"""The full-screen wizard's responsiveness, headless (Textual's test driver), median of several runs:
- app to first screen: from creating the app to the first step and the panel settled, after the imports;
- toggle to panel: from an answer (turning the image builder off) to the panel showing its consequences;
- repaint on the UI thread: of that, the time the panel's repaint (ImplicationsPanel.show_first, what is seen of it)
  holds the UI thread (the explain runs in a worker thread);
- after a pause (the panel computed ahead): from the switch changing to the panel's shown table holding the new
  rows, and to the first frame drawn after that (App._display: the panel and the switch drawn, before the step's
  rows that came or went are laid out).

    python bench/tui_timing.py [--runs 5]

Targets: first screen under 0.5 s, panel update under 50 ms, its repaint under 16 ms (one frame). What an operator
waits for after typing `wizard` (Python's start, the imports, a real terminal) is measured by bench/first_screen.py.
Not a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script: bench/secrets.py would stand in for the standard library's secrets

import argparse  # noqa: E402 (after the path fix above)
import asyncio  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from textual.app import App  # noqa: E402
from textual.widgets import Switch  # noqa: E402

from screens import panel_updates  # noqa: E402
from screens.app import make_app  # noqa: E402
from screens.panel_table import PanelTable  # noqa: E402
from screens.panel_view import ImplicationsPanel  # noqa: E402
from screens.widgets import field_id  # noqa: E402
from wizard.frontend.draft import edit  # noqa: E402
from wizard.planning import presets  # noqa: E402
from wizard.planning.layers import Layer, build_plan  # noqa: E402

_REPAINTS: list[float] = []
_FRAMES: list[float] = []
_SHOWN: list[float] = []


def _timed_frames(display):  # type: ignore[no-untyped-def]
    def timed(self, screen, update):  # type: ignore[no-untyped-def]
        display(self, screen, update)
        if update is not None:  # headless, nothing is written: the frame was composed
            _FRAMES.append(time.perf_counter())

    return timed


def _timed_show(show):  # type: ignore[no-untyped-def]
    def timed(self, *args):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        show(self, *args)
        _SHOWN.append(time.perf_counter())
        _REPAINTS.append(_SHOWN[-1] - start)

    return timed


async def _once() -> tuple[float, float, float, float, float]:
    plan = build_plan([Layer("minimal", presets.load("minimal").plan)])
    start = time.perf_counter()
    app = make_app(plan)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        first = time.perf_counter() - start
        for _ in range(2):
            await pilot.press("ctrl+n")
            await pilot.pause()
        table = app.query_one("#table-security", PanelTable)
        _REPAINTS.clear()
        switch = app.query_one(f"#{field_id('features.builder')} Switch", Switch)
        toggled = time.perf_counter()
        switch.value = False
        while "backend-builder" in [row.key for row in table.rows]:
            await asyncio.sleep(0.001)
        at_once = time.perf_counter() - toggled
        back_on = edit(app.draft, "features.builder", "true").plan
        for _ in range(100):  # the operator reads: the pages around, then the panels one click away, are computed
            await pilot.pause(panel_updates.PAUSE)
            await app.workers.wait_for_complete()
            if back_on in app._known:
                break
        toggled = time.perf_counter()
        switch.value = True
        while "backend-builder" not in [row.key for row in table.rows]:
            await asyncio.sleep(0.001)
        shown = _SHOWN[-1]  # when the table held the rows: the loop polling above may only see it after the frame
        while not any(frame >= shown for frame in _FRAMES):
            await asyncio.sleep(0.001)
        drawn = min(frame for frame in _FRAMES if frame >= shown)
        return first, at_once, _REPAINTS[-1], shown - toggled, drawn - toggled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    ImplicationsPanel.show_first = _timed_show(ImplicationsPanel.show_first)  # type: ignore[method-assign]
    App._display = _timed_frames(App._display)  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as state:  # the app saves a resume draft: never into the user's own state
        os.environ["XDG_STATE_HOME"] = state
        results = [asyncio.run(_once()) for _ in range(runs)]
    print(f"app to first screen (headless, after the imports): "
          f"median {statistics.median(r[0] for r in results) * 1000:.0f} ms "
          f"(target 500 ms, {runs} runs)")
    print(f"toggle to updated panel: median {statistics.median(r[1] for r in results) * 1000:.0f} ms "
          f"(target 50 ms, {runs} runs)")
    print(f"of which the repaint on the UI thread: median {statistics.median(r[2] for r in results) * 1000:.1f} ms "
          f"(target 16 ms, {runs} runs)")
    print(f"toggle after a pause (its panel computed ahead) to updated panel: median "
          f"{statistics.median(r[3] for r in results) * 1000:.0f} ms (target 16 ms, {runs} runs)")
    print(f"  and to the first frame that shows it: median {statistics.median(r[4] for r in results) * 1000:.0f} ms "
          f"({runs} runs)")


if __name__ == "__main__":
    main()
