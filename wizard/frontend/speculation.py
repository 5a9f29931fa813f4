"""The clicks one away: what the answers become when the operator flips one switch or picks another choice of
the step on the screen. A front end computes their implications while the operator reads, so that the panel answers
a toggle at once instead of after an explain (tens of milliseconds on a slow machine)."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.frontend.draft import Draft, edit
from wizard.frontend.steps import Step, fields, fixed
from wizard.planning.plan import Plan

MOST = 24
"""At most this many Plans per step: the features step has about a dozen switches and choices, and each explain costs
a background thread some milliseconds."""


@dataclass(frozen=True)
class Click:
    """One switch flipped or one other choice picked: the field, its new text, and the answers it makes (kept: the
    click itself then needs no edit of its own)."""

    path: str
    text: str
    after: Draft


def one_click_away(draft: Draft, step: Step) -> list[Click]:
    """The clicks of `step` that lead to a valid Plan other than the current one, in the step's order, one per
    Plan."""
    found: list[Click] = []
    plans: set[Plan] = set()
    if not step.sections or not draft.valid:
        return found
    for decl in fields(step, draft.shown, data=draft.data):
        if fixed(decl) is not None:
            continue
        current = draft.text(decl.path)
        if decl.annotation is bool:
            others = ["false" if current == "true" else "true"]
        elif decl.choices:
            others = [choice for choice in decl.choices if choice != current]
        else:
            continue  # typed text: no way to guess what comes
        for text in others:
            after = edit(draft, decl.path, text)
            if after.valid and after.plan not in plans and after.plan != draft.plan:
                plans.add(after.plan)
                found.append(Click(decl.path, text, after))
            if len(found) >= MOST:
                return found
    return found
