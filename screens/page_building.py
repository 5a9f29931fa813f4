"""Which page a step shows, and the pages around the step built before they are asked for.

Why: building a step's page (up to 250 widgets) takes 150 to 500 ms on a small machine, far more than the 100 ms a
step switch may take. While the operator reads a step, the pages one Ctrl+N and one Esc away are built, a few
widgets at a time so that a key never waits behind more than a few milliseconds of work, and kept pages there are
brought up to date with the answers. A key then only shows a page; a key that comes before its page is finished
finishes it at once.

A mixin of WizardApp: pages are built from the App's answers, findings and cluster, with navigation's widgets.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from textual import work
from textual.timer import Timer

from screens.step_pages import REBUILT, StepPage, StepPages, signature
from wizard.frontend.steps import STEPS, Step

if TYPE_CHECKING:
    from wizard.cluster.facts import ClusterFacts
    from wizard.frontend.draft import Draft
    from wizard.reporting.findings import Finding

AHEAD_PAUSE = 0.2
"""Seconds on a step, or after an answer, before the pages around it are prepared."""
BATCH = 6
"""Widgets mounted at a time while building ahead (a field row is one): a few tens of milliseconds at most."""
FULL_PASS_AFTER = 5
"""Pages removed between two full passes of the garbage collector (see _settle_memory)."""


class PageBuildingMixin:
    """Expects the App's `draft`, `findings`, `cluster` and `index`, navigation's `step_widgets`, editing's
    `refresh_rows` and the Accounts step's `refresh_accounts`."""

    draft: Draft
    findings: list[Finding]
    cluster: ClusterFacts | None
    index: int
    query: Any
    query_one: Any
    set_timer: Any
    workers: Any
    step_widgets: Any
    refresh_rows: Any
    refresh_accounts: Any
    _ahead: Timer | None = None
    _generation = 0
    """Counts pages asked for and answers given: a build ahead started before the last of them stops."""
    _retired = 0
    """Pages removed since the last full pass of the garbage collector."""

    def page_basis(self, step: Step) -> object:
        """What a page must have been built for to be shown: for the review, the very answers and findings it lists
        (and whether a cluster judges the pods); for the other steps, the paths of their fields (their rows are
        brought up to date with the answers when shown)."""
        if step.id in REBUILT:
            return (self.draft, tuple(self.findings), self.cluster is not None)
        return signature(step, self.draft)

    def first_page(self, step: Step) -> StepPage:
        """The page of the first screen, composed with it in one pass."""
        page = StepPage(step, self.page_basis(step), self.step_widgets(step))
        page.shown_for = self.draft
        return page

    async def page_for(self, step: Step) -> StepPage:
        """The step's page, whole and up to date: kept, finished if it was being built ahead, or built now."""
        self._generation += 1
        pages = self.query_one(StepPages)
        page = pages.page(step)
        if page is None or page.basis != self.page_basis(step):
            if page is not None:
                await self._retire(page)
            page = self._start_page(pages, step)
        if page.in_flight is not None:
            await page.in_flight
        if page.pending:
            await page.mount_all(page.take_pending())  # awaited: each row composed before it is focused
        await self._up_to_date(page)
        return page

    def build_ahead_later(self) -> None:
        """Prepare the pages around the current step once the operator pauses on it; a build already running
        stops at its next few widgets (the operator is answering: their key and its panel come first)."""
        self._generation += 1
        if self._ahead is not None:
            self._ahead.stop()
        self._ahead = self.set_timer(AHEAD_PAUSE, self._build_ahead)

    def building_ahead(self) -> bool:
        return any(worker.group == "pages" and not worker.is_finished for worker in self.workers)

    @work(exclusive=True, group="pages")
    async def _build_ahead(self) -> None:
        """The next step's page, then the previous one's, a few widgets at a time; stops as soon as a page is asked
        for (page_for finishes what is left of its own)."""
        generation = self._generation
        pages = next(iter(self.query(StepPages).results(StepPages)), None)
        if pages is None:
            return  # the wizard is closing: its screen is gone
        for index in (self.index + 1, self.index - 1):
            if not 0 <= index < len(STEPS):
                continue
            step = STEPS[index]
            page = pages.page(step)
            if page is None or page.basis != self.page_basis(step):
                if page is not None:
                    await self._retire(page)
                if generation != self._generation or not pages.is_attached:
                    return
                page = self._start_page(pages, step)
            while page.in_flight is not None or page.pending:
                if page.in_flight is not None:
                    await page.in_flight
                    page.in_flight = None
                if generation != self._generation or not page.is_attached:
                    return  # a page asked for, an answer, or the wizard closing (nothing mounts then)
                batch, page.pending = page.pending[:BATCH], page.pending[BATCH:]
                if batch:
                    page.in_flight = page.mount_all(batch)
            await self._up_to_date(page)
            if generation != self._generation:
                return
            pages.lay_out_ahead(page)
        self._settle_memory()

    def _start_page(self, pages: StepPages, step: Step) -> StepPage:
        """A hidden page in the switcher at once (so that the next lookup finds it), its widgets to follow."""
        page = StepPage(step, self.page_basis(step))
        page.pending = self.step_widgets(step)
        page.shown_for = self.draft
        page.display = False
        page.in_flight = pages.mount(page)
        return page

    async def _retire(self, page: StepPage) -> None:
        """Remove a page built for other fields or other findings (a lookup no longer finds it meanwhile)."""
        page.retired = True
        self._retired += 1
        await page.remove()

    def _settle_memory(self) -> None:
        """Take what is alive now (the pages, the panel's tables) out of the garbage collector's full passes, once
        the pages are built and the operator reads: with every page kept, a full pass walks a few hundred thousand
        objects and held the screen 100 to 250 ms at random moments, a key pressed meanwhile included. Young garbage
        is collected first; pages removed since (their widgets hold cycles, which only a full pass frees) are
        collected by one full pass here every FULL_PASS_AFTER of them, while the operator reads."""
        if self._retired >= FULL_PASS_AFTER:
            self._retired = 0
            gc.unfreeze()
            gc.collect()
        else:
            gc.collect(1)
        gc.freeze()

    async def _up_to_date(self, page: StepPage) -> None:
        """A kept page's rows follow the answers given since it was last brought up to date."""
        if page.step_id in REBUILT:
            return
        changed = page.shown_for is not self.draft
        if changed:
            await self.refresh_rows(page)
            page.shown_for = self.draft
        if page.step_id == "accounts":
            self.refresh_accounts(answers_changed=changed)  # its passwords masked again, its secrets listed
