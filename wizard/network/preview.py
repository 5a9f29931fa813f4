"""The network preview: each member's Plan explained (the same analysis as `wizard explain`), then the paths between
organisations judged from both ends, with what the written folders hold for each pair."""

from __future__ import annotations

from pathlib import Path

from wizard.network.model import Network
from wizard.network.paths import CallPath, network_paths, pair_credentials
from wizard.network.plans import plan_network
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.writing.secret_files import read_existing


def preview(network: Network, source: Path, out_dir: Path | None) -> tuple[list[CallPath], str]:
    """(the paths, where the credentials were read from, in words)."""
    members = plan_network(network, str(source))
    reports = {m.folder: explain(plan_inputs(m.plan), version=plan_version(m.plan), plan=m.plan) for m in members}
    organisations = [m for m in members if m.organisation is not None]
    folders = {m.folder: out_dir / m.folder for m in organisations} if out_dir else {}
    written = bool(folders) and all(folder.is_dir() for folder in folders.values())
    held = {m.folder: read_existing(m.plan, folders[m.folder]) if written else {} for m in organisations}
    credentials = pair_credentials([m.organisation for m in organisations if m.organisation], held, written)
    where = f"read from {out_dir}/*/secrets (never shown)" if written else \
        "not written yet (wizard network write makes one secret per pair, the same on both sides)"
    if out_dir and not written:
        where = f"not found in {out_dir} (it has no folder per organisation): " + where.split(" (", 1)[1].rstrip(")")
    return network_paths(network, members, reports, credentials), where


def written_beside(network: Network, path: Path) -> Path | None:
    """The folder holding `path` when `wizard network write` wrote there (a folder per organisation, each with its
    answers file): the network file is then the copy it left."""
    folder = path.parent
    every = all((folder / o.name / "wizard-answers.yaml").is_file() for o in network.organisations)
    return folder if every and network.organisations else None
