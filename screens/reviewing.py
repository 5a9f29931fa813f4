"""Acting on the review: writing the files (asked once first, with what goes where), a note or finding followed to
the field that decides it, its quick fix made, and the values files opened in the full-width viewer.

A mixin of WizardApp: writing ends the App (finish), and a quick fix changes the App's Draft and moves to another
step, as an edit and navigation do.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screens.modals import ConfirmWrite
from screens.review import ReviewList
from screens.viewer import ValuesViewer
from wizard.frontend import review
from wizard.frontend.draft import edit
from wizard.frontend.review import ReviewItem
from wizard.frontend.steps import STEPS, STEPS_BY_ID, step_of

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft

WRITE_AND_INSTALL = "Write the files, then install"
WRITE_BUTTON, INSTALL_BUTTON = review.WRITE_ENDING.button, "Write + install"
"""The buttons' own words: both fit side by side under the step at 80x24; the question they ask says it whole."""


class ReviewingMixin:
    """Expects the App's `draft`, `index`, `out_dir` and `install_requested`, `finish`, navigation's `show_step`
    and editing's `answers_changed`."""

    draft: Draft
    index: int
    out_dir: Path | None
    install_requested: bool
    ending: review.Ending
    notify: Any
    push_screen: Any
    finish: Any
    show_step: Any
    answers_changed: Any

    def ask_to_write(self, *, install: bool) -> None:
        """Ctrl+N on the review and both buttons: say what will be written where (and that install follows), once;
        Esc goes back to the review with nothing written."""
        if not self.draft.valid:
            self.notify("Fix the problems listed above first.", severity="error")
            return
        question = review.ending_question(self.ending, self.draft.plan, self.out_dir, install=install)
        self.push_screen(ConfirmWrite(WRITE_AND_INSTALL if install else self.ending.title, question),
                         partial(self._write_answered, install))

    def _write_answered(self, install: bool, yes: bool | None) -> None:
        if yes:
            self.install_requested = install
            self.finish()

    def action_view_files(self) -> None:
        """v on the review, or its button: the values files over the whole screen."""
        self.push_screen(ValuesViewer(review.values_files(self.draft.plan), review.destination(self.out_dir)))

    async def follow(self, item: ReviewItem | None) -> None:
        """Enter on a note or finding: the step that decides it, on its field; what to do when no step does."""
        if item is None:
            return
        if item.step is None:
            self.notify(item.todo, title="No answer of the wizard decides this", markup=False)
            return
        self.index = STEPS.index(STEPS_BY_ID[item.step])
        await self.show_step(focus=item.field)

    async def on_review_list_fix_chosen(self, message: ReviewList.FixChosen) -> None:
        """f: the field set as the fix says, and the operator on it, in its step (the panel recomputes)."""
        fix = message.fix
        self.draft = edit(self.draft, fix.field, fix.value)
        self.index = STEPS.index(step_of(fix.field))
        await self.show_step(focus=fix.field)
        self.answers_changed()
        self.notify(f"Quick fix: {fix.does}. The panel shows what changed; Ctrl+N leads back to the review.",
                    title="Changed here", markup=False, timeout=8)
