"""The ways in read from values (charts.entry_points) are those the real charts render: each scenario's Ingress
hosts and NodePort/LoadBalancer Services in ../shared's renders, from the same values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.entry_points import release_entry_points

RENDERS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders"
SCENARIOS = sorted(RENDERS.glob("*/*.values.json")) if RENDERS.is_dir() else []
pytestmark = pytest.mark.skipif(not SCENARIOS, reason=f"{RENDERS} is absent: the real renders live in ../shared")


def rendered_ways_in(render: Path) -> set[tuple[str, str]]:
    """(kind, what): an Ingress host, or a Service type with its ports."""
    found = set()
    for obj in yaml.safe_load_all(render.read_text(encoding="utf-8")):
        if not obj:
            continue
        spec = obj.get("spec") or {}
        if obj.get("kind") == "Ingress":
            found |= {("ingress", rule["host"]) for rule in spec.get("rules") or [] if rule.get("host")}
        elif obj.get("kind") == "Service" and spec.get("type") in ("NodePort", "LoadBalancer"):
            found.add((spec["type"], _ports([p["port"] for p in spec["ports"]])))
    return found


def _ports(numbers: list[int]) -> str:
    """Ports as the values reader writes them: the first, then a run of consecutive ones as a range."""
    first, rest = numbers[0], sorted(numbers[1:])
    if not rest:
        return str(first)
    if rest == list(range(rest[0], rest[-1] + 1)) and len(rest) > 1:
        return f"{first}, {rest[0]}-{rest[-1]}"
    return ", ".join(str(n) for n in numbers)


@pytest.mark.parametrize("values", SCENARIOS, ids=[f"{p.parent.name}/{p.name}" for p in SCENARIOS])
def test_the_ways_in_read_from_values_are_those_rendered(values: Path) -> None:
    chart = values.parent.name
    read = release_entry_points(chart, SUPPORTED_VERSIONS[chart], json.loads(values.read_text(encoding="utf-8")))
    said = {(entry.kind, entry.address.split(" (node port")[0]) for entry in read}
    assert said == rendered_ways_in(values.with_name(values.name.replace(".values.json", ".yaml")))


def test_the_scenarios_include_an_ingress_and_a_node_port() -> None:
    kinds = {kind for values in SCENARIOS
             for kind, _ in rendered_ways_in(values.with_name(values.name.replace(".values.json", ".yaml")))}
    assert {"ingress", "NodePort"} <= kinds
