"""Helm through Helm's Go SDK (the helm-python-sdk extra), for machines without the helm binary.

Same operations as the binary; values files are read here and passed as one merged mapping (Helm merges several -f
files the same way: later files win, maps merged key by key). helm_python is imported on first use only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wizard.helm.base import ChartSource, Helm, HelmFailure, ReleaseInfo


class SdkHelm(Helm):
    kind = "sdk"

    def __init__(self, kubeconfig: str | os.PathLike[str] | None = None, context: str | None = None,
                 storage_driver: str | None = None) -> None:
        self.kubeconfig = None if kubeconfig is None else os.fspath(kubeconfig)
        self.context = context
        self.storage_driver = storage_driver
        """None: Helm's default (Secrets); tests use "memory"."""
        self._configs: dict[str, Any] = {}

    def _config(self, namespace: str) -> Any:
        if namespace not in self._configs:
            import helm_python

            self._configs[namespace] = helm_python.Config(
                kubeconfig_path=self.kubeconfig, kube_context=self.context, namespace=namespace,
                storage_driver=self.storage_driver)
        return self._configs[namespace]

    def close(self) -> None:
        for config in self._configs.values():
            config.close()
        self._configs.clear()

    def status(self, release: str, namespace: str) -> ReleaseInfo | None:
        import helm_python

        try:
            return from_summary(self._config(namespace).status(release), namespace)
        except helm_python.HelmNotFoundError:
            return None
        except helm_python.HelmError as error:
            raise HelmFailure(f"helm status {release} failed: {error.detail}") from None

    def history(self, release: str, namespace: str) -> list[ReleaseInfo]:
        import helm_python

        try:
            return [from_summary(r, namespace) for r in self._config(namespace).history(release)]
        except helm_python.HelmNotFoundError:
            return []
        except helm_python.HelmError as error:
            raise HelmFailure(f"helm history {release} failed: {error.detail}") from None

    def upgrade_install(self, release: str, chart: ChartSource, namespace: str, values_files: Sequence[Path], *,
                        dry_run: bool = False, timeout_seconds: int = 600) -> ReleaseInfo:
        import helm_python

        config, values = self._config(namespace), merged_values(values_files)
        target, options = _chart(chart)
        common = {"namespace": namespace, "timeout": timeout_seconds, "dry_run": "client" if dry_run else None,
                  **options}
        try:
            exists = not dry_run and self.status(release, namespace) is not None
            if exists:
                summary = config.upgrade(target, release, values, **common)
            else:
                summary = config.install(target, release, values, **common)
        except helm_python.HelmError as error:
            raise HelmFailure(f"helm upgrade --install {release} failed: {error.detail}") from None
        finally:
            _close(target)
        return from_summary(summary, namespace)

    def rollback(self, release: str, namespace: str, revision: int) -> None:
        import helm_python

        try:
            self._config(namespace).rollback(release, version=revision)
        except helm_python.HelmError as error:
            raise HelmFailure(f"helm rollback {release} {revision} failed: {error.detail}") from None

    def uninstall(self, release: str, namespace: str) -> None:
        import helm_python

        try:
            self._config(namespace).uninstall(release)
        except helm_python.HelmError as error:
            raise HelmFailure(f"helm uninstall {release} failed: {error.detail}") from None

    def template(self, release: str, chart: ChartSource, namespace: str, values_files: Sequence[Path]) -> str:
        import helm_python

        try:
            with tempfile.TemporaryDirectory(prefix="wizard-chart-") as folder:
                loaded = _load(chart, Path(folder))
                try:
                    rendered = loaded.render(values=merged_values(values_files), name=release, namespace=namespace)
                finally:
                    loaded.close()
        except helm_python.HelmError as error:
            raise HelmFailure(f"helm template {release} failed: {error.detail}") from None
        return join_documents(rendered)


def join_documents(rendered: dict[str, str]) -> str:
    """One multi-document stream as `helm template` prints it. A template need not end with a newline, so each
    document gets one before the next `---` (else the separator glues onto its last line: `size: 10Gi---`)."""
    documents = []
    for path, text in sorted(rendered.items()):
        if text.strip():
            documents.append(f"---\n# Source: {path}\n{text}" + ("" if text.endswith("\n") else "\n"))
    return "".join(documents)


def _chart(chart: ChartSource) -> tuple[Any, dict[str, Any]]:
    """What install/upgrade take: a loaded local chart, or the name with its repository and version."""
    if chart.repo_url:
        return chart.name, {"chart_repo_url": chart.repo_url, "chart_version": chart.version}
    if chart.name.startswith("oci://"):  # the SDK pulls a registry reference itself
        return chart.name, {"chart_version": chart.version}
    import helm_python

    return helm_python.Chart.load(chart.name), {}


def _load(chart: ChartSource, folder: Path) -> Any:
    import helm_python

    if not chart.repo_url and not chart.name.startswith("oci://"):
        return helm_python.Chart.load(chart.name)
    helm_python.pull(chart.name, destination=folder, version=chart.version, repo_url=chart.repo_url)
    archives = sorted(folder.glob("*.tgz"))
    if not archives:
        raise HelmFailure(f"helm pull {chart.describe()} from {chart.repo_url} wrote no archive")
    return helm_python.Chart.load(archives[0])


def _close(target: Any) -> None:
    if hasattr(target, "close"):
        target.close()


def merged_values(values_files: Sequence[Path]) -> dict[str, Any]:
    """The values files as Helm merges several -f: later files win, maps merge key by key."""
    from wizard.core import files
    from wizard.yamlkit import yamlio

    merged: dict[str, Any] = {}
    for path in values_files:
        data = yamlio.load_plain(files.read_text(path), str(path)) or {}
        if not isinstance(data, dict):
            raise HelmFailure(f"{path} is not a values file: its top level must be a mapping")
        _merge(merged, data)
    return merged


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def from_summary(data: dict[str, Any], namespace: str) -> ReleaseInfo:
    """The SDK's release summary as a ReleaseInfo."""
    chart = f"{data.get('chart_name')}-{data.get('chart_version')}" if data.get("chart_name") else ""
    return ReleaseInfo(str(data.get("name", "")), str(data.get("namespace") or namespace), int(data.get("revision", 0)),
                       str(data.get("status", "")), chart, str(data.get("app_version", "")),
                       str(data.get("deployed_at", "")), str(data.get("manifest", "")))
