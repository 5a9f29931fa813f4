"""The full-screen wizard: the steps on the left, the implications panel on the right, one Draft as the state.

Thin by design: which questions to ask (frontend.steps), how an answer is checked (frontend.draft), what the panel
shows (frontend.panel) and what gets written (writing.output, after the app exits) all live in wizard/.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from screens import accounts
from screens.accounts import AccountsMixin
from screens.modals import ResumeModal
from screens.widgets import FieldRow, ImplicationsPanel, ItemHeading, KeysFooter, ListButton
from wizard.cluster import admission_report
from wizard.cluster.admission import Admission
from wizard.cluster.choices import choices_for
from wizard.cluster.facts import ClusterFacts, Discovery
from wizard.frontend import resume
from wizard.frontend.draft import Draft, edit
from wizard.frontend.lists import ListDecision, add_item, first_field, items, lists_in, remove_item
from wizard.frontend.panel import Panel, changes, panel, stale_note
from wizard.frontend.provenance import field_origin
from wizard.frontend.resume import SavedDraft
from wizard.frontend.steps import STEPS, Step, fields, relevant, step_for_values_key
from wizard.planning.declare import declarations
from wizard.planning.layers import Layer
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.reporting.findings import Finding
from wizard.writing.output import values_text
from wizard.writing.values import render

NARROW = 100
"""Below this many columns the step gets a fixed narrow width, so that the panel keeps its key columns."""


class PanelComputed(Message):
    def __init__(self, panel: Panel, findings: list[Finding]) -> None:
        super().__init__()
        self.panel, self.findings = panel, findings


class ClusterFound(Message):
    def __init__(self, discovery: Discovery) -> None:
        super().__init__()
        self.discovery = discovery


class AdmissionJudged(Message):
    def __init__(self, plan: Plan, admission: Admission | None, said: str) -> None:
        super().__init__()
        self.plan, self.admission, self.said = plan, admission, said


Admit = Callable[[Plan], tuple[Admission | None, str]]
"""Sends a Plan's pods to the cluster as server-side dry runs (wizard.cluster.admission.judge): the verdicts, or
None and why not; the words name the cluster."""
ASKING = "Asking the cluster to judge each pod (server-side dry run; nothing is created)..."


class WizardApp(AccountsMixin, App[Plan | None]):
    """Returns the Plan to write (Finish), or None (quit); `install_requested` when the operator chose to install
    after writing; `given_secrets` the admin passwords typed in the Accounts and secrets step (screens.accounts)."""

    CSS_PATH = "app.tcss"
    TITLE = "substra-wizard"
    AUTO_FOCUS = None  # a step opens on its first field, ready for typing, and scrolled to its top (_focus_first)
    BINDINGS = [
        Binding("ctrl+n", "next_step", "Next step"),
        Binding("escape", "previous_step", "Back"),
        Binding("f1", "help", "Help"),
        Binding("f2", "wide_panel", "Wide panel"),
        Binding("f3", "show_secrets", "Reveal"),  # the Accounts and secrets step only (check_action)
        Binding("f3", "hide_secrets", "Hide"),
        Binding("ctrl+q", "quit_wizard", "Quit", priority=True),
    ]

    def __init__(self, plan: Plan, saved: SavedDraft | None = None,
                 discover: Callable[[Plan], Discovery] | None = None, layers: Sequence[Layer] = (),
                 admit: Admit | None = None, out_dir: Path | None = None) -> None:
        super().__init__()
        self.accounts_start(out_dir)
        self.admit = admit
        self._admission: tuple[Plan, str] | None = None
        """The cluster's verdicts as shown, and the Plan they are for (asked again only when it changes)."""
        self.layers = tuple(layers)
        self._started = Draft.start(plan)
        self._origins: dict[str, str] = {}
        self.saved = saved
        self.discover = discover
        self.cluster: ClusterFacts | None = None
        self.install_requested = False
        self.draft = Draft.start(plan)
        self.initial = plan
        self.index = 0
        self.findings: list[Finding] = []
        self._shown: Panel | None = None
        """The panel on the screen (set by compose, before the first frame)."""
        self._confirm_quit = False

    def compose(self) -> ComposeResult:
        """Everything of the first screen in one pass, the panel included: one layout, one first frame (mounting
        the step afterwards, or filling the panel from the worker, would lay the screen out two more times)."""
        first = self._panel_now(self.draft.plan)  # a Draft starts from a valid Plan
        self._fit(self.size.width)  # before any widget is mounted: a class set later restyles every one of them
        yield Header()
        with Horizontal():
            yield VerticalScroll(*self._step_widgets(), id="step")
            yield ImplicationsPanel(first, id="panel")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._focus_first()
        if self.discover is not None:  # once the first screen is up: the client takes a second to load
            self.call_after_refresh(self.look_at_cluster, self.draft.plan)
        if self.saved is not None:
            self.push_screen(ResumeModal(resume.age(self.saved)), self.resume_answered)

    async def resume_answered(self, yes: bool | None) -> None:
        if yes and self.saved is not None:
            self.draft = Draft.resume(self.saved.data, self.draft.plan)
            self.follow_users()
            await self.show_step()
            self._answers_changed()
        else:
            resume.clear()

    # --- steps ------------------------------------------------------------------------------------------------

    async def show_step(self, focus: str | None = None) -> None:
        """Show the current step; `focus` keeps the operator on the field they just answered when the answer
        changed which fields apply (the step is rebuilt)."""
        container = self.query_one("#step", VerticalScroll)
        self.screen.set_focus(None, scroll_visible=False)  # else Textual moves the focus on to the column while the
        await container.remove_children()  # step is rebuilt, and restyles all of it twice
        await container.mount_all(self._step_widgets())
        self.refresh_bindings()  # F3 belongs to one step
        row = next((r for r in self.query(FieldRow) if r.decl.path == focus), None)
        if row is None:  # a step just entered
            container.scroll_home(animate=False)
            self._focus_first()
            return
        row.focus_control()
        row.scroll_visible(animate=False)

    def _focus_first(self) -> None:
        """On the step's first field, the step's title still in view; the review: on the page, to scroll it."""
        if not any(row.focus_control() for row in self.query(FieldRow) if row.display):
            self.query_one("#step", VerticalScroll).focus(scroll_visible=False)

    def _step_widgets(self) -> list[Widget]:
        """The current step's title, help, fields (or the review) and buttons; the header names the step."""
        step = STEPS[self.index]
        self.sub_title = f"Step {self.index + 1} of {len(STEPS)}: {step.title}"
        widgets = [Static(step.title, classes="step-title"), Static(step.help, classes="step-help")]
        if step.id != "accounts":
            self.revealed = False  # secrets shown on request are hidden again once the operator moves on
        if step.id == "accounts":
            widgets += self.accounts_widgets(self._field_rows(step))
        elif step.sections:
            widgets += self._field_rows(step)
        else:
            widgets += self._review()
        widgets.append(Button("Write the files" if step.id == "review" else "Next", id="next", variant="primary"))
        if step.id == "review":
            widgets.append(Button("Write the files, then install", id="install"))
        return widgets

    def _field_rows(self, step: Step) -> list[Widget]:
        """A row per field; the items of a list under a heading with a Remove button, and an Add button after the
        list (shown only while the list matters)."""
        shown, data = self.draft.shown, self.draft.data
        lists = {decision.path: decision for decision in lists_in(step.sections)}
        widgets: list[Widget] = []
        for decl in fields(step, shown, all_of_them=True, data=data):
            item = _item_of(decl.path, lists)
            if item is not None and decl.path == f"{item[0].path}[{item[1]}]{item[2]}":  # its first field
                decision, index, _ = item
                heading = f"{decision.item.capitalize()} {index + 1}"
                widgets.append(ItemHeading(heading, decl.path))
                widgets.append(ListButton(f"Remove {heading.lower()}", decision.path, index, decl.path))
            widgets.append(FieldRow(decl, self.draft.text(decl.path), self.draft.problem(decl.path),
                                    relevant=relevant(decl.path, shown),
                                    choices=choices_for(decl.path, shown, self.cluster),
                                    origin=self._origin(decl.path)))
        for decision in lists.values():
            probe = first_field(decision)
            at = max((i for i, w in enumerate(widgets) if isinstance(w, FieldRow) and
                      w.decl.path.startswith(decision.path + "[")), default=None)
            add = ListButton(f"Add {decision.one_more}", decision.path, None, probe)
            if at is None:  # an empty list: its Add button where the list would be
                at = _position_of_empty_list(widgets, decision.path)
            widgets.insert(at + 1, add)
        for widget in widgets:
            if isinstance(widget, ListButton | ItemHeading):
                widget.display = relevant(widget.probe, shown)
        return widgets

    def _review(self) -> list[Static | OptionList]:
        problems = [Static(f"! {p}", classes="field-error", markup=False) for p in self.draft.problems]
        files = [Static(values_text(v)[2], classes="values-file", markup=False) for v in render(self.draft.plan)]
        options = [Option(f"{f.severity.upper()} {f.area}: {f.message}", id=str(i)) for i, f in
                   enumerate(self.findings)]
        return [*problems, *self._admission_widgets(), *files,
                Static("Findings (Enter on one goes to the step that decides it):"), OptionList(*options, id="findings")]

    def _admission_widgets(self) -> list[Static]:
        """Once a cluster was found: its own verdict on each pod beside the wizard's prediction, asked in a thread
        (a dry run per pod) once per Plan."""
        if self.cluster is None or self.admit is None or not self.draft.valid:
            return []
        plan = self.draft.plan
        if self._admission is not None and self._admission[0] == plan:
            text = self._admission[1]
        else:
            text = ASKING
            self.call_after_refresh(self.judge_pods, plan)
        return [Static(text, id="admission", markup=False)]

    @on(FieldRow.Edited)
    async def field_edited(self, event: FieldRow.Edited) -> None:
        if event.text == self.draft.text(event.path):
            return
        step = STEPS[self.index]
        before = {d.path for d in fields(step, self.draft.shown, all_of_them=True, data=self.draft.data)}
        self.draft = edit(self.draft, event.path, event.text)
        if event.path.startswith(accounts.USERS):
            self.follow_users()
        shown = self.draft.shown
        if {d.path for d in fields(step, shown, all_of_them=True, data=self.draft.data)} != before:
            await self.show_step(focus=event.path)  # list items came or went: build the step again
        await self._refresh_rows(shown)
        self._answers_changed()

    def _answers_changed(self) -> None:
        """Keep the answers, and recompute the panel when they make a Plan (else it says what to fix first)."""
        self.save_draft(self.draft.data)
        self.query_one(ImplicationsPanel).mark_stale(stale_note(self.draft))
        if self.draft.valid:
            self.recompute(self.draft.plan)

    def _origin(self, path: str) -> str:
        """Which layer set the field, or that the operator changed it here (provenance, as `wizard why` says)."""
        if self.draft.text(path) != self._started.text(path):
            return "set here (interactive edit)"
        if not self.layers:
            return ""
        if path not in self._origins:  # the layers never change: each field's origin is looked up once
            try:
                self._origins[path] = f"set by {field_origin(self.layers, path)}"
            except KeyError:  # an item the operator added: no layer knows it
                self._origins[path] = "set here (interactive edit)"
        return self._origins[path]

    async def _refresh_rows(self, shown: Plan) -> None:
        building = []
        for row in self.query(FieldRow):
            row.show_origin(self._origin(row.decl.path))
            row.show_problem(self.draft.problem(row.decl.path))
            if (parts := row.show(relevant(row.decl.path, shown))) is not None:  # the answer may make it matter
                building.append(parts)
        for widget in [*self.query(ListButton), *self.query(ItemHeading)]:
            if widget.display != (wanted := relevant(widget.probe, shown)):
                widget.display = wanted
        for parts in building:  # built before the operator's next key: Tab goes to a field that exists
            await parts

    @on(Input.Submitted, ".field-control")
    def field_submitted(self) -> None:
        """Enter in a text field goes on to the next field, as Tab does (the last one leads to Next)."""
        self.screen.focus_next()

    @on(Button.Pressed, ".list-button")
    async def list_changed(self, event: Button.Pressed) -> None:
        button = event.button
        assert isinstance(button, ListButton)
        event.stop()
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
        self._answers_changed()

    @on(Button.Pressed, "#install")
    def write_and_install(self) -> None:
        """Leave the wizard to write the files, then install in the terminal (checks, confirmation, progress)."""
        self.install_requested = self.draft.valid
        self.finish()

    @on(Button.Pressed, "#next")
    async def action_next_step(self) -> None:
        if STEPS[self.index].id == "review":
            self.finish()
        else:
            self.index += 1
            await self.show_step()

    async def action_previous_step(self) -> None:
        if self.index > 0:
            self.index -= 1
            await self.show_step()

    @on(OptionList.OptionSelected, "#findings")
    async def go_to_finding(self, event: OptionList.OptionSelected) -> None:
        step = step_for_values_key(self.findings[int(event.option.id or 0)].values_key)
        if step is not None:
            self.index = STEPS.index(step)
            await self.show_step()

    def finish(self) -> None:
        if not self.draft.valid:
            self.notify("Fix the problems listed above first.", severity="error")
            return
        if self.passwords_hold_finish():
            return
        self.exit(self.draft.plan)

    @work(thread=True, exclusive=True, group="draft")
    def save_draft(self, data: dict[str, object]) -> None:
        """Keep the answers so far, so that a crash or Ctrl+C loses nothing (off the UI thread: it fsyncs)."""
        resume.save(data)

    # --- panel ------------------------------------------------------------------------------------------------

    def _panel_now(self, plan: Plan) -> Panel:
        """The first panel, computed before the first frame (an explain takes a few milliseconds): the screen is
        drawn once, with its implications, instead of twice."""
        self._shown, self.findings = _implications(plan)
        return self._shown

    @work(thread=True, exclusive=True, group="panel")
    def recompute(self, plan: Plan) -> None:
        self.post_message(PanelComputed(*_implications(plan)))

    def on_panel_computed(self, message: PanelComputed) -> None:
        self.findings = message.findings
        if message.panel == self._shown:
            return  # typing on in a field that changes nothing more: the marks of the last real change stay
        self.query_one(ImplicationsPanel).show(message.panel, changes(self._shown, message.panel))
        self._shown = message.panel

    # --- cluster ----------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="cluster")
    def look_at_cluster(self, plan: Plan) -> None:
        assert self.discover is not None
        self.post_message(ClusterFound(self.discover(plan)))

    def on_cluster_found(self, message: ClusterFound) -> None:
        """The storage fields offer what the cluster has; without a cluster the wizard just says so."""
        found = message.discovery
        if found.facts is None:
            self.notify(f"No cluster to look at: {found.reason}. The wizard works fully without one.", timeout=6)
            return
        self.cluster = found.facts
        self.notify(f"Cluster {found.context} ({found.server}): storage classes and claims are offered in the "
                    "Storage step.", timeout=6)
        shown = self.draft.shown
        for row in self.query(FieldRow):
            row.offer(choices_for(row.decl.path, shown, self.cluster))

    @work(thread=True, exclusive=True, group="admission")
    def judge_pods(self, plan: Plan) -> None:
        assert self.admit is not None
        self.post_message(AdmissionJudged(plan, *self.admit(plan)))

    def on_admission_judged(self, message: AdmissionJudged) -> None:
        text = _verdicts_text(message.admission, message.said)
        self._admission = (message.plan, text)
        if message.plan == self.draft.plan:
            for widget in self.query("#admission").results(Static):
                widget.update(text)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")  # 80 columns: the step narrower, the panel wider

    def action_wide_panel(self) -> None:
        """F2: the panel over the whole width (every column readable at 80x24), F2 again: the step back."""
        self.toggle_class("-wide-panel")

    # --- help and quit ----------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("show_secrets", "hide_secrets"):
            return self.secrets_action(action)
        return True

    def action_help(self) -> None:
        """F1: what the current step decides, then the keys (one toast: two do not fit in 80x24)."""
        step = STEPS[self.index]
        about = accounts.HELP if step.id == "accounts" else step.help
        self.notify(f"{about}\n\nKeys: Tab/Shift+Tab (or Enter in a text field) next field; Ctrl+N (or Enter on Next) "
                    "next step; Esc back; Ctrl+Q quit. Each field says what it does and which values keys it sets. "
                    "The panel: + added, ~ changed by the last edit, ! worth a look; F2 gives it the whole screen.",
                    title=step.title, timeout=15, markup=False)

    def action_quit_wizard(self) -> None:
        if self._confirm_quit or (self.draft.plan == self.initial and self.draft.valid):
            self.exit(None)
            return
        self._confirm_quit = True
        self.notify("You have unsaved decisions: press Ctrl+Q again to quit without writing.", severity="warning")

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """The command palette's Screenshot, written 0600 (a folder it creates 0700): the screen may show an imported
        password, and Textual's own writer leaves the file as wide as the umask allows."""
        import time
        from pathlib import Path

        from platformdirs import user_downloads_path

        from wizard.core import files
        from wizard.core.errors import WizardError

        folder = Path(path) if path else user_downloads_path()
        target = folder / (filename or f"{self.title} {time.strftime(time_format or '%Y-%m-%dT%H_%M_%S')}.svg")
        try:
            files.make_dirs(folder)
            files.atomic_write(target, self.export_screenshot())
        except (OSError, WizardError) as error:
            self.notify(f"Screenshot not saved: {error}", title="Screenshot", severity="error", markup=False)
            return None
        self.notify(f"Saved screenshot to {target} (readable by you only)", title="Screenshot", markup=False)
        return None


def _implications(plan: Plan) -> tuple[Panel, list[Finding]]:
    """What the panel shows for a Plan, and the findings the review lists."""
    report = explain(plan_inputs(plan), version=plan_version(plan), plan=plan)
    return panel(report), report.findings


def _verdicts_text(admission: Admission | None, said: str) -> str:
    """The review's admission section: the same lines as wizard preflight, then what they mean."""
    if admission is None:
        return f"The cluster could not judge the pods: {said}."
    found = admission_report.findings(admission)
    lines = admission_report.lines(admission, compact=True) or ["No pod to judge."]
    return "\n".join([f"Cluster {said}:", *lines, *(f"{f.severity}: {f}" for f in found)])


def _item_of(path: str, lists: dict[str, ListDecision]) -> tuple[ListDecision, int, str] | None:
    """(list, item index, the item's first field name) when `path` is a field of a list item."""
    for list_path, decision in lists.items():
        if path.startswith(list_path + "["):
            index = int(path[len(list_path) + 1:].split("]", 1)[0])
            return decision, index, first_field(decision).split("]", 1)[1]
    return None


def _position_of_empty_list(widgets: list[Widget], list_path: str) -> int:
    """Index of the row after which an empty list's Add button goes: the last field declared before the list."""
    order = [d.path for d in declarations()]
    start = next(i for i, path in enumerate(order) if path.startswith(list_path + "[0]"))
    before = set(order[:start])
    return max((i for i, w in enumerate(widgets) if isinstance(w, FieldRow) and w.decl.path in before), default=-1)


def make_app(plan: Plan, saved: SavedDraft | None = None,
             discover: Callable[[Plan], Discovery] | None = None, layers: Sequence[Layer] = (),
             admit: Admit | None = None, *, out_dir: Path | None = None) -> WizardApp:
    """The app for a Plan (offering to resume `saved`; `discover` reads the cluster, in a thread, to offer its
    storage classes and claims; `layers`, the sources the Plan was built from, say where each value comes from;
    `admit`, once a cluster was found, has it judge the pods for the review; `out_dir`, where the files go, whose
    secrets/ says which credentials a re-run keeps); cli.py and the tests build it the same way."""
    return WizardApp(plan, saved, discover, layers, admit, out_dir)

