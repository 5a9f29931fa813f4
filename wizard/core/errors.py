"""Errors shown to the operator: each says what is wrong and what to do about it.

- WizardError: base; `cli.main()` is the only place that catches it (exit code 2).
  - ConfigError: the plan or its inputs (preset, answers file, --set) are invalid; carries every problem found.
  - OutputError: a file cannot be read or written, or would overwrite someone's edits.
"""

from __future__ import annotations

from dataclasses import dataclass


class WizardError(Exception):
    """An error for the operator. `msg` says what is wrong and how to fix it; `title` is a short headline."""

    def __init__(self, msg: str, title: str = "") -> None:
        super().__init__(msg)
        self.msg = msg
        self.title = title

    def __str__(self) -> str:
        return f"{self.title}\n{self.msg}" if self.title else self.msg


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the plan: the dotted field path (e.g. `storage.worker.size`) and the message."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(WizardError):
    """The plan cannot be built: every problem found, each with its field path."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        where = f" in {source}" if source else ""
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        body = "\n".join(f"  {p}" for p in problems)
        super().__init__(body, title=f"The plan has {count}{where}; nothing was written:")


class OutputError(WizardError):
    """A file cannot be read or written, or writing it would lose someone's edits."""
