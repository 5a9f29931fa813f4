"""Esc (Back, close a dialog) answered as fast as any other key.

Why: a terminal sends the Esc key as a lone ESC byte, and the arrows, F-keys and the like as sequences that start
with one. Textual's input thread tells them apart by waiting ESCAPE_DELAY (100 ms) for more bytes, and only looks
again when its select() times out, every 0.1 s: each Esc reached the wizard about 100 ms after any other key would
have. A terminal writes a key's sequence in one go, so 25 ms is ample (tmux waits 10 ms); an ESCDELAY the operator
set in the environment (read by Textual) is left alone, as is a terminal speaking the kitty keyboard protocol, where
Esc has a sequence of its own and nothing waits. Only the input thread's wake-up and the delay change: Textual's own
loop reads and parses the keys.
"""

from __future__ import annotations

import os
import selectors
import types

ESCAPE_WAIT = 0.025
"""Seconds to wait for the rest of an escape sequence before an ESC byte is the Esc key."""


class _PromptSelector(selectors.SelectSelector):
    """Wakes the input thread at least every ESCAPE_WAIT, so that a lone ESC is reported that soon."""

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        return super().select(ESCAPE_WAIT if timeout is None or timeout > ESCAPE_WAIT else timeout)


def prompt_escape() -> bool:
    """Make the running process's Textual report Esc after ESCAPE_WAIT; False where it is left as it was (ESCDELAY
    set, no POSIX driver, or a Textual whose driver no longer reads keys this way)."""
    if "ESCDELAY" in os.environ:
        return False
    try:
        from textual import constants
        from textual.drivers import linux_driver
    except ImportError:  # Windows: another driver, another input loop
        return False
    if getattr(linux_driver, "selectors", None) is not selectors or not hasattr(constants, "ESCAPE_DELAY"):
        return isinstance(getattr(linux_driver, "selectors", None), types.SimpleNamespace)  # done already, or not ours
    linux_driver.selectors = types.SimpleNamespace(**{**vars(selectors), "SelectSelector": _PromptSelector})
    constants.ESCAPE_DELAY = ESCAPE_WAIT  # type: ignore[misc] (Final in Textual: it is read when an ESC comes)
    return True
