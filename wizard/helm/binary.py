"""Helm through the helm binary on PATH: the exact commands an operator would type, with -o json answers.

Chosen first when present because it is the Helm the operator already uses (same plugins, same repositories cache,
same credentials helpers). Each call is one subprocess; Ctrl+C reaches helm too (same process group), which leaves a
release pending or failed for the next run to recover.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wizard.helm.base import ChartSource, Helm, HelmFailure, ReleaseInfo

NOT_FOUND = "release: not found"


class BinaryHelm(Helm):
    kind = "binary"

    def __init__(self, executable: str, kubeconfig: str | os.PathLike[str] | None = None,
                 context: str | None = None) -> None:
        self.executable = executable
        self.cluster_flags: list[str] = []
        if kubeconfig:
            self.cluster_flags += ["--kubeconfig", os.fspath(kubeconfig)]
        if context:
            self.cluster_flags += ["--kube-context", context]

    def _run(self, *args: str, not_found_ok: bool = False) -> str | None:
        command = [self.executable, *args, *self.cluster_flags]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError as error:
            raise HelmFailure(f"cannot run {self.executable}: {error.strerror}") from None
        if done.returncode != 0:
            message = done.stderr.strip().removeprefix("Error: ") or f"exit code {done.returncode}"
            if not_found_ok and NOT_FOUND in message:
                return None
            raise HelmFailure(f"helm {args[0]} failed: {message}")
        return done.stdout

    def status(self, release: str, namespace: str) -> ReleaseInfo | None:
        """The latest revision from `helm history` (Helm 4's `status -o json` no longer names the chart)."""
        history = self.history(release, namespace)
        return history[-1] if history else None

    def manifest(self, release: str, namespace: str) -> str:
        """`helm get manifest` (history, which status reads, carries no manifest)."""
        return self._run("get", "manifest", release, "--namespace", namespace, not_found_ok=True) or ""

    def history(self, release: str, namespace: str) -> list[ReleaseInfo]:
        out = self._run("history", release, "--namespace", namespace, "--output", "json", not_found_ok=True)
        if out is None:
            return []
        return [ReleaseInfo(release, namespace, int(r["revision"]), str(r.get("status", "")), str(r.get("chart", "")),
                            str(r.get("app_version", "")), str(r.get("updated", "")))
                for r in _json_of(out, "helm history")]

    def upgrade_install(self, release: str, chart: ChartSource, namespace: str, values_files: Sequence[Path], *,
                        dry_run: bool = False, timeout_seconds: int = 600) -> ReleaseInfo:
        args = ["upgrade", "--install", release, *_chart_args(chart), "--namespace", namespace,
                *_values_args(values_files), "--timeout", f"{timeout_seconds}s", "--output", "json"]
        if dry_run:
            args.append("--dry-run=client")
        out = self._run(*args)
        return from_status(_json_of(out or "{}", "helm upgrade --install"), namespace)

    def rollback(self, release: str, namespace: str, revision: int) -> None:
        self._run("rollback", release, str(revision), "--namespace", namespace)

    def uninstall(self, release: str, namespace: str) -> None:
        self._run("uninstall", release, "--namespace", namespace)

    def template(self, release: str, chart: ChartSource, namespace: str, values_files: Sequence[Path]) -> str:
        return self._run("template", release, *_chart_args(chart), "--namespace", namespace,
                         *_values_args(values_files)) or ""


def _json_of(out: str, command: str) -> Any:
    """Helm's -o json answer; Helm prints `Pulled: ...` and `Digest: ...` lines before it when it pulls a chart from
    an OCI registry, so the JSON starts at the first line that opens an object."""
    lines = out.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("{")), None)
    try:
        return json.loads("\n".join(lines[start:])) if start is not None else json.loads(out)
    except ValueError:
        raise HelmFailure(f"{command} answered something other than JSON: {out.strip()[:300]}") from None


def _chart_args(chart: ChartSource) -> list[str]:
    args = [chart.name]
    if chart.version:
        args += ["--version", chart.version]
    if chart.repo_url:
        args += ["--repo", chart.repo_url]
    return args


def _values_args(values_files: Sequence[Path]) -> list[str]:
    return [arg for path in values_files for arg in ("--values", os.fspath(path))]


def from_status(data: dict[str, Any], namespace: str) -> ReleaseInfo:
    """`helm status -o json` (and upgrade's -o json) as a ReleaseInfo."""
    info = data.get("info") or {}
    meta = (data.get("chart") or {}).get("metadata") or {}
    chart = f"{meta.get('name')}-{meta.get('version')}" if meta.get("name") else ""
    return ReleaseInfo(str(data.get("name", "")), str(data.get("namespace") or namespace), int(data.get("version", 0)),
                       str(info.get("status", "")), chart, str(meta.get("appVersion", "")),
                       str(info.get("last_deployed", "")), str(data.get("manifest", "")))
