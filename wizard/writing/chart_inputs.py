"""The releases a Plan installs, each with the values it decides: what the embedded models render (explain, the
image list, the stand-in charts). Apart from explain.py so that a plain write of the files (install.sh lists the
images) does not load the report and its analysis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.charts.components import ChartRelease
from wizard.planning.plan import Plan
from wizard.writing.credentials import resolve
from wizard.writing.values import ChartValues, Setting, render


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


def plan_inputs(plan: Plan, *, credentials: bool = True) -> list[ChartInput]:
    """The releases a Plan installs, with every value it decides. The credentials the charts take inline come as
    placeholders (the analysis sees that a value is set, never the value); `credentials=False` leaves them out, as
    the values files do (a diff against those files)."""
    return [ChartInput(ChartRelease(v.chart, v.version, v.release, v.namespace),
                       nest(analysed_settings(v) if credentials else v.settings))
            for v in render(plan)]


def analysed_settings(values: ChartValues) -> list[Setting]:
    """A chart's settings as the analysis reads them: the values file's, then the private ones with placeholders."""
    return [*values.settings, *(Setting(s.path, resolve(s.value, None), s.field) for s in values.private)]
