"""The bench scripts' command lines: each answers --help (so a moved wizard module that breaks a bench import shows up
here, not on the day someone needs the figures), explain_manifests picks the largest backend render across every
render folder and refuses a missing shared folder with a message, and explain_cost_helm writes a preset's charts."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, check=False,
                          timeout=120)


def _module(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A bench script loaded as a module (bench/ is no package), registered for the time of one test."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["explain_manifests.py", "explain_cost_helm.py", "explain_cost.py",
                                    "network_cost.py"])
def test_help_names_the_options(script: str) -> None:
    done = _run(script, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:")
    assert "--runs" in done.stdout


def test_the_largest_backend_render_is_found_in_any_render_folder(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _module("explain_manifests", monkeypatch)
    files = {"substra-renders/substra-backend/00-defaults.yaml": 300,
             "substra-renders-later/substra-backend/big.yaml": 900,
             "substra-renders-later/substra-backend/big.values.json": 5000,  # values, not a render
             "substra-renders/orchestrator/huge.yaml": 9000,  # another chart
             "other/substra-backend/huge.yaml": 9000}  # not a render folder
    for path, size in files.items():
        (tmp_path / "reference" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "reference" / path).write_text("x" * size)
    largest, looked_at = bench.largest_backend_render(tmp_path)
    assert largest == tmp_path / "reference/substra-renders-later/substra-backend/big.yaml"
    assert looked_at == 2


def test_a_missing_shared_folder_is_exit_2_with_the_option_to_use(tmp_path: Path) -> None:
    done = _run("explain_manifests.py", "--shared", str(tmp_path / "nowhere"), "--runs", "1")
    assert done.returncode == 2
    assert "no shared folder at" in done.stderr and "--shared PATH" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_run_count_below_one_is_refused() -> None:
    done = _run("explain_manifests.py", "--runs", "0")
    assert done.returncode == 2
    assert "--runs" in done.stderr and "1 or more" in done.stderr


def test_a_failing_wizard_run_stops_the_bench_with_its_exit_code(tmp_path: Path) -> None:
    render = tmp_path / "reference/substra-renders/substra-backend/00-defaults.yaml"
    render.parent.mkdir(parents=True)
    render.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    done = _run("explain_manifests.py", "--shared", str(tmp_path), "--runs", "1", "--preset", "no-such-preset")
    assert done.returncode == 1
    assert "--preset no-such-preset exited 2 (unreadable or invalid input)" in done.stderr
    assert "Traceback" not in done.stderr


def test_explain_cost_helm_writes_a_presets_charts_without_rendering(tmp_path: Path) -> None:
    done = _run("explain_cost_helm.py", "--preset", "minimal", "--out", str(tmp_path), "--no-render")
    assert done.returncode == 0, done.stderr
    backend = tmp_path / "minimal" / "substra-backend"
    chart = json.loads((backend / "Chart.yaml").read_text())
    assert chart["name"] == "substra-backend"
    assert {dependency["name"] for dependency in chart["dependencies"]} >= {"postgresql", "redis"}
    assert (backend / "charts" / "postgresql" / "Chart.yaml").is_file()
    assert str(backend) in done.stdout


def test_the_network_bench_builds_a_larger_network_that_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from wizard.network import model
    from wizard.network.plans import plan_network
    from wizard.network.starter import STARTER

    text = _module("network_cost", monkeypatch).larger(STARTER, 5)
    network = model.parse(yaml.safe_load(text), "bench")
    assert [o.name for o in network.organisations] == [f"org-{i}" for i in range(1, 6)]
    assert len(plan_network(network, "bench")) == 6
