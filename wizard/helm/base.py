"""The Helm operations the install needs, and the records they return, whatever runs them (binary or SDK).

Only what the install uses: look a release up (status, history), `upgrade --install` one (or dry-run it), roll it
back, uninstall a never-finished first install, render a chart. Failures are `HelmFailure` with Helm's own message.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.core.errors import WizardError

PENDING = ("pending-install", "pending-upgrade", "pending-rollback")


class HelmFailure(WizardError):
    """A Helm operation failed; the message carries Helm's own words."""


@dataclass(frozen=True)
class ChartSource:
    """Where a chart comes from: a repository (name, version, repo URL) or a local folder/archive (`name` is then
    its path and the other two are None)."""

    name: str
    version: str | None = None
    repo_url: str | None = None

    def describe(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name


@dataclass(frozen=True)
class ReleaseInfo:
    """One revision of a release as Helm stores it."""

    name: str
    namespace: str
    revision: int
    status: str
    """deployed, failed, pending-install, pending-upgrade, pending-rollback, superseded, uninstalling, uninstalled."""
    chart: str = ""
    """chart-name-version, as helm list shows it (e.g. substra-backend-26.15.3)."""
    app_version: str = ""
    updated: str = ""
    manifest: str = ""
    """The rendered objects (only on install/upgrade/status answers)."""

    @property
    def pending(self) -> bool:
        return self.status in PENDING


class Helm(ABC):
    """What the wizard asks of Helm. `kubeconfig`/`context` select the cluster like kubectl's flags."""

    kind: str = ""
    """'binary' or 'sdk', for messages."""

    @abstractmethod
    def status(self, release: str, namespace: str) -> ReleaseInfo | None:
        """The release's latest revision, or None when there is no such release."""

    @abstractmethod
    def history(self, release: str, namespace: str) -> list[ReleaseInfo]:
        """Every stored revision, oldest first (empty when there is no such release)."""

    @abstractmethod
    def upgrade_install(self, release: str, chart: ChartSource, namespace: str, values_files: Sequence[Path], *,
                        dry_run: bool = False, timeout_seconds: int = 600) -> ReleaseInfo:
        """`helm upgrade --install`: install when absent, else upgrade. No --wait: the install watches readiness
        itself, to report progress and diagnose."""

    @abstractmethod
    def rollback(self, release: str, namespace: str, revision: int) -> None:
        """Roll back to `revision` (a new revision is created)."""

    @abstractmethod
    def uninstall(self, release: str, namespace: str) -> None:
        """Remove the release (claims created by StatefulSets stay, as with helm uninstall)."""

    @abstractmethod
    def template(self, release: str, chart: ChartSource, namespace: str, values_files: Sequence[Path]) -> str:
        """The rendered manifests, without contacting the cluster."""

    def manifest(self, release: str, namespace: str) -> str:
        """The objects the latest revision rendered (empty when there is no such release)."""
        current = self.status(release, namespace)
        return current.manifest if current else ""

    def last_deployed(self, release: str, namespace: str) -> ReleaseInfo | None:
        """The newest revision that was deployed or superseded: where a stuck upgrade goes back to."""
        good = [r for r in self.history(release, namespace) if r.status in ("deployed", "superseded")]
        return good[-1] if good else None
