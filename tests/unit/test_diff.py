"""wizard diff: Plan fields, merged values and implications between two configurations, checked against what the
plans and the chart defaults say on their own; equivalent inputs show nothing; the three formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.charts.chart_defaults import get_path, load_defaults
from wizard.cli import main
from wizard.planning.declare import declarations, split_path
from wizard.planning.layers import build_plan, plan_layers

SIX_ADD_CERT_PODS = {"backend-server", "backend-worker", "backend-builder", "backend-api-events",
                     "backend-worker-events", "backend-scheduler-worker"}


def diff_json(capsys, *argv: str) -> dict:
    assert main(["diff", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def plan_data(preset: str) -> dict:
    return build_plan(plan_layers(preset, None, [])).model_dump(mode="json")


def at(tree: Any, path: str) -> Any:
    for step in split_path(path):
        tree = tree[step]
    return tree


def test_plan_fields_minimal_to_production_are_exactly_those_that_differ(capsys) -> None:
    a, b = plan_data("minimal"), plan_data("production")
    fields = diff_json(capsys, "minimal", "production")["plan"]
    assert fields["compared"] is True
    reported = {f["path"]: f for f in fields["fields"]}
    for path, field in reported.items():
        assert (field["a"], field["b"]) == (at(a, path), at(b, path)), path
    # Every scalar decision of the Plan that differs is reported (lists of sections are compared per item).
    expected = set()
    for declaration in declarations():
        try:
            x, y = at(a, declaration.path), at(b, declaration.path)
        except (IndexError, KeyError):
            continue
        if x != y:
            expected.add(declaration.path)
    assert expected and expected <= set(reported)
    assert reported["storage.worker.size"]["label"] == "Worker volume - Size"


def test_values_are_compared_merged_over_the_chart_defaults(capsys) -> None:
    result = diff_json(capsys, "minimal", "production")
    values = {(v["chart"], v["key"]): v for v in result["values"]}
    default_size = get_path(load_defaults("substra-backend", "26.15.3"), ("worker", "persistence", "size"))
    assert values[("substra-backend", "worker.persistence.size")] == {
        "chart": "substra-backend", "key": "worker.persistence.size", "change": "changed",
        "a": default_size, "b": plan_data("production")["storage"]["worker"]["size"]}
    assert values[("substra-backend", "orchestrator.sameCluster")]["b"] is False
    charts = {c["chart"]: c for c in result["charts"]}
    assert charts["orchestrator"]["a"]["release"] == "orchestrator" and charts["orchestrator"]["b"] is None
    assert charts["substra-frontend"]["a"] is None and charts["substra-frontend"]["b"]["namespace"] == "org-1"


def test_implications_minimal_to_production(capsys) -> None:
    result = diff_json(capsys, "minimal", "production")
    pods = {p["component"]: p for p in result["pods"]}
    assert {c for c, p in pods.items() if p["change"] == "removed"} == {
        "orchestrator-server", "orchestrator-database", "orchestrator-migrations"}  # the orchestrator runs elsewhere
    assert pods["frontend"]["change"] == "added"
    internet = {(n["pod"], n["direction"]) for n in result["network"]
                if n["internet"] and n["change"] == "opened"}
    assert ("frontend", "ingress") in internet
    production = build_plan(plan_layers("production", None, []))
    reused = {getattr(production.storage, name).existing_claim for name in type(production.storage).model_fields}
    reused.discard(None)
    added = {v["claim"] for v in result["volumes"] if v["changes"] == ["added"]}
    assert added == reused and all(not v["b"]["created"] for v in result["volumes"] if v["claim"] in reused)
    worker = next(v for v in result["volumes"] if v["claim"].startswith("subtuple-") and "worker" in v["claim"])
    assert set(worker["changes"]) == {"resized", "reclassified"}
    assert (worker["a"]["size"], worker["b"]["size"]) == ("10Gi", production.storage.worker.size)
    assert worker["b"]["storage_class"] == production.storage.worker.storage_class


def test_private_ca_adds_root_containers_and_lowers_pod_security(capsys) -> None:
    result = diff_json(capsys, "minimal", "airgapped")
    added = {(r["component"], r["container"]) for r in result["root_containers"] if r["change"] == "added"}
    assert added == {(pod, "add-cert") for pod in SIX_ADD_CERT_PODS}
    lowered = {p["component"] for p in result["pods"] if p["change"] == "level"}
    assert lowered == SIX_ADD_CERT_PODS
    assert all((p["a_level"], p["b_level"]) == ("restricted", "baseline") for p in result["pods"]
               if p["change"] == "level")
    # The other way round, the same containers are removed.
    back = diff_json(capsys, "airgapped", "minimal")
    assert {(r["component"], r["container"]) for r in back["root_containers"] if r["change"] == "removed"} == added


def test_a_folder_written_by_the_wizard_equals_its_preset(tmp_path: Path, capsys) -> None:
    assert main(["--preset", "localstack-dev", "--non-interactive", "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    result = diff_json(capsys, "localstack-dev", f"dir:{tmp_path / 'out'}")
    assert result["different"] is False
    assert main(["diff", "--exit-code", "localstack-dev", str(tmp_path / "out")]) == 0
    assert "No difference." in capsys.readouterr().out


def test_values_files_equal_to_the_plan_show_no_value_or_implication_difference(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["--preset", "minimal", "--non-interactive", "--out", str(out)]) == 0
    capsys.readouterr()
    spec = f"orchestrator={out / 'orchestrator-values.yaml'},substra-backend={out / 'substra-backend-values.yaml'}"
    result = diff_json(capsys, "minimal", spec)
    for part in ("values", "pods", "root_containers", "network", "volumes"):
        assert result[part] == [], part


def test_equivalent_values_files_show_no_difference(tmp_path: Path, capsys) -> None:
    empty, explicit = tmp_path / "empty.yaml", tmp_path / "explicit.yaml"
    empty.write_text("# nothing set\n")
    explicit.write_text("worker:\n  persistence:\n    size: 10Gi  # the default\nserver:\n  replicaCount: 1\n"
                        "minio:\n  enabled: true\n")
    result = diff_json(capsys, f"substra-backend={empty}", f"values:substra-backend={explicit}")
    assert result["different"] is False and result["values"] == []
    assert result["plan"]["compared"] is False or result["plan"]["fields"] == []
    changed = tmp_path / "changed.yaml"
    changed.write_text("worker:\n  persistence:\n    size: 20Gi\n")
    result = diff_json(capsys, f"substra-backend={empty}", f"substra-backend={changed}")
    assert [(v["key"], v["a"], v["b"]) for v in result["values"]] == [("worker.persistence.size", "10Gi", "20Gi")]
    assert main(["diff", "--exit-code", f"substra-backend={empty}", f"substra-backend={changed}"]) == 1


def test_json_schema_keys(capsys) -> None:
    result = diff_json(capsys, "minimal", "airgapped")
    assert result["schema"] == "substra-wizard/diff@1"
    assert set(result) == {"schema", "a", "b", "different", "notes", "plan", "charts", "values", "pods",
                           "root_containers", "network", "volumes", "findings"}
    assert result["a"] == {"source": "minimal", "k8s_version": "1.31"}
    assert set(result["network"][0]) == {"pod", "direction", "peer", "change", "internet", "context"}
    assert set(result["findings"][0]) == {"change", "area", "severity", "message", "values_key"}


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_name_each_part(fmt: str, capsys) -> None:
    assert main(["diff", "minimal", "airgapped", "--format", fmt]) == 0
    out = capsys.readouterr().out
    heading = "## " if fmt == "markdown" else ""
    for title in ("Plan fields", "Values of substra-backend", "Pod Security", "Containers running as root",
                  "Volumes", "Findings"):
        assert f"\n{heading}{title}" in out, title
    assert "backend-server: level restricted -> baseline" in out


def test_unknown_and_ambiguous_sides_are_clear_errors(tmp_path: Path, capsys, monkeypatch) -> None:
    assert main(["diff", "minimal", "no-such-thing"]) == 2
    err = capsys.readouterr().err
    assert "no-such-thing" in err and "preset:NAME" in err and "values:CHART=FILE" in err
    assert main(["diff", "minimal", "kubelet=x.yaml"]) == 2
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minimal").write_text("schema: substra-wizard/answers@1\n")
    assert main(["diff", "minimal", "production"]) == 2
    assert "preset:minimal or ./minimal" in capsys.readouterr().err
    assert main(["diff", "preset:minimal", "./minimal"]) == 0
