"""`wizard network write --install`: every member of the network into its own kube context, in order.

Every cluster is checked before anything changes (a blocking finding anywhere stops the whole network untouched),
the operator confirms once for every context, then the orchestrator and each organisation are installed in order.
When one fails the run stops there and says which are installed and which are not: the installed organisations
already list the failed one, and cannot reach it until it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from wizard.commands import install
from wizard.core.errors import WizardError
from wizard.network.output import NetworkRun

EXIT_OK, EXIT_NOT_DONE = install.EXIT_OK, install.EXIT_NOT_DONE
REFUSAL = ("--install changes the clusters of every context of the network, and there is no terminal to confirm it "
           "in (standard input is not a TTY). Add --yes to install without confirming.")


def install_network(run: NetworkRun, out_dir: Path, *, yes: bool, kubeconfig: str | None, timeout: float,
                    out: TextIO, ask: TextIO) -> int:
    """Preflight every member, confirm once, install in order; returns the exit code."""
    checks = []
    for member in run.members:
        out.write(f"== Checking {member.folder} (kube context {member.context})\n")
        checked = install.check(member.plan, kubeconfig=kubeconfig, context=member.context,
                                values_dir=out_dir / member.folder)
        install.print_check(checked, out)
        checks.append(checked)
    stopped = [(m.folder, len(found)) for m, c in zip(run.members, checks, strict=True)
               if (found := install.blocking(c.findings))]
    if stopped:
        where = ", ".join(f"{folder} ({count})" for folder, count in stopped)
        out.write(f"Blocking findings in {where}: nothing was changed in any cluster.\n")
        return EXIT_NOT_DONE
    if not yes and not _confirm(run, checks, out, ask):
        out.write("Not installed: nothing in any cluster was changed (the files are written).\n")
        return EXIT_NOT_DONE
    done: list[str] = []
    for index, (member, checked) in enumerate(zip(run.members, checks, strict=True)):
        out.write(f"== Installing {member.folder} into context {member.context}\n")
        out.flush()
        code = install.install_checked(member.plan, checked, out_dir / member.folder, out, dry_run=False,
                                       timeout=timeout, skip_unchanged=True)
        if code != EXIT_OK:
            later = [m.folder for m in run.members[index + 1:]]
            out.write(f"{member.folder} failed. Installed: {', '.join(done) or 'nothing'}. Not installed: "
                      f"{', '.join([member.folder, *later])}. The installed organisations list {member.folder} but "
                      f"cannot reach it until it runs: fix what is said above, then run the same command again "
                      "(each step upgrades what is there).\n")
            return EXIT_NOT_DONE
        done.append(member.folder)
    out.write(f"Network installed: {', '.join(done)}.\n")
    return EXIT_OK


def _confirm(run: NetworkRun, checks: list[install.Checked], out: TextIO, ask: TextIO) -> bool:
    if not ask.isatty():
        raise WizardError(REFUSAL)
    targets = dict.fromkeys(f"{c.facts.context} (server {c.facts.server})" for c in checks)
    out.write(f"Install the orchestrator and {len(run.members) - 1} organisations into {', '.join(targets)}? "
              "[y/N] ")
    out.flush()
    return ask.readline().strip().lower() in ("y", "yes")
