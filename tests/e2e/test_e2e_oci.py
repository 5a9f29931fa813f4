"""An OCI registry as the chart source (`--charts oci://...`): the charts pushed by helm into distribution's registry,
served over TLS on 127.0.0.1 with a certificate of the test's own (trusted through SSL_CERT_FILE, as an operator
trusts a private CA), then installed by the wizard through the helm binary."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from scenario import Deployment

from wizard import cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def registry(control_plane: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """oci://127.0.0.1:PORT/charts, empty; Helm trusts its certificate."""
    openssl = shutil.which("openssl")
    assert openssl, "openssl makes the registry's certificate"
    folder = tmp_path / "registry"
    folder.mkdir()
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    port = _free_port()
    (folder / "config.yml").write_text(
        f"version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: {folder / 'data'}}}}}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n  tls: {{certificate: {folder / 'cert.pem'}, key: {folder / 'key.pem'}}}\n")
    server = subprocess.Popen([str(Path(control_plane.bin_dir()) / "registry"), "serve", str(folder / "config.yml")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            assert time.monotonic() < deadline and server.poll() is None, "the registry did not start"
            time.sleep(0.2)
        monkeypatch.setenv("SSL_CERT_FILE", str(folder / "cert.pem"))
        yield f"oci://127.0.0.1:{port}/charts"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_install_from_an_oci_registry(deployment: Deployment, registry: str, helm_on_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    for archive in sorted(deployment.charts.glob("*.tgz")):
        subprocess.run([str(helm_on_path), "push", str(archive), registry], check=True, capture_output=True)
    deployment.volumes()
    args = [a if a != str(deployment.charts) else registry for a in deployment.args("--install", "--yes")]
    assert cli.main(args) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "Installed." in out
    assert deployment.cluster.releases(deployment.backend_ns) == {"backend": "deployed"}
    script = (deployment.out / "install.sh").read_text()
    assert f"{registry}/substra-backend --version 26.15.3" in script and "helm repo add" not in script


def test_helm_python_sdk_installs_from_the_oci_registry_too(deployment: Deployment, registry: str,
                                                            helm_on_path: Path) -> None:
    """In its own process, with no helm binary on PATH: Helm's Go engine reads SSL_CERT_FILE when it loads."""
    import os
    import sys

    pytest.importorskip("helm_python", reason="the helm-python-sdk extra is not installed")
    for archive in sorted(deployment.charts.glob("*.tgz")):
        subprocess.run([str(helm_on_path), "push", str(archive), registry], check=True, capture_output=True)
    deployment.volumes()
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "helm").exists())
    args = [a if a != str(deployment.charts) else registry for a in deployment.args("--install", "--yes")]
    done = subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PATH": path})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Helm: Helm's engine from helm-python-sdk" in done.stdout and "Installed." in done.stdout
    assert deployment.cluster.releases(deployment.backend_ns) == {"backend": "deployed"}
