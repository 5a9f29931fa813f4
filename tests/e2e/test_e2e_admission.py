"""Preflight asks the cluster itself: each pod of the plan goes to the API server as a server-side dry run, and its
verdict stands beside the wizard's prediction, disagreements called out (a LimitRange the wizard cannot see)."""

from __future__ import annotations

import json

import pytest
from scenario import Deployment

from wizard import cli


def _admission(deployment: Deployment, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, dict]:
    code = cli.main(deployment.preflight_args("--format", "json"))
    report = json.loads(capsys.readouterr().out)
    return code, report, {(p["namespace"], p["component"]): p for p in report["admission"]}


def test_the_cluster_and_the_wizard_agree_on_pod_security(deployment: Deployment,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    deployment.cluster.add_namespace(deployment.backend_ns, enforce="restricted")
    code, report, pods = _admission(deployment, capsys)
    assert code == 1
    backend = {component: p for (namespace, component), p in pods.items() if namespace == deployment.backend_ns}
    assert backend["backend-task-build"]["predicted"] == "refused"
    assert backend["backend-task-build"]["cluster"] == "refused" and backend["backend-task-build"]["agree"]
    assert 'violates PodSecurity "restricted:' in backend["backend-task-build"]["reason"]
    assert backend["backend-server"]["cluster"] == "admitted" and backend["backend-server"]["agree"]
    assert all(p["agree"] for p in backend.values()), [p for p in backend.values() if not p["agree"]]
    # the orchestrator's namespace does not exist yet: not sent, and said so
    assert all(p["cluster"] == "skipped" for (ns, _), p in pods.items() if ns == deployment.orchestrator_ns)


def test_a_limit_range_the_wizard_cannot_see_is_a_disagreement(deployment: Deployment,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    cluster, namespace = deployment.cluster, deployment.backend_ns
    cluster.add_namespace(namespace, enforce="baseline")
    cluster.core.create_namespaced_limit_range(namespace, {
        "apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "small-pods"},
        "spec": {"limits": [{"type": "Pod", "max": {"cpu": "1"}}]}})
    code, report, pods = _admission(deployment, capsys)
    assert code == 1
    server = pods[(namespace, "backend-server")]
    assert (server["predicted"], server["cluster"], server["agree"]) == ("allowed", "refused", False)
    assert "maximum cpu usage per Pod is 1" in server["reason"]
    blocking = [f["message"] for f in report["findings"] if f["severity"] == "blocking"]
    assert any(m.startswith("the cluster refuses backend-server") for m in blocking)
    assert any("LimitRange" in f["message"] for f in report["findings"] if f["severity"] == "warning")

    assert cli.main(deployment.preflight_args()) == 1  # the text shows both verdicts side by side
    text = capsys.readouterr().out
    assert "Admission: each pod sent to the cluster as a server-side dry run (nothing was created)" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("backend-server "))
    assert "wizard: allowed" in line and "cluster: refused" in line and "disagree" in line
