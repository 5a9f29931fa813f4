"""Admin user names and passwords as the backend judges them, and the secrets the wizard generates.

The backend's migrations Job runs Django's password validation on every user it creates and silently skips a user
whose password fails (the install still reports success): nobody can log in, and nobody is told. So a password the
operator gives is checked here with the same validators the backend's prod settings use (FACTS_ACCOUNTS_NETWORK_
IMAGES.md §1.4): length 20-64, zxcvbn score 3 or more with the user name as a known word, Django's similarity,
common-password and all-digits checks. zxcvbn and Django are the very packages the backend runs; both are imported
only when a given password is checked (about 0.3 s), never at start-up.
"""

from __future__ import annotations

import re
import secrets
import string
from functools import lru_cache
from typing import Any

MIN_LENGTH, MAX_LENGTH = 20, 64
"""The backend's prod settings (dev settings lower the minimum to 9; the wizard always writes prod rules)."""
MIN_ZXCVBN_SCORE = 3
RESERVED_USERS = ("external", "deleted")
"""Virtual users the backend creates itself; listing one makes the accounts sync crash or clash."""
MAX_USERNAME = 150
_USERNAME = re.compile(r"^[\w.@+-]+$", re.ASCII)
_ALPHANUMERIC = string.ascii_letters + string.digits


def username_problem(name: str) -> str | None:
    """Why the backend cannot create an admin user of this name, or None."""
    if not name:
        return "a user name must not be empty"
    if any(c.isspace() for c in name):
        return f'"{name}" contains a space: the accounts Secret separates its fields with spaces, so the backend ' \
               "could not read the line (and the install would fail)"
    if len(name) > MAX_USERNAME:
        return f"a user name has at most {MAX_USERNAME} characters, this one {len(name)}"
    if not _USERNAME.match(name):
        return f'"{name}" is not a user name the backend accepts: use letters, digits and @ . + - _'
    if name.lower() in RESERVED_USERS:
        return f'"{name}" is reserved: the backend keeps the users {" and ".join(RESERVED_USERS)} for itself'
    return None


def password_problems(password: str, username: str) -> list[str]:
    """Every reason the backend would refuse `password` for `username` ([] when it accepts it), in plain words."""
    found: list[str] = []
    if any(c.isspace() for c in password):
        found.append("it contains a space or line break: the accounts Secret separates its fields with spaces, so "
                     "the backend could not read the line")
    if len(password) < MIN_LENGTH:
        found.append(f"it has {len(password)} characters; the backend needs at least {MIN_LENGTH}")
    elif len(password) > MAX_LENGTH:
        found.append(f"it has {len(password)} characters; the backend accepts at most {MAX_LENGTH}")
    if password.isdigit():
        found.append("it is entirely numeric")
    found += _django_problems(password, username)
    if not found:
        found += _strength_problems(password, username)
    return found


def _django_problems(password: str, username: str) -> list[str]:
    """Django's own similarity and common-password validators, configured as the backend configures them."""
    validation, error = _django()
    found = []
    for validator in (validation.UserAttributeSimilarityValidator(user_attributes=("username",), max_similarity=0.7),
                      validation.CommonPasswordValidator()):
        try:
            validator.validate(password, _User(username))
        except error as refused:
            found += [message.rstrip(".") for message in refused.messages]
    return [f"{message[:1].lower()}{message[1:]}" for message in found]


def _strength_problems(password: str, username: str) -> list[str]:
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:MAX_LENGTH], user_inputs=[username])
    if result["score"] >= MIN_ZXCVBN_SCORE:
        return []
    feedback = result.get("feedback") or {}
    hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    why = "; ".join(hint.rstrip(".") for hint in hints if hint)
    return [f"it is too easy to guess (zxcvbn score {result['score']} of 4, the backend needs {MIN_ZXCVBN_SCORE})"
            + (f": {why}" if why else "")]


class _User:
    """What Django's similarity validator reads of a user: its name (and, for the message, a field lookup)."""

    def __init__(self, username: str) -> None:
        self.username = username
        self._meta = self

    def get_field(self, name: str) -> Any:
        from django.core.exceptions import FieldDoesNotExist

        raise FieldDoesNotExist(name)


@lru_cache(maxsize=1)
def _django() -> tuple[Any, type[Exception]]:
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    return password_validation, ValidationError


def generate_password() -> str:
    """A password people can read out and the backend accepts: four groups of six letters and digits (27 characters,
    about 140 bits), no character that breaks a URI or a line of the accounts Secret."""
    return "-".join("".join(secrets.choice(_ALPHANUMERIC) for _ in range(6)) for _ in range(4))


def generate_key(length: int = 32) -> str:
    """A machine credential (database, Redis, object storage): letters and digits only, since the orchestrator glues
    its database password into a URI without encoding it."""
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def generate_token() -> str:
    """An organisation secret: 64 hex characters (the backend's own generator makes 128; its column holds 128)."""
    return secrets.token_hex(32)


def mask(value: str) -> str:
    """How a secret is shown until someone asks to see it: its length, never a character of it."""
    return f"•••••••• ({len(value)} characters)"
