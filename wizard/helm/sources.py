"""Where Helm takes the charts from: the Substra chart repository (the default), another chart repository URL (a
mirror), an `oci://` registry, or a folder of chart archives (as `helm pull` writes them) or unpacked charts, which
is what an air-gapped cluster installs from.

`origin(text)` reads the Plan's `target.charts`; `locate` turns it into the ChartSource Helm installs; `missing`
says which planned charts a folder or repository does not hold at the planned version (preflight's check).
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wizard.helm.base import ChartSource

SUBSTRA_REPO = "https://substra.github.io/charts"
INDEX_LIMIT = 16 * 1024 * 1024
"""A repository index larger than this is refused (the Substra index is about 200 KB)."""


@dataclass(frozen=True)
class Origin:
    """`kind` repo: `location` is a chart repository URL; oci: an oci:// reference of the folder holding the charts;
    folder: an absolute path."""

    kind: Literal["repo", "oci", "folder"]
    location: str

    @property
    def is_default(self) -> bool:
        return self.kind == "repo" and self.location.rstrip("/") == SUBSTRA_REPO

    def describe(self) -> str:
        return {"repo": "the chart repository", "oci": "the OCI registry", "folder": "the charts folder"}[self.kind] \
            + f" {self.location}"


def origin(text: str | None, base: Path | None = None) -> Origin:
    """The origin a `target.charts` value names (None or empty: the Substra repository). A folder is relative to
    `base` (default: the current folder)."""
    if not text:
        return Origin("repo", SUBSTRA_REPO)
    if text.startswith("oci://"):
        return Origin("oci", text.rstrip("/"))
    if text.startswith(("https://", "http://")):
        return Origin("repo", text.rstrip("/"))
    folder = Path(text).expanduser()
    if not folder.is_absolute():
        folder = (base or Path.cwd()) / folder
    return Origin("folder", os.path.normpath(folder))


def locate(where: Origin, chart: str, version: str) -> ChartSource:
    """What `helm upgrade --install` takes for this chart. A folder without it gives the archive name `helm pull`
    would write there (preflight says it is missing)."""
    if where.kind == "repo":
        return ChartSource(chart, version, where.location)
    if where.kind == "oci":
        return ChartSource(f"{where.location}/{chart}", version)
    found = in_folder(Path(where.location), chart, version)
    return ChartSource(str(found or Path(where.location) / f"{chart}-{version}.tgz"))


def in_folder(folder: Path, chart: str, version: str) -> Path | None:
    """The archive or unpacked chart in `folder` whose Chart.yaml has this name and version."""
    if not folder.is_dir():
        return None
    conventional = folder / f"{chart}-{version}.tgz"
    candidates = [conventional] if conventional.is_file() else []
    candidates += sorted(p for p in folder.iterdir() if p != conventional and (
        p.suffix == ".tgz" or p.name.endswith(".tar.gz") or (p / "Chart.yaml").is_file()))
    for path in candidates:
        if _identity(path) == (chart, version):
            return path
    return None


def _identity(path: Path) -> tuple[str, str] | None:
    """(name, version) from a chart's Chart.yaml, in a folder or an archive; None when it cannot be read."""
    try:
        if path.is_dir():
            text = (path / "Chart.yaml").read_text(encoding="utf-8")
        else:
            with tarfile.open(path, "r:gz") as archive:
                member = next((m for m in archive.getmembers()
                               if m.isfile() and m.name.count("/") == 1 and m.name.endswith("/Chart.yaml")), None)
                handle = archive.extractfile(member) if member else None
                if handle is None:
                    return None
                text = handle.read(1024 * 1024).decode("utf-8")
    except (OSError, tarfile.TarError, UnicodeDecodeError, EOFError):
        return None
    from wizard.core.errors import WizardError
    from wizard.yamlkit import yamlio

    try:
        data = yamlio.load_plain(text, str(path))
    except WizardError:
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("name", "")), str(data.get("version", ""))


def missing(where: Origin, charts: Iterable[tuple[str, str]], *, timeout: float = 10.0) -> list[str]:
    """Which (chart, version) pairs the origin does not hold, in words; empty when all are there. A folder is read
    here; a mirror repository's index.yaml is fetched; the Substra repository is not asked (it publishes every
    version the wizard models), nor is an OCI registry (Helm pulls by tag: a missing tag fails the install with
    Helm's own message)."""
    wanted = list(charts)
    if where.is_default:
        return []
    if where.kind == "folder":
        folder = Path(where.location)
        if not folder.is_dir():
            return [f"the charts folder {folder} does not exist"]
        return [f"{chart} {version} is not in {folder} (neither {chart}-{version}.tgz nor an unpacked chart)"
                for chart, version in wanted if in_folder(folder, chart, version) is None]
    if where.kind == "repo":
        try:
            entries = repository_index(where.location, timeout)
        except OSError as error:
            return [f"cannot read {where.location}/index.yaml: {getattr(error, 'reason', None) or error}"]
        except ValueError as error:
            return [f"{where.location}/index.yaml is not a chart repository index: {error}"]
        return [f"{chart} {version} is not in the chart repository {where.location}" + _offer(entries.get(chart))
                for chart, version in wanted if version not in entries.get(chart, ())]
    return []


def _offer(versions: Sequence[str] | None) -> str:
    if not versions:
        return " (it has no version of that chart)"
    return f" (it has {', '.join(list(versions)[:5])}{', ...' if len(versions) > 5 else ''})"


def repository_index(url: str, timeout: float) -> dict[str, list[str]]:
    """chart name -> versions listed in a chart repository's index.yaml, as Helm reads it."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/index.yaml", timeout=timeout) as answer:  # noqa: S310
            body = answer.read(INDEX_LIMIT + 1)
    except urllib.error.HTTPError as error:
        error.close()  # it holds the connection open
        raise OSError(f"the server answered {error.code} {error.reason}") from None
    if len(body) > INDEX_LIMIT:
        raise ValueError(f"larger than {INDEX_LIMIT // (1024 * 1024)} MB")
    from wizard.core.errors import WizardError
    from wizard.yamlkit import yamlio

    try:
        data = yamlio.load_plain(body.decode("utf-8", errors="replace"), "index.yaml")
    except WizardError as error:
        raise ValueError(str(error)) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        raise ValueError("no entries")
    return {str(name): [str(e.get("version")) for e in found if isinstance(e, dict)]
            for name, found in data["entries"].items() if isinstance(found, list)}
