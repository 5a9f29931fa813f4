"""`wizard --install/--yes/--dry-run` and `wizard preflight`: the cluster is the API double (through $KUBECONFIG),
Helm is the recording fake of test_install (its manifests rendered from the test chart by Helm's engine)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_cluster_double import ApiDouble, load_routes, load_stages, serving
from test_install import FakeHelm

import wizard.helm
from wizard import cli
from wizard.commands import install as install_command
from wizard.planning.layers import build_plan, plan_layers


def _serving(routes: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[tuple[ApiDouble, FakeHelm]]:
    """The double as the current kube context, and the recording fake as Helm."""
    helm = FakeHelm()
    monkeypatch.setattr(wizard.helm, "choose", lambda *args, **kwargs: helm)
    with serving(routes) as double:
        monkeypatch.setenv("KUBECONFIG", str(double.kubeconfig(tmp_path, context="kind-substra")))
        yield double, helm


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ApiDouble, FakeHelm]]:
    yield from _serving({**load_routes("base"), **load_stages("install-happy")[-1]}, tmp_path, monkeypatch)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_install_without_yes_and_without_a_terminal_refuses_before_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = cli.main(["--preset", "minimal", "--non-interactive", "--install", "--out", str(tmp_path / "out")])
    assert code == 2
    assert "there is no terminal to confirm it in" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_install_yes_writes_the_files_then_installs(cluster: tuple[ApiDouble, FakeHelm], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    double, helm = cluster
    code = cli.main(["--preset", "minimal", "--install", "--yes", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"Cluster: context kind-substra, server {double.url} (Kubernetes v1.31.2)" in out
    assert (tmp_path / "out" / "substra-backend-values.yaml").is_file()
    assert [call[1] for call in helm.calls] == ["orchestrator", "backend"]
    assert "[orchestrator] orchestrator is ready (revision 1)" in out and out.rstrip().endswith("Installed.")


def test_blocking_findings_stop_before_any_change(cluster: tuple[ApiDouble, FakeHelm], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    double, helm = cluster
    code = cli.main(["--preset", "minimal", "--set", "storage.worker.storage_class=gold", "--install", "--yes",
                     "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1
    assert "blocking: Worker volume: there is no storage class 'gold'" in out and "nothing was changed" in out
    posts = double.paths("POST")
    assert helm.calls == [] and posts and all(p.endswith("/pods?dryRun=All") for p in posts)  # only dry runs


def test_dry_run_writes_nothing_and_asks_helm_for_a_client_dry_run(cluster: tuple[ApiDouble, FakeHelm],
                                                                   tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _, helm = cluster
    code = cli.main(["--preset", "minimal", "--non-interactive", "--dry-run", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert not (tmp_path / "out").exists()
    assert [call[4] for call in helm.calls] == [True, True]
    assert "Dry run: no file was written and nothing in the cluster changed." in out


def test_on_a_terminal_the_context_and_server_are_confirmed_first(cluster: tuple[ApiDouble, FakeHelm],
                                                                  tmp_path: Path) -> None:
    double, helm = cluster
    plan = build_plan(plan_layers("minimal", None, []))
    out = io.StringIO()
    code = install_command.run(plan, tmp_path, yes=False, dry_run=False, out=out, ask=Terminal("n\n"))
    assert code == 1 and helm.calls == []
    assert f"Install into context kind-substra (server {double.url})? [y/N]" in out.getvalue()


def test_preflight_command_prints_json_and_exits_1_on_blocking(cluster: Any,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["preflight", "--preset", "minimal", "--set", "storage.minio.existing_claim=nope",
                     "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["context"] == "kind-substra"
    assert [f["check"] for f in report["findings"] if f["severity"] == "blocking"] == ["existing-claim"]


def test_preflight_without_a_cluster_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    assert cli.main(["preflight", "--preset", "minimal"]) == 2
    assert "no kubeconfig at" in capsys.readouterr().err


@pytest.fixture
def refusing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ApiDouble, FakeHelm]]:
    """The install cluster, with org-1 enforcing restricted and its dry runs refused as in data/cluster/admission."""
    routes = {**load_routes("base"), **load_stages("install-happy")[-1], **load_routes("pss-restricted", "admission")}
    yield from _serving(routes, tmp_path, monkeypatch)


ADMISSION_LINES = (
    "Admission: each pod sent to the cluster as a server-side dry run (nothing was created)",
    "  namespace org-1 (enforce=restricted)",
    "    backend-server                     wizard: allowed (restricted)  cluster: refused   <- they disagree",
    "      maximum cpu usage per Pod is 1. No limit is specified",
    "    backend-task-build (run time)      wizard: refused (baseline)    cluster: refused",
    "  the wizard and the cluster disagree on 1 pod: backend-server (see the warnings)",
)


def test_preflight_text_shows_the_prediction_beside_the_cluster_verdict(refusing: Any,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["preflight", "--preset", "minimal"])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    for line in ADMISSION_LINES:
        assert line in lines, line
    assert ("blocking: the cluster refuses backend-server (Deployment/backend-substra-backend-server) in namespace "
            "org-1: maximum cpu usage per Pod is 1. No limit is specified") in lines
    assert any(line.startswith("warning: backend-server (Deployment/backend-substra-backend-server): the wizard's "
                               "prediction (Pod Security only) admits it, but the cluster refused it because of a "
                               "LimitRange") for line in lines)


def test_preflight_json_has_the_admission_list(refusing: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["preflight", "--preset", "minimal", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    pods = {p["object"]: p for p in report["admission"]}
    server = pods["Deployment/backend-substra-backend-server"]
    assert (server["predicted"], server["cluster"], server["cause"], server["agree"]) == \
        ("allowed", "refused", "limit-range", False)
    assert pods["Pod/kaniko-example"]["agree"] is True and pods["Pod/kaniko-example"]["runtime"] is True
    assert {f["check"] for f in report["findings"] if f["severity"] == "blocking"} == {"pod-security", "admission"}


def test_dry_run_shows_the_admission_verdicts_and_stops_on_a_refusal(refusing: tuple[ApiDouble, FakeHelm],
                                                                    tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _, helm = refusing
    code = cli.main(["--preset", "minimal", "--non-interactive", "--dry-run", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1 and helm.calls == []
    assert ADMISSION_LINES[2] in out.splitlines() and "blocking finding(s): nothing was changed." in out


def test_plain_shows_the_admission_verdicts_before_the_install_is_confirmed(
        cluster: tuple[ApiDouble, FakeHelm], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from plain_lines import answer_lines

    _, helm = cluster
    plan = build_plan(plan_layers("minimal", None, []))
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr("sys.stdin", Terminal("\n".join([*answer_lines(plan), "n"]) + "\n"))
    code = cli.main(["--preset", "minimal", "--plain", "--install", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1 and helm.calls == []  # the operator said no
    verdict = out.index("    backend-server                     wizard: allowed (restricted)  cluster: admitted")
    assert out.index("Admission: each pod sent") < verdict < out.index("Install into context kind-substra")
