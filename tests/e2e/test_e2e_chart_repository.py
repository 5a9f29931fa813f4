"""A chart repository mirror as the chart source (`--charts http://...`): an index that `helm repo index` wrote,
served on 127.0.0.1, checked by preflight and installed from by Helm."""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from scenario import Deployment

from wizard import cli


@pytest.fixture
def served(deployment: Deployment, helm_on_path: Path) -> Iterator[str]:
    """The deployment's stand-in charts in a chart repository on 127.0.0.1 (its index written by helm itself)."""
    handler = functools.partial(_Quiet, directory=str(deployment.charts))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    subprocess.run([str(helm_on_path), "repo", "index", str(deployment.charts), "--url", url], check=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url
    server.shutdown()
    server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_install_from_a_chart_repository_mirror(deployment: Deployment, served: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    deployment.volumes()
    args = [a if a != str(deployment.charts) else served for a in deployment.args("--install", "--yes")]
    assert cli.main(args) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "Preflight: nothing to report." in out and "Installed." in out
    assert deployment.cluster.releases(deployment.backend_ns) == {"backend": "deployed"}
    script = (deployment.out / "install.sh").read_text()
    assert f"substra-backend --version 26.15.3 --repo {served}" in script and "helm repo add" not in script


def test_a_mirror_without_the_planned_version_blocks(deployment: Deployment, served: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (deployment.charts / "index.yaml").write_text((deployment.charts / "index.yaml").read_text()
                                                  .replace("version: 26.15.3", "version: 26.15.2"))
    args = [a if a != str(deployment.charts) else served for a in deployment.preflight_args()]
    assert cli.main(args) == 1
    out = capsys.readouterr().out
    assert f"substra-backend 26.15.3 is not in the chart repository {served} (it has 26.15.2)" in out
