"""The steps' pages, kept once built: going back to a step, or on to one seen before, shows its page again instead of
building its widgets anew; screens.page_building builds the next page before it is asked for.

Why: each widget costs Textual a millisecond or two to mount and as much to remove, on a slow machine more, and the
storage step has some 250 of them; rebuilding on every Ctrl+N or Esc made a step switch take a quarter to half a
second. A kept page is brought up to date with the answers when it is shown (values, which fields matter, problems,
origins, placeholders): the answers are the truth, the page a view of them. A page whose fields changed (a channel
added) is built again; so is the review whenever what it lists changed (the answers, the findings).
"""

from __future__ import annotations

from itertools import count

from textual.containers import VerticalScroll
from textual.widget import AwaitMount, Widget
from textual.widgets import ContentSwitcher

from wizard.frontend.draft import Draft
from wizard.frontend.steps import Step, fields

REBUILT = ("review",)
"""Steps whose page fits only the very answers and findings it was built for (it lists findings, notes, values)."""
_NUMBERS = count(1)
"""Each page gets its own id: a page on its way out never clashes with the one built to replace it."""


class StepPages(ContentSwitcher):
    """The step column: one page per step built so far, the current one shown."""

    def page(self, step: Step) -> StepPage | None:
        """The step's page if one was built (or is being built) and is not on its way out."""
        for child in self.children:
            if isinstance(child, StepPage) and child.step_id == step.id and not child.retired:
                return child
        return None

    def shown(self) -> StepPage | None:
        content = self.visible_content
        return content if isinstance(content, StepPage) else None

    def lay_out_ahead(self, page: StepPage) -> None:
        """Arrange a hidden page at the size it will have when shown, while the operator reads the shown one: the
        first showing of a long page (storage: some 150 widgets, each text's height found by rendering it) then
        finds its rows arranged and its texts' heights known (the page's own arrangement is made again: Textual
        counts showing a page as a change of its children), and its first layout took 29 ms instead of 39 to 45.
        Every page has the same size (a steady scrollbar gutter), so the shown page's is the one."""
        shown = self.shown()
        if shown is not None and shown is not page and shown.size:
            page.arrange(shown.scrollable_content_region.size)


class StepPage(VerticalScroll):
    """One step's widgets, built for `basis` (see PageBuildingMixin.page_basis). A page built ahead mounts its
    widgets a few at a time: `pending` are those not mounted yet, `in_flight` the few being mounted."""

    def __init__(self, step: Step, basis: object, widgets: list[Widget] | None = None) -> None:
        super().__init__(*(widgets or []), id=f"page-{step.id}-{next(_NUMBERS)}", classes="step-page")
        self.step_id, self.basis = step.id, basis
        self.pending: list[Widget] = []
        self.in_flight: AwaitMount | None = None
        self.shown_for: Draft | None = None
        """The Draft whose answers its controls were last set from (None: not yet)."""
        self.retired = False

    def take_pending(self) -> list[Widget]:
        pending, self.pending = self.pending, []
        return pending


def signature(step: Step, draft: Draft) -> tuple[str, ...]:
    """What a kept page must have been built for to be shown again: the paths of its fields (a list item added or
    removed changes them)."""
    return tuple(d.path for d in fields(step, draft.shown, all_of_them=True, data=draft.data))
