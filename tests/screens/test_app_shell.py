"""The App stays a shell (issue 15): its concerns live in modules of their own, and none of their event handlers is
lost on the way (Textual honours @on only on classes it builds, not on plain mixins)."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.message_pump import MessagePump

import screens.app
from screens.app import WizardApp

MAX_APP_LINES = 150


def test_the_app_class_is_a_shell_of_at_most_150_lines() -> None:
    source = Path(screens.app.__file__).read_text(encoding="utf-8")
    found = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef) and node.name == "WizardApp"]
    assert len(found) == 1, "screens/app.py must define WizardApp"
    node = found[0]
    assert node.end_lineno is not None
    lines = node.end_lineno - node.lineno + 1
    assert lines <= MAX_APP_LINES, f"WizardApp has {lines} lines; move a concern out of it"


def test_no_mixin_carries_an_event_handler_textual_would_ignore() -> None:
    ignored = [f"{cls.__name__}.{name}" for cls in WizardApp.__mro__ if not issubclass(cls, MessagePump)
               for name, value in vars(cls).items() if hasattr(value, "_textual_on")]
    assert ignored == [], f"@on handlers on a mixin are never called: {ignored}; wire them in WizardApp"
