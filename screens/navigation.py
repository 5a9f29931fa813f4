"""Which step is on the screen: building it, focusing its first field, and moving on or back. The step shown is
kept with the draft, so that a resumed run starts where it was left.

A mixin of WizardApp, not a widget: the step column is rebuilt whole on each move, while what it shows (the Draft,
the findings, the cluster's facts, the typed passwords) belongs to the App and to its other concerns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.widget import Widget
from textual.widgets import Button, Static

from screens.layout_now import lay_out_now
from screens.review import ReviewList, review_widgets
from screens.step_pages import StepPage, StepPages
from screens.step_widgets import FieldOrigins, field_rows
from screens.widgets import FieldRow
from wizard.cluster.facts import ClusterFacts
from wizard.frontend.steps import STEPS, Step
from wizard.planning.plan import Plan
from wizard.reporting.findings import Finding

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft
    from wizard.frontend.review import Ending


class NavigationMixin:
    """Shows STEPS[index]. Expects the App's `draft`, `initial`, `index`, `findings`, `cluster` and `origins`, the
    Accounts step's `out_dir`, `revealed` and `accounts_widgets`, the cluster's `admission_widgets`, the review's
    `ask_to_write` and `ending`, editing's `save_draft`, and page_building's `page_for` and `build_ahead_later`."""

    draft: Draft
    ending: Ending
    initial: Plan
    index: int
    findings: list[Finding]
    cluster: ClusterFacts | None
    origins: FieldOrigins
    out_dir: Path | None
    revealed: bool
    sub_title: Any
    screen: Any
    query: Any
    query_one: Any
    refresh_bindings: Any
    page_for: Any
    build_ahead_later: Any
    prepare_panels: Any
    call_after_refresh: Any
    accounts_widgets: Any
    admission_widgets: Any
    ask_to_write: Any
    save_draft: Any

    async def show_step(self, focus: str | None = None) -> None:
        """Show the current step: its page kept or built ahead, brought up to date with the answers, or built now
        (see screens.page_building); `focus` keeps the operator on the field they just answered when the answer
        changed which fields apply (the page is built again)."""
        step = STEPS[self.index]
        self.enter_step()
        pages = self.query_one(StepPages)
        self.screen.set_focus(None, scroll_visible=False)  # else Textual moves the focus on to the column while the
        page = await self.page_for(step)  # page is changed, and restyles all of it twice
        pages.current = page.id
        self.show_buttons()
        self.refresh_bindings()  # F3 belongs to one step
        self.keep_step()
        self.prepare_panels()  # the panels of this step's switches, once the operator pauses
        self.build_ahead_later()  # and the pages around it
        row = _focus_row(page, focus)
        if row is None or not row.focus_control():  # a step just entered (or a field that has no control here)
            page.scroll_home(animate=False)
            self.focus_first()
        else:  # in view once laid out: a page just built or just shown has no layout before the next refresh
            self.call_after_refresh(self.call_after_refresh, row.scroll_visible, animate=False, top=True)
        lay_out_now(self.screen)  # the step on the screen now, the footer's keys and the focus's colours after

    def current_page(self) -> StepPage:
        page = self.query_one(StepPages).shown()
        assert page is not None  # a step is always shown once the screen is up
        return page

    def focus_first(self) -> None:
        """On the step's first field, the step's title still in view; the review: on its first list (the notes, or
        the findings), never on a button that writes."""
        page = self.current_page()
        if any(row.focus_control() for row in page.walk_children(FieldRow) if row.display):
            return
        lists = page.query(ReviewList)
        if lists:
            lists.first().focus(scroll_visible=False)
        else:
            page.focus(scroll_visible=False)

    def keep_step(self) -> None:
        """Save the step with the draft once there is a draft worth resuming (decisions made, or unfinished)."""
        if self.draft.plan != self.initial or not self.draft.valid:
            self.save_draft(self.draft.data, STEPS[self.index].id)

    def enter_step(self) -> None:
        """The header names the step; secrets shown on request are hidden again once the operator moves on."""
        step = STEPS[self.index]
        self.sub_title = f"Step {self.index + 1} of {len(STEPS)}: {step.title}"
        if step.id != "accounts":
            self.revealed = False

    def step_widgets(self, step: Step) -> list[Widget]:
        """A step's title, help and fields (or the review)."""
        widgets: list[Widget] = [Static(step.title, classes="step-title"), Static(step.help, classes="step-help")]
        if step.id == "review":
            return widgets + review_widgets(self.draft, self.findings, self.admission_widgets(), self.out_dir)
        if step.id == "accounts":
            widgets += self.accounts_widgets(field_rows(step, self.draft, self.cluster, self.origins))
        else:
            widgets += field_rows(step, self.draft, self.cluster, self.origins)
        return widgets

    def show_buttons(self) -> None:
        """The buttons under the pages, always in view: Next, or on the review, the two ways to finish."""
        review = STEPS[self.index].id == "review"
        next_button = self.query_one("#next", Button)
        label = self.ending.button if review else "Next"
        if str(next_button.label) != label:  # else no layout: each is one of the whole screen
            next_button.label = label
            next_button.refresh(layout=True)  # its width follows its words
        install = self.query_one("#install", Button)
        if install.display != (wanted := review and self.ending.offers_install):
            install.display = wanted

    async def next_step(self) -> None:
        """On to the next step; on the review, write the files (asked first)."""
        if STEPS[self.index].id == "review":
            self.ask_to_write(install=False)
        else:
            self.index += 1
            await self.show_step()

    async def action_previous_step(self) -> None:
        if self.index > 0:
            self.index -= 1
            await self.show_step()


def _focus_row(page: StepPage, path: str | None) -> FieldRow | None:
    """The shown row of `path`; when the answer just given hid it (a quick fix that clears a setting without
    effect), the nearest shown row above it, which is where the operator was, rather than the step's top."""
    if path is None:
        return None
    above = None
    for row in page.walk_children(FieldRow):  # not a CSS query: matching selectors on every widget took 3 ms
        if row.decl.path == path:
            return row if row.display else above
        if row.display:
            above = row
    return None
