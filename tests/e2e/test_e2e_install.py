"""`wizard --install` on a real control plane, from a charts folder: the charts go in order (orchestrator, then
backend), every workload is followed until Ready, the hooks complete, a second run upgrades, the files written are
those a plain `--out` run writes, and both Helm backends (the helm binary and helm-python-sdk) install the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from kube import PSS, TestCluster
from scenario import Deployment

from wizard import cli


def _install(deployment: Deployment, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    deployment.volumes()  # a fresh set for each install: claims left by an earlier test keep theirs
    code = cli.main(deployment.args("--install", "--yes", *extra))
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return captured.out


def test_install_in_order_every_workload_ready_then_an_upgrade(deployment: Deployment, helm_on_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = _install(deployment, capsys)
    assert "Helm: the helm binary" in out and "Preflight: nothing to report." in out
    orchestrator_ready = out.index("[orchestrator] orchestrator is ready (revision 1)")
    assert orchestrator_ready < out.index("[substra-backend] installing backend") < \
        out.index("[substra-backend] backend is ready (revision 1)")
    assert out.rstrip().endswith("Installed.")

    cluster = deployment.cluster
    deployment.assert_ready()
    assert set(cluster.workloads(deployment.backend_ns)) >= {"Job/backend-substra-backend-migrations",
                                                             "StatefulSet/backend-postgresql",
                                                             "Deployment/backend-substra-backend-server"}
    assert cluster.releases(deployment.orchestrator_ns) == {"orchestrator": "deployed"}
    assert cluster.releases(deployment.backend_ns) == {"backend": "deployed"}
    # namespaces the wizard creates enforce the level their pods need (Kaniko's build pods need baseline)
    assert cluster.namespace_labels(deployment.orchestrator_ns)[f"{PSS}enforce"] == "restricted"
    assert cluster.namespace_labels(deployment.backend_ns)[f"{PSS}enforce"] == "baseline"
    assert cluster.namespace_labels(deployment.backend_ns)[f"{PSS}enforce-version"] == "v1.36"

    again = _install(deployment, capsys)
    assert "already installed" in again and "upgrading backend" in again
    assert "[substra-backend] backend is ready (revision 2)" in again
    assert cluster.releases(deployment.backend_ns) == {"backend": "deployed"}


def test_the_files_written_are_those_of_out(deployment: Deployment, helm_on_path: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _install(deployment, capsys)
    plain = tmp_path / "plain"
    assert cli.main(deployment.args("--non-interactive", out=plain)) == 0
    capsys.readouterr()
    installed = {p.name: p.read_text() for p in deployment.out.iterdir() if p.is_file()}
    assert set(installed) == {"orchestrator-values.yaml", "substra-backend-values.yaml", "wizard-answers.yaml",
                              "install.sh"}
    assert installed == {p.name: p.read_text() for p in plain.iterdir() if p.is_file()}
    # the credentials are this folder's own (a new folder generates new ones), in the same files
    assert sorted(p.name for p in (deployment.out / "secrets").iterdir()) == \
        sorted(p.name for p in (plain / "secrets").iterdir()) == \
        ["orchestrator-secrets.yaml", "substra-backend-credentials.values", "substra-backend-secrets.yaml"]
    script = installed["install.sh"]
    assert "helm repo add" not in script and str(deployment.charts / "substra-backend-26.15.3.tgz") in script


def test_both_helm_backends_install_the_same_releases(cluster: TestCluster, tmp_path: Path, control_plane: object,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import os

    installed = {}
    for kind, prefix in (("binary", "helm-bin"), ("sdk", "helm-sdk")):
        deployment = Deployment(prefix, cluster, tmp_path / kind)
        deployment.package()
        with monkeypatch.context() as patch:
            path = os.environ.get("PATH", "")
            if kind == "binary":
                patch.setenv("PATH", f"{control_plane.bin_dir()}{os.pathsep}{path}")  # type: ignore[attr-defined]
            else:
                pytest.importorskip("helm_python", reason="the helm-python-sdk extra is not installed")
                patch.setenv("PATH", os.pathsep.join(p for p in path.split(os.pathsep)
                                                     if not (Path(p) / "helm").exists()))
            out = _install(deployment, capsys)
        assert ("Helm: the helm binary" if kind == "binary" else "Helm: Helm's engine from helm-python-sdk") in out
        installed[kind] = {
            "workloads": {ns_kind: set(cluster.workloads(ns)) for ns_kind, ns in
                          (("orchestrator", deployment.orchestrator_ns), ("backend", deployment.backend_ns))},
            "releases": {**cluster.releases(deployment.orchestrator_ns), **cluster.releases(deployment.backend_ns)}}
        # each Helm read secrets/substra-backend-credentials.values after the values file
        private = yaml.safe_load((deployment.out / "secrets" / "substra-backend-credentials.values").read_text())
        given = _user_values(cluster, "backend", deployment.backend_ns)
        assert given["minio"]["auth"]["existingSecret"] == "backend-minio-credentials"
        assert given["minio"]["auth"]["rootPassword"] == private["minio"]["auth"]["rootPassword"]
    assert installed["binary"] == installed["sdk"]
    assert installed["sdk"]["releases"] == {"orchestrator": "deployed", "backend": "deployed"}


def _user_values(cluster: TestCluster, release: str, namespace: str) -> dict[str, Any]:
    """The values a release was installed with, from Helm's own record (its latest release Secret)."""
    import base64
    import gzip
    import json

    records = cluster.core.list_namespaced_secret(namespace, label_selector=f"owner=helm,name={release}").items
    latest = max(records, key=lambda s: int(s.metadata.labels["version"]))
    record = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(latest.data["release"]))))
    return record["config"]  # type: ignore[no-any-return]


def test_a_dry_run_renders_from_the_charts_folder_and_changes_nothing(deployment: Deployment, helm_on_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(deployment.args("--dry-run", "--non-interactive")) == 0
    out = capsys.readouterr().out
    assert "helm rendered backend (substra-backend 26.15.3)" in out and "11 workloads; nothing was changed" in out
    assert f"would create namespace {deployment.backend_ns} with pod-security.kubernetes.io/enforce=baseline" in out
    assert out.rstrip().endswith("Dry run: no file was written and nothing in the cluster changed.")
    assert not deployment.out.exists()
    names = {n.metadata.name for n in deployment.cluster.core.list_namespace().items}
    assert deployment.backend_ns not in names and deployment.orchestrator_ns not in names
