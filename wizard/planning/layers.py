"""Building a Plan from layers: defaults < preset < answers file < --set, each layer a partial Plan as plain data.

The one place where pydantic's ValidationError becomes a ConfigError: every problem at once, each with its field path,
the layer that set the value, and words an operator can act on.
"""

from __future__ import annotations

import copy
import difflib
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from wizard.core.errors import ConfigError, Problem
from wizard.planning import rules
from wizard.planning.declare import join_path, literal_choices, model_of, split_path
from wizard.planning.plan import Plan

LayerKind = Literal["preset", "answers", "import", "set", "edit"]


@dataclass(frozen=True)
class Layer:
    """One source of decisions: `source` names it in messages (`preset minimal`, `answers.yaml`, `--set`)."""

    source: str
    data: Mapping[str, Any]
    paths: tuple[str, ...] = field(default=())
    """For `--set` and `edit` layers: the dotted paths it set (its data is the whole merged tree)."""
    kind: LayerKind | None = None
    """What made it (provenance); None: guessed from `source` (see `kind_of`)."""
    origins: Mapping[str, str] = field(default_factory=dict)
    """Import layers: Plan field path -> "FILE:LINE" of the customer key it was read from."""
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """chart -> values keys kept verbatim (imported keys no Plan decision writes), written over the Plan's."""
    value_origins: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Import layers: chart -> dotted values key -> "FILE:LINE" where the customer's file sets it."""
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Import layers: credential id -> value found inline in the customer's files; written to secrets/ only."""

    @property
    def kind_of(self) -> LayerKind:
        if self.kind is not None:
            return self.kind
        if self.source.startswith("preset "):
            return "preset"
        return "set" if self.source == "--set" else "answers"


def extras_of(layers: Sequence[Layer]) -> dict[str, dict[str, Any]]:
    """The verbatim values keys of all layers, per chart (a later layer's keys win, like the Plan's)."""
    extras: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for chart, tree in layer.extras.items():
            extras[chart] = merge(extras.get(chart, {}), copy.deepcopy(dict(tree)))
    return extras


def secrets_of(layers: Sequence[Layer]) -> dict[str, str]:
    """The credentials the layers carry (imported ones), a later layer's winning: the run's given secrets."""
    return {ident: value for layer in layers for ident, value in layer.secrets.items()}


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Maps merge key by key; anything else (lists included) is replaced whole."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def plan_layers(preset: str | None, answers_file: Any, sets: Sequence[str], extra: Sequence[Layer] = ()) -> list[Layer]:
    """The layers of a run: a preset, an answers file, `extra` layers (imported values files: see
    support.importing.import_layers), then the `--set` assignments."""
    from wizard.planning import answers, presets

    layers: list[Layer] = []
    if preset:
        layers.append(Layer(f"preset {preset}", presets.load(preset).plan, kind="preset"))
    if answers_file:
        from pathlib import Path

        from wizard.core import journal

        journal.settle(Path(answers_file).parent)  # a run killed while writing that folder: finish or undo it first
        plan, extras = answers.load_with_extras(answers_file)
        layers.append(Layer(str(answers_file), plan, kind="answers", extras=extras))
    layers.extend(extra)
    if sets:
        merged: dict[str, Any] = {}
        for layer in layers:
            merged = merge(merged, layer.data)
        layers.append(apply_sets(merged, sets))
    return layers


def build_plan(layers: Sequence[Layer]) -> Plan:
    """Merge the layers and validate; check across fields.

    Raises:
        ConfigError: every problem found, field problems and cross-field problems together where possible.
    """
    data: dict[str, Any] = {}
    for layer in layers:
        data = merge(data, layer.data)
    found = _not_text(data, "")
    if found:
        raise ConfigError(_attribute(found, layers))
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        found = [_translate(item) for item in error.errors(include_url=False)]
        found += _cross_problems_despite(data, found)
        raise ConfigError(_attribute(found, layers)) from None
    found = rules.problems(plan)
    if found:
        raise ConfigError(_attribute(found, layers))
    return plan


