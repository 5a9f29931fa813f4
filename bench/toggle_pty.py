"""A toggle as an operator sees it, in a real pseudo-terminal: on the Features step, Space on the image builder's
switch, from the key written to the terminal to the implications panel's answer read back from it (its line on
root: "No container runs as root." when turned off, "Run as root: kaniko in backend-task-build." when turned on).
Each toggle comes after a pause, as an operator reads the panel before the next answer, so the wizard has computed
the panels one click away. Reading the key, Textual's handling, the wizard's and writing the frame to the terminal
all count.

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


def _once(command: list[str], columns: int, lines: int, state: str, toggles: int) -> list[float]:
    """Seconds from each Space to the panel's answer on the screen, the builder turned off then on, `toggles` times."""
    terminal = Terminal(command, columns, lines, state)
    try:
        terminal.wait_for(PANEL_DRAWN)
        for index in (1, 2):  # to the Features step, whose first field is the builder's switch
            time.sleep(READING)
            mark, _ = terminal.press(CTRL_N)
            terminal.wait_for(STEPS[index].help[:16], since=mark)
        times = []
        for turn in range(toggles):
            time.sleep(READING)
            mark, sent = terminal.press(SPACE)
            marker = TURNED_OFF if turn % 2 == 0 else TURNED_ON
            times.append(terminal.wait_for(marker, since=mark)[marker] - sent)
        return times
    finally:
        terminal.close()


def main() -> None:
    parser = pty_arguments(__doc__)
    parser.set_defaults(runs=3)
    parser.add_argument("--toggles", type=int, default=10)
    args = parser.parse_args()
    columns, lines = size_of(args)
    command = [sys.executable, "-m", "wizard", "--preset", "minimal"]
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as state:  # each run its own: a run's answers would open a resume dialog
            times += _once(command, columns, lines, state, args.toggles)
    values = sorted(times)
    print(f"{args.runs} runs of {args.toggles} toggles at {args.size}; target: within 16 ms")
    print(f"Space to the panel's answer on the screen: median {statistics.median(values) * 1000:.1f} ms "
          f"(min {values[0] * 1000:.1f}, max {values[-1] * 1000:.1f})")


if __name__ == "__main__":
    main()
