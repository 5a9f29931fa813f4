"""What a first screen cannot go below on this machine: a bare Textual app (a header, one line of text, the footer)
from the process starting to its text drawn, in the same pseudo-terminal as bench/first_screen.py, beside the
wizard's own first screen (its step and its panel drawn). Median of fresh processes.

    python bench/textual_floor.py [--runs 9] [--size 100x30]

Why: issue 16 asks for a first screen within 400 ms; Python's start, Textual's import and its first frame alone take
about that long here, so the wizard's own share (its imports, its widgets, the first explain) is the difference.
Not a test.
"""

from __future__ import annotations

import statistics
import sys
import tempfile

from first_screen import PANEL_DRAWN, Terminal, pty_arguments, size_of

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare app drawn")
        yield Footer()


Bare().run()
"""


def _first_drawn(command: list[str], marker: str, columns: int, lines: int, state: str) -> float:
    terminal = Terminal(command, columns, lines, state)
    try:
        return terminal.wait_for(marker)[marker]
    finally:
        terminal.close()


def main() -> None:
    args = pty_arguments(__doc__).parse_args()
    columns, lines = size_of(args)
    apps = {"bare Textual app": ([sys.executable, "-c", BARE_APP], "bare app drawn"),
            "wizard --preset minimal": ([sys.executable, "-m", "wizard", "--preset", "minimal"], PANEL_DRAWN)}
    times: dict[str, list[float]] = {name: [] for name in apps}
    with tempfile.TemporaryDirectory() as state:
        for run in range(args.runs + 1):  # the first warms the file cache and writes the compiled modules
            for name, (command, marker) in apps.items():  # in turn: a slow minute slows both alike
                drawn = _first_drawn(command, marker, columns, lines, state)
                if run:
                    times[name].append(drawn)
    print(f"{args.runs} runs at {args.size}, process start to first screen drawn:")
    for name, values in times.items():
        values.sort()
        print(f"  {name:24} median {statistics.median(values) * 1000:.0f} ms "
              f"(min {values[0] * 1000:.0f}, max {values[-1] * 1000:.0f})")


if __name__ == "__main__":
    main()
