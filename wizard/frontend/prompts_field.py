"""`--plain`: one field's question, from its declaration to an answer the field accepts.

The declaration decides the kind of question (yes/no, a choice, text) and the help shown before it (its text, the
values keys it sets, how to write a list), so no question is written by hand. The answer goes through the same `edit`
as the TUI. A value the field itself refuses (`"10GB" is not a Kubernetes quantity ...`) is printed and the same
question asked again, the draft keeping the previous value meanwhile; a value that makes another field wrong is
taken, with a note saying where that field will be asked (prompts_problems asks it again).
"""

from __future__ import annotations

import textwrap
import types
import typing
from typing import TYPE_CHECKING, TextIO

from wizard.frontend.draft import Draft, edit
from wizard.frontend.placeholders import chart_default
from wizard.frontend.prompts_askers import WIDTH, wrap
from wizard.frontend.steps import STEPS, fixed, step_of

if TYPE_CHECKING:
    from wizard.frontend.prompts_askers import Asker
    from wizard.planning.declare import Declaration

Keep = typing.Callable[[dict[str, typing.Any]], None]
"""Given the draft's data after every accepted answer (resume.save), so that a crash or Ctrl+C loses nothing."""


def ask_field(decl: Declaration, draft: Draft, asker: Asker, out: TextIO, keep: Keep) -> Draft:
    """One question until the field accepts the answer; cross-field problems it causes are noted, not blocking. A
    decision with one choice only is said, not asked."""
    if (value := fixed(decl)) is not None:
        out.write(f"\n{decl.label}: {value} (the only choice)\n")
        return draft
    problem = draft.problem(decl.path)
    while True:
        answer = _ask(decl, draft, asker, problem)
        if answer == draft.text(decl.path):
            return draft
        new = edit(draft, decl.path, answer)
        own = _own_problem(new, decl.path)
        if own is None:
            _note_new_problems(draft, new, decl.path, out)
            keep(new.data)
            return new
        asker.refused(decl.path, own)
        problem = own  # the field refuses the value: asked again with the reason, the draft keeps the old value


def _ask(decl: Declaration, draft: Draft, asker: Asker, problem: str | None) -> str:
    """The answer as the text `edit` takes; the field's problem, if any, is the last thing shown before it."""
    current = draft.text(decl.path)
    help_text = _help(decl) + (f"\n{wrap(f'! {problem}')}" if problem else "")
    if decl.annotation is bool:
        return "true" if asker.confirm(decl.label, current == "true", help_text) else "false"
    choices = decl.choices or (("true", "false") if _is_bool(decl.annotation) else ())
    if choices:
        if _optional(decl.annotation):
            choices = ("", *choices)
        return asker.select(decl.label, choices, current if current in choices else choices[0], help_text)
    return asker.text(decl.label, current, help_text)


def _is_bool(annotation: typing.Any) -> bool:
    return annotation is bool or bool in typing.get_args(annotation)


def _optional(annotation: typing.Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
        annotation)


def _own_problem(draft: Draft, path: str) -> str | None:
    """The message when the field itself refuses its value (type, format, list syntax); None when what is wrong, if
    anything, lies between fields (rules.problems), which another answer may fix."""
    from pydantic import ValidationError

    from wizard.planning import rules
    from wizard.planning.plan import Plan

    try:
        unchecked = Plan.model_validate(draft.data)
    except ValidationError:
        return draft.problem(path) or "; ".join(str(p) for p in draft.problems)
    across = {(p.path, p.message) for p in rules.problems(unchecked)}
    return next((p.message for p in draft.problems if p.path == path and (p.path, p.message) not in across), None)


def _note_new_problems(before: Draft, after: Draft, path: str, out: TextIO) -> None:
    """What an accepted answer made wrong elsewhere, and where that field will be asked."""
    order = [step.id for step in STEPS]
    here = order.index(step_of(path).id)
    for problem in after.problems:
        if problem in before.problems:
            continue
        where = step_of(problem.path)
        if where.sections and order.index(where.id) == here:
            when = "asked again at the end of this step"
        elif where.sections and order.index(where.id) > here:
            when = f"asked in the step {where.title}"
        else:
            when = "asked again before writing"
        out.write(wrap(f"note: {problem} ({when})") + "\n")


def _help(decl: Declaration) -> str:
    """The field's help, the values keys it sets (per chart), and how to write a list, wrapped for 80 columns."""
    lines = [wrap(decl.help)] if decl.help else []
    if not decl.empty and _optional(decl.annotation) and (default := chart_default(decl)) is not None:
        lines.append(wrap(f"Empty: the chart's {default}."))  # a size: what an empty answer gives
    by_chart: dict[str, list[str]] = {}
    for key in decl.values_keys:
        chart, _, dotted = key.rpartition(":")
        by_chart.setdefault(chart, []).append(dotted)
    for chart, keys in by_chart.items():
        lines.append(textwrap.fill(f"sets {chart + ': ' if chart else ''}{', '.join(keys)}", WIDTH,
                                   initial_indent="  ", subsequent_indent="    ", break_long_words=False,
                                   break_on_hyphens=False))
    if typing.get_origin(_strip_optional(decl.annotation)) is tuple:
        lines.append("  Several: separate them with commas.")
    return "\n".join(lines)


def _strip_optional(annotation: typing.Any) -> typing.Any:
    if _optional(annotation):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation
