"""Issue 17's install across clusters, its order and its failures, without a cluster: every member is checked
before anything changes, a blocking finding anywhere stops the whole network untouched, and a member that fails
stops the run saying which members are installed and which are not (the cluster checks and the installs of one
member are the single-run ones, replaced here by recorders; the real ones run in tests/e2e/test_e2e_network.py)."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from wizard.commands import install, network_install
from wizard.network import model
from wizard.network.output import plan_network_files
from wizard.network.starter import STARTER


class Recorder:
    def __init__(self, blocking: set[str] = frozenset(), failing: str | None = None) -> None:
        self.checked: list[str] = []
        self.installed: list[tuple[str, str]] = []
        self.blocking, self.failing = blocking, failing

    def check(self, plan, *, kubeconfig, context, values_dir):  # type: ignore[no-untyped-def]
        self.checked.append(values_dir.name)
        found = [SimpleNamespace(severity="blocking", message="no storage class", fix="make one")] \
            if values_dir.name in self.blocking else []
        return SimpleNamespace(findings=found, facts=SimpleNamespace(context=context, server=f"https://{context}"),
                               folder=values_dir.name)

    def install_checked(self, plan, checked, values_dir, out, *, dry_run, timeout, skip_unchanged):  # type: ignore[no-untyped-def]
        assert skip_unchanged and not dry_run
        self.installed.append((values_dir.name, checked.facts.context))
        return install.EXIT_NOT_DONE if values_dir.name == self.failing else install.EXIT_OK


@pytest.fixture
def network_run(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "network.yaml"
    path.write_text(STARTER, encoding="utf-8")
    return plan_network_files(model.load(path), path, tmp_path / "out")


def run(network_run, recorder: Recorder, monkeypatch: pytest.MonkeyPatch, *, yes: bool = True,  # type: ignore[no-untyped-def]
        answer: str = "") -> tuple[int, str]:
    monkeypatch.setattr(install, "check", recorder.check)
    monkeypatch.setattr(install, "print_check", lambda checked, out: out.write(f"checked {checked.folder}\n"))
    monkeypatch.setattr(install, "install_checked", recorder.install_checked)
    out = io.StringIO()
    ask = io.StringIO(answer)
    ask.isatty = lambda: True  # type: ignore[method-assign]
    code = network_install.install_network(network_run, Path("out"), yes=yes, kubeconfig=None, timeout=60,
                                           out=out, ask=ask)
    return code, out.getvalue()


def test_every_member_is_checked_then_installed_in_order_each_in_its_context(network_run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    recorder = Recorder()
    code, text = run(network_run, recorder, monkeypatch)
    assert code == 0
    assert recorder.checked == ["orchestrator", "ingen", "biotechnica", "arasaka"]
    assert recorder.installed == [("orchestrator", "cluster-1"), ("ingen", "cluster-1"), ("biotechnica", "cluster-1"),
                                  ("arasaka", "cluster-2")]
    assert text.index("checked arasaka") < text.index("== Installing orchestrator")
    assert text.rstrip().endswith("Network installed: orchestrator, ingen, biotechnica, arasaka.")


def test_a_blocking_finding_in_any_cluster_changes_nothing_anywhere(network_run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    recorder = Recorder(blocking={"arasaka"})
    code, text = run(network_run, recorder, monkeypatch)
    assert code == 1 and recorder.installed == []
    assert "Blocking findings in arasaka (1): nothing was changed in any cluster." in text


def test_a_failed_member_stops_the_run_saying_what_is_and_is_not_installed(network_run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    recorder = Recorder(failing="biotechnica")
    code, text = run(network_run, recorder, monkeypatch)
    assert code == 1
    assert [name for name, _ in recorder.installed] == ["orchestrator", "ingen", "biotechnica"]
    assert ("biotechnica failed. Installed: orchestrator, ingen. Not installed: biotechnica, arasaka. The installed "
            "organisations list biotechnica but cannot reach it until it runs") in text


def test_one_question_for_every_context_and_no_means_nothing_changes(network_run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    recorder = Recorder()
    code, text = run(network_run, recorder, monkeypatch, yes=False, answer="n\n")
    assert code == 1 and recorder.installed == []
    assert text.count("[y/N]") == 1
    assert "into cluster-1 (server https://cluster-1), cluster-2 (server https://cluster-2)?" in text
    assert "Not installed: nothing in any cluster was changed" in text
