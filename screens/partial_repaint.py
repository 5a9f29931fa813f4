"""A step switch, or the focus moving to another field, repaints what changed, not the whole screen.

Why: Textual repaints every line of the screen when the App's sub-title changes (the header says which step is shown)
and when the screen's focused widget changes, because both are reactives that ask for a repaint of their owner. On a
step switch that full repaint (every widget's lines cut and joined again, the panel's included) cost 10 to 15 ms of
the 100 ms it may take; on a Tab, most of what the key costs. What these changes show is drawn anyway: the header's
title is a widget of its own that repaints itself when the sub-title changes, and the focused and blurred widgets
repaint themselves as their :focus styles change. Both reactives are declared again, the same but for the repaint.
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget


class StepScreen(Screen[object]):
    """The wizard's screen: moving the focus repaints the two widgets concerned, not the screen."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class PartialRepaintMixin:
    """For WizardApp: its sub-title repaints the header's title only, and its screen is a StepScreen."""

    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)

    def get_default_screen(self) -> Screen[object]:
        return StepScreen(id="_default")
