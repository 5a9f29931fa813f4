"""The questions --plain asks, in order, as the lines a pipe must carry: shared by the plain-mode and TUI tests."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from pydantic import ValidationError

from wizard.frontend.draft import Draft, edit
from wizard.frontend.lists import first_field, lists_in
from wizard.frontend.steps import STEPS, fields, fixed, relevant
from wizard.planning.plan import Plan


def answer_lines(start: Plan | Draft, answers: Mapping[str, str | Sequence[str]] = (), write: str = "y") -> list[str]:
    """One line per question the wizard asks, in its order (each step's fields, recomputed after each answer):
    the given answers (several for a field asked again after a refusal), an empty line for the others. An admin
    user's password is answered by the key `password:NAME` (empty: generated)."""
    return [*(line for _, lines in answer_steps(start, answers) for line in lines), write]


def answer_steps(start: Plan | Draft, answers: Mapping[str, str | Sequence[str]] = ()) -> list[tuple[str, list[str]]]:
    """The lines of `answer_lines` per step (step id, lines), without the final write answer: to cut a run after a
    step."""
    answers = dict(answers)
    draft = start if isinstance(start, Draft) else Draft.start(start)
    found: list[tuple[str, list[str]]] = []
    for step in STEPS:
        if not step.sections:
            continue
        lines: list[str] = []
        asked: set[str] = set()
        while decl := next((d for d in fields(step, _shown(draft)) if d.path not in asked), None):
            asked.add(decl.path)
            if fixed(decl) is not None:  # said, not asked: no line
                continue
            given = answers.get(decl.path, "")
            given = [given] if isinstance(given, str) else list(given)
            lines += given
            if given[-1]:
                draft = edit(draft, decl.path, given[-1])
        lines += ["" for decision in lists_in(step.sections)  # each list: keep it as it is
                  if relevant(first_field(decision), _shown(draft))]
        if step.id == "accounts" and _shown(draft).target.backend.enabled:  # a password per admin user
            for user in _shown(draft).accounts.users:
                given = answers.get(f"password:{user.name}", "")
                lines += [given] if isinstance(given, str) else list(given)
        found.append((step.id, lines))
    return found


def _shown(draft: Draft) -> Plan:
    try:
        return Plan.model_validate(draft.data)
    except ValidationError:
        return draft.plan


class Typed(io.StringIO):
    """Answers typed at a terminal (isatty: True): a refused answer is asked again, where piped answers stop."""

    def isatty(self) -> bool:
        return True
