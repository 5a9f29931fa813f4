"""A frame drawn at once also reaches the terminal at once (screens/layout_now.hand_over): Textual's output thread
takes it before the UI thread goes on with the rest of an answer.

The UI thread's work after a frame is pure Python, which keeps the interpreter's lock for the whole switch
interval: here the interval is made long, so without the hand-over the output thread cannot write before the UI
thread's work ends."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from types import SimpleNamespace

import pytest
from textual.drivers._writer_thread import WriterThread

from screens import layout_now

FRAME = "\x1b[2;53Hthe panel's new rows"


def _busy(seconds: float) -> None:
    """The UI thread going on with an answer: Python code that never gives the lock up of itself."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@pytest.fixture
def terminal():  # type: ignore[no-untyped-def]
    """Textual's own output thread writing into a pipe (the terminal), a long switch interval, and the pipe's end
    the test reads without waiting."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETFL, os.O_NONBLOCK)
    pipe = os.fdopen(write_end, "w")
    writer = WriterThread(pipe)
    writer.start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    try:
        yield writer, read_end
    finally:
        sys.setswitchinterval(interval)
        writer.stop()
        pipe.close()
        os.close(read_end)


def _written(read_end: int) -> str:
    try:
        return os.read(read_end, 1 << 16).decode()
    except BlockingIOError:
        return ""


def test_a_frame_handed_over_is_in_the_terminal_before_the_ui_thread_goes_on(terminal, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    writer, read_end = terminal
    monkeypatch.setattr(layout_now, "HANDOVER", 1.0)  # a loaded machine may wake the thread late: the wait is tested
    app = SimpleNamespace(_driver=SimpleNamespace(_writer_thread=writer))
    writer.write(FRAME)
    layout_now.hand_over(app)
    _busy(0.05)
    assert _written(read_end) == FRAME


def test_without_the_hand_over_the_frame_waits_for_the_ui_thread(terminal) -> None:  # type: ignore[no-untyped-def]
    """What the hand-over is for: the same frame, not handed over, is not written while the UI thread works."""
    writer, read_end = terminal
    writer.write(FRAME)
    _busy(0.05)
    assert _written(read_end) == ""
    time.sleep(0.2)  # the UI thread idle: the output thread writes
    assert _written(read_end) == FRAME


def test_nothing_is_waited_for_without_an_output_thread() -> None:
    """Headless (the test driver) or before the terminal is set up: no thread, no queue, no wait."""
    for app in (object(), SimpleNamespace(_driver=None), SimpleNamespace(_driver=SimpleNamespace())):
        start = time.perf_counter()
        layout_now.hand_over(app)
        assert time.perf_counter() - start < layout_now.HANDOVER
