"""The Accounts and secrets step of the full-screen wizard: a masked password per admin user (F3 shows or hides it)
and the list of what each secret is for.

Typed passwords live only in the App (`TypedPasswords`, by credential id), never in the Draft: the Draft is saved to
the resume file and becomes the answers file. commands/write.py hands the accepted ones to the writer
(`given_secrets`). Each is judged with the backend's own rules (planning.passwords) in a thread: the first check
imports Django and zxcvbn (about 0.3 s), which must not freeze the screen, and nothing is checked before a password
is typed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from screens.step_pages import StepPages
from screens.widgets import FieldRow
from wizard.core.errors import WizardError
from wizard.frontend.lists import items
from wizard.frontend.secret_status import WHERE, lines
from wizard.frontend.steps import STEPS, STEPS_BY_ID, relevant
from wizard.frontend.typed_passwords import TypedPasswords
from wizard.planning.passwords import username_problem
from wizard.planning.plan import Plan
from wizard.writing.credentials import admin_id

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft

USERS = "accounts.users"
PLACEHOLDER = "(empty: generated)"
PASSWORD_HELP = ("Empty: a 27-character password is generated into secrets/. Typed: checked with the backend's own "
                 "rules (20 to 64 characters, no spaces, hard to guess, not like the user name). F3 shows or hides it.")
HELP = ("Each admin user gets a password: empty, one is generated; typed, it is masked (F3 shows it) and checked "
        "with the backend's own rules, which silently skip a user whose password fails. Below: what each secret is "
        "for, and whether it is typed, kept from secrets/ or generated.")

_CHECKING = threading.Lock()
"""Django's settings are configured by the first check: two checks must not race to do it."""


class PasswordChecked(Message):
    def __init__(self, ident: str, password: str, problems: tuple[str, ...]) -> None:
        super().__init__()
        self.ident, self.password, self.problems = ident, password, problems


class SecretsRead(Message):
    def __init__(self, found: dict[str, str] | None, note: str) -> None:
        super().__init__()
        self.found, self.note = found, note


class PasswordRow(Vertical):
    """One admin user's password: masked, empty for a generated one; the backend's reasons when it would refuse it,
    shown once the operator leaves the field (and cleared as soon as a fix is accepted)."""

    class Typed(Message):
        def __init__(self, row: PasswordRow, password: str) -> None:
            super().__init__()
            self.row, self.password = row, password

    class Left(Message):
        def __init__(self, row: PasswordRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, index: int, username: str, password: str, *, revealed: bool,
                 problems: tuple[str, ...] = ()) -> None:
        super().__init__(id=f"password-{index}", classes="field password-row -invalid" if problems else
                         "field password-row")
        self.index, self.username, self.ident = index, username, admin_id(username)
        self._start = (password, revealed, problems)
        self.judged = bool(problems)
        """Whether the operator left the field once: only then do reasons show (typing is not judged)."""

    def compose(self) -> ComposeResult:
        password, revealed, problems = self._start
        self._start = ("", revealed, problems)  # the row does not keep the password
        yield Label("Admin users - Password", classes="field-label")
        control = Input(password, password=not revealed, select_on_focus=False,
                        classes="field-control password-control")
        self._usable(control)
        yield control
        yield Static(PASSWORD_HELP, classes="field-help", markup=False)
        yield Static(_reasons(problems), classes="field-error", markup=False)

    def _usable(self, control: Input) -> None:
        """A password belongs to a user name: none can be typed before the name is one the backend accepts."""
        usable = username_problem(self.username) is None
        control.disabled = not usable
        control.placeholder = PLACEHOLDER if usable else "(give the user a valid name first)"

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Typed(self, event.value))

    def on_input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        self.judged = True
        self.post_message(self.Left(self))

    def on_input_submitted(self) -> None:  # Enter: judged now; the App then moves on to the next field
        self.judged = True
        self.post_message(self.Left(self))

    def follow(self, username: str, password: str) -> None:
        """The user was renamed: the row is for the new name, with what is typed for it (usually nothing)."""
        if username == self.username:
            return
        self.username, self.ident = username, admin_id(username)
        self.judged = False
        control = self.query_one(Input)
        self._usable(control)
        control.value = password
        self.show_problems(())

    def show_problems(self, problems: tuple[str, ...] | None) -> None:
        """The backend's reasons (shown once judged); () clears them; None (not known yet) keeps what shows."""
        if problems is None:
            return
        shown = bool(problems) and self.judged
        self.query_one(".field-error", Static).update(_reasons(problems) if shown else "")
        self.set_class(shown, "-invalid")

    def reveal(self, revealed: bool) -> None:
        self.query_one(Input).password = not revealed


