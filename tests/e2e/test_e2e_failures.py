"""Failure and recovery on a real control plane: a chart that cannot become ready (a claim that never binds, pods the
cluster refuses) is diagnosed in plain words and rolled back; Ctrl+C in the middle of an install, then a second run,
ends installed; a kube context that points nowhere gets one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kube import TestCluster
from scenario import Deployment

from wizard import cli


def test_a_claim_that_never_binds_is_diagnosed_and_rolled_back(deployment: Deployment, helm_on_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    deployment.volumes()
    never = f"{deployment.prefix}-never"
    deployment.cluster.add_storage_class(never)  # no volume of this class will ever exist
    deployment.sets.append(f"storage.worker.storage_class={never}")
    deployment.package()
    assert cli.main(deployment.args("--install", "--yes", "--timeout", "15")) == 1
    out = capsys.readouterr().out
    assert "[orchestrator] orchestrator is ready" in out
    assert "backend not ready after 15 s" in out
    assert f"claim subtuple-backend-substra-backend-worker-0 (class {never}) is Pending" in out
    assert "removed backend (helm uninstall), since it had never been installed" in out
    assert deployment.cluster.releases(deployment.backend_ns) == {}
    assert deployment.cluster.releases(deployment.orchestrator_ns) == {"orchestrator": "deployed"}


def test_pods_the_cluster_refuses_are_diagnosed_and_rolled_back(deployment: Deployment, helm_on_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A quota too small for the whole backend: each pod alone passes (so does preflight's dry run), the
    install's pods past the quota are refused."""
    cluster, namespace = deployment.cluster, deployment.backend_ns
    deployment.volumes()
    cluster.add_namespace(namespace, enforce="baseline")
    cluster.core.create_namespaced_resource_quota(namespace, {
        "apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "few-pods"}, "spec": {"hard": {"pods": "3"}}})
    deployment.package()
    assert cli.main(deployment.args("--install", "--yes", "--timeout", "20")) == 1
    out = capsys.readouterr().out
    # Helm gives up on the migrations hook, whose pod the quota refused; the namespace's events say why
    assert "Job/backend-substra-backend-migrations could not create its pods, refused: exceeded quota: few-pods" in out
    assert f"What the namespace {namespace} says:" in out
    assert "removed backend (helm uninstall), since it had never been installed" in out
    assert "[substra-backend] backend was not installed" in out
    assert cluster.releases(namespace) == {}


def test_ctrl_c_during_an_install_then_a_second_run_ends_installed(deployment: Deployment, helm_on_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    deployment.volumes()
    late = f"{deployment.prefix}-late"
    deployment.cluster.add_storage_class(late)  # its volumes appear only after the interruption
    deployment.sets.append(f"storage.worker.storage_class={late}")
    deployment.package()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    wizard = subprocess.Popen([sys.executable, "-m", "wizard", *deployment.args("--install", "--yes")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen = _read_until(wizard, "[substra-backend] waiting for")  # the backend's claims wait for volumes
    wizard.send_signal(signal.SIGINT)
    rest, errors = wizard.communicate(timeout=60)
    assert wizard.returncode == 130, seen + rest + errors
    assert "interrupted while installing backend" in seen + rest
    assert "wizard: interrupted" in errors

    deployment.volumes(storage_class=late)
    assert cli.main(deployment.args("--install", "--yes")) == 0
    out = capsys.readouterr().out
    assert "[substra-backend] backend is ready" in out and out.rstrip().endswith("Installed.")
    assert deployment.cluster.releases(deployment.backend_ns) == {"backend": "deployed"}


def _read_until(process: subprocess.Popen[str], start: str, timeout: float = 120.0) -> str:
    """The process's output up to and including the first line that starts with `start`."""
    import selectors

    assert process.stdout is not None
    seen, deadline = "", time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=0.5):
                line = process.stdout.readline()
                assert line, f"the wizard ended before {start!r}:\n{seen}"
                seen += line
                if line.startswith(start):
                    return seen
    process.kill()
    raise AssertionError(f"no line starting with {start!r} after {timeout:.0f} s:\n{seen}")


def test_a_context_that_points_nowhere_gets_one_line(cluster: TestCluster, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = cluster.kubeconfig.read_text()
    server = next(line.split("server: ", 1)[1] for line in text.splitlines() if "server: " in line)
    nowhere = tmp_path / "kubeconfig"
    nowhere.write_text(text.replace(server, f"https://127.0.0.1:{port}"))
    assert cli.main(["preflight", "--preset", "minimal", "--kubeconfig", str(nowhere)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert f"cannot reach the server https://127.0.0.1:{port}: connection refused" in captured.err
    assert "Nothing in the cluster was changed." in captured.err
