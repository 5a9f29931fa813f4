"""Decisions that hold a list of items (channels, images to prepopulate): which lists a step has, and adding or
removing an item, the same way in every front end.

A new item starts from its defaults with its required fields empty: the fields then say what is missing, instead of
the wizard inventing a channel name or an image for the operator.
"""

from __future__ import annotations

import copy
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from wizard.frontend.draft import Draft, checked
from wizard.planning.declare import model_of, split_path


@dataclass(frozen=True)
class ListDecision:
    path: str
    """Dotted path of the list (`channels`, `features.prepopulate`)."""
    label: str
    item: str
    """What one item is called (`channel`), for "Add a channel"."""

    @property
    def one_more(self) -> str:
        """"a channel", "an image", "a user": what adding one adds."""
        return f"{'an' if self.item[:1] in 'aeio' else 'a'} {self.item}"


@lru_cache(maxsize=1)
def list_decisions() -> tuple[ListDecision, ...]:
    """Every list of items the Plan declares, in declaration order."""
    from wizard.planning.plan import Plan

    return tuple(_walk(Plan, ""))


def _walk(model: type[BaseModel], prefix: str) -> list[ListDecision]:
    found: list[ListDecision] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        sub = model_of(info.annotation)
        if sub is None:
            continue
        if typing.get_origin(info.annotation) is tuple:
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            found.append(ListDecision(path, info.title or name, str(extra.get("item", "item"))))
        else:
            found.extend(_walk(sub, path))
    return found


def first_field(decision: ListDecision) -> str:
    """The first field of the list's first item (`channels[0].name`): where an item starts, and a probe for whether
    the list matters with a Plan (steps.relevant)."""
    from wizard.planning.declare import declarations

    return next(d.path for d in declarations() if d.path.startswith(decision.path + "[0]"))


def item_titles(decision: ListDecision, data: dict[str, Any]) -> list[str]:
    """"channel 1 (mychannel)" per item: the noun, the number, and the item's first field when it has a value."""
    name = first_field(decision).split("]", 1)[1].lstrip(".")
    titles = []
    for index, item in enumerate(items(data, decision.path), start=1):
        value = item.get(name) if isinstance(item, dict) else None
        titles.append(f"{decision.item} {index}" + (f" ({value})" if value else ""))
    return titles


def lists_in(sections: tuple[str, ...]) -> list[ListDecision]:
    """The lists decided in a step (its Plan sections)."""
    return [decision for decision in list_decisions() if decision.path.startswith(sections)] if sections else []


def items(data: dict[str, Any], path: str) -> list[Any]:
    """The items of a list in draft data ([] when the list is absent or not a list)."""
    node: Any = data
    for step in split_path(path):
        node = node.get(step) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def add_item(draft: Draft, path: str) -> Draft:
    """The draft with one more (empty) item at the end of the list at `path`."""
    return _with_items(draft, path, [*items(draft.data, path), {}])


def remove_item(draft: Draft, path: str, index: int) -> Draft:
    """The draft without item `index` of the list at `path` (an index out of range changes nothing)."""
    current = items(draft.data, path)
    if not 0 <= index < len(current):
        return draft
    return _with_items(draft, path, current[:index] + current[index + 1:])


def _with_items(draft: Draft, path: str, new_items: list[Any]) -> Draft:
    data = copy.deepcopy(draft.data)
    node = data
    *parents, last = [str(step) for step in split_path(path)]
    for step in parents:
        node = node.setdefault(step, {})
    node[last] = copy.deepcopy(new_items)
    return checked(data, draft.plan)
