"""For every preset, every key written to a values file exists in that chart's values.yaml or its subcharts'
values.yaml in ../shared (read here directly, not through the wizard's generated defaults), or is one of the few
keys the chart templates read without declaring them, each with its FACTS.md reason."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.charts.chart_defaults import FREE_FORM, FREE_FORM_KEY_NAMES, UNDECLARED_KEYS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.writing.values import render

CHARTS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-charts"
pytestmark = pytest.mark.skipif(not CHARTS.is_dir(), reason=f"{CHARTS} is absent: the chart data lives in ../shared")


@lru_cache(maxsize=None)
def chart_values(chart: str) -> dict[str, Any]:
    """The chart's values.yaml with each subchart's values.yaml under the subchart's name."""
    values = yaml.safe_load((CHARTS / chart / "values.yaml").read_text()) or {}
    for sub in sorted((CHARTS / chart).glob("subcharts/*/values.yaml")):
        own = yaml.safe_load(sub.read_text()) or {}
        parent = values.get(sub.parent.name) or {}
        values[sub.parent.name] = _union(own, parent)
        # Helm shares `global` between a chart and its subcharts: a global a subchart declares is the chart's too.
        values["global"] = _union(own.get("global") or {}, values.get("global") or {})
    return values


def _union(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    merged = dict(a)
    for key, value in b.items():
        both_maps = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _union(merged[key], value) if both_maps else value
    return merged


def key_exists(chart: str, path: tuple[str, ...]) -> bool:
    if path in UNDECLARED_KEYS.get(chart, {}):
        return True
    if any(path[: len(prefix)] == prefix for prefix in FREE_FORM.get(chart, ())):
        return True
    node: Any = chart_values(chart)
    for index, key in enumerate(path):
        if not isinstance(node, dict):
            return False
        if key not in node:
            return index > 0 and path[index - 1] in FREE_FORM_KEY_NAMES
        node = node[key]
    return True


@pytest.mark.parametrize("name", presets.names())
def test_every_key_a_preset_writes_exists_in_the_chart(name: str) -> None:
    plan = build_plan([Layer(name, presets.load(name).plan)])
    checked = 0
    for values in render(plan):
        for setting in values.overrides:
            assert key_exists(values.chart, setting.path), f"{values.chart}: {'.'.join(setting.path)}"
            checked += 1
    assert checked > 0


def test_a_made_up_key_is_caught() -> None:
    assert not key_exists("substra-backend", ("server", "persistence", "servermedia", "size"))
    assert not key_exists("substra-backend", ("organizationName", "x"))
    assert key_exists("substra-backend", ("server", "persistence", "servermedias", "storageClass"))
    assert key_exists("substra-backend", ("localstack", "persistence", "accessModes"))
    assert key_exists("orchestrator", ("global", "imageRegistry"))  # declared by the postgresql subchart
    assert not key_exists("orchestrator", ("global", "imageRegistri"))
