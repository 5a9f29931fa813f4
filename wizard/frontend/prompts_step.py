"""`--plain`: one step's questions, in the order the TUI shows them: each field once, the list recomputed after every
answer (an answer shows or hides other fields), then a question per list of the step (add an item, remove one, or
keep the list), then the step's fields whose answers do not fit together yet (prompts_problems)."""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, TextIO

from wizard.frontend.lists import ListDecision, add_item, first_field, item_titles, lists_in, remove_item
from wizard.frontend.prompts_askers import wrap
from wizard.frontend.prompts_field import ask_field
from wizard.frontend.prompts_problems import recheck_step
from wizard.frontend.steps import fields, relevant
from wizard.planning.declare import declaration

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft
    from wizard.frontend.prompts_askers import Asker
    from wizard.frontend.prompts_field import Keep
    from wizard.frontend.steps import Step

KEEP_LIST = "keep them as they are"
"""The default answer to a list's question (add an item, remove one, or this)."""


def walk_step(step: Step, draft: Draft, asker: Asker, out: TextIO,
              so_far: typing.Sequence[Step], keep: Keep) -> tuple[Draft, int | None]:
    """Each field of the step once, the list recomputed after each answer (answers show or hide fields); then the
    fields with a problem again until they fit. Returns the draft, and the index of a step to go back to when a
    round of answers changed nothing and the operator chose to (None: go on)."""
    asked: set[str] = set()
    while (decl := next((d for d in fields(step, draft.shown, data=draft.data) if d.path not in asked),
                        None)) is not None:
        asked.add(decl.path)
        draft = ask_field(decl, draft, asker, out, keep)
    for decision in lists_in(step.sections):
        draft = _edit_list(decision, step, draft, asker, out, keep)
    return recheck_step(step, draft, asker, out, so_far, keep)


def _edit_list(decision: ListDecision, step: Step, draft: Draft, asker: Asker, out: TextIO, keep: Keep) -> Draft:
    """One question per list (channels, images), asked until the operator keeps the list: add an item (its fields
    are asked at once) or remove one."""
    while relevant(first_field(decision), draft.shown):
        titles = item_titles(decision, draft.data)
        add, removes = f"add {decision.one_more}", [f"remove {title}" for title in titles]
        count = f"{len(titles)} {decision.item}{'' if len(titles) == 1 else 's'}"
        answer = asker.select(f"{declaration(decision.path).label}: {count}", (KEEP_LIST, add, *removes), KEEP_LIST,
                              wrap(declaration(decision.path).help))
        if answer == KEEP_LIST:
            break
        if answer == add:
            draft = add_item(draft, decision.path)
            new_item = f"{decision.path}[{len(titles)}]"
            for decl in fields(step, draft.shown, data=draft.data):
                if decl.path.startswith(new_item) and relevant(decl.path, draft.shown):
                    draft = ask_field(decl, draft, asker, out, keep)
        else:
            draft = remove_item(draft, decision.path, removes.index(answer))
        keep(draft.data)
    return draft
