"""The network mode of the full-screen wizard: the organisations of a network file on the left, the paths between
them on the right (open or blocked, and whether each pair's two sides hold the same secret). Enter opens an
organisation's steps, `a` adds one, `w` writes the network; the app returns the choice to the command, which runs
the organisation's steps as a wizard of its own and comes back here."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Input, Static

from screens.escape_key import prompt_escape
from wizard.frontend.network_overview import QUESTIONS, Overview, answer_problem, channel_choices, new_organisation
from wizard.network.model import Network

Choice = tuple[str, str, dict[str, Any], list[str]]
"""(add | edit | write, organisation name, new organisation, channels it joins)."""

HELP = ("Enter on an organisation opens its steps (features, storage, ingress, accounts), reading its own kube "
        "context; what you decide there goes to its plan in the network file. a adds an organisation, w writes "
        "every folder and the install order, q leaves (changes already made to the network file stay).")


class AddOrganisation(ModalScreen[tuple[dict[str, Any], list[str]] | None]):
    """The new organisation's answers, each checked as the network file checks it; Esc leaves without adding."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]
    AUTO_FOCUS = "#answer-name"

    def __init__(self, network: Network) -> None:
        super().__init__()
        self.network = network

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="add-organisation", classes="dialog"):
            yield Static("Add an organisation", classes="dialog-title")
            for key, question, help_text in QUESTIONS:
                yield Static(f"[b]{question}[/b]  {help_text}", classes="question")
                value = self.network.orchestrator.context if key == "context" else ""
                yield Input(value, id=f"answer-{key}", compact=True)
            for name, members in channel_choices(self.network):
                yield Checkbox(f"Join {name} ({members})", True, id=f"channel-{name}")
            yield Static("", id="add-problem", markup=False)
            with Horizontal():
                yield Button("Add", id="add-yes", variant="primary")
                yield Button("Cancel", id="add-no")
        yield Footer()

    @on(Button.Pressed, "#add-yes")
    @on(Input.Submitted)
    def submit(self) -> None:
        answers = {key: self.query_one(f"#answer-{key}", Input).value.strip() for key, _, _ in QUESTIONS}
        for key, question, _ in QUESTIONS:
            problem = answer_problem(self.network, key, answers[key])
            if problem:
                self.query_one("#add-problem", Static).update(f"{question}: {problem}")
                self.query_one(f"#answer-{key}", Input).focus()
                return
        channels = [name for name, _ in channel_choices(self.network)
                    if self.query_one(f"#channel-{name}", Checkbox).value]
        self.dismiss((new_organisation(self.network, answers), channels))

    @on(Button.Pressed, "#add-no")
    def cancel(self) -> None:
        self.dismiss(None)


class NetworkApp(App[Choice | None]):
    CSS_PATH = "app.tcss"
    TITLE = "substra-wizard: network"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add organisation"), Binding("w", "write", "Write network"),
        Binding("q,ctrl+q", "quit", "Quit"), Binding("f1", "help", "Help")]

    def __init__(self, shown: Overview, network: Network) -> None:
        super().__init__()
        prompt_escape()  # Esc goes back: as quick as any other key
        self.shown, self.network = shown, network

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="network"):
            yield Static(self.shown.orchestrator, markup=False)
            yield Static(self.shown.channels, markup=False)
            yield DataTable(id="organisations", cursor_type="row", zebra_stripes=True)
            yield Static("Paths between organisations", classes="dialog-title")
            yield DataTable(id="paths", cursor_type="row")
            yield Static("\n".join(self.shown.findings) or "Every path is open.", id="network-findings",
                         markup=False)
            yield Static("Enter on an organisation: open its steps", id="network-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.shown.title
        organisations = self.query_one("#organisations", DataTable)
        organisations.add_columns("Name", "MSP id", "Context", "Namespace", "Host", "Channels")
        for row in self.shown.organisations:
            organisations.add_row(*row, key=row[0])
        paths = self.query_one("#paths", DataTable)
        paths.add_columns("", "From", "To", "Credentials")
        for row in self.shown.paths:
            paths.add_row(*row)
        organisations.focus()

    @on(DataTable.RowSelected, "#organisations")
    def open_steps(self, event: DataTable.RowSelected) -> None:
        self.exit(("edit", str(event.row_key.value), {}, []))

    def action_add(self) -> None:
        def added(answer: tuple[dict[str, Any], list[str]] | None) -> None:
            if answer is not None:
                self.exit(("add", str(answer[0]["name"]), answer[0], answer[1]))

        self.push_screen(AddOrganisation(self.network), added)

    def action_write(self) -> None:
        self.exit(("write", "", {}, []))

    def action_help(self) -> None:
        self.notify(HELP, title="Network mode", timeout=12)
