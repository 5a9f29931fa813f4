"""The values files as they will be written, over the whole screen: the step column is too narrow for their comments
(each key says which decision set it). YAML colours from Pygments through Rich's Syntax; long lines wrap under the
line numbers, so a key's comment stays beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

THEME = "ansi_dark"
"""Pygments colours as the terminal's own ANSI colours, which Textual maps to its theme (readable on dark and light)."""


class ValuesViewer(ModalScreen[None]):
    """Every values file, one after the other under its name, scrollable; Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close")]
    AUTO_FOCUS = "#viewer-files"

    def __init__(self, files: Sequence[tuple[str, str]], where: str) -> None:
        super().__init__()
        self.files = tuple(files)
        self.where = where

    def compose(self) -> ComposeResult:
        yield Static(f"The values files as they will be written {self.where}. Arrows, PgUp/PgDn, Home/End "
                     "scroll; Esc closes.", id="viewer-title", markup=False)
        background = self.app.theme_variables.get("background", "default")  # the screen's: one even page
        with VerticalScroll(id="viewer-files"):
            for name, text in self.files:
                yield Static(name, classes="viewer-file-name", markup=False)
                yield Static(Syntax(text, "yaml", theme=THEME, line_numbers=True, word_wrap=True,
                                    background_color=background), classes="viewer-file")
        yield Footer()
