"""`wizard preflight` against a real API server: each check finds what the cluster really has, before anything is
changed. Exit 1 and a blocking finding for what would fail; exit 0 when nothing blocks."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
from kube import TestCluster
from scenario import Deployment

from wizard import cli


def _preflight(deployment: Deployment, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = cli.main(deployment.preflight_args("--format", "json"))
    return code, json.loads(capsys.readouterr().out)


def _blocking(report: dict, check: str) -> list[str]:
    return [f["message"] for f in report["findings"] if f["severity"] == "blocking" and f["check"] == check]


def test_a_plan_the_cluster_can_take_has_nothing_blocking(deployment: Deployment, helm_on_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _preflight(deployment, capsys)
    assert code == 0, report["findings"]
    assert report["kubernetes"] == "v1.36.3" and report["server"].startswith("https://127.0.0.1:")
    assert not [f for f in report["findings"] if f["severity"] == "blocking"]


def test_a_storage_class_the_cluster_lacks(deployment: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    deployment.sets.append("storage.worker.storage_class=fast-ssd")
    code, report = _preflight(deployment, capsys)
    assert code == 1
    assert any("there is no storage class 'fast-ssd'" in m and "standard (default)" in m
               for m in _blocking(report, "storage-class"))


def test_no_default_storage_class(second_cluster: TestCluster, prefix: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    deployment = Deployment(prefix, second_cluster, tmp_path)
    deployment.package()
    code, report = _preflight(deployment, capsys)
    assert code == 1
    assert any(m.startswith("the cluster has no default storage class, and these volumes use it")
               for m in _blocking(report, "storage-class"))


def test_existing_claims_missing_unbound_or_too_small(deployment: Deployment, capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    cluster, namespace, prefix = deployment.cluster, deployment.backend_ns, deployment.prefix
    cluster.add_namespace(namespace)
    cluster.add_storage_class(f"{prefix}-nowhere")  # no volume of this class: its claims stay Pending
    cluster.add_claim(namespace, "unbound", "1Gi", storage_class=f"{prefix}-nowhere")
    cluster.add_storage_class(f"{prefix}-small")
    cluster.add_volumes(f"{prefix}-small", 1, storage_class=f"{prefix}-small", size="1Gi")
    cluster.add_claim(namespace, "small", "1Gi", storage_class=f"{prefix}-small")
    cluster.wait_for(lambda: cluster.claim_phase(namespace, "small") == "Bound", "the small claim to bind")
    deployment.sets += ["storage.minio.existing_claim=not-there", "storage.docker_registry.existing_claim=unbound",
                        "storage.servermedias.existing_claim=small"]
    code, report = _preflight(deployment, capsys)
    assert code == 1
    found = "\n".join(_blocking(report, "existing-claim"))
    missing = next(line for line in found.splitlines() if "not-there" in line)
    assert f"the existing claim not-there in namespace {namespace} does not exist (claims there: " in missing
    assert "small" in missing and "unbound" in missing
    assert f"the existing claim unbound in namespace {namespace} is Pending, not Bound" in found
    small = [f for f in report["findings"] if f"the existing claim small in namespace {namespace}" in f["message"]]
    assert [(f["severity"], f["field"]) for f in small] == [("warning", "storage.servermedias.existing_claim")]
    assert "holds 1Gi, less than the 10Gi the chart would create" in small[0]["message"]


def test_a_namespace_whose_enforce_label_rejects_pods_of_the_plan(deployment: Deployment,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    deployment.cluster.add_namespace(deployment.backend_ns, enforce="restricted")
    code, report = _preflight(deployment, capsys)
    assert code == 1
    [message] = _blocking(report, "pod-security")
    assert message.startswith(f"namespace {deployment.backend_ns} enforces Pod Security 'restricted', which would "
                              "reject: backend-task-build Pod/kaniko-example (created at run time): ")
    assert "runAsNonRoot != true" in message


def test_a_release_already_installed_is_upgraded(deployment: Deployment, helm_on_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    deployment.volumes()
    assert cli.main(deployment.args("--install", "--yes")) == 0
    capsys.readouterr()
    code, report = _preflight(deployment, capsys)
    assert code == 0
    releases = [f["message"] for f in report["findings"] if f["check"] == "release"]
    assert f"release backend in namespace {deployment.backend_ns} is already installed (substra-backend-26.15.3, " \
           "revision 1, deployed)" in releases


def test_a_release_left_pending_then_an_install_recovers_it(deployment: Deployment, helm_on_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """helm killed while it waits (a lost connection, a killed CI job) leaves the release pending-install."""
    cluster, namespace = deployment.cluster, deployment.backend_ns
    cluster.add_namespace(namespace, enforce="baseline")
    archive = deployment.charts / "substra-backend-26.15.3.tgz"
    helm = subprocess.Popen([str(helm_on_path), "install", "backend", str(archive), "--namespace", namespace,
                             "--kubeconfig", str(cluster.kubeconfig), "--wait", "--timeout", "5m"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:  # no volumes yet: the claims stay Pending, and helm --wait with them
        cluster.wait_for(lambda: cluster.releases(namespace).get("backend") == "pending-install",
                         "helm to record the release as pending-install")
    finally:
        helm.send_signal(signal.SIGKILL)
        helm.wait()
    code, report = _preflight(deployment, capsys)
    pending = [f for f in report["findings"] if f["check"] == "release"]
    assert code == 0 and pending[0]["severity"] == "warning"
    assert f"release backend in namespace {namespace} is stuck in pending-install (revision 1)" in pending[0]["message"]
    assert "removes the unfinished first install" in pending[0]["fix"]

    deployment.volumes()
    assert cli.main(deployment.args("--install", "--yes")) == 0
    out = capsys.readouterr().out
    assert "was stuck in pending-install" in out and "removed the unfinished install" in out
    assert cluster.releases(namespace) == {"backend": "deployed"}
