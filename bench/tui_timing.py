"""The full-screen wizard's responsiveness, headless (Textual's test driver), median of several runs:
- app to first screen: from creating the app to the first step and the panel settled, after the imports;
- toggle to panel: from an answer (turning the image builder off) to the panel showing its consequences.

    python bench/tui_timing.py [--runs 5]

Targets: first screen under 0.5 s, panel update under 50 ms. What an operator waits for after typing `wizard`
(Python's start, the imports, a real terminal) is measured by bench/first_screen.py. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time

from textual.widgets import DataTable, Switch

from screens.app import make_app
from screens.widgets import field_id
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


async def _once() -> tuple[float, float]:
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
        table = app.query_one("#table-security", DataTable)
        toggled = time.perf_counter()
        app.query_one(f"#{field_id('features.builder')} Switch", Switch).value = False
        while "backend-builder" in [str(key.value) for key in table.rows]:
            await asyncio.sleep(0.001)
        return first, time.perf_counter() - toggled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as state:  # the app saves a resume draft: never into the user's own state
        os.environ["XDG_STATE_HOME"] = state
        results = [asyncio.run(_once()) for _ in range(runs)]
    print(f"app to first screen (headless, after the imports): "
          f"median {statistics.median(r[0] for r in results) * 1000:.0f} ms "
          f"(target 500 ms, {runs} runs)")
    print(f"toggle to updated panel: median {statistics.median(r[1] for r in results) * 1000:.0f} ms "
          f"(target 50 ms, {runs} runs)")


if __name__ == "__main__":
    main()
