"""Which step is on the screen: building it, focusing its first field, and moving on or back. The step shown is
kept with the draft, so that a resumed run starts where it was left.

A mixin of WizardApp, not a widget: the step column is rebuilt whole on each move, while what it shows (the Draft,
the findings, the cluster's facts, the typed passwords) belongs to the App and to its other concerns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Static

from screens.review import ReviewList, review_widgets
from screens.step_widgets import FieldOrigins, field_rows
from screens.widgets import FieldRow
from wizard.cluster.facts import ClusterFacts
from wizard.frontend.steps import STEPS
from wizard.planning.plan import Plan
from wizard.reporting.findings import Finding

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft


class NavigationMixin:
    """Shows STEPS[index]. Expects the App's `draft`, `initial`, `index`, `findings`, `cluster` and `origins`, the
    Accounts step's `out_dir`, `revealed` and `accounts_widgets`, the cluster's `admission_widgets`, the review's
    `ask_to_write`, and editing's `save_draft`."""

    draft: Draft
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
    accounts_widgets: Any
    admission_widgets: Any
    ask_to_write: Any
    save_draft: Any

    async def show_step(self, focus: str | None = None) -> None:
        """Show the current step; `focus` keeps the operator on the field they just answered when the answer
        changed which fields apply (the step is rebuilt)."""
        container = self.query_one("#step", VerticalScroll)
        self.screen.set_focus(None, scroll_visible=False)  # else Textual moves the focus on to the column while the
        await container.remove_children()  # step is rebuilt, and restyles all of it twice
        await container.mount_all(self.step_widgets())
        self.refresh_bindings()  # F3 belongs to one step
        self.keep_step()
        row = next((r for r in self.query(FieldRow) if r.decl.path == focus and r.display), None)
        if row is None or not row.focus_control():  # a step just entered (or a field that has no control here)
            container.scroll_home(animate=False)
            self.focus_first()
            return
        row.scroll_visible(animate=False)

    def focus_first(self) -> None:
        """On the step's first field, the step's title still in view; the review: on its first list (the notes, or
        the findings), never on a button that writes."""
        if any(row.focus_control() for row in self.query(FieldRow) if row.display):
            return
        lists = self.query(ReviewList)
        if lists:
            lists.first().focus(scroll_visible=False)
        else:
            self.query_one("#step", VerticalScroll).focus(scroll_visible=False)

    def keep_step(self) -> None:
        """Save the step with the draft once there is a draft worth resuming (decisions made, or unfinished)."""
        if self.draft.plan != self.initial or not self.draft.valid:
            self.save_draft(self.draft.data, STEPS[self.index].id)

    def step_widgets(self) -> list[Widget]:
        """The current step's title, help, fields (or the review) and buttons; the header names the step."""
        step = STEPS[self.index]
        self.sub_title = f"Step {self.index + 1} of {len(STEPS)}: {step.title}"
        widgets = [Static(step.title, classes="step-title"), Static(step.help, classes="step-help")]
        if step.id != "accounts":
            self.revealed = False  # secrets shown on request are hidden again once the operator moves on
        if step.id == "review":
            buttons = [Button("Write the files", id="next", variant="primary"),
                       Button("Write the files, then install", id="install")]
            return widgets + review_widgets(self.draft, self.findings, self.admission_widgets(), buttons, self.out_dir)
        if step.id == "accounts":
            widgets += self.accounts_widgets(field_rows(step, self.draft, self.cluster, self.origins))
        else:
            widgets += field_rows(step, self.draft, self.cluster, self.origins)
        widgets.append(Button("Next", id="next", variant="primary"))
        return widgets

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
