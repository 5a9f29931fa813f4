"""Modal questions of the wizard. Each opens focused on the button Enter should press, and Esc is the way out."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class ResumeModal(ModalScreen[bool]):
    """An unfinished run was found: resume it (True) or start over (False)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(False)", "Start over")]
    AUTO_FOCUS = "#resume-yes"  # the App focuses nothing by itself: without this, Enter did nothing until Tab

    def __init__(self, age: str) -> None:
        super().__init__()
        self.age = age

    def compose(self) -> ComposeResult:
        with Vertical(id="resume", classes="dialog"):
            yield Static(f"An unfinished run was saved {self.age}. Resume it, with its answers, where you left it?",
                         markup=False)
            with Horizontal():
                yield Button("Resume", id="resume-yes", variant="primary")
                yield Button("Start over", id="resume-no")
        yield Footer()

    @on(Button.Pressed, "#resume-yes")
    def resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#resume-no")
    def start_over(self) -> None:
        self.dismiss(False)


class ConfirmWrite(ModalScreen[bool]):
    """Asked once before the files are written (and, with install, before the wizard leaves to install): True to go
    on. Focused on the action, which the operator just chose; Esc or Cancel go back to the review."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(False)", "Cancel")]
    AUTO_FOCUS = "#confirm-yes"

    def __init__(self, action: str, question: str) -> None:
        super().__init__()
        self.action, self.question = action, question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(f"{self.action}?", classes="dialog-title", markup=False)
            yield Static(self.question, markup=False)
            with Horizontal():
                yield Button(self.action, id="confirm-yes", variant="primary")
                yield Button("Cancel", id="confirm-no")
        yield Footer()

    @on(Button.Pressed, "#confirm-yes")
    def confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def cancelled(self) -> None:
        self.dismiss(False)
