"""Esc reported without Textual's tenth of a second (screens/escape_key.py), and what it must not break: an arrow
key's escape sequence is still one key, in a real pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import selectors
import struct
import subprocess
import sys
import termios
import textwrap
from pathlib import Path

import pytest
from textual import constants
from textual.drivers import linux_driver

from screens import escape_key

ROOT = Path(__file__).resolve().parents[2]


def _reset(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Textual as it comes (another test's app may have set it already; restored after the test)."""
    monkeypatch.delenv("ESCDELAY", raising=False)
    monkeypatch.setattr(linux_driver, "selectors", selectors)
    monkeypatch.setattr(constants, "ESCAPE_DELAY", 0.1)


def test_the_input_thread_wakes_and_the_escape_wait_ends_within_the_short_wait(monkeypatch) -> None:
    _reset(monkeypatch)
    assert escape_key.prompt_escape() is True
    assert constants.ESCAPE_DELAY == escape_key.ESCAPE_WAIT
    asked: list[float | None] = []
    monkeypatch.setattr(selectors.SelectSelector, "select", lambda self, timeout=None: asked.append(timeout) or [])
    selector = linux_driver.selectors.SelectSelector()
    for timeout in (0.1, None, 0.01):
        selector.select(timeout)
    assert asked == [escape_key.ESCAPE_WAIT, escape_key.ESCAPE_WAIT, 0.01]
    assert linux_driver.selectors.EVENT_READ == selectors.EVENT_READ  # the rest of the module as it was
    assert escape_key.prompt_escape() is True  # a second app in the same process: nothing more to do


def test_an_escdelay_the_operator_set_is_left_to_textual(monkeypatch) -> None:
    _reset(monkeypatch)
    monkeypatch.setenv("ESCDELAY", "200")
    assert escape_key.prompt_escape() is False
    assert linux_driver.selectors is selectors and constants.ESCAPE_DELAY == 0.1


_KEYS_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Static
    from screens.escape_key import prompt_escape

    prompt_escape()

    class Keys(App):
        def compose(self):
            yield Static("ready", id="keys")

        def on_key(self, event):
            self.query_one("#keys", Static).update(f"key={event.key}.")

    Keys().run()
""")


def _read_until(fd: int, wanted: bytes, seconds: float = 20.0) -> bytes:
    seen = b""
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], seconds)
        assert ready, f"{wanted!r} never shown; the screen had {seen[-300:]!r}"
        seen += os.read(fd, 65536)
    return seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a POSIX pseudo-terminal and Textual's Linux driver")
def test_in_a_terminal_a_lone_esc_is_the_esc_key_and_an_arrow_stays_one_key(tmp_path: Path) -> None:
    script = tmp_path / "keys.py"
    script.write_text(_KEYS_APP)
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 40, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    env.pop("ESCDELAY", None)
    app = subprocess.Popen([sys.executable, str(script)], stdin=child, stdout=child, stderr=child, env=env,
                           start_new_session=True)
    os.close(child)
    try:
        _read_until(parent, b"ready")
        os.write(parent, b"\x1b[A")  # the up arrow, as a terminal writes it: one write
        _read_until(parent, b"key=up.")
        os.write(parent, b"\x1b")  # the Esc key alone
        _read_until(parent, b"key=escape.")
        os.write(parent, b"\x1b[B")
        assert b"key=escape." not in _read_until(parent, b"key=down.")
    finally:
        app.kill()
        app.wait()
        os.close(parent)
