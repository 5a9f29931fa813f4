"""The binary backend runs the helm commands an operator would type, and reads their -o json answers. A stand-in
`helm` script on PATH records its arguments and answers like helm does; `choose` picks binary, SDK or explains."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from wizard.helm import choose
from wizard.helm.base import ChartSource, HelmFailure
from wizard.helm.binary import BinaryHelm

STATUS = {"name": "backend", "namespace": "org-1", "version": 3, "manifest": "---\nkind: Service\n",
          "info": {"status": "deployed", "last_deployed": "2026-11-26T09:00:00Z"},
          "chart": {"metadata": {"name": "substra-backend", "version": "26.15.3", "appVersion": "1.0.0"}}}
HISTORY = [{"revision": 1, "updated": "2026-11-25T09:00:00Z", "status": "superseded",
            "chart": "substra-backend-26.15.3", "app_version": "1.0.0", "description": "Install complete"},
           {"revision": 2, "updated": "2026-11-26T09:00:00Z", "status": "pending-upgrade",
            "chart": "substra-backend-26.15.3", "app_version": "1.0.0", "description": "Preparing upgrade"}]

SCRIPT = """#!{python}
import json, sys
log, answers = {log!r}, json.loads({answers!r})
with open(log, "a") as out:
    out.write(json.dumps(sys.argv[1:]) + "\\n")
command = sys.argv[1]
if command in answers:
    code, text = answers[command]
    (sys.stdout if code == 0 else sys.stderr).write(text)
    sys.exit(code)
sys.exit(0)
"""


def fake_helm(folder: Path, answers: dict[str, tuple[int, str]]) -> tuple[Path, Path]:
    log = folder / "calls.jsonl"
    script = folder / "helm"
    script.write_text(SCRIPT.format(python=sys.executable, log=str(log), answers=json.dumps(answers)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_upgrade_install_passes_repo_version_values_and_cluster_flags(tmp_path: Path) -> None:
    script, log = fake_helm(tmp_path, {"upgrade": (0, json.dumps(STATUS))})
    helm = BinaryHelm(str(script), kubeconfig=tmp_path / "kc", context="kind-substra")
    release = helm.upgrade_install("backend", ChartSource("substra-backend", "26.15.3", "https://substra.github.io/charts"),
                                   "org-1", [Path("out/substra-backend-values.yaml")], timeout_seconds=300)
    assert (release.revision, release.status, release.chart, release.manifest) == (
        3, "deployed", "substra-backend-26.15.3", "---\nkind: Service\n")
    assert calls(log) == [["upgrade", "--install", "backend", "substra-backend", "--version", "26.15.3", "--repo",
                           "https://substra.github.io/charts", "--namespace", "org-1", "--values",
                           "out/substra-backend-values.yaml", "--timeout", "300s", "--output", "json",
                           "--kubeconfig", str(tmp_path / "kc"), "--kube-context", "kind-substra"]]


def test_dry_run_is_client_side(tmp_path: Path) -> None:
    script, log = fake_helm(tmp_path, {"upgrade": (0, json.dumps(STATUS))})
    BinaryHelm(str(script)).upgrade_install("backend", ChartSource("./chart"), "org-1", [], dry_run=True)
    assert calls(log)[0][-1] == "--dry-run=client"


def test_status_and_history_read_json_and_an_absent_release_is_none(tmp_path: Path) -> None:
    script, log = fake_helm(tmp_path, {"history": (0, json.dumps(HISTORY))})
    helm = BinaryHelm(str(script))
    history = helm.history("backend", "org-1")
    assert [(r.revision, r.status, r.pending) for r in history] == [(1, "superseded", False),
                                                                     (2, "pending-upgrade", True)]
    assert helm.last_deployed("backend", "org-1").revision == 1  # type: ignore[union-attr]
    latest = helm.status("backend", "org-1")  # Helm 4's status -o json does not name the chart: history does
    assert latest is not None and (latest.revision, latest.status, latest.chart) == (2, "pending-upgrade",
                                                                                     "substra-backend-26.15.3")
    assert calls(log)[0] == ["history", "backend", "--namespace", "org-1", "--output", "json"]
    (tmp_path / "absent").mkdir()
    absent, _ = fake_helm(tmp_path / "absent", {"history": (1, "Error: release: not found\n")})
    assert BinaryHelm(str(absent)).status("backend", "org-1") is None


def test_a_failing_command_is_a_helm_failure_with_helms_message(tmp_path: Path) -> None:
    script, log = fake_helm(tmp_path, {"rollback": (1, "Error: release has no 7 version\n")})
    with pytest.raises(HelmFailure, match="helm rollback failed: release has no 7 version"):
        BinaryHelm(str(script)).rollback("backend", "org-1", 7)
    assert calls(log) == [["rollback", "backend", "7", "--namespace", "org-1"]]


def test_choose_prefers_the_binary_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_helm(tmp_path, {})
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    chosen = choose(context="kind-substra")
    assert chosen.kind == "binary" and chosen.executable == str(tmp_path / "helm")  # type: ignore[attr-defined]


def test_choose_falls_back_to_the_sdk_then_explains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no helm here
    pytest.importorskip("helm_python")
    assert choose().kind == "sdk"
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "helm_python" else real(name, *a))
    with pytest.raises(HelmFailure, match=r"pip install 'substra-wizard\[helm\]'"):
        choose()


def test_the_json_answer_follows_the_lines_helm_prints_when_it_pulls_from_oci(tmp_path: Path) -> None:
    pulled = "Pulled: registry.internal:5000/charts/substra-backend:26.15.3\nDigest: sha256:00\n"
    script, _ = fake_helm(tmp_path, {"upgrade": (0, pulled + json.dumps(STATUS))})
    release = BinaryHelm(str(script)).upgrade_install(
        "backend", ChartSource("oci://registry.internal:5000/charts/substra-backend", "26.15.3"), "org-1", [])
    assert (release.revision, release.status) == (3, "deployed")
    (tmp_path / "garbled").mkdir()
    garbled, _ = fake_helm(tmp_path / "garbled", {"upgrade": (0, "Pulled: x\nnot json\n")})
    with pytest.raises(HelmFailure, match="helm upgrade --install answered something other than JSON: Pulled: x"):
        BinaryHelm(str(garbled)).upgrade_install("backend", ChartSource("./chart"), "org-1", [])


def test_manifest_is_what_helm_get_manifest_prints(tmp_path: Path) -> None:
    """History (which status reads) carries no manifest; a network's second run compares this one."""
    script, log = fake_helm(tmp_path, {"get": (0, "---\nkind: Service\nmetadata: {name: backend}\n")})
    helm = BinaryHelm(str(script), context="cluster-2")
    assert helm.manifest("backend", "org-1") == "---\nkind: Service\nmetadata: {name: backend}\n"
    assert calls(log) == [["get", "manifest", "backend", "--namespace", "org-1", "--kube-context", "cluster-2"]]
    missing, _ = fake_helm(tmp_path, {"get": (1, "Error: release: not found")})
    assert BinaryHelm(str(missing)).manifest("backend", "org-1") == ""
