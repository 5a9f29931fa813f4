"""Modal questions of the wizard."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ResumeModal(ModalScreen[bool]):
    """An unfinished run was found: resume it (True) or start over (False)."""

    BINDINGS = [("escape", "dismiss(False)", "Start over")]

    def __init__(self, age: str) -> None:
        super().__init__()
        self.age = age

    def compose(self) -> ComposeResult:
        with Vertical(id="resume"):
            yield Static(f"An unfinished run was saved {self.age}. Resume it, with its answers?", markup=False)
            with Horizontal():
                yield Button("Resume", id="resume-yes", variant="primary")
                yield Button("Start over", id="resume-no")

    @on(Button.Pressed, "#resume-yes")
    def resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#resume-no")
    def start_over(self) -> None:
        self.dismiss(False)
