"""A step switch or an answer is laid out and drawn at once, not three trips through Textual's queues later.

Why: a widget whose size or display changes only notes that it needs a layout. Textual passes that on when the
widget is next idle (a message to its screen), the screen when it is next idle (its update timer resumed), and the
timer lays out on its next tick, up to a frame later. Whatever else was queued meanwhile runs first: the footer
rebuilding its keys (35 to 45 ms when a step has keys of its own), the focus moving, a frame that repaints only the
header. Measured on a small machine, a step switch's own work ended 5 ms after the key and its layout began 40 to
60 ms after it. Here the widgets that asked are passed on now, by Textual's own method, and the screen is laid out
and drawn: the step is on the screen within the key's own handling, and what was queued follows. The frame is
handed to Textual's output thread before the UI thread goes on (`hand_over`), so it reaches the terminal then too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

HANDOVER = 0.002
"""Seconds the UI thread waits at most for Textual's output thread to take a frame drawn now."""


def lay_out_now(screen: Screen[object]) -> bool:
    """Lay out and draw `screen` now if a widget shown on it (or just hidden) asked for a layout; False when none
    did, when the screen is not the one shown or updates are held (Textual then lays out as it always does), or
    when this Textual does not have the methods used (each is checked: never an error, at worst the usual delay)."""
    refresh_layout = getattr(screen, "_refresh_layout", None)
    if refresh_layout is None or not screen.is_active or getattr(screen.app, "_batch_count", 1):
        return False
    asked = [widget for widget in _shown(screen) if getattr(widget, "_layout_required", False)]
    if not asked or not all(hasattr(widget, "_check_refresh") for widget in asked):
        return False
    for widget in asked:
        widget._check_refresh()  # what Textual does when the widget is idle: its container's arrangement dropped
    refresh_layout()  # what the screen's update timer would do on its next tick: the layout, then the frame
    hand_over(screen.app)
    return True


def _shown(node: DOMNode) -> Iterator[Widget]:
    """The widgets under `node` that are displayed, and those just hidden (a page left asks for the space it
    frees), without walking into hidden ones: the pages not shown hold most of the widgets."""
    for child in node.children:
        if isinstance(child, Widget):
            yield child
            if child.display:
                yield from _shown(child)


def paint_now(*widgets: Widget | None) -> bool:
    """Draw what changed in `widgets` now, in the places the last layout gave them, before anything else is laid out:
    the implications panel is on the screen with the field just changed a few milliseconds after an answer, and the
    rows of the step that came or went follow in the layout after it (a part whose size changed settles then).
    False when nothing was drawn: no widget, the screen not shown, updates held, or a Textual without these methods
    (then all is drawn as usual)."""
    parts = [widget for widget in widgets if widget is not None]
    if not parts:
        return False
    screen, app = parts[0].screen, parts[0].app
    compositor = getattr(screen, "_compositor", None)
    display = getattr(app, "_display", None)
    if compositor is None or display is None or not screen.is_active or getattr(app, "_batch_count", 1):
        return False
    visible = compositor.visible_widgets  # a widget not in it would make the compositor map the whole screen again
    for widget in parts:  # one at a time: together, the lines of every widget between them would be drawn too
        compositor.update_widgets({part for part in (widget, *_shown(widget)) if part in visible})
        display(screen, compositor.render_update(screen_stack=getattr(app, "_background_screens", [])))
        hand_over(app)  # the panel written before the next widget is drawn
    return True


def hand_over(app: object) -> None:
    """Let Textual's output thread write the frames just drawn before the UI thread goes on.

    Why: Textual writes to the terminal from a thread of its own, which needs the interpreter's lock. The UI thread,
    going on with the rest of the answer (the hidden tabs, the step's rows, the footer), held it for the switch
    interval (5 ms) and often longer: measured in a pseudo-terminal, a toggle's panel frame was drawn 12 ms after the
    key and reached the terminal 3 to 10 ms later. Sleeping in short steps until the thread has taken the frames off
    its queue (0.1 ms, at most HANDOVER) lets it write them now. Nothing to wait for headless (no such thread)."""
    queue = getattr(getattr(getattr(app, "_driver", None), "_writer_thread", None), "_queue", None)
    if queue is None:
        return
    deadline = time.perf_counter() + HANDOVER
    while queue.qsize() and time.perf_counter() < deadline:
        time.sleep(0.0001)
