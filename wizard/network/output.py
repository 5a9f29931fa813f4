"""What `wizard network write` writes: a folder per member (`orchestrator/`, then one per organisation, each what a
single run writes: values, answers, install.sh, secrets/), and at the top the network file and an install.sh that
installs them in order, each into its own kube context.

Every folder is planned before anything is written, so a refused file or a broken secrets/ in any folder stops the
run with nothing written anywhere.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from wizard import __version__
from wizard.core import files, journal
from wizard.core.errors import OutputError
from wizard.network.model import FILE_NAME, Network
from wizard.network.pairs import PairSecrets, pair_secrets
from wizard.network.plans import (
    BACKEND_CA,
    CLIENT_CERTIFICATE,
    ORCHESTRATOR_CA,
    Member,
    orchestrator_address,
    plan_network,
)
from wizard.writing import install_script, output

REPRODUCE = "wizard network write network.yaml --out . (in the network's folder)"


@dataclass
class NetworkRun:
    """Everything a network write will do: each member's planned files, the top files, the pair secrets."""

    members: list[Member]
    runs: list[output.PlannedRun]
    top: list[output.PlannedFile]
    pairs: PairSecrets


def plan_network_files(network: Network, network_file: Path, out_dir: Path, *, force: bool = False,
                       typed: Mapping[str, Mapping[str, str]] | None = None) -> NetworkRun:
    """Render every folder of the network and decide what happens to each file. `typed`: folder -> credentials the
    operator typed for that member (admin passwords of `wizard network edit`), written into its secrets/.

    Raises:
        ConfigError: a member's Plan is invalid (each problem names the organisation).
        OutputError: `out_dir` is a file, or files someone edited would be replaced (all named, nothing written).
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a folder: choose a folder for --out")
    journal.settle(out_dir)
    members = plan_network(network, str(network_file))
    pairs = pair_secrets(members, out_dir)
    runs, refused = [], []
    for member in members:
        try:
            runs.append(output.plan_files(member.plan, out_dir / member.folder, force=force, extras=member.extras,
                                          given_secrets={**pairs.given.get(member.folder, {}),
                                                         **(typed or {}).get(member.folder, {})},
                                          kube_context=member.context,
                                          exact_organisations=True, reproduce=REPRODUCE))
        except OutputError as error:
            if error.title.startswith("Refusing"):
                refused.append(error.msg.split("\nNothing was written.")[0])
                continue
            raise
    top = [output.whole_file(out_dir / install_script.FILE_NAME, install_order(network, members), (
        f"Written by substra-wizard {__version__} from {FILE_NAME}: installs the whole network, in order.",), force,
        mode=files.EXECUTABLE)]
    copy = out_dir / FILE_NAME
    if not _same(network_file, copy):
        top.append(output.whole_file(copy, files.read_text(network_file), (
            f"substra-wizard {__version__}: the network file this folder was written from (a copy of {network_file}).",
            f"To write the folders again: {REPRODUCE}"), force))
    refused += [str(item.path) for item in top if item.action == "replace" and item.backup is None]
    if refused:
        raise OutputError("\n".join(refused) + "\nNothing was written in any folder. Re-run with --force to merge this "
                          "run's decisions into the values files (other files are kept as <name>.bak), or choose "
                          "another --out folder.", title="Refusing to overwrite edited files.")
    return NetworkRun(members, runs, top, pairs)


def write_network(run: NetworkRun) -> None:
    """Write each member's folder (each one generation, as a single run), then the top files."""
    for planned in run.runs:
        output.write_files(planned)
    output.write_files(run.top)


def _same(a: Path, b: Path) -> bool:
    try:
        return b.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


def install_order(network: Network, members: list[Member]) -> str:
    """The top install.sh: the orchestrator first (a backend fails to start while it is unreachable), then each
    organisation, each through its own folder's install.sh into its own kube context. A failure stops the script and
    says what is installed and what is not; running it again resumes (every step is helm upgrade --install), and
    re-syncs every organisation's lists, which is how a new organisation's credentials reach the others."""
    lines = ["#!/bin/sh", "# Installs the network in order: the orchestrator, then each organisation's backend, each "
             "into its own kube context.", "# Safe to run again: each step upgrades what is there.", "set -u",
             'cd "$(dirname "$0")"', ""]
    needs = prerequisites(network)
    if needs:
        lines.append("# Before running, make sure these exist (the wizard does not make certificates):")
        lines += [f"#   - {need}" for need in needs]
        lines.append("")
    lines += ["done_list=''",
              "step() {",
              '  echo "== $1: sh $1/install.sh (kube context $2)"',
              '  if sh "$1/install.sh"; then done_list="$done_list $1"; return 0; fi',
              '  echo "wizard network: $1 failed; installed before it:${done_list:- nothing}. Not installed: $3." >&2',
              '  echo "What is installed cannot work with $1 until it runs: fix what $1/install.sh said, then run this '
              'script again (each step upgrades what is there)." >&2',
              "  exit 1",
              "}", ""]
    for index, member in enumerate(members):
        later = " ".join(m.folder for m in members[index + 1:]) or "none"
        lines.append(" ".join(shlex.quote(part) for part in ("step", member.folder, member.context, later)))
    organisations = len(members) - 1
    lines += ["", f'echo "Done: the orchestrator and {organisations} organisation{"s" if organisations != 1 else ""}'
                  ' are installed."', ""]
    return "\n".join(lines)


def prerequisites(network: Network) -> list[str]:
    """The certificates of TLS and mTLS, which each cluster must hold before its install."""
    if not network.tls:
        return []
    orchestrator = network.orchestrator
    found = [f"orchestrator (context {orchestrator.context}, namespace {orchestrator.namespace}): Secret "
             f"{ORCHESTRATOR_CA} (ca.crt: the orchestrator's CA) and its server certificate, for the names the "
             "backends use: " + ", ".join(sorted({orchestrator_address(network, o)[0] for o in network.organisations}))]
    for organisation in network.organisations:
        at = f"{organisation.name} (context {organisation.context}, namespace {organisation.where})"
        found.append(f"{at}: Secret {BACKEND_CA} (ca.crt: the orchestrator's CA)")
        if network.mtls:
            found.append(f"{at}: Secret {CLIENT_CERTIFICATE} (kubernetes.io/tls), a client certificate with subject "
                         f"O={organisation.msp_id}, CN={organisation.host}, signed by the orchestrator's CA")
    return found

