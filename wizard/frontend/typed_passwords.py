"""The admin passwords typed in the full-screen wizard's Accounts step, each with the backend's verdict once known.

Held by the App only, by credential id, never in the Draft: the Draft is saved to resume a run, and a password must
never reach a file other than secrets/. A verdict belongs to the very password it judged: typing on makes it unknown
again until the next check (screens.accounts runs the checks in a thread).
"""

from __future__ import annotations

from collections.abc import Iterable


class TypedPasswords:
    """The passwords typed for admin users (credential id -> password), each with the backend's verdict once known."""

    def __init__(self) -> None:
        self.typed: dict[str, str] = {}
        self._verdicts: dict[str, tuple[str, tuple[str, ...]]] = {}

    def set(self, ident: str, password: str) -> None:
        """What is typed now (empty: nothing typed, the password will be generated)."""
        if password:
            self.typed[ident] = password
        else:
            self.typed.pop(ident, None)
            self._verdicts.pop(ident, None)

    def judge(self, ident: str, password: str, problems: Iterable[str]) -> bool:
        """Record a verdict; False (and nothing recorded) when the password it is about is no longer the one typed."""
        if self.typed.get(ident) != password:
            return False
        self._verdicts[ident] = (password, tuple(problems))
        return True

    def problems(self, ident: str) -> tuple[str, ...] | None:
        """Why the backend would refuse what is typed (() when it accepts it or nothing is typed; None: not known)."""
        password = self.typed.get(ident)
        if password is None:
            return ()
        verdict = self._verdicts.get(ident)
        return verdict[1] if verdict is not None and verdict[0] == password else None

    def keep_only(self, idents: Iterable[str]) -> list[str]:
        """Forget the passwords of users no longer there (renamed or removed); returns the ids forgotten."""
        wanted = set(idents)
        dropped = [ident for ident in self.typed if ident not in wanted]
        for ident in dropped:
            self.set(ident, "")
        return dropped

    def accepted(self) -> dict[str, str]:
        return {ident: password for ident, password in self.typed.items() if self.problems(ident) == ()}

    def pending(self) -> list[str]:
        return [ident for ident in self.typed if self.problems(ident) is None]

    def refused(self) -> dict[str, tuple[str, ...]]:
        return {ident: found for ident in self.typed if (found := self.problems(ident))}
