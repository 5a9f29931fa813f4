"""Reading the Plan's declarations back (each field is declared once, with `decision.decision(...)`).

Every operator decision is a Plan field that carries its label, help text and the chart values keys it drives.
The values writer (key comments), `--set`, the answers file and the front ends all read these declarations through
`declaration(path)` / `declarations()`, so no front end repeats a label or a choice list.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Declaration:
    """What the Plan declares about one field (`path` is dotted, list items as `channels[0].name`)."""

    path: str
    label: str
    help: str
    values_keys: tuple[str, ...]
    annotation: Any
    empty: str = ""
    """What leaving the field empty means, as declared (`decision(empty=...)`); "" when not declared."""

    @property
    def choices(self) -> tuple[str, ...]:
        """The allowed values of a choice field (a Literal), else ()."""
        return literal_choices(self.annotation)


def literal_choices(annotation: Any) -> tuple[str, ...]:
    """The values of a Literal annotation, also inside Optional[...]; () for anything else."""
    if typing.get_origin(annotation) is Literal:
        return tuple(str(arg) for arg in typing.get_args(annotation))
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if choices := literal_choices(arg):
                return choices
    return ()


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds, looking inside Optional[...] and tuple[Model, ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if arg is not type(None) and arg is not Ellipsis and (model := model_of(arg)):
            return model
    return None


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """`channels[0].name` or `channels.0.name` -> ['channels', 0, 'name']."""
    steps: list[str | int] = []
    for name, index in _STEP.findall(path):
        steps.append(int(index) if index else int(name) if name.isdigit() else name)
    return steps


def join_path(steps: typing.Sequence[str | int]) -> str:
    """['channels', 0, 'name'] -> `channels[0].name`, the form every message uses."""
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _info(model: type[BaseModel], steps: typing.Sequence[str | int]) -> tuple[list[FieldInfo], Any]:
    infos: list[FieldInfo] = []
    annotation: Any = model
    for step in steps:
        if isinstance(step, int):
            continue
        current = model_of(annotation)
        if current is None or step not in current.model_fields:
            raise KeyError(step)
        info = current.model_fields[step]
        infos.append(info)
        annotation = info.annotation
    return infos, annotation


@lru_cache(maxsize=None)
def declaration(path: str) -> Declaration:
    """The declaration of the field at `path` in the Plan.

    The label joins the labels below the top-level section (`Worker volume - Size`), so it reads on its own.

    Raises:
        KeyError: naming the first step of `path` that is not a field.
    """
    from wizard.planning.plan import Plan

    infos, annotation = _info(Plan, split_path(path))
    labels = [info.title or "" for info in infos]
    label = " - ".join(labels[1:] if len(labels) > 1 else labels)
    keys = _keys(infos[-1]) if infos else ()
    if any(key.startswith("*.") for key in keys) and len(infos) > 1:
        keys = _resolve_patterns(keys, _keys(infos[-2]))
    empty = _extra(infos[-1]).get("empty", "") if infos else ""
    return Declaration(path, label, infos[-1].description or "" if infos else "", keys, annotation, empty)


def _extra(info: FieldInfo) -> dict[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _keys(info: FieldInfo) -> tuple[str, ...]:
    return tuple(_extra(info).get("values_keys", ()))  # type: ignore[arg-type]


def _resolve_patterns(patterns: tuple[str, ...], parent_keys: tuple[str, ...]) -> tuple[str, ...]:
    """A model used in several places (a volume) declares `*.size`; its parent field names the real keys."""
    return tuple(key for key in parent_keys if any(key.endswith(pattern[1:]) for pattern in patterns))


def declarations() -> list[Declaration]:
    """Every leaf decision of the Plan, in declaration order (list items are described once, as `[0]`)."""
    from wizard.planning.plan import Plan

    return _walk(Plan, "")


def _walk(model: type[BaseModel], prefix: str) -> list[Declaration]:
    found: list[Declaration] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        sub = model_of(info.annotation)
        if sub is None:
            found.append(declaration(path))
        else:
            is_list = typing.get_origin(info.annotation) is tuple
            found.extend(_walk(sub, f"{path}[0]" if is_list else path))
    return found
