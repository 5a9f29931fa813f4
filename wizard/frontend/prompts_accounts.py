"""`--plain`, the Accounts and secrets step: a password per admin user (masked; empty: generated), checked with the
backend's own rules and asked again with the reasons, then what each secret is for.

The backend silently skips a user whose password its validators refuse (the install still succeeds), so a refused
password is never taken: the question is asked again until the answer passes or is empty. Typed passwords go only into
the caller's `given` mapping (credential id -> password), which commands/write.py hands to the writer: never into
the draft, the resume file, the answers file or the output.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wizard.core.errors import WizardError
from wizard.frontend.prompts_askers import wrap
from wizard.frontend.secret_status import WHERE, lines
from wizard.writing.credentials import admin_id

if TYPE_CHECKING:
    from wizard.planning.plan import Plan


class PasswordAsker(typing.Protocol):
    def password(self, message: str, help: str) -> str: ...  # noqa: A002


def question(name: str) -> str:
    """The question for one admin user's password (tests answer it by this text)."""
    return f"Password for admin user {name}"


def ask_passwords(plan: Plan, asker: PasswordAsker, given: MutableMapping[str, str]) -> None:
    """One password question per admin user of `plan`; an accepted answer goes into `given`, an empty one leaves the
    password to be generated (or keeps the one typed before, when the step is asked again). Passwords of users no
    longer in the plan are dropped first."""
    users = plan.accounts.users if plan.target.backend.enabled else ()
    keep_users(plan, given)
    for user in users:
        ident = admin_id(user.name)
        problems: list[str] = []
        while True:
            before = ident in given
            answer = asker.password(question(user.name), _help(before, problems))
            if not answer:
                break  # generated, or the one typed before
            problems = _problems(answer, user.name)
            if not problems:
                given[ident] = answer
                break
            asker.refused(f"the password of admin user {user.name}", "; ".join(problems))


def keep_users(plan: Plan, given: MutableMapping[str, str]) -> list[str]:
    """Drop the passwords of admin users the plan no longer has (renamed or removed); returns their ids."""
    wanted = {admin_id(user.name) for user in plan.accounts.users} if plan.target.backend.enabled else set()
    dropped = [ident for ident in given if ident.startswith(admin_id("")) and ident not in wanted]
    for ident in dropped:
        del given[ident]
    return dropped


def _problems(password: str, username: str) -> list[str]:
    from wizard.planning.passwords import password_problems  # Django and zxcvbn: only once a password is typed

    return password_problems(password, username)


def _help(before: bool, problems: list[str]) -> str:
    text = ("Empty: a password is generated (27 characters) and written to secrets/. Typed: it is hidden, and "
            "checked with the backend's own rules (20 to 64 characters, no spaces, hard to guess, not like the user "
            "name), since the backend silently skips a user whose password it refuses.")
    if before:
        text += " An empty answer keeps the password typed before."
    found = [wrap(text)]
    if problems:
        found.append(wrap("! refused: " + "; ".join(problems)))
    return "\n".join(found)


def existing_secrets(plan: Plan, out_dir: Path | None, out: TextIO) -> dict[str, str] | None:
    """What the output folder's secrets/ holds for this plan (None: no folder known, or it cannot be read, which is
    said: writing the files will say it again and stop)."""
    if out_dir is None:
        return None
    from wizard.writing.secret_files import read_existing

    try:
        return read_existing(plan, out_dir)
    except (WizardError, OSError) as error:
        out.write(wrap(f"note: secrets/ could not be read: {error}") + "\n")
        return None


def print_secrets(plan: Plan, given: Mapping[str, str], existing: Mapping[str, str] | None, out: TextIO) -> None:
    """What each secret is for and where its value comes from, masked."""
    out.write("\nWhat each secret is for:\n")
    for line in lines(plan, given, existing):
        out.write(wrap(line.strip(), "    " if line.startswith("  ") else "  ") + "\n")
    out.write(wrap(WHERE) + "\n")
