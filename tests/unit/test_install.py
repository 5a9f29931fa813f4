"""The install's orchestration: order, namespaces with their Pod Security labels, progress per workload, diagnoses in
plain words, rollback, and recovery of releases an interrupted run left pending. A fake Helm records what it is asked
(its manifests are the test chart rendered by Helm's real engine); the cluster is the API double serving recorded
answers to the real kubernetes client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_cluster_double import ApiDouble, load_stages, serving

from wizard.cluster.install import Event, Settings, install, namespace_labels, workloads_of
from wizard.cluster.kube import connect
from wizard.cluster.needs import ChartTarget, Needs
from wizard.helm.base import ChartSource, Helm, HelmFailure, ReleaseInfo

CHART = Path(__file__).resolve().parents[1] / "data" / "charts" / "tiny-app"
ORCHESTRATOR = ChartTarget("orchestrator", "8.8.0", "orchestrator", "orchestrator")
BACKEND = ChartTarget("substra-backend", "26.15.3", "backend", "org-1")


def render(release: str, namespace: str) -> str:
    helm_python = pytest.importorskip("helm_python")
    with helm_python.Chart.load(CHART) as chart:
        rendered = chart.render(name=release, namespace=namespace)
    return "".join(f"---\n{text}" for _, text in sorted(rendered.items()))


class FakeHelm(Helm):
    kind = "fake"

    def __init__(self, history: dict[str, list[ReleaseInfo]] | None = None, fail: str | None = None,
                 interrupt: bool = False) -> None:
        self.histories = history or {}
        self.calls: list[tuple[Any, ...]] = []
        self.fail = fail
        self.interrupt = interrupt

    def status(self, release: str, namespace: str) -> ReleaseInfo | None:
        found = self.histories.get(release)
        return found[-1] if found else None

    def history(self, release: str, namespace: str) -> list[ReleaseInfo]:
        return list(self.histories.get(release, []))

    def upgrade_install(self, release: str, chart: ChartSource, namespace: str, values_files: Any, *,
                        dry_run: bool = False, timeout_seconds: int = 600) -> ReleaseInfo:
        self.calls.append(("upgrade_install", release, namespace, tuple(p.name for p in values_files), dry_run))
        if self.interrupt:
            raise KeyboardInterrupt
        if self.fail == release:
            raise HelmFailure(f"helm upgrade --install {release} failed: template: boom")
        revision = len(self.histories.get(release, [])) + 1
        info = ReleaseInfo(release, namespace, revision, "deployed", "tiny-app-0.3.0", "1.0", "",
                           render(release, namespace))
        if not dry_run:
            self.histories.setdefault(release, []).append(info)
        return info

    def rollback(self, release: str, namespace: str, revision: int) -> None:
        self.calls.append(("rollback", release, revision))

    def uninstall(self, release: str, namespace: str) -> None:
        self.calls.append(("uninstall", release))
        self.histories.pop(release, None)

    def template(self, release: str, chart: ChartSource, namespace: str, values_files: Any) -> str:
        return render(release, namespace)


NEEDS = Needs((BACKEND, ORCHESTRATOR))  # given out of order: the install sorts them


@pytest.fixture
def double_of(tmp_path: Path) -> Iterator[Any]:
    opened: list[Any] = []

    def start(scenario: str) -> tuple[ApiDouble, Any, Settings]:
        stages = load_stages(scenario)
        context = serving(dict(stages[0]))
        double = context.__enter__()
        opened.append(context)
        connection = connect(double.kubeconfig(tmp_path), timeout=5)
        moment = [0.0]

        def advance(seconds: float) -> None:  # each poll sees the next recorded stage
            moment[0] += seconds
            index = min(int(moment[0] // 3), len(stages) - 1)
            double.routes.clear()
            double.routes.update(stages[index])

        return double, connection, Settings(timeout=30, poll=3, sleep=advance, clock=lambda: moment[0])

    yield start
    for context in opened:
        context.__exit__(None, None, None)


def run(helm: FakeHelm, connection: Any, settings: Settings, needs: Needs = NEEDS, dry_run: bool = False
        ) -> tuple[Any, list[Event]]:
    events: list[Event] = []
    outcome = install(needs, Path("/out"), helm, connection, events.append, kubernetes_version="1.31",
                      settings=settings, dry_run=dry_run, source=lambda target: ChartSource(str(CHART)))
    return outcome, events


def test_installs_in_order_creates_the_namespace_and_reports_progress(double_of: Any) -> None:
    double, connection, settings = double_of("install-happy")
    helm = FakeHelm()
    outcome, events = run(helm, connection, settings)
    assert outcome.ok, outcome.diagnosis
    assert [c[1] for c in helm.calls] == ["orchestrator", "backend"]
    assert helm.calls[0][3] == ("orchestrator-values.yaml",) and helm.calls[1][3] == ("substra-backend-values.yaml",)
    db = [e.state for e in events if e.workload == "StatefulSet/orchestrator-db"]
    assert db == ["claim-pending", "pulling", "ready"]
    created = [body for method, path, body in double.requests if method == "POST"]
    assert [b["metadata"]["name"] for b in created] == ["org-1"]  # orchestrator already existed
    labels = created[0]["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"  # no pod known there: the strictest
    assert labels["pod-security.kubernetes.io/enforce-version"] == "v1.31"
    assert [e.step for e in events if e.chart == "orchestrator"][-1] == "done"


def test_namespace_labels_follow_the_least_strict_pod() -> None:
    from types import SimpleNamespace

    pods = {"org-1": (SimpleNamespace(pss_level="restricted"), SimpleNamespace(pss_level="baseline"))}
    needs = Needs((BACKEND,), pods)  # type: ignore[arg-type]
    assert namespace_labels(needs, "org-1", "1.29")["pod-security.kubernetes.io/enforce"] == "baseline"


def test_a_pending_claim_is_diagnosed_from_its_events_and_the_first_install_removed(double_of: Any) -> None:
    _, connection, settings = double_of("install-claim-pending")
    helm = FakeHelm()
    outcome, events = run(helm, connection, settings)
    assert not outcome.ok
    assert any("claim data-orchestrator-db-0 (class fast) is Pending" in line and
               'storageclass.storage.k8s.io "fast" not found' in line for line in outcome.diagnosis)
    assert ("uninstall", "orchestrator") in helm.calls
    assert "removed orchestrator" in (outcome.rollback or "")
    assert [c[1] for c in helm.calls if c[0] == "upgrade_install"] == ["orchestrator"]  # backend not attempted
    assert any(e.step == "failed" and "backend" in e.message for e in events)


def test_an_image_that_cannot_be_pulled_stops_the_wait_early(double_of: Any) -> None:
    _, connection, settings = double_of("install-image-pull")
    outcome, events = run(FakeHelm(), connection, settings)
    assert not outcome.ok
    text = "\n".join(outcome.diagnosis)
    assert "cannot pull the image registry.example.com/tiny/web:1.0" in text and "ImagePullBackOff" in text
    assert sum(1 for e in events if e.step == "progress") == 2  # fatal at the first poll: no waiting for the timeout


def test_pod_security_rejection_is_read_from_replicaset_events(double_of: Any) -> None:
    _, connection, settings = double_of("install-pod-security")
    previous = ReleaseInfo("orchestrator", "orchestrator", 3, "deployed", "tiny-app-0.3.0")
    helm = FakeHelm({"orchestrator": [previous]})
    outcome, _ = run(helm, connection, settings)
    text = "\n".join(outcome.diagnosis)
    assert 'Pod Security (restricted:latest) rejected the pods of Deployment/orchestrator-web' in text
    assert "allowPrivilegeEscalation != false" in text
    assert ("rollback", "orchestrator", 3) in helm.calls  # an upgrade goes back to the revision that worked
    assert outcome.rollback and "revision 3" in outcome.rollback


def test_crash_loop_shows_the_last_log_lines(double_of: Any) -> None:
    double, connection, settings = double_of("install-crashloop")
    outcome, _ = run(FakeHelm(), connection, settings)
    text = "\n".join(outcome.diagnosis)
    assert "container db of pod orchestrator-db-0 keeps crashing (CrashLoopBackOff, 5 restarts)" in text
    assert "FATAL: could not open data directory /data: permission denied" in text
    assert any("/pods/orchestrator-db-0/log" in path and "previous=true" in path for path in double.paths())


def test_a_helm_failure_is_reported_and_undone(double_of: Any) -> None:
    _, connection, settings = double_of("install-happy")
    outcome, _ = run(FakeHelm(fail="orchestrator"), connection, settings)
    assert not outcome.ok and "template: boom" in outcome.diagnosis[0]
    assert outcome.rollback == "nothing to undo: Helm did not create orchestrator"


def test_a_release_left_pending_upgrade_is_rolled_back_first_then_upgraded(double_of: Any) -> None:
    _, connection, settings = double_of("install-happy")
    history = [ReleaseInfo("orchestrator", "orchestrator", 1, "superseded", "tiny-app-0.3.0"),
               ReleaseInfo("orchestrator", "orchestrator", 2, "deployed", "tiny-app-0.3.0"),
               ReleaseInfo("orchestrator", "orchestrator", 3, "pending-upgrade", "tiny-app-0.3.0")]
    helm = FakeHelm({"orchestrator": history})
    outcome, events = run(helm, connection, settings)
    assert outcome.ok
    assert helm.calls[:2] == [("rollback", "orchestrator", 2),
                              ("upgrade_install", "orchestrator", "orchestrator", ("orchestrator-values.yaml",), False)]
    assert any(e.step == "recover" and "pending-upgrade" in e.message for e in events)


def test_an_unfinished_first_install_is_removed_then_installed_again(double_of: Any) -> None:
    _, connection, settings = double_of("install-happy")
    helm = FakeHelm({"orchestrator": [ReleaseInfo("orchestrator", "orchestrator", 1, "pending-install")]})
    outcome, _ = run(helm, connection, settings)
    assert outcome.ok
    assert helm.calls[0] == ("uninstall", "orchestrator") and helm.calls[1][0] == "upgrade_install"


def test_ctrl_c_says_the_next_run_continues(double_of: Any) -> None:
    _, connection, settings = double_of("install-happy")
    events: list[Event] = []
    with pytest.raises(KeyboardInterrupt):
        install(NEEDS, Path("/out"), FakeHelm(interrupt=True), connection, events.append, kubernetes_version="1.31",
                settings=settings, source=lambda target: ChartSource(str(CHART)))
    assert events[-1].step == "interrupted" and "run the same command again" in events[-1].message


def test_dry_run_changes_nothing(double_of: Any) -> None:
    double, connection, settings = double_of("install-happy")
    helm = FakeHelm()
    outcome, events = run(helm, connection, settings, dry_run=True)
    assert outcome.ok
    assert all(call[0] == "upgrade_install" and call[4] is True for call in helm.calls)
    assert double.paths("POST") == []
    assert any("would create namespace org-1" in e.message for e in events)


def test_workloads_are_read_from_the_rendered_manifest() -> None:
    assert workloads_of(render("demo", "ns"), "ns") == [("StatefulSet", "ns", "demo-db"),
                                                        ("Deployment", "ns", "demo-web")]


def test_when_helm_gives_up_the_namespace_says_why() -> None:
    """One line per workload whose pods were refused (its latest reason; a ReplicaSet is its Deployment), then the
    claims that are not Bound."""
    from wizard.cluster.readiness import namespace_problems

    def refused(kind: str, name: str, pod: str, when: str) -> dict[str, Any]:
        return {"reason": "FailedCreate", "lastTimestamp": when, "involvedObject": {"kind": kind, "name": name},
                "message": f'Error creating: pods "{pod}" is forbidden: exceeded quota: few-pods, requested: pods=1'}

    events = [refused("ReplicaSet", "backend-server-7d86", "backend-server-7d86-a", "2026-12-01T10:00:00Z"),
              refused("ReplicaSet", "backend-server-7d86", "backend-server-7d86-b", "2026-12-01T10:00:05Z"),
              refused("Job", "backend-migrations", "backend-migrations-x", "2026-12-01T10:00:01Z"),
              {"reason": "Scheduled", "involvedObject": {"kind": "Pod", "name": "x"}, "message": "ok"}]
    claims = [{"metadata": {"name": "data-0"}, "spec": {"storageClassName": "slow"}, "status": {"phase": "Pending"}},
              {"metadata": {"name": "data-1"}, "status": {"phase": "Bound"}}]
    said = [p.text for p in namespace_problems(events, claims)]
    assert said == [
        "Deployment/backend-server could not create its pods, refused: exceeded quota: few-pods, requested: pods=1",
        "Job/backend-migrations could not create its pods, refused: exceeded quota: few-pods, requested: pods=1",
        "claim data-0 (class slow) is Pending: no event says why; is there a provisioner for that class (kubectl "
        "get storageclass)?"]


def test_skip_unchanged_leaves_alone_a_release_helm_would_render_the_same(double_of: Any) -> None:
    """A network's second run changes nothing: the release whose dry run renders the deployed objects is not
    upgraded (its revision stays); one that would change is upgraded."""
    _, connection, settings = double_of("install-happy")
    same = ReleaseInfo("orchestrator", "orchestrator", 4, "deployed", "orchestrator-8.8.0", "", "",
                       render("orchestrator", "orchestrator"))
    changed = ReleaseInfo("backend", "org-1", 2, "deployed", "substra-backend-26.15.3", "", "",
                          render("backend", "org-1") + "---\nkind: ConfigMap\n")
    helm = FakeHelm({"orchestrator": [same], "backend": [changed]})
    settings.skip_unchanged = True
    outcome, events = run(helm, connection, settings)
    assert outcome.ok, outcome.diagnosis
    assert [c[1] for c in helm.calls if c[4] is False] == ["backend"]
    assert [c[1] for c in helm.calls if c[4] is True] == ["orchestrator", "backend"]
    assert helm.status("orchestrator", "orchestrator") == same
    assert any("orchestrator is unchanged (revision 4)" in e.message for e in events)
    assert not any(e.step == "done" and e.chart == "orchestrator" for e in events)
    assert [e.step for e in events if e.chart == "substra-backend"][-1] == "done"


def test_without_skip_unchanged_every_release_is_upgraded(double_of: Any) -> None:
    _, connection, settings = double_of("install-happy")
    same = ReleaseInfo("orchestrator", "orchestrator", 4, "deployed", "orchestrator-8.8.0", "", "",
                       render("orchestrator", "orchestrator"))
    helm = FakeHelm({"orchestrator": [same]})
    outcome, _ = run(helm, connection, settings)
    assert outcome.ok
    assert [c[1] for c in helm.calls] == ["orchestrator", "backend"] and all(c[4] is False for c in helm.calls)