def _not_text(tree: Any, at: str) -> list[Problem]:
    """Strings holding lone surrogates: undecodable bytes given on the command line (Python keeps them as
    \\udcXX) or YAML escapes such as "\\ud800". They are not characters, so no file could hold them: refused here,
    whatever layer they came from, before anything is written."""
    from wizard.yamlkit.yamlguard import SURROGATE

    found: list[Problem] = []
    items = tree.items() if isinstance(tree, Mapping) else enumerate(tree) if isinstance(tree, list | tuple) else ()
    for key, value in items:
        path = f"{at}[{key}]" if isinstance(key, int) else f"{at}.{key}" if at else str(key)
        if isinstance(value, str) and SURROGATE.search(value):
            found.append(Problem(path, f"{ascii(value)} holds bytes that are not UTF-8 text; give UTF-8 text"))
        else:
            found += _not_text(value, path)
    return found


def _cross_problems_despite(data: dict[str, Any], field_problems: list[Problem]) -> list[Problem]:
    """Cross-field problems of the Plan with the invalid values put back to their defaults, so an operator sees
    everything in one go (best effort: nothing when the Plan is still invalid without them)."""
    pruned = copy.deepcopy(data)
    for problem in field_problems:
        _delete(pruned, split_path(problem.path))
    try:
        plan = Plan.model_validate(pruned)
    except ValidationError:
        return []
    reported = {p.path for p in field_problems}
    return [p for p in rules.problems(plan) if p.path not in reported]


def _delete(tree: Any, steps: list[str | int]) -> None:
    for step in steps[:-1]:
        try:
            tree = tree[step]
        except (KeyError, IndexError, TypeError):
            return
    if steps and isinstance(tree, dict):
        tree.pop(steps[-1], None)


def _attribute(found: list[Problem], layers: Sequence[Layer]) -> list[Problem]:
    """Say which layer set each faulty value, when it was not the defaults."""
    result = []
    for problem in found:
        source = _source_of(problem.path, layers)
        result.append(Problem(problem.path, f"{problem.message} (from {source})") if source else problem)
    return result


def _source_of(path: str, layers: Sequence[Layer]) -> str | None:
    steps = split_path(path)
    for layer in reversed(layers):
        if layer.paths:
            if any(path == p or path.startswith((p + ".", p + "[")) for p in layer.paths):
                return layer.source
            continue
        node: Any = layer.data
        for step in steps:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            return layer.source
    return None


# --- pydantic errors in an operator's words -------------------------------------------------------------------------

_TYPE_WORDS = {dict: "a map", list: "a list"}


