"""The steps' pages, kept once built: going back to a step, or on to one seen before, shows its page again instead of
building its widgets anew.

Why: each widget costs Textual a millisecond or two to mount and as much to remove, on a slow machine more, and the
storage step has some 250 of them; rebuilding on every Ctrl+N or Esc made a step switch take a quarter to half a
second. A kept page is brought up to date with the answers when it is shown (values, which fields matter, problems,
origins, placeholders): the answers are the truth, the page a view of them. A page whose fields changed (a channel
added) is built again; the accounts step and the review are always built again, as they show what changes the most
(typed passwords, findings, the values files).
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from wizard.frontend.draft import Draft
from wizard.frontend.steps import Step, fields

REBUILT = ("accounts", "review")
"""Steps whose page is built again each time it is shown."""


class StepPages(ContentSwitcher):
    """The step column: one page per step built so far, the current one shown."""

    def page(self, step: Step) -> StepPage | None:
        """The step's page if it was built."""
        for child in self.children:
            if isinstance(child, StepPage) and child.step_id == step.id:
                return child
        return None

    def shown(self) -> StepPage | None:
        content = self.visible_content
        return content if isinstance(content, StepPage) else None


class StepPage(VerticalScroll):
    """One step's widgets; `signature` says which fields it was built for (None: built again each time)."""

    def __init__(self, step: Step, signature: tuple[str, ...] | None, widgets: list[Widget]) -> None:
        super().__init__(*widgets, id=f"page-{step.id}", classes="step-page")
        self.step_id, self.signature = step.id, signature


def signature(step: Step, draft: Draft) -> tuple[str, ...] | None:
    """What a kept page must have been built for to be shown again: the paths of its fields (a list item added or
    removed changes them); None for a step built again each time."""
    if step.id in REBUILT or not step.sections:
        return None
    return tuple(d.path for d in fields(step, draft.shown, all_of_them=True, data=draft.data))