def _reasons(problems: tuple[str, ...]) -> str:
    return "\n".join(f"The backend would refuse it: {reason}." for reason in problems)


class AccountsMixin:
    """The step's behaviour inside WizardApp, kept here so that the App stays a shell. Expects the App's
    `draft`, `index`, `show_step` and `finish`."""

    draft: Draft
    index: int
    install_requested: bool
    query_one: Any
    notify: Any
    post_message: Any
    refresh_bindings: Any
    call_after_refresh: Any
    finish: Any
    show_step: Any

    def accounts_start(self, out_dir: Path | None) -> None:
        self.out_dir = out_dir
        self.passwords = TypedPasswords()
        self.revealed = False
        self._existing: dict[str, str] | None = None
        self._existing_note = ""
        self._finish_waits = False

    @property
    def given_secrets(self) -> dict[str, str]:
        """The passwords typed (and accepted by the backend's rules) for the Plan's admin users, by credential id:
        for output.plan_files(given_secrets=...). Never saved anywhere by the app."""
        plan = self.draft.plan
        users = {admin_id(user.name) for user in plan.accounts.users} if plan.target.backend.enabled else set()
        return {ident: password for ident, password in self.passwords.accepted().items() if ident in users}

    # --- the step's widgets -----------------------------------------------------------------------------------

    def accounts_widgets(self, widgets: list[Widget]) -> list[Widget]:
        """The step's rows with a password row after each user's last field, then what each secret is for."""
        names = self._user_names()
        shown = self.draft.shown
        for index in reversed(range(len(names))):
            prefix = f"{USERS}[{index}]."
            at = max((i for i, w in enumerate(widgets) if isinstance(w, FieldRow) and w.decl.path.startswith(prefix)),
                     default=None)
            if at is None:
                continue
            ident = admin_id(names[index])
            problems = self.passwords.problems(ident) or ()
            row = PasswordRow(index, names[index], self.passwords.typed.get(ident, ""), revealed=self.revealed,
                              problems=problems)
            row.display = relevant(prefix + "name", shown)
            widgets.insert(at + 1, row)
        heading = Static("What each secret is for", classes="item-heading", markup=False)
        widgets += [heading, Static(self._secrets_text(), id="secrets-list", markup=False),
                    Static(WHERE, classes="field-help", markup=False)]
        if self.out_dir is not None:
            self.call_after_refresh(self.read_secrets, shown, self.out_dir)
        return widgets

    def _user_names(self) -> list[str]:
        return [str(item.get("name") or "") if isinstance(item, dict) else "" for item in items(self.draft.data, USERS)]

    def _secrets_text(self) -> Text:
        """Each credential's purpose (bold), then where its value comes from; a note when secrets/ is unreadable."""
        text = Text()
        found = lines(self.draft.shown, self.passwords.typed, self._existing, reveal=self.revealed,
                      refused=self.passwords.refused())
        for line in [*found, *([self._existing_note] if self._existing_note else [])]:
            text.append(line + "\n", style="" if line.startswith(" ") else "bold")
        text.rstrip()
        return text

    def refresh_accounts(self, *, answers_changed: bool) -> None:
        """A kept Accounts page shown again: its passwords masked unless F3 was pressed here; after other answers,
        its password rows follow which users matter, and secrets/ is read again for the Plan they make."""
        shown = self.draft.shown
        for row in self._password_rows():
            row.reveal(self.revealed)
            if answers_changed:
                row.display = relevant(f"{USERS}[{row.index}].name", shown)
        self.show_secrets_list()
        if answers_changed and self.out_dir is not None:
            self.call_after_refresh(self.read_secrets, shown, self.out_dir)

    def show_secrets_list(self) -> None:
        text = self._secrets_text()
        for widget in self._accounts_children():
            if widget.id == "secrets-list" and isinstance(widget, Static) and widget.content != text:
                widget.update(text)  # only when changed: each update lays the whole screen out again

    def _accounts_children(self) -> list[Widget]:
        """The Accounts page's widgets (its password rows, its secrets list), found without a query of the whole
        screen, which matched every widget's selectors: 12 ms on each visit and each key typed in a password."""
        page = self.query_one(StepPages).page(STEPS_BY_ID["accounts"])
        return [] if page is None else list(page.children)

    def _password_rows(self) -> list[PasswordRow]:
        return [row for row in self._accounts_children() if isinstance(row, PasswordRow)]

    # --- typing, judging, renaming ----------------------------------------------------------------------------

    def on_password_row_typed(self, message: PasswordRow.Typed) -> None:
        row = message.row
        self.passwords.set(row.ident, message.password)
        if message.password:
            self.check_password(row.ident, row.username, message.password)
        else:
            row.show_problems(())
        self.show_secrets_list()

    def on_password_row_left(self, message: PasswordRow.Left) -> None:
        message.row.show_problems(self.passwords.problems(message.row.ident))

    @work(thread=True, group="passwords")
    def check_password(self, ident: str, username: str, password: str) -> None:
        from wizard.planning.passwords import password_problems  # Django and zxcvbn: imported here, off the UI thread

        with _CHECKING:
            problems = tuple(password_problems(password, username))
        self.post_message(PasswordChecked(ident, password, problems))

    def on_password_checked(self, message: PasswordChecked) -> None:
        if not self.passwords.judge(message.ident, message.password, message.problems):
            return  # typed on since: a newer check is on its way
        for row in self._password_rows():
            if row.ident == message.ident:
                row.show_problems(message.problems)
        self.show_secrets_list()
        if self._finish_waits and not self.passwords.pending():
            self._finish_waits = False
            self.finish()

    def follow_users(self) -> None:
        """After an edit of the users: the passwords of renamed or removed users are dropped (said once), the rows
        follow the new names."""
        names = self._user_names()
        dropped = self.passwords.keep_only(admin_id(name) for name in names)
        for row in self._password_rows():
            if row.index < len(names):
                row.follow(names[row.index], self.passwords.typed.get(admin_id(names[row.index]), ""))
        if dropped:
            who = ", ".join(ident.rsplit("/", 1)[1] or "(no name)" for ident in dropped)
            self.notify(f"The password typed for admin user {who} was dropped: the user was renamed or removed. Type "
                        "one again for the new name, or leave it empty to have one generated.", severity="warning",
                        markup=False, timeout=8)
        self.show_secrets_list()

    # --- what the output folder keeps -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="secrets")
    def read_secrets(self, plan: Plan, out_dir: Path) -> None:
        from wizard.writing.secret_files import read_existing

        try:
            self.post_message(SecretsRead(read_existing(plan, out_dir), ""))
        except (WizardError, OSError) as error:  # said in the list; writing the files says it again and stops
            self.post_message(SecretsRead(None, f"secrets/ could not be read: {error}"))

    def on_secrets_read(self, message: SecretsRead) -> None:
        self._existing, self._existing_note = message.found, message.note
        self.show_secrets_list()

    # --- reveal ---------------------------------------------------------------------------------------------

    def action_show_secrets(self) -> None:
        self._reveal(True)

    def action_hide_secrets(self) -> None:
        self._reveal(False)

    def _reveal(self, revealed: bool) -> None:
        self.revealed = revealed
        for row in self._password_rows():
            row.reveal(revealed)
        self.show_secrets_list()
        self.refresh_bindings()

    def secrets_action(self, action: str) -> bool | None:
        """F3 is offered on the Accounts and secrets step only, as Show or Hide (check_action)."""
        if STEPS[self.index].id != "accounts":
            return False
        return (action == "hide_secrets") == self.revealed

    # --- finishing --------------------------------------------------------------------------------------------

    def passwords_hold_finish(self) -> bool:
        """True when the files cannot be written yet: a typed password is still being checked (writing follows
        its verdict) or the backend would refuse it (said, and the step shown with the reasons)."""
        pending = self.passwords.pending()
        if pending:
            self._finish_waits = True
            names = self._names_of(pending)
            for ident, username in zip(pending, names, strict=True):
                self.check_password(ident, username, self.passwords.typed[ident])
            return True
        refused = self.passwords.refused()
        if not refused:
            return False
        self.install_requested = False
        who = self._names_of(list(refused))
        reasons = "; ".join(f"{name}: {', '.join(found)}" for name, found in zip(who, refused.values(), strict=True))
        self.notify(f"The backend would refuse the password typed for admin user {reasons}. Fix it in Accounts and "
                    "secrets, or empty it to have one generated.", severity="error", markup=False, timeout=12)
        self.call_after_refresh(self.show_accounts)
        return True

    @staticmethod
    def _names_of(idents: list[str]) -> list[str]:
        return [ident.rsplit("/", 1)[1] for ident in idents]

    async def show_accounts(self) -> None:
        """The Accounts and secrets step, every refused password with its reasons."""
        self.index = STEPS.index(STEPS_BY_ID["accounts"])
        await self.show_step()
        for row in self._password_rows():
            row.judged = True
            row.show_problems(self.passwords.problems(row.ident))
