"""`wizard network`: a Substra network of several organisations, planned from one network file.

    wizard network init [FILE]               write a starting network file to edit (default network.yaml)
    wizard network write FILE --out DIR      one folder per organisation and one for the orchestrator, and the
                                             install order (DIR/install.sh)
    wizard network add FILE                  one more organisation, through questions
    wizard network edit FILE [ORG] --out DIR walk one organisation's steps (or all: the network mode); its decisions
                                             go to the network file
    wizard network explain FILE [--out DIR]  every path between organisations, open or blocked, and the credentials
    wizard network check FILE_OR_DIR...      name every way a set of values files disagrees
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.commands.arguments import DEFAULT_INSTALL_TIMEOUT, kubeconfig_path, path_argument, seconds
from wizard.core import files
from wizard.core.errors import OutputError, WizardError

if TYPE_CHECKING:
    from wizard.network.output import NetworkRun

EXIT_OK = 0
_DONE = {"create": "created", "rewrite": "rewrote", "merge": "merged", "replace": "replaced", "unchanged": "unchanged"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard network", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Plan a Substra network: organisations, one orchestrator, channels, and the credentials of every "
                    "pair of organisations, from one network file.",
        epilog="Start with `wizard network init`, edit network.yaml, then `wizard network write network.yaml --out "
               "DIR` and read DIR/install.sh.\nExit codes: 0 done, 1 (check) inconsistencies found, 2 invalid input "
               "(nothing written).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    init = commands.add_parser("init", help="write a starting network file to edit",
                               description="Write a starting network file: three organisations in two clusters, "
                                           "two channels, every key explained.")
    init.add_argument("file", nargs="?", metavar="FILE", type=path_argument(output=True), default=Path("network.yaml"),
                      help="where to write it (default network.yaml; an existing file is never replaced)")
    write = commands.add_parser("write", help="write every organisation's and the orchestrator's files",
                                description="Write DIR/orchestrator/ and DIR/<organisation>/ (values, answers, "
                                            "install.sh, secrets/), DIR/network.yaml and DIR/install.sh, which "
                                            "installs them in order. Credentials go to each folder's secrets/ only.")
    write.add_argument("file", metavar="FILE", type=path_argument(), help="the network file")
    write.add_argument("--out", metavar="DIR", type=path_argument(output=True), default=Path("substra-network"),
                       help="the network's folder (default substra-network)")
    write.add_argument("--force", action="store_true",
                       help="merge into values files edited by hand (other edited files are kept as <name>.bak)")
    write.add_argument("--install", action="store_true",
                       help="then check every cluster and install the orchestrator and each organisation, in order, "
                            "each into its own kube context (asks once first, unless --yes)")
    write.add_argument("--yes", action="store_true", help="with --install: no question")
    write.add_argument("--kubeconfig", metavar="FILE", type=kubeconfig_path,
                       help="kubeconfig holding every context of the network (default: $KUBECONFIG, then "
                            "~/.kube/config)")
    write.add_argument("--timeout", metavar="SECONDS", type=seconds, default=DEFAULT_INSTALL_TIMEOUT,
                       help=f"with --install: how long each chart may take to become ready (default "
                            f"{DEFAULT_INSTALL_TIMEOUT:.0f})")
    explain = commands.add_parser("explain", help="every path between organisations: open or blocked, and whether "
                                  "the two sides hold the same secret",
                                  description="For each backend's server and worker: the path to the orchestrator, "
                                              "to every other organisation's server and to its own, judged by the "
                                              "NetworkPolicies of both ends; with --out, whether the two sides of "
                                              "each pair hold the same secret (never printed).")
    explain.add_argument("file", metavar="FILE", type=path_argument(), help="the network file")
    explain.add_argument("--out", metavar="DIR", type=path_argument(),
                         help="the folder `wizard network write` wrote: read each pair's secrets there")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    add = commands.add_parser("add", help="add an organisation to the network file, through questions",
                              description="Ask for one more organisation (name, MSP id, kube context, namespace, "
                                          "public host, channels) and add it to FILE, comments kept.")
    add.add_argument("file", metavar="FILE", type=path_argument(), help="the network file")
    edit = commands.add_parser("edit", help="walk one organisation's steps; its decisions go to the network file",
                               description="Open ORGANISATION's steps as `wizard` does (the full-screen wizard, or "
                                           "line prompts with --plain), its cluster being its own kube context. "
                                           "What you decide there becomes its `plan` in FILE (comments kept), "
                                           "then the network is written into DIR as `write` does.")
    edit.add_argument("file", metavar="FILE", type=path_argument(), help="the network file")
    edit.add_argument("organisation", metavar="ORGANISATION", nargs="?",
                      help="its name or MSP id; without it, the network mode: the organisations and the paths "
                           "between them, to add one, open one's steps, or write the network")
    edit.add_argument("--out", metavar="DIR", type=path_argument(output=True), default=Path("substra-network"),
                      help="the network's folder (default substra-network)")
    edit.add_argument("--plain", action="store_true", help="ask as line prompts (answers may be piped in)")
    edit.add_argument("--force", action="store_true",
                      help="merge into values files edited by hand (other edited files are kept as <name>.bak)")
    commands.add_parser("check", help="name every inconsistency of a set of values files (see wizard network check "
                                      "--help)", add_help=False)
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard network`; returns the exit code."""
    argv = list(argv)
    if argv and argv[0] == "check":
        from wizard.commands import network_check

        return network_check.main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "init":
        return _init(args.file)
    if args.command == "explain":
        return _explain(args)
    if args.command in ("add", "edit"):
        from wizard.commands import network_edit

        return network_edit.add(args) if args.command == "add" else network_edit.edit(args)
    if args.install and not args.yes and not sys.stdin.isatty():  # before any file: nothing could be installed
        from wizard.commands.network_install import REFUSAL

        raise WizardError(REFUSAL)
    return _write(args)


