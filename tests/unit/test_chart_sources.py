"""Where the charts come from (`target.charts`, `--charts`): the Substra repository, a mirror repository, an OCI
registry or a folder; what Helm is given for each, what install.sh says, and how a missing chart is reported."""

from __future__ import annotations

import http.server
import io
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.core.errors import ConfigError
from wizard.helm.base import ChartSource
from wizard.helm.sources import SUBSTRA_REPO, in_folder, locate, missing, origin
from wizard.planning.layers import build_plan, plan_layers
from wizard.writing.install_script import script
from wizard.writing.values import render


def _archive(folder: Path, name: str, version: str, file_name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file_name or f"{name}-{version}.tgz")
    data = f"apiVersion: v2\nname: {name}\nversion: {version}\n".encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo(f"{name}/Chart.yaml")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_each_kind_of_source_is_recognised(tmp_path: Path) -> None:
    assert origin(None).is_default and origin("").location == SUBSTRA_REPO
    assert (origin("oci://registry.internal:5000/charts/").kind, origin("oci://r:5000/charts").location) == \
        ("oci", "oci://r:5000/charts")
    assert origin("https://charts.internal/substra").kind == "repo"
    assert origin("charts", base=tmp_path) == origin(str(tmp_path / "charts"))
    assert origin("charts", base=tmp_path).kind == "folder"


def test_what_helm_is_given_for_each_source(tmp_path: Path) -> None:
    assert locate(origin(None), "orchestrator", "8.8.0") == ChartSource("orchestrator", "8.8.0", SUBSTRA_REPO)
    oci = locate(origin("oci://r:5000/charts"), "substra-backend", "26.15.3")
    assert (oci.name, oci.version, oci.repo_url) == ("oci://r:5000/charts/substra-backend", "26.15.3", None)
    archive = _archive(tmp_path, "substra-backend", "26.15.3", "renamed.tgz")  # found by its Chart.yaml
    assert locate(origin(str(tmp_path)), "substra-backend", "26.15.3").name == str(archive)
    unpacked = tmp_path / "orchestrator"
    unpacked.mkdir()
    (unpacked / "Chart.yaml").write_text("name: orchestrator\nversion: 8.8.0\n")
    assert in_folder(tmp_path, "orchestrator", "8.8.0") == unpacked
    assert in_folder(tmp_path, "orchestrator", "9.9.9") is None


def test_a_folder_without_a_chart_or_at_another_version_is_reported(tmp_path: Path) -> None:
    _archive(tmp_path, "substra-backend", "26.15.2")
    found = missing(origin(str(tmp_path)), [("substra-backend", "26.15.3"), ("orchestrator", "8.8.0")])
    assert found == [f"substra-backend 26.15.3 is not in {tmp_path} (neither substra-backend-26.15.3.tgz nor an "
                     "unpacked chart)", f"orchestrator 8.8.0 is not in {tmp_path} (neither orchestrator-8.8.0.tgz "
                     "nor an unpacked chart)"]
    assert missing(origin(str(tmp_path / "nope")), [("orchestrator", "8.8.0")]) == \
        [f"the charts folder {tmp_path / 'nope'} does not exist"]
    assert missing(origin(None), [("orchestrator", "8.8.0")]) == []  # the Substra repository is not asked


@pytest.fixture
def repository() -> Iterator[str]:
    """A chart repository on 127.0.0.1 whose index lists substra-backend 26.15.3 only."""
    index = b"apiVersion: v1\nentries:\n  substra-backend:\n  - version: 26.15.3\n  - version: 26.15.2\n"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            body = index if self.path == "/charts/index.yaml" else b""
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_mirror_repository_is_asked_through_its_index(repository: str) -> None:
    where = origin(f"{repository}/charts")
    assert missing(where, [("substra-backend", "26.15.3")]) == []
    assert missing(where, [("orchestrator", "8.8.0")]) == [
        f"orchestrator 8.8.0 is not in the chart repository {repository}/charts (it has no version of that chart)"]
    assert missing(origin(f"{repository}/nothing-here"), [("orchestrator", "8.8.0")])[0].startswith(
        f"cannot read {repository}/nothing-here/index.yaml")


def test_install_sh_names_the_source_on_each_command(tmp_path: Path) -> None:
    _archive(tmp_path / "charts", "substra-backend", "26.15.3")
    for source, expected, repo_added in (
            (None, "substra/substra-backend --version 26.15.3", True),
            (str(tmp_path / "charts"), f"{tmp_path}/charts/substra-backend-26.15.3.tgz --namespace", False),
            ("oci://r:5000/charts", "oci://r:5000/charts/substra-backend --version 26.15.3", False),
            ("https://charts.internal", "substra-backend --version 26.15.3 --repo https://charts.internal", False)):
        plan = build_plan(plan_layers("minimal", None, [f"target.charts={source}"] if source else []))
        text = script(plan, render(plan))
        assert expected in text, text
        assert ("helm repo add substra" in text) is repo_added


@pytest.mark.parametrize("value", ["ftp://charts.example", "oci://", " ./charts"])
def test_a_value_that_is_no_chart_source_is_refused_with_the_field(value: str) -> None:
    with pytest.raises(ConfigError) as error:
        build_plan(plan_layers("minimal", None, [f"target.charts={value}"]))
    assert "target.charts" in str(error.value)
    assert "is not a chart source" in str(error.value) or "names no host" in str(error.value)
