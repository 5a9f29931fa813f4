"""The Plans one click away: what the answers become when the operator flips one switch or picks another choice of
the step on the screen. A front end computes their implications while the operator reads, so that the panel answers
a toggle at once instead of after an explain (tens of milliseconds on a slow machine)."""

from __future__ import annotations

from wizard.frontend.draft import Draft, edit
from wizard.frontend.steps import Step, fields, fixed
from wizard.planning.plan import Plan

MOST = 24
"""At most this many Plans per step: the features step has about a dozen switches and choices, and each explain costs
a background thread some milliseconds."""


def one_click_away(draft: Draft, step: Step) -> list[Plan]:
    """The valid Plans a single switch or choice of `step` leads to, in the step's order, without repeats."""
    found: list[Plan] = []
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
            if after.valid and after.plan not in found and after.plan != draft.plan:
                found.append(after.plan)
            if len(found) >= MOST:
                return found
    return found