def _shown(value: Any) -> str:
    """A value as the operator wrote it in YAML: text quoted, collections named, the rest as YAML prints it."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict | list):
        return _TYPE_WORDS[type(value)]
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return str(value)


def _translate(error: Any) -> Problem:
    steps = [step for step in error["loc"] if isinstance(step, int | str)]
    path, kind, given = join_path(steps), error["type"], error.get("input")
    if kind == "extra_forbidden":
        return Problem(path, "unknown field" + _did_you_mean(steps))
    if kind == "missing":
        return Problem(path, "required")
    if kind == "literal_error":
        expected = literal_choices(_annotation_at(steps))
        return Problem(path, f"{_shown(given)} is not one of the choices: {', '.join(expected)}")
    if kind in ("bool_parsing", "bool_type"):
        return Problem(path, f"{_shown(given)} is not true or false")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return Problem(path, f"{_shown(given)} is not a whole number")
    if kind == "greater_than_equal":
        return Problem(path, f"must be at least {error['ctx']['ge']}")
    if kind == "string_type":
        return Problem(path, f"must be text, not {_shown(given)}; put quotes around it")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Problem(path, f"must be a map of fields, not {_shown(given)}")
    if kind in ("tuple_type", "list_type"):
        return Problem(path, f"must be a list, not {_shown(given)}")
    if kind == "value_error":
        return Problem(path, str(error["ctx"]["error"]))
    return Problem(path, error["msg"])


def _annotation_at(steps: Sequence[str | int]) -> Any:
    annotation: Any = Plan
    for step in steps:
        model = model_of(annotation)
        if isinstance(step, int) or model is None:
            continue
        annotation = model.model_fields[step].annotation if step in model.model_fields else None
    return annotation


def _did_you_mean(steps: Sequence[str | int]) -> str:
    parent = model_of(_annotation_at(steps[:-1]))
    if parent is None or not isinstance(steps[-1], str):
        return ""
    close = difflib.get_close_matches(steps[-1], list(parent.model_fields), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]}?"
    return f"; the fields here are: {', '.join(parent.model_fields)}"


# --- --set path=value --------------------------------------------------------------------------------------------


def apply_sets(base: Mapping[str, Any], assignments: Sequence[str]) -> Layer:
    """A layer holding `base` with each `path=value` applied; values are typed by the field they set.

    Raises:
        ConfigError: for an assignment without '=', or a path that is not a Plan field.
    """
    # Over the defaults, so that list indexes mean what the operator sees in the answers file.
    data: Any = merge(Plan().model_dump(mode="json"), copy.deepcopy(dict(base)))
    found, paths = [], []
    for assignment in assignments:
        path, sep, raw = assignment.partition("=")
        if not sep or not path:
            found.append(Problem(f"--set {assignment}", "write it as path=value, e.g. features.builder=false"))
            continue
        try:
            steps = _check_path(path.strip())
            _assign(data, steps, _typed(raw, _annotation_at(steps)))
            paths.append(join_path(steps))
        except _PathError as error:
            found.append(Problem(f"--set {path}", str(error)))
    if found:
        raise ConfigError(found)
    return Layer("--set", data, tuple(paths), kind="set")


class _PathError(Exception):
    pass


def _check_path(path: str) -> list[str | int]:
    steps = split_path(path)
    model: type[BaseModel] | None = Plan
    annotation: Any = Plan
    for index, step in enumerate(steps):
        if isinstance(step, int):
            if not _is_list(annotation):
                raise _PathError(f"{join_path(steps[:index])} is not a list")
            continue
        model = model_of(annotation)
        if model is None or step not in model.model_fields:
            where = join_path(steps[:index]) or "the plan"
            options = list(model.model_fields) if model else []
            close = difflib.get_close_matches(step, options, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else (f"; fields: {', '.join(options)}" if options else "")
            raise _PathError(f"{where} has no field {step}{hint}")
        annotation = model.model_fields[step].annotation
    section = model_of(annotation)
    if section is not None and not _is_list(annotation):
        raise _PathError(f"{path} is a section; set one of its fields, e.g. {path}.{next(iter(section.model_fields))}")
    return steps


def _is_list(annotation: Any) -> bool:
    """A tuple field, also inside Optional[...]."""
    return typing.get_origin(annotation) is tuple or any(_is_list(arg) for arg in typing.get_args(annotation)
                                                         if arg is not type(None) and arg is not Ellipsis)


def _typed(raw: str, annotation: Any) -> Any:
    """`--set` values are text; collections are read as YAML flow (`[a, b]`), empty text clears an optional field."""
    optional = type(None) in typing.get_args(annotation)
    if raw == "" or (optional and raw == "null"):
        return None if optional else raw
    if _is_list(annotation):
        from wizard.yamlkit import yamlio

        value = yamlio.load_plain(raw, "--set value")
        return value if isinstance(value, list) else [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def _assign(data: Any, steps: list[str | int], value: Any) -> None:
    node = data
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        following: Any = value if last else ([] if isinstance(steps[index + 1], int) else {})
        if isinstance(step, int):
            if not isinstance(node, list) or step > len(node):
                size = len(node) if isinstance(node, list) else 0
                raise _PathError(f"{join_path(steps[:index])} has {size} item(s); use an index from 0 to {size}")
            if step == len(node):
                node.append(following)
            elif last:
                node[step] = value
        else:
            if not isinstance(node, dict):
                raise _PathError(f"{join_path(steps[:index])} is not a section")
            if last or not isinstance(node.get(step), dict | list):
                node[step] = following
        node = node[step]
