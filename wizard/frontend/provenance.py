"""Which layer set each decision and each written values key: the answer to "why is this value what it is?".

A Plan is built from layers (preset < answers file < imported values < --set < interactive edits), last wins. For a
Plan field, `history` lists every layer that set it and `field_origin` the one that won (or the Plan's default).
For a values key, `value_origin` says whether an imported key is written verbatim, which Plan decision writes it
(and so which layer), or that the chart default applies. The TUI and `wizard why` read these; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, get_path, load_defaults
from wizard.planning.declare import declaration, join_path, split_path
from wizard.planning.layers import Layer, merge
from wizard.planning.plan import Plan

KIND_WORDS = {"default": "default", "preset": "preset", "answers": "answers file", "import": "imported",
              "set": "--set", "edit": "interactive edit", "chart-default": "chart default"}


@dataclass(frozen=True)
class Origin:
    """One layer's say on one field or key: what kind of layer, which one, the value it gave, and where (FILE:LINE
    for an imported key)."""

    kind: str
    """default | preset | answers | import | set | edit | chart-default"""
    source: str
    value: Any
    where: str | None = None

    def __str__(self) -> str:
        if self.kind == "default":
            return "the Plan's default"
        if self.kind == "chart-default":
            return f"the chart default ({self.source})"
        place = f" ({self.where})" if self.where else ""
        if self.kind == "import" and not self.where:
            place = " (the files leave it to the chart's default)"
        words = {"preset": self.source, "answers": f"answers file {self.source}", "set": "--set",
                 "edit": "interactive edit"}
        return f"{words.get(self.kind, self.source)}{place}"


def _sets(layer: Layer, path: str, steps: list[str | int]) -> bool:
    """Whether `layer` sets the field at `path` (or a list or section holding it)."""
    if layer.paths:
        return any(path == p or path.startswith((p + ".", p + "[")) or p.startswith((path + ".", path + "["))
                   for p in layer.paths)
    node: Any = layer.data
    for step in steps:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return False
    return True


def _value_at(data: Any, steps: list[str | int]) -> Any:
    node = data
    for step in steps:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return node


def _where(layer: Layer, path: str) -> str | None:
    """FILE:LINE of the customer key an imported field came from (the nearest enclosing field's, for a list)."""
    while path:
        if path in layer.origins:
            return layer.origins[path]
        path = path.rsplit(".", 1)[0] if "." in path else path.split("[", 1)[0] if "[" in path else ""
    return None


def history(layers: Sequence[Layer], field_path: str) -> list[Origin]:
    """Every layer that set the field, in order (the last one wins); empty when the Plan's default applies.

    Raises:
        KeyError: `field_path` is not a Plan field.
    """
    steps = split_path(field_path)
    declaration(join_path(steps))  # KeyError when it is not a Plan field
    path = join_path(steps)
    found = []
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = merge(merged, layer.data)
        if _sets(layer, path, steps):
            found.append(Origin(layer.kind_of, layer.source, _value_at(merged, steps), _where(layer, path)))
    return found


def field_origin(layers: Sequence[Layer], field_path: str) -> Origin:
    """The layer whose value a Plan field has, or the Plan's default (kind "default")."""
    found = history(layers, field_path)
    if found:
        return found[-1]
    return Origin("default", "Plan default", _value_at(Plan().model_dump(mode="json"), split_path(field_path)))


def edit_layer(before: Plan, after: Plan, source: str = "interactive edit") -> Layer:
    """A layer recording the fields an operator changed in a front end (for provenance after the TUI or prompts)."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return Layer(source, new, tuple(_changed(old, new, [])), kind="edit")


def _changed(old: Any, new: Any, at: list[str | int]) -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        return [p for key in new for p in _changed(old.get(key), new[key], [*at, key])]
    return [] if old == new else [join_path(at)]


# --- values keys -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueOrigin:
    """Why one key of a written values file has its value."""

    chart: str
    key: str
    value: Any
    """The value written (MISSING when the key is not written: the chart default applies)."""
    decided_by: str | None
    """The Plan field that writes it, if any."""
    verbatim: Origin | None
    """The layer whose extras write it verbatim (an import or an answers file), if any."""
    default: Any

    @property
    def summary(self) -> str:
        if self.verbatim is not None:
            return f"imported verbatim from {self.verbatim}"
        if self.decided_by is not None:
            return f"written by the decision {self.decided_by}"
        return "chart default"


def value_origin(layers: Sequence[Layer], plan: Plan, chart: str, key: str) -> ValueOrigin:
    """Who writes `key` (dotted) in `chart`'s values: extras (last layer wins), a Plan decision, or nobody."""
    from wizard.writing.values import render

    path = tuple(key.split("."))
    default = get_path(load_defaults(chart, SUPPORTED_VERSIONS[chart]), path)
    for layer in reversed(layers):
        value = get_path(layer.extras.get(chart, {}), path)
        if value is not MISSING:
            where = layer.value_origins.get(chart, {}).get(key)
            return ValueOrigin(chart, key, value, None, Origin(layer.kind_of, layer.source, value, where), default)
    for values in render(plan):
        if values.chart != chart:
            continue
        for setting in values.settings:
            if setting.path == path:
                written = setting.value if setting in values.overrides else MISSING
                return ValueOrigin(chart, key, written, setting.field, None, default)
    return ValueOrigin(chart, key, MISSING, None, None, default)


def charts_with_key(key: str) -> list[str]:
    """The charts whose defaults (or free-form maps) have this dotted key, to guess the chart of a bare key."""
    from wizard.charts.chart_defaults import declared

    path = tuple(key.split("."))
    return [chart for chart, version in SUPPORTED_VERSIONS.items() if declared(chart, version, path)]


def layer_kinds(layers: Sequence[Layer]) -> Mapping[str, str]:
    """source -> kind word, for listing a run's layers."""
    return {layer.source: KIND_WORDS[layer.kind_of] for layer in layers}
