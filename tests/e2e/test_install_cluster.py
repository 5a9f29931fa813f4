"""The whole install against a real cluster: `wizard --preset minimal ... --install --yes`, twice (the second run
upgrades), then a cleanup. Runs only when WIZARD_E2E_KUBECONFIG names a kubeconfig of a throwaway cluster (kind,
k3d or minikube): it creates namespaces and Helm releases there, pulls the Substra images and needs network access
to https://substra.github.io/charts. Skipped otherwise, like every test that would reach outside this machine.

    kind create cluster --name substra-e2e
    WIZARD_E2E_KUBECONFIG=~/.kube/config .venv/bin/python -m pytest tests/e2e -q
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

KUBECONFIG = os.environ.get("WIZARD_E2E_KUBECONFIG")
pytestmark = pytest.mark.skipif(not KUBECONFIG, reason="set WIZARD_E2E_KUBECONFIG to a throwaway cluster's "
                                                         "kubeconfig to run the install end to end")
ORCHESTRATOR_NS, BACKEND_NS = "wizard-e2e-orchestrator", "wizard-e2e-org-1"
SETS = [f"target.orchestrator.namespace={ORCHESTRATOR_NS}", f"target.backend.namespace={BACKEND_NS}",
        *(f"storage.{volume}.size=1Gi" for volume in ("orchestrator_database", "backend_database", "redis", "minio",
                                                      "docker_registry", "servermedias", "worker", "builder",
                                                      "kaniko_cache"))]


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    assert KUBECONFIG
    monkeypatch.setenv("KUBECONFIG", os.path.expanduser(KUBECONFIG))
    yield
    from wizard.cluster.kube import connect
    from wizard.helm import choose

    helm = choose()
    for release, namespace in (("backend", BACKEND_NS), ("orchestrator", ORCHESTRATOR_NS)):
        if helm.status(release, namespace) is not None:
            helm.uninstall(release, namespace)
    from kubernetes import client

    core = client.CoreV1Api(connect().api)
    for namespace in (BACKEND_NS, ORCHESTRATOR_NS):
        try:
            core.delete_namespace(namespace)
        except client.exceptions.ApiException as error:
            if error.status != 404:
                raise


def test_install_then_upgrade(cluster: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wizard import cli
    from wizard.cluster.discovery import discover
    from wizard.helm import choose

    args = ["--preset", "minimal", *(arg for s in SETS for arg in ("--set", s)), "--out", str(tmp_path),
            "--install", "--yes"]
    assert cli.main(args) == 0, capsys.readouterr()
    first = capsys.readouterr().out
    assert "[substra-backend] backend is ready" in first and "Installed." in first

    found = discover(timeout=10).facts
    assert found is not None
    backend_ns = found.namespace(BACKEND_NS)
    assert backend_ns is not None and backend_ns.pod_security["enforce"] == "baseline"  # Kaniko pods need baseline
    assert choose().status("backend", BACKEND_NS).status == "deployed"  # type: ignore[union-attr]

    assert cli.main(args) == 0
    again = capsys.readouterr().out
    assert "upgrading backend" in again and "already installed" in again
