"""`--plain`: answers that do not fit together, asked again until they do.

An answer may make another field wrong (the frontend turned on before the backend's host is given); it is taken, and
the fields concerned are asked again later: a step's own at the end of that step, those of earlier steps before the
summary. When such a round changes nothing, what causes the problem may be decided elsewhere, so the operator picks a
step to go back to, which is asked again from its first question with the answers so far as defaults.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, TextIO

from wizard.core.errors import ConfigError, Problem
from wizard.frontend.prompts_askers import wrap
from wizard.frontend.prompts_field import ask_field
from wizard.frontend.steps import fields

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft
    from wizard.frontend.prompts_askers import Asker
    from wizard.frontend.prompts_field import Keep
    from wizard.frontend.steps import Step
    from wizard.planning.declare import Declaration

GO_BACK_QUESTION = "Go back to which step?"


def recheck_step(step: Step, draft: Draft, asker: Asker, out: TextIO, so_far: typing.Sequence[Step],
                 keep: Keep) -> tuple[Draft, int | None]:
    """The step's fields with a problem, asked again until they fit. Returns the draft, and the index in `so_far`
    of a step to go back to when a round of answers changed nothing and the operator chose to (None: go on)."""
    while todo := [d for d in fields(step, draft.shown, data=draft.data) if _concerned(d.path, draft.problems)]:
        out.write("\nSome answers of this step do not fit together yet; asked again:\n")
        _list_problems(draft, todo, out)
        _refused(asker, draft, todo)
        before = draft
        for decl in todo:
            draft = ask_field(decl, draft, asker, out, keep)
        if draft.data == before.data:
            return draft, _go_back(asker, so_far, len(so_far) - 1)
    return draft, None


def settle(draft: Draft, asker: Asker, out: TextIO, steps: typing.Sequence[Step], keep: Keep
           ) -> tuple[Draft, int | None]:
    """Problems left in earlier steps (an answer later on made them wrong): their fields asked again. Returns the
    draft, and the index of a step to go back to (None: the draft is valid).

    Raises:
        ConfigError: problems that no question can fix (the whole Plan's problems, as the non-interactive run says).
    """
    while not draft.valid:
        current = draft.shown
        todo = [(step, d) for step in steps for d in fields(step, current, data=draft.data)
                if _concerned(d.path, draft.problems)]
        if not todo:
            raise ConfigError(list(draft.problems), source="the answers")
        out.write("\nBefore writing, these answers need another look:\n")
        _list_problems(draft, [d for _, d in todo], out)
        _refused(asker, draft, [d for _, d in todo])
        before = draft
        for step, decl in todo:
            out.write(f"({step.title})\n")
            draft = ask_field(decl, draft, asker, out, keep)
        if draft.data == before.data:
            return draft, _go_back(asker, steps, steps.index(todo[0][0]))
    return draft, None


def _go_back(asker: Asker, steps: typing.Sequence[Step], default: int) -> int:
    """The step to ask again from its first question, when answering the fields with problems changed nothing (what
    causes a problem may be decided elsewhere: the frontend turned on where no backend host is wanted)."""
    titles = [step.title for step in steps]
    chosen = asker.select(GO_BACK_QUESTION, titles, titles[default], wrap(
        "Nothing changed, so these answers still do not fit together. What causes it may be decided in another step: "
        "the step chosen is asked again from its first question, the answers so far as defaults."))
    return titles.index(chosen)


def _concerned(path: str, problems: typing.Iterable[Problem]) -> bool:
    """Whether a problem is about this field or a section holding it (`target`: no chart enabled)."""
    return any(path == p.path or path.startswith((p.path + ".", p.path + "[")) for p in problems if p.path)


def _list_problems(draft: Draft, todo: typing.Sequence[Declaration], out: TextIO) -> None:
    """The problems about a whole section (`target`: no chart enabled); a field's own shows at its question."""
    for problem in draft.problems:
        if all(problem.path != d.path for d in todo) and any(_concerned(d.path, [problem]) for d in todo):
            out.write(wrap(str(problem)) + "\n")


def _refused(asker: Asker, draft: Draft, todo: typing.Sequence[Declaration]) -> None:
    """The asker told of the first field to ask again, with its problem (piped answers stop there)."""
    path = todo[0].path
    reason = next((p.message for p in draft.problems if _concerned(path, [p])), "it does not fit the other answers")
    asker.refused(path, reason)
