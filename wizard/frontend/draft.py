"""The decisions being made in a front end, one field at a time.

An operator passes through invalid states (turning the frontend on before giving the backend's host), so a Draft
keeps the edited data, the problems it has (the same messages as the non-interactive run), and the last valid Plan,
which the implications panel keeps showing meanwhile.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from wizard.core.errors import ConfigError, OutputError, Problem
from wizard.planning.declare import declaration, split_path
from wizard.planning.layers import Layer, apply_sets, build_plan
from wizard.planning.plan import Plan


@dataclass(frozen=True)
class Draft:
    data: dict[str, Any]
    plan: Plan
    """The last valid Plan (what the panel shows while `problems` is not empty)."""
    problems: tuple[Problem, ...] = ()

    @classmethod
    def start(cls, plan: Plan) -> Draft:
        return cls(plan.model_dump(mode="json"), plan)

    @classmethod
    def resume(cls, data: dict[str, Any], fallback: Plan) -> Draft:
        """A draft from saved data that may not be valid yet (`fallback` is shown meanwhile)."""
        return checked(apply_sets(data, []).data, fallback)  # over the defaults: a saved draft may predate new fields

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def shown(self) -> Plan:
        """The Plan whose fields a front end shows: the draft's data even while fields disagree (choosing a remote
        registry must show its host, which is what resolves the disagreement); the last valid Plan when the data is
        not a Plan at all (a field holds a value of the wrong kind)."""
        try:
            return Plan.model_validate(self.data)
        except ValidationError:
            return self.plan

    def problem(self, path: str) -> str | None:
        """The message for one field, as the field should show it (None: the field is fine)."""
        return next((p.message for p in self.problems if p.path == path), None)

    def text(self, path: str) -> str:
        """The field's current value as the text an input shows (empty for none; lists comma-separated)."""
        value: Any = self.data
        for step in split_path(path):
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                return ""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)


def edit(draft: Draft, path: str, text: str) -> Draft:
    """The draft with one field set from text, checked as a whole; an unknown path is a front-end bug.

    Raises:
        ConfigError: `path` is not a field of the Plan.
    """
    if not text.strip() and typing.get_origin(declaration(path).annotation) is tuple:
        text = "[]"  # an emptied list field: no items (its placeholder says so), not the empty string
    try:
        data = apply_sets(draft.data, [f"{path}={text}"]).data
    except OutputError:  # list text that is neither YAML nor a plain list
        return Draft(draft.data, draft.plan, (Problem(path, "write the items separated by commas, e.g. a, b"),))
    return checked(data, draft.plan)


def checked(data: dict[str, Any], fallback: Plan) -> Draft:
    """A draft of `data` with its problems; `fallback` stays the Plan shown while there are some."""
    try:
        plan = build_plan([Layer("", data)])
    except ConfigError as error:
        return Draft(data, fallback, tuple(error.problems))
    return Draft(data, plan)
