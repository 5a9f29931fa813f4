"""The full-screen wizard: the steps on the left, the implications panel on the right, one Draft as the state.

Thin by design: which questions to ask (frontend.steps), how an answer is checked (frontend.draft), what the panel
shows (frontend.panel) and what gets written (writing.output, after the app exits) all live in wizard/. The App is
the shell: it holds the state, composes the first screen, hands each event to the concern that owns it, and
finishes. The concerns are its mixins, one module each: navigation (which step is shown), page_building (its page:
kept, built ahead or built now), editing (taking an answer), reviewing (writing, asked first; quick fixes; the
values viewer), panel_updates, cluster_view, accounts (the Accounts and secrets step) and keys (help, quit,
screenshot).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header, Input, OptionList

from screens import keys
from screens.accounts import AccountsMixin
from screens.cluster_view import Admit, ClusterViewMixin
from screens.editing import EditingMixin
from screens.escape_key import prompt_escape
from screens.field_search import FieldSearch
from screens.layout_now import lay_out_now
from screens.modals import ResumeModal
from screens.navigation import NavigationMixin
from screens.page_building import PageBuildingMixin
from screens.panel_updates import PanelUpdatesMixin
from screens.panel_view import ImplicationsPanel
from screens.partial_repaint import PartialRepaintMixin
from screens.review import ReviewList
from screens.reviewing import INSTALL_BUTTON, ReviewingMixin
from screens.step_pages import StepPages
from screens.step_widgets import FieldOrigins
from screens.widgets import FieldRow, KeysFooter, ListButton
from wizard.cluster.facts import ClusterFacts, Discovery
from wizard.frontend import resume
from wizard.frontend.draft import Draft
from wizard.frontend.resume import SavedDraft
from wizard.frontend.review import WRITE_ENDING, Ending
from wizard.frontend.steps import STEPS
from wizard.planning.layers import Layer
from wizard.planning.plan import Plan
from wizard.reporting.findings import Finding


class WizardApp(NavigationMixin, PageBuildingMixin, EditingMixin, ReviewingMixin, AccountsMixin, PanelUpdatesMixin,
                ClusterViewMixin, keys.KeysMixin, PartialRepaintMixin, App[Plan | None]):
    """Returns the Plan to write (Finish), or None (quit); `install_requested` when the operator chose to install
    after writing; `given_secrets` the admin passwords typed in the Accounts and secrets step (screens.accounts)."""

    CSS_PATH = "app.tcss"
    TITLE = "substra-wizard"
    AUTO_FOCUS = None  # a step opens on its first field, ready for typing, and scrolled to its top (focus_first)
    BINDINGS = keys.BINDINGS
    COMMANDS = App.COMMANDS | {FieldSearch}  # Ctrl+P, a field's name: straight to it (screens.field_search)

    def __init__(self, plan: Plan, saved: SavedDraft | None = None,
                 discover: Callable[[Plan], Discovery] | None = None, layers: Sequence[Layer] = (),
                 admit: Admit | None = None, out_dir: Path | None = None, ending: Ending = WRITE_ENDING) -> None:
        super().__init__()
        self.ending = ending
        self.accounts_start(out_dir)
        self.admit = admit
        self.origins = FieldOrigins(plan, layers)
        self.saved = saved
        self.discover = discover
        self.cluster: ClusterFacts | None = None
        self.install_requested = False
        self.draft = Draft.start(plan)
        self.initial = plan
        self.index = 0
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        """Everything of the first screen in one pass, the panel included: one layout, one first frame (mounting
        the step afterwards, or filling the panel from the worker, would lay the screen out two more times)."""
        first = self.panel_now(self.draft.plan)  # a Draft starts from a valid Plan
        self.fit(self.size.width)  # before any widget is mounted: a class set later restyles every one of them
        yield Header()
        with Horizontal():
            with Vertical(id="step"):
                first_step = STEPS[self.index]
                self.enter_step()
                page = self.first_page(first_step)
                yield StepPages(page, initial=page.id)
                with Horizontal(id="step-buttons"):
                    yield Button("Next", id="next", variant="primary")
                    yield Button(INSTALL_BUTTON, id="install")
            yield ImplicationsPanel(first, id="panel")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show_buttons()
        self.focus_first()
        self.build_ahead_later()
        if self.discover is not None:  # once the first screen is up: the client takes a second to load
            self.call_after_refresh(self.look_at_cluster, self.draft.plan)
        if self.saved is not None:
            self.push_screen(ResumeModal(resume.age(self.saved)), self.resume_answered)

    async def resume_answered(self, yes: bool | None) -> None:
        if yes and self.saved is not None:
            self.draft = Draft.resume(self.saved.data, self.draft.plan)
            self.follow_users()
            self.index = self.saved.step_index  # where the run was left
            await self.show_step()
            self.answers_changed()
        else:
            resume.clear()

    # --- events, each to its concern (Textual honours @on only on the App's own methods, not on its mixins') ----

    @on(FieldRow.Edited)
    async def field_edited(self, event: FieldRow.Edited) -> None:
        await self.take_edit(event.path, event.text, typed=event.typed)
        lay_out_now(self.screen)  # rows shown or hidden, the panel's new rows: in the next frame, not three later

    @on(Input.Submitted, ".field-control")
    def field_submitted(self) -> None:
        """Enter in a text field goes on to the next field, as Tab does (the last one leads to Next)."""
        self.screen.focus_next()

    @on(Button.Pressed, ".list-button")
    async def list_changed(self, event: Button.Pressed) -> None:
        button = event.button
        assert isinstance(button, ListButton)
        event.stop()
        await self.change_list(button)

    @on(Button.Pressed, "#next")
    async def action_next_step(self) -> None:
        await self.next_step()

    @on(OptionList.OptionSelected, ".review-list")
    async def follow_review_item(self, event: OptionList.OptionSelected) -> None:
        assert isinstance(event.option_list, ReviewList)
        await self.follow(event.option_list.item_of(event.option))

    @on(Button.Pressed, "#view-files")
    def view_files(self) -> None:
        self.action_view_files()

    @on(Button.Pressed, "#install")
    def write_and_install(self) -> None:
        """Leave the wizard to write the files, then install in the terminal (checks, confirmation, progress); asked
        first."""
        self.ask_to_write(install=True)

    def finish(self) -> None:
        if not self.draft.valid:
            self.notify("Fix the problems listed above first.", severity="error")
            return
        if self.passwords_hold_finish():
            return
        self.exit(self.draft.plan)


def make_app(plan: Plan, saved: SavedDraft | None = None,
             discover: Callable[[Plan], Discovery] | None = None, layers: Sequence[Layer] = (),
             admit: Admit | None = None, *, out_dir: Path | None = None, ending: Ending = WRITE_ENDING) -> WizardApp:
    """The app for a Plan (offering to resume `saved`; `discover` reads the cluster, in a thread, to offer its
    storage classes and claims; `layers`, the sources the Plan was built from, say where each value comes from;
    `admit`, once a cluster was found, has it judge the pods for the review; `out_dir`, where the files go, whose
    secrets/ says which credentials a re-run keeps; `ending`, what the review's action does: write, a dry run, or
    keep a network organisation's answers); cli.py and the tests build it the same way."""
    prompt_escape()  # Esc is Back: as quick as Ctrl+N
    return WizardApp(plan, saved, discover, layers, admit, out_dir, ending)