def _print_warnings(run: NetworkRun) -> None:
    """Each member's warnings, as a single run prints them (its info notes show in its own review)."""
    from wizard.planning import rules

    for member in run.members:
        for note in rules.notes(member.plan):
            if note.severity != "info":
                print(f"{note.severity}: {member.folder}: {note}", file=sys.stderr)


def _left_over(out_dir: Path, members: set[str]) -> list[str]:
    """Folders of an earlier write whose member the network file no longer has."""
    return sorted(p.name for p in out_dir.iterdir() if p.is_dir() and p.name not in members
                  and (p / "wizard-answers.yaml").is_file())


def _init(path: Path) -> int:
    from wizard.network.starter import STARTER

    if path.exists():
        raise OutputError(f"{path} exists: the wizard never replaces a network file. Edit it, or give another name "
                          "(wizard network init FILE).")
    files.write_new(path, STARTER.encode(), files.PRIVATE_FILE)
    print(f"Wrote {path}: three organisations in two clusters and two channels to start from. Edit it (every key is "
          f"explained there), then: wizard network write {path} --out substra-network")
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    return explain(args.file, args.out, args.format)


def explain(path: Path, out_dir: Path | None, fmt: str) -> int:
    """Every path between the network's organisations; the pairs' credentials from `out_dir`, or from the folder
    that holds `path` when it is the copy `write` left there."""
    import json

    from wizard.network import model
    from wizard.network.paths_format import as_json, text
    from wizard.network.preview import preview, written_beside

    network = model.load(path)
    paths, source = preview(network, path, out_dir or written_beside(network, path))
    if fmt == "json":
        json.dump(as_json(paths), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        header = (f"Network of {path}: the orchestrator (context {network.orchestrator.context}) and "
                  f"{len(network.organisations)} organisations; credentials {source}.")
        sys.stdout.write(text(paths, header))
    return EXIT_OK


def _write(args: argparse.Namespace) -> int:
    from wizard.network import model
    from wizard.network.output import plan_network_files, write_network

    path, out_dir = args.file, args.out
    network = model.load(path)
    run = plan_network_files(network, path, out_dir, force=args.force)
    _print_warnings(run)
    write_network(run)
    organisations = len(network.organisations)
    print(f"Network from {path}: the orchestrator, {organisations} organisation{'s' if organisations != 1 else ''}, "
          f"{len(network.channels)} channel{'s' if len(network.channels) != 1 else ''}. Files in {out_dir}/:")
    for member, planned in zip(run.members, run.runs, strict=True):
        actions = sorted({_DONE[item.action] for item in planned})
        print(f"  {member.folder + '/':<16} {member.title:<32} kube context {member.context}: {', '.join(actions)}")
    for item in run.top:
        print(f"  {item.path.name:<16} {_DONE[item.action]}")
    for folder in _left_over(out_dir, {m.folder for m in run.members}):
        print(f"  {folder + '/':<16} left as is: no longer in the network (its cluster keeps what it installed; "
              "the others' lists no longer name it)")
    pairs = organisations * (organisations - 1)
    print(f"Credentials of the {pairs} ordered pairs of organisations (and of each with itself): "
          f"{len(run.pairs.made)} made now, {pairs - len(run.pairs.made)} kept; in each organisation's secrets/ only.")
    for caller, callee in run.pairs.mended:
        print(f"  mended: {caller} -> {callee} had different secrets on the two sides; both now hold {callee}'s "
              f"(re-run {out_dir}/install.sh to apply)", file=sys.stderr)
    if args.install:
        from wizard.commands.network_install import install_network

        sys.stdout.flush()
        return install_network(run, out_dir, yes=args.yes, kubeconfig=args.kubeconfig, timeout=args.timeout,
                               out=sys.stdout, ask=sys.stdin)
    print(f"Next: read the files, then run: sh {out_dir / 'install.sh'} (orchestrator first, then "
          + ", ".join(m.folder for m in run.members[1:]) + ")")
    return EXIT_OK
