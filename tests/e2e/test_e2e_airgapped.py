"""Air-gapped for real: the airgapped preset installs on the test cluster from its charts folder (./charts, as the
preset says), every container of every pod from the image mirror, and `wizard images` lists every image of the
charts' manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from kube import TestCluster
from scenario import Deployment
from standin import images

from wizard import cli

MIRROR = "registry.internal.example:5000/substra/"


def _pulled(cluster: TestCluster, namespace: str) -> set[str]:
    return {c["image"] for pod in cluster.pods(namespace)
            for c in [*(pod["spec"].get("initContainers") or ()), *pod["spec"]["containers"]]}


def test_the_airgapped_preset_installs_from_its_charts_folder_every_image_from_the_mirror(
        cluster: TestCluster, prefix: str, tmp_path: Path, helm_on_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    deployment = Deployment(prefix, cluster, tmp_path, preset="airgapped")
    deployment.volumes()
    deployment.package()  # into tmp_path/charts: the preset's ./charts, from the folder the wizard runs in
    monkeypatch.chdir(tmp_path)
    assert cli.main(deployment.args("--install", "--yes", charts=False)) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "Installed." in out
    script = (deployment.out / "install.sh").read_text()
    assert "helm repo add" not in script and f"{tmp_path}/charts/substra-backend-26.15.3.tgz" in script
    pulled = _pulled(cluster, deployment.orchestrator_ns) | _pulled(cluster, deployment.backend_ns)
    assert len(pulled) >= 6
    assert {image for image in pulled if not image.startswith(MIRROR)} == set()
    assert cluster.releases(deployment.backend_ns) == {"backend": "deployed"}


def test_wizard_images_lists_every_image_of_the_charts(cluster: TestCluster, prefix: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    deployment = Deployment(prefix, cluster, tmp_path, preset="airgapped")
    sets = [arg for s in deployment.all_sets() for arg in ("--set", s)]
    assert cli.main(["images", "--preset", "airgapped", *sets]) == 0
    listed = set(capsys.readouterr().out.split())
    manifest_images = images(deployment.plan())
    assert manifest_images and manifest_images <= listed
    assert {image for image in manifest_images if not image.startswith(MIRROR)} <= {"busybox"}  # a helm test pod
