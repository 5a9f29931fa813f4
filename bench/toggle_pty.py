"""A toggle as an operator sees it, in a real pseudo-terminal: on the Features step, Space on the image builder's
switch, from the key written to the terminal to the implications panel's answer read back from it (its line on
root: "No container runs as root." when turned off, "Run as root: kaniko in backend-task-build." when turned on).
Each toggle comes after a pause, as an operator reads the panel before the next answer, so the wizard has computed
the panels one click away. Reading the key, Textual's handling, the wizard's and writing the frame to the terminal
all count. Also timed, when the builder is turned on: the step's row that comes back (its cache list), laid out
after the panel is drawn.

    python bench/toggle_pty.py [--runs 3] [--toggles 10] [--size 100x30]

Target (issue 16): toggle to repainted panel within 16 ms. bench/tui_timing.py times the same toggle headless, from
the switch changing, where nothing is written to a terminal. Not a test.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

from first_screen import CTRL_N, PANEL_DRAWN, READING, STEPS, Terminal, pty_arguments, size_of

SPACE = b" "
TURNED_OFF = "No container runs as root"
TURNED_ON = "Run as root: kaniko"
ROW_BACK = "Images to pre-cache"
"""The builder's cache list: the step's row that comes back when the builder is turned on."""


def _once(command: list[str], columns: int, lines: int, state: str, toggles: int) -> tuple[list[float], list[float]]:
    """Seconds from each Space to the panel's answer on the screen, the builder turned off then on, `toggles` times;
    and, for each turn on, to the step's row that comes back."""
    terminal = Terminal(command, columns, lines, state)
    try:
        terminal.wait_for(PANEL_DRAWN)
        for index in (1, 2):  # to the Features step, whose first field is the builder's switch
            time.sleep(READING)
            mark, _ = terminal.press(CTRL_N)
            terminal.wait_for(STEPS[index].help[:16], since=mark)
        panels, rows = [], []
        for turn in range(toggles):
            time.sleep(READING)
            mark, sent = terminal.press(SPACE)
            if turn % 2 == 0:
                panels.append(terminal.wait_for(TURNED_OFF, since=mark)[TURNED_OFF] - sent)
            else:
                seen = terminal.wait_for(TURNED_ON, ROW_BACK, since=mark)
                panels.append(seen[TURNED_ON] - sent)
                rows.append(seen[ROW_BACK] - sent)
        return panels, rows
    finally:
        terminal.close()


def main() -> None:
    parser = pty_arguments(__doc__)
    parser.set_defaults(runs=3)
    parser.add_argument("--toggles", type=int, default=10)
    args = parser.parse_args()
    columns, lines = size_of(args)
    command = [sys.executable, "-m", "wizard", "--preset", "minimal"]
    panels, rows = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as state:  # each run its own: a run's answers would open a resume dialog
            run_panels, run_rows = _once(command, columns, lines, state, args.toggles)
            panels, rows = panels + run_panels, rows + run_rows
    print(f"{args.runs} runs of {args.toggles} toggles at {args.size}; target: within 16 ms")
    for what, times in (("Space to the panel's answer on the screen", panels),
                        ("Space (turned on) to the step's row back", rows)):
        values = sorted(times)
        print(f"{what}: median {statistics.median(values) * 1000:.1f} ms "
              f"(min {values[0] * 1000:.1f}, max {values[-1] * 1000:.1f}, {len(values)} toggles)")


if __name__ == "__main__":
    main()
