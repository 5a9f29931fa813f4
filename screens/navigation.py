"""Which step is on the screen: building it, focusing its first field, and moving on, back, or to the step a
finding names.

A mixin of WizardApp, not a widget: the step column is rebuilt whole on each move, while what it shows (the Draft,
the findings, the cluster's facts, the typed passwords) belongs to the App and to its other concerns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Static

from screens.step_widgets import FieldOrigins, field_rows, review_widgets
from screens.widgets import FieldRow
from wizard.cluster.facts import ClusterFacts
from wizard.frontend.steps import STEPS, step_for_values_key
from wizard.reporting.findings import Finding

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft


class NavigationMixin:
    """Shows STEPS[index]. Expects the App's `draft`, `index`, `findings`, `cluster` and `origins`, the Accounts
    step's `revealed` and `accounts_widgets`, the cluster's `admission_widgets`, and `finish`."""

    draft: Draft
    index: int
    findings: list[Finding]
    cluster: ClusterFacts | None
    origins: FieldOrigins
    revealed: bool
    sub_title: Any
    screen: Any
    query: Any
    query_one: Any
    refresh_bindings: Any
    accounts_widgets: Any
    admission_widgets: Any
    finish: Any

    async def show_step(self, focus: str | None = None) -> None:
        """Show the current step; `focus` keeps the operator on the field they just answered when the answer
        changed which fields apply (the step is rebuilt)."""
        container = self.query_one("#step", VerticalScroll)
        self.screen.set_focus(None, scroll_visible=False)  # else Textual moves the focus on to the column while the
        await container.remove_children()  # step is rebuilt, and restyles all of it twice
        await container.mount_all(self.step_widgets())
        self.refresh_bindings()  # F3 belongs to one step
        row = next((r for r in self.query(FieldRow) if r.decl.path == focus), None)
        if row is None:  # a step just entered
            container.scroll_home(animate=False)
            self.focus_first()
            return
        row.focus_control()
        row.scroll_visible(animate=False)

    def focus_first(self) -> None:
        """On the step's first field, the step's title still in view; the review: on the page, to scroll it."""
        if not any(row.focus_control() for row in self.query(FieldRow) if row.display):
            self.query_one("#step", VerticalScroll).focus(scroll_visible=False)

    def step_widgets(self) -> list[Widget]:
        """The current step's title, help, fields (or the review) and buttons; the header names the step."""
        step = STEPS[self.index]
        self.sub_title = f"Step {self.index + 1} of {len(STEPS)}: {step.title}"
        widgets = [Static(step.title, classes="step-title"), Static(step.help, classes="step-help")]
        if step.id != "accounts":
            self.revealed = False  # secrets shown on request are hidden again once the operator moves on
        if step.id == "accounts":
            widgets += self.accounts_widgets(field_rows(step, self.draft, self.cluster, self.origins))
        elif step.sections:
            widgets += field_rows(step, self.draft, self.cluster, self.origins)
        else:
            widgets += review_widgets(self.draft, self.findings, self.admission_widgets())
        widgets.append(Button("Write the files" if step.id == "review" else "Next", id="next", variant="primary"))
        if step.id == "review":
            widgets.append(Button("Write the files, then install", id="install"))
        return widgets

    async def next_step(self) -> None:
        """On to the next step; on the review, write the files."""
        if STEPS[self.index].id == "review":
            self.finish()
        else:
            self.index += 1
            await self.show_step()

    async def action_previous_step(self) -> None:
        if self.index > 0:
            self.index -= 1
            await self.show_step()

    async def show_finding(self, values_key: str) -> None:
        """The step that decides a finding's values key (none: the review stays)."""
        step = step_for_values_key(values_key)
        if step is not None:
            self.index = STEPS.index(step)
            await self.show_step()
