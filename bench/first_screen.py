"""What an operator waits for, in a real pseudo-terminal: `wizard --preset minimal` from the process starting to its
first screen (the first step and the implications panel drawn), then Ctrl+N to each next step drawn, Esc back to
each, and Ctrl+N to each again (a step seen before). Median of
fresh processes; imports, Textual's start and the first explain all count.

    python bench/first_screen.py [--runs 9] [--size 100x30]

Target (issue 5): first screen under 0.5 s. bench/tui_timing.py measures the panel's update after a toggle.
Compiled modules are kept, as an operator's Python keeps them (this machine sets PYTHONDONTWRITEBYTECODE; without
them every module is compiled again on every start, about 70 ms more). Not a test.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

from wizard.frontend.steps import STEPS

STEP_DRAWN = STEPS[0].title
"""The first step's title: the step column is on the screen."""
PANEL_DRAWN = "Pod Security each"
"""The panel's first line, there once the first explain is."""
_ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07")
"""CSI, charset, keypad and OSC sequences: what is left is the text the terminal shows."""
CTRL_N = b"\x0e"
READING = 2.0
"""Seconds between two keys: an operator reads a step before leaving it, and the wizard builds the steps ahead
meanwhile (a key every 0.3 s would measure a wizard still building the next page)."""
ESC = b"\x1b"
TIMEOUT = 20.0


class Terminal:
    """The wizard in a pseudo-terminal of a given size, read as the text a terminal would show."""

    def __init__(self, command: list[str], columns: int, lines: int, state: str) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "XDG_STATE_HOME": state,
               "KUBECONFIG": os.path.join(state, "no-kubeconfig")}  # never a real cluster, never the user's draft
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.fd, child_end = os.openpty()
        fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))  # sized from start
        self.start = time.perf_counter()
        self.child = subprocess.Popen(command, stdin=child_end, stdout=child_end, stderr=child_end, env=env,
                                      start_new_session=True, preexec_fn=_take_terminal)
        os.close(child_end)
        self.written = b""

    def wait_for(self, *texts: str, since: int = 0) -> dict[str, float]:
        """Seconds from the start until each text was on the screen (in what was written after byte `since`)."""
        found: dict[str, float] = {}
        began = time.perf_counter()
        while len(found) < len(texts):
            if time.perf_counter() - began > TIMEOUT:
                raise SystemExit(f"the wizard did not show {texts} within {TIMEOUT:.0f} s; it wrote:\n"
                                 f"{self.written[-2000:]!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                raise SystemExit(f"the wizard stopped; it wrote:\n{self.written[-2000:]!r}")
            self.written += chunk
            now = time.perf_counter() - self.start
            shown = _ESCAPES.sub(b"", self.written[since:]).decode("utf-8", "replace")
            found.update({text: now for text in texts if text not in found and text in shown})
        return found

    def press(self, key: bytes) -> tuple[int, float]:
        """Send a key; returns where its answer starts in the output and when it was sent."""
        mark, sent = len(self.written), time.perf_counter() - self.start
        os.write(self.fd, key)
        return mark, sent

    def close(self) -> None:
        self.child.kill()
        self.child.wait()
        os.close(self.fd)


def _take_terminal() -> None:
    """In the child: the pseudo-terminal becomes its controlling terminal, as a shell's terminal is."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _once(command: list[str], columns: int, lines: int, state: str) -> list[float]:
    """[first step drawn, panel drawn, Ctrl+N to step 2 drawn, ... to the review drawn, then Esc back to each step
    from the review's previous to the first, then Ctrl+N again to each from the second to the review], in seconds."""
    terminal = Terminal(command, columns, lines, state)
    try:
        first = terminal.wait_for(STEP_DRAWN, PANEL_DRAWN)
        times = [first[STEP_DRAWN], first[PANEL_DRAWN]]
        time.sleep(1.0)  # the operator reads; what the wizard does once it is up (the cluster look) is done
        order = [*range(1, len(STEPS)), *range(len(STEPS) - 2, -1, -1), *range(1, len(STEPS))]
        for index, key in zip(order, [CTRL_N] * (len(STEPS) - 1) + [ESC] * (len(STEPS) - 1) +
                              [CTRL_N] * (len(STEPS) - 1), strict=True):
            time.sleep(READING)  # the operator reads the step before the next key
            mark, sent = terminal.press(key)
            marker = STEPS[index].help[:16]  # the step column, drawn with the step (the header comes sooner)
            times.append(terminal.wait_for(marker, since=mark)[marker] - sent)
        return times
    finally:
        terminal.close()


def pty_arguments(doc: str) -> argparse.ArgumentParser:
    """The options every pseudo-terminal bench takes: how many runs, and the terminal's size (see `size_of`)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--size", default="100x30", help="COLUMNSxLINES of the pseudo-terminal (default 100x30)")
    return parser


def size_of(args: argparse.Namespace) -> tuple[int, int]:
    columns, lines = (int(n) for n in args.size.split("x"))
    return columns, lines


def main() -> None:
    parser = pty_arguments(__doc__)
    parser.add_argument("--command", default="-m wizard --preset minimal",
                        help="what follows the Python executable (default: -m wizard --preset minimal)")
    args = parser.parse_args()
    columns, lines = size_of(args)
    command = [sys.executable, *args.command.split()]
    with tempfile.TemporaryDirectory() as state:
        _once(command, columns, lines, state)  # warms the file cache and writes the compiled modules
        runs = [_once(command, columns, lines, state) for _ in range(args.runs)]

    def median_ms(index: int) -> str:
        values = sorted(run[index] for run in runs)
        return f"median {statistics.median(values) * 1000:.0f} ms (min {values[0] * 1000:.0f}, " \
               f"max {values[-1] * 1000:.0f})"

    print(f"{args.runs} runs at {args.size}; target: first screen under 500 ms")
    print(f"process start to first step drawn:  {median_ms(0)}")
    print(f"process start to panel drawn:       {median_ms(1)}")
    last = len(STEPS) - 1
    for at, number in enumerate(range(2, len(STEPS) + 1), start=2):
        print(f"Ctrl+N to step {number} drawn ({STEPS[number - 1].id}):".ljust(40) + median_ms(at))
    for at, number in enumerate(range(last, 0, -1), start=2 + last):
        print(f"Esc back to step {number} ({STEPS[number - 1].id}):".ljust(40) + median_ms(at))
    for at, number in enumerate(range(2, len(STEPS) + 1), start=2 + 2 * last):
        print(f"Ctrl+N again to step {number} ({STEPS[number - 1].id}):".ljust(40) + median_ms(at))
    print("target: every step switch under 100 ms")


if __name__ == "__main__":
    main()
