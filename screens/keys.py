"""The keys of the wizard, and the commands that are about no step in particular: help (F1), quit (Ctrl+Q, asked
twice when decisions would be lost) and the command palette's screenshot, written private.

A mixin of WizardApp: Textual asks the App which actions are offered (check_action), and quitting and screenshots
are the App's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from screens import accounts
from screens.panel_view import TABS, ImplicationsPanel
from wizard.frontend.steps import STEPS
from wizard.planning.plan import Plan

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft

BINDINGS = [
    Binding("ctrl+n", "next_step", "Next"),
    Binding("escape", "previous_step", "Back"),
    Binding("f1", "help", "Help"),
    Binding("f2", "wide_panel", "Wide"),
    Binding("f3", "show_secrets", "Reveal"),  # the Accounts and secrets step only (check_action)
    Binding("f3", "hide_secrets", "Hide"),
    Binding("f4", "next_tab", "Next tab"),
    *(Binding(key, f"show_tab('{tab}')", title) for tab, title, key in TABS),
    Binding("ctrl+q", "quit_wizard", "Quit", priority=True),
]
"""The panel's tab keys are in the footer when it has room (screens.widgets.KeysFooter), and in the tab titles."""
KEYS_HELP = ("Keys: Tab/Shift+Tab (or Enter in a text field) next field; Ctrl+N (or Enter on Next) next step; Esc "
             "back; Ctrl+Q quit. Each field says what it does and which values keys it sets. The panel: F5 Security, "
             "F6 Network, F7 Volumes, F4 the next tab (the focus stays where you type); the same key again moves "
             "into the tab's table (arrows pick a pod) and back. + added, ~ changed by the last edit (a tab title "
             "with ~: the last edit changed it), in colour: worth a look. Network: who may reach the picked pod and "
             "whom it may reach, with ports. F2 gives the panel the whole screen. Ctrl+P then a few letters of a "
             "field's name goes to it on any step. Ctrl+P, Screenshot: saves the screen in the wizard's state folder "
             "(the message says where).")


class KeysMixin:
    """Expects the App's `index`, `draft` and `initial` (the Plan it started from), and the Accounts step's
    `secrets_action`."""

    index: int
    draft: Draft
    initial: Plan
    title: Any
    notify: Any
    exit: Any
    export_screenshot: Any
    secrets_action: Any
    query_one: Any
    _confirm_quit = False
    """Ctrl+Q was pressed once with unsaved decisions: the next one quits."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("show_secrets", "hide_secrets"):
            return self.secrets_action(action)
        return True

    def action_help(self) -> None:
        """F1: what the current step decides, then the keys (one toast: two do not fit in 80x24)."""
        step = STEPS[self.index]
        about = accounts.HELP if step.id == "accounts" else step.help
        self.notify(f"{about}\n\n{KEYS_HELP}", title=step.title, timeout=15, markup=False)

    def action_show_tab(self, tab: str) -> None:
        """F5, F6, F7: a tab of the panel, the focus left where it is (the operator keeps typing)."""
        self.query_one(ImplicationsPanel).show_tab(tab)

    def action_next_tab(self) -> None:
        self.query_one(ImplicationsPanel).next_tab()

    def action_quit_wizard(self) -> None:
        if self._confirm_quit or (self.draft.plan == self.initial and self.draft.valid):
            self.exit(None)
            return
        self._confirm_quit = True
        self.notify("You have unsaved decisions: press Ctrl+Q again to quit without writing.", severity="warning")

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """The command palette's Screenshot, written 0600 into the wizard's state folder (created 0700; Textual's
        default, ~/Downloads, may not exist and failed there): the screen may show an imported password, and Textual's
        own writer leaves the file as wide as the umask allows. The notification says where it went."""
        import time
        from pathlib import Path

        from wizard.core import files
        from wizard.core.errors import WizardError
        from wizard.frontend.resume import state_dir

        folder = Path(path) if path else state_dir() / "screenshots"
        target = folder / (filename or f"{self.title} {time.strftime(time_format or '%Y-%m-%dT%H_%M_%S')}.svg")
        try:
            files.make_dirs(folder)
            files.atomic_write(target, self.export_screenshot())
        except (OSError, WizardError) as error:
            self.notify(f"Screenshot not saved: {error}", title="Screenshot", severity="error", markup=False)
            return None
        self.notify(f"Saved screenshot to {target} (readable by you only)", title="Screenshot", markup=False)
        return None
