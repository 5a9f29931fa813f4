"""The releases a Plan installs, each with the values it decides: what the embedded models render (explain, the
image list, the stand-in charts). Apart from explain.py so that a plain write of the files (install.sh lists the
images) does not load the report and its analysis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.components import ChartRelease
from wizard.plan import Plan
from wizard.values import render


@dataclass(frozen=True)
class ChartInput:
    """One release to explain: its chart, version, name, namespace and override values."""

    release: ChartRelease
    values: Mapping[str, Any]


def nest(settings: Sequence[Any]) -> dict[str, Any]:
    """Values settings (path, value) as the nested override file Helm would read."""
    tree: dict[str, Any] = {}
    for setting in settings:
        node = tree
        for key in setting.path[:-1]:
            node = node.setdefault(key, {})
        node[setting.path[-1]] = setting.value
    return tree


def plan_inputs(plan: Plan) -> list[ChartInput]:
    """The releases a Plan installs, with every value it decides."""
    return [ChartInput(ChartRelease(v.chart, v.version, v.release, v.namespace), nest(v.settings))
            for v in render(plan)]
