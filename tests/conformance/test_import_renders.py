"""Every scenario of the real renders imports, writes back, and Helm merges the written values to the same result.

For each ../shared/reference/substra-renders/<chart>/*.values.json: `wizard import --out` writes the run's files; the
written values file, read back as Helm reads it and merged over the chart defaults, must equal the scenario's values
merged over the chart defaults (nulls delete, like Helm). Then a normal run from the written answers file writes the
same values again, so the extras survive the answers file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.chart_defaults import coalesce, load_defaults
from wizard.charts import SUPPORTED_VERSIONS
from wizard.cli import main
from wizard.importing.extras import same
from wizard.importing.reading import read_values_file

RENDERS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders"
SCENARIOS = sorted(RENDERS.glob("*/*.values.json")) if RENDERS.is_dir() else []
pytestmark = pytest.mark.skipif(not RENDERS.is_dir(), reason=f"{RENDERS} is absent: the real renders live in ../shared")


def _body(path: Path) -> dict:
    read = read_values_file(path)
    return read.data or {}


def test_the_renders_folder_has_scenarios_for_every_chart() -> None:
    assert {path.parent.name for path in SCENARIOS} == set(SUPPORTED_VERSIONS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scenario_imports_and_writes_back_to_the_same_helm_values(scenario: Path, tmp_path: Path, capsys) -> None:
    chart = scenario.parent.name
    given = json.loads(scenario.read_text(encoding="utf-8")) or {}
    out = tmp_path / "out"
    assert main(["import", "--values", f"{chart}={scenario}", "--out", str(out)]) == 0
    capsys.readouterr()
    written = _body(out / f"{chart}-values.yaml")
    defaults = load_defaults(chart, SUPPORTED_VERSIONS[chart])
    assert same(coalesce(defaults, written), coalesce(defaults, given))

    again = tmp_path / "again"
    assert main(["--answers", str(out / "wizard-answers.yaml"), "--non-interactive", "--out", str(again)]) == 0
    assert _body(again / f"{chart}-values.yaml") == written


BACKENDS = [path for path in SCENARIOS if path.parent.name == "substra-backend"]


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda p: p.name)
def test_three_charts_imported_together_write_back_to_the_same_helm_values(backend: Path, tmp_path: Path) -> None:
    """One Plan for all three charts: the decisions they share (channels, TLS, hosts) must not break any of them."""
    from wizard.importing import check_round_trip, import_values
    from wizard.layers import build_plan

    others = [path for path in SCENARIOS if path.parent.name != "substra-backend"]
    files = []
    for path in [backend, *others]:
        copy = tmp_path / f"{path.parent.name}-{path.name}"
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        files.append((path.parent.name, copy))
    result = import_values(files)
    plan = build_plan([result.layer])
    assert check_round_trip(plan, result.extras, _merged_files(files)) == []


def _merged_files(files: list[tuple[str, Path]]) -> dict[str, dict]:
    """The customer's values per chart, several files of a chart merged in order like helm -f a -f b."""
    from wizard.layers import merge

    merged: dict[str, dict] = {}
    for chart, path in files:
        merged[chart] = merge(merged.get(chart, {}), json.loads(path.read_text(encoding="utf-8")) or {})
    return merged
