"""Taking an answer: the Draft edited or a list item added or removed, the step's rows following (shown, hidden,
their problems and origins), and what every change sets off: the answers kept for a resume and the panel recomputed.

A mixin of WizardApp: an answer changes the App's Draft, which the step, the panel and the Accounts step all read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widget import Widget

from screens import accounts
from screens.panel_view import ImplicationsPanel
from screens.step_pages import signature
from screens.step_widgets import FieldOrigins
from screens.widgets import FieldRow, ItemHeading, ListButton
from wizard.frontend import resume
from wizard.frontend.draft import edit
from wizard.frontend.lists import add_item, items, remove_item
from wizard.frontend.panel import stale_note
from wizard.frontend.placeholders import placeholder
from wizard.frontend.steps import STEPS, fields, relevant

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft
    from wizard.frontend.review import Ending


class EditingMixin:
    """Expects the App's `draft`, `index`, `origins` and `ending`, `show_step` (navigation), `follow_users` (the
    Accounts step), `recompute`, `edited_ahead` and `note_typing` (the panel) and `build_ahead_later`
    (page_building)."""

    draft: Draft
    ending: Ending
    index: int
    origins: FieldOrigins
    query: Any
    query_one: Any
    show_step: Any
    current_page: Any
    follow_users: Any
    recompute: Any
    edited_ahead: Any
    note_typing: Any
    build_ahead_later: Any

    async def take_edit(self, path: str, text: str, *, typed: bool = False) -> None:
        """A field changed; the step is rebuilt only when the answer makes list items come or go. Its panel first: a
        panel computed ahead is drawn before the rows follow, and they are laid out with nothing of Textual's own
        schedule in between (no await until then, unless the page is rebuilt or rows must be built). `typed`: a key
        in a text field, whose panel is marked against the one from before the field's first key (note_typing)."""
        if text == self.draft.text(path):
            return
        before = self.draft
        self.draft = self.edited_ahead(before, path, text) or edit(before, path, text)
        self.note_typing(path if typed else None, before, self.draft)
        if self.draft.valid:
            self.recompute(self.draft.plan)
        step = STEPS[self.index]
        if path.startswith(accounts.USERS):
            self.follow_users()
        if signature(step, self.draft) != signature(step, before):
            await self.show_step(focus=path)  # list items came or went: its page is built again
        await self.refresh_rows(self.current_page(), values=False)  # the operator's typing stays as typed
        self.answers_changed(recompute=False)

    async def change_list(self, button: ListButton) -> None:
        """Add an item (and focus its first field) or remove one, then show the step again."""
        if button.index is None:
            self.draft = add_item(self.draft, button.list_path)
            focus = f"{button.list_path}[{len(items(self.draft.data, button.list_path)) - 1}]"
        else:
            self.draft = remove_item(self.draft, button.list_path, button.index)
            focus = None
        if button.list_path == accounts.USERS:
            self.follow_users()
        first = None if focus is None else next(
            (d.path for d in fields(STEPS[self.index], self.draft.shown, all_of_them=True, data=self.draft.data)
             if d.path.startswith(focus + ".")), None)
        await self.show_step(focus=first)
        self.answers_changed()

    def answers_changed(self, *, recompute: bool = True) -> None:
        """Keep the answers, recompute the panel when they make a Plan (else it says what to fix first), and
        bring the pages around the step up to date once the operator pauses."""
        self.save_draft(self.draft.data, STEPS[self.index].id)
        self.query_one(ImplicationsPanel).mark_stale(stale_note(self.draft))
        if recompute and self.draft.valid:
            self.recompute(self.draft.plan)
        self.build_ahead_later()

    async def refresh_rows(self, page: Widget, *, values: bool = True) -> None:
        """Bring a page's rows up to date with the answers: which matter, their problems, origins and placeholders,
        and (`values`, for a kept page shown again) what their controls hold, which a quick fix, a resume or the
        cluster may have changed meanwhile. Only the page shown: the others are brought up to date when shown."""
        shown = self.draft.shown
        building = []
        rows: list[FieldRow] = []
        for widget in page.walk_children():  # one walk, not three CSS queries (each matched every widget's selectors)
            if isinstance(widget, FieldRow):
                rows.append(widget)
            elif isinstance(widget, ListButton | ItemHeading) and widget.display != relevant(widget.probe, shown):
                widget.display = not widget.display
        for row in rows:
            if values:
                row.show_value(self.draft.text(row.decl.path))
            row.show_origin(self.origins.of(self.draft, row.decl.path))
            row.show_problem(self.draft.problem(row.decl.path))
            row.show_placeholder(placeholder(row.decl, self.draft))
            if (parts := row.show(relevant(row.decl.path, shown))) is not None:  # the answer may make it matter
                building.append(parts)
        for parts in building:  # built before the operator's next key: Tab goes to a field that exists
            await parts

    @work(thread=True, exclusive=True, group="draft")
    def save_draft(self, data: dict[str, object], step: str | None = None) -> None:
        """Keep the answers so far and the step shown, so that a crash or Ctrl+C loses nothing and a resumed run
        starts there (off the UI thread: it fsyncs); not for a network's organisation, whose answers go to the
        network file."""
        if self.ending.resumable:
            resume.save(data, step)
