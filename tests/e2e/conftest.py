"""The end-to-end tests run against real Kubernetes control planes that `scripts/test-cluster` builds from upstream
sources (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok's fake nodes) and starts on 127.0.0.1.

Without the built binaries every test here skips, naming the script; `.ci/run` sets WIZARD_E2E=required, which turns
any skip here into a failure. Each session starts its own clusters (a few seconds each) and stops them at the end;
each test works in namespaces of its own, so tests never see each other's objects.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from kube import TestCluster  # noqa: E402
from scenario import Deployment  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "test-cluster"
REQUIRED = os.environ.get("WIZARD_E2E") == "required"
_counter = itertools.count(1)


def _script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("test_cluster_script", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"WIZARD_E2E=required, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def control_plane() -> ModuleType:
    """The script's own module: where the binaries are (bin_dir), whether they are built."""
    script = _script()
    if not script.built():
        _unavailable(f"the test control plane is not built: run scripts/test-cluster build once (about 20 minutes "
                     f"on 2 cores); its binaries go to {script.bin_dir()}")
    return script


def _start(script: ModuleType, name: str) -> TestCluster:
    done = subprocess.run([sys.executable, str(SCRIPT), "up", "--name", name], capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        _unavailable(f"scripts/test-cluster up --name {name} failed: {done.stderr.strip()[-2000:]}")
    return TestCluster(name, Path(done.stdout.strip().splitlines()[-1]), script.bin_dir())


def _stop(name: str) -> None:
    subprocess.run([sys.executable, str(SCRIPT), "down", "--name", name], capture_output=True, timeout=120)


def _stop_abandoned(script: ModuleType) -> None:
    """Stop the clusters of earlier test sessions that were killed before they could (their pytest is gone)."""
    folder = script.clusters_dir()
    for state in folder.iterdir() if folder.is_dir() else ():
        parts = state.name.split("-")
        if len(parts) >= 2 and parts[0] == "pytest" and parts[1].isdigit() and not Path(f"/proc/{parts[1]}").exists():
            _stop(state.name)


@contextmanager
def _running(control_plane: ModuleType, name: str, *, storage_class: bool) -> Iterator[TestCluster]:
    """A cluster for the session (with a default StorageClass `standard` that binds pre-made volumes, or none),
    stopped at the end."""
    started = _start(control_plane, name)
    try:
        if storage_class:
            started.add_storage_class("standard", default=True)
        yield started
    finally:
        started.close()
        _stop(name)


@pytest.fixture(scope="session")
def cluster(control_plane: ModuleType) -> Iterator[TestCluster]:
    """The main test cluster: two kwok nodes, a default StorageClass `standard` that binds pre-made volumes."""
    _stop_abandoned(control_plane)
    with _running(control_plane, f"pytest-{os.getpid()}", storage_class=True) as started:
        yield started


@pytest.fixture(scope="session")
def second_cluster(control_plane: ModuleType, cluster: TestCluster) -> Iterator[TestCluster]:
    """Another cluster running at the same time as the first, with no storage class at all."""
    with _running(control_plane, f"pytest-{os.getpid()}-b", storage_class=False) as started:
        yield started


@pytest.fixture(scope="session")
def network_cluster(control_plane: ModuleType, cluster: TestCluster) -> Iterator[TestCluster]:
    """The other cluster of a network (issue 17): like the main one, a default StorageClass `standard`; the second
    cluster stays without any, for the tests that need none."""
    with _running(control_plane, f"pytest-{os.getpid()}-net", storage_class=True) as started:
        yield started


@pytest.fixture
def prefix() -> str:
    """Names of this test's namespaces and volumes start with it (t1-, t2-, ...)."""
    return f"t{next(_counter)}"


@pytest.fixture
def deployment(cluster: TestCluster, prefix: str, tmp_path: Path) -> Deployment:
    """The minimal preset in this test's namespaces, its stand-in charts packaged (package() again after changing
    its sets); volumes(), before an install, makes volumes for its claims."""
    found = Deployment(prefix, cluster, tmp_path)
    found.package()
    return found


@pytest.fixture
def helm_on_path(control_plane: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The helm binary built with the control plane, first on PATH (the wizard then installs through it)."""
    monkeypatch.setenv("PATH", f"{control_plane.bin_dir()}{os.pathsep}{os.environ.get('PATH', '')}")
    return Path(control_plane.bin_dir()) / "helm"


@pytest.fixture
def no_helm_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """No helm binary anywhere on PATH: the wizard then installs through helm-python-sdk."""
    import shutil

    pytest.importorskip("helm_python", reason="the helm-python-sdk extra is not installed")
    kept = [p for p in os.environ.get("PATH", "").split(os.pathsep) if not (Path(p) / "helm").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(kept))
    assert shutil.which("helm") is None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With WIZARD_E2E=required (CI), an end-to-end test that skips for any reason fails instead."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRED and report.skipped and "tests/e2e" in str(item.fspath):
        report.outcome = "failed"
        report.longrepr = f"skipped, and WIZARD_E2E=required: {report.longrepr}"
