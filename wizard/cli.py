"""The `wizard` command: build the Plan from its layers, then write the files (or, later, open a front end).

Exit codes: 0 done; 2 invalid input or a file that would lose someone's edits (nothing written); 70 a bug in the
wizard (a one-line message; WIZARD_DEBUG=1 shows the traceback); 130 interrupted.
The only place that catches WizardError; everything it prints for people goes to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wizard import __version__
from wizard.errors import WizardError

if TYPE_CHECKING:  # the Plan's module builds pydantic models: imported only once a run needs it
    from wizard.layers import Layer
    from wizard.plan import Plan
    from wizard.rules import Note

EXIT_OK, EXIT_INVALID, EXIT_BUG, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 2, 70, 130, 141
DEFAULT_PRESET = "minimal"
DEFAULT_OUT = "substra-deploy"
DEFAULT_INSTALL_TIMEOUT = 600.0
"""Seconds each chart may take to become ready (--timeout)."""
# `wizard NAME ...`: commands with their own arguments; each module has `main(argv) -> int` and raises WizardError
# for bad input (exit 2 here, like every other invalid input).
SUBCOMMANDS = {
    "pss": "wizard.commands.pss",
    "netpol": "wizard.commands.netpol",
    "explain": "wizard.commands.explain",
    "diff": "wizard.commands.diff",
    "bundle": "wizard.commands.bundle",
    "preflight": "wizard.commands.install",
    "import": "wizard.commands.import_values",
    "why": "wizard.commands.why",
    "images": "wizard.commands.images",
    "secrets": "wizard.commands.secrets",
}
_DONE = {"create": "created", "rewrite": "rewrote", "merge": "merged", "replace": "replaced", "unchanged": "unchanged"}


def add_plan_sources(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """--preset, --answers and --set: where a Plan comes from (the wizard and `wizard explain` share them)."""
    parser.add_argument("--preset", metavar="NAME", type=_preset_name,
                        help=f"start from a preset (default: {DEFAULT_PRESET} when no --answers is given; "
                             "see wizard --list-presets)")
    parser.add_argument("--answers", metavar="FILE", type=path_argument(),
                        help="start from an answers file (wizard-answers.yaml written by an earlier run)")
    parser.add_argument("--set", metavar="PATH=VALUE", action="append", default=[], dest="sets",
                        help="override one decision, e.g. --set features.builder=false "
                             "--set storage.worker.size=50Gi (repeatable)")


def add_cluster_options(parser: argparse.ArgumentParser, *, install: bool = True) -> None:
    """Options of every command that talks to a cluster: which one, where the charts come from, how long to wait."""
    parser.add_argument("--kubeconfig", metavar="FILE", type=_kubeconfig,
                        help="kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--kube-context", metavar="NAME", help="context to use (default: the current one)")
    parser.add_argument("--charts", metavar="SOURCE", type=_charts_source,
                        help="where Helm takes the charts: a folder of chart archives (helm pull) or unpacked "
                             "charts, oci://REGISTRY/PATH, or a chart repository URL (default: the Substra "
                             "repository; sets target.charts)")
    if install:
        parser.add_argument("--timeout", metavar="SECONDS", type=_seconds, default=DEFAULT_INSTALL_TIMEOUT,
                            help=f"with --install: how long each chart may take to become ready (default "
                                 f"{DEFAULT_INSTALL_TIMEOUT:.0f})")


def charts_sets(args: argparse.Namespace) -> list[str]:
    """--set assignments with --charts as the last one (it is the target.charts decision)."""
    return [*args.sets, *([f"target.charts={args.charts}"] if args.charts else [])]


def path_argument(*, stdin: bool = False, output: bool = False) -> Callable[[str], Path]:
    """argparse `type=` of every path option: refuses an empty path, a NUL, an over-long name (wizard.paths)."""
    from wizard.paths import argument

    return argument(stdin=stdin, output=output)


def manifest_file(text: str) -> str:
    """argparse `type=` of the manifest files (FILE..., --manifests): a path as every path option checks it, or `-`
    for standard input; kept as the text given, which messages repeat."""
    return str(path_argument(stdin=True)(text))


def _kubeconfig(text: str) -> str:
    """An empty --kubeconfig would fall back to $KUBECONFIG without a word: refused, as every empty path is."""
    return str(path_argument()(text))


def _charts_source(text: str) -> str:
    """--charts is a folder or a URL: an empty one is refused (it would unset the source without a word), and a
    folder is checked as every path is."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the chart source is empty; give a folder, oci://... or a repository URL")
    if "://" not in text:
        path_argument()(text)
    return text


def _preset_name(text: str) -> str:
    """An empty --preset would mean the default preset without a word: refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the preset name is empty; see wizard --list-presets")
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 1 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 1 to 86400")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard",
        description="Plan a Substra deployment (orchestrator, backend, frontend) and write its Helm values files, "
                    "answers file and install.sh. Other commands, each with --help: wizard explain (what a "
                    "configuration does to security, network and volumes), wizard pss FILE... (Pod Security of any "
                    "manifests), wizard netpol FILE... (who may reach whom), wizard images (every image the plan "
                    "runs, to copy into a mirror), wizard secrets (the credentials under DIR/secrets/, masked).",
        epilog="Exit codes: 0 done, 2 invalid input (nothing written), 70 a bug in the wizard, 130 interrupted.",
    )
    add_plan_sources(parser)
    parser.add_argument("--import", metavar="CHART=FILE", type=_import_pair, action="append", default=[],
                        dest="imports", help="start from a customer's values file (repeatable; see wizard import)")
    parser.add_argument("--bundle", metavar="FILE", type=path_argument(),
                        help="start from the answers in a bundle written by wizard bundle (instead of "
                             "--preset/--answers)")
    parser.add_argument("--non-interactive", action="store_true",
                        help="write the files without asking anything (for scripts and CI)")
    parser.add_argument("--plain", action="store_true",
                        help="ask the same questions as line prompts (serial consoles, screen readers, TERM=dumb; "
                             "answers may be piped in)")
    parser.add_argument("--out", metavar="DIR", type=path_argument(output=True), default=Path(DEFAULT_OUT),
                        help=f"folder for the values files, answers file and install.sh (default: {DEFAULT_OUT})")
    parser.add_argument("--force", action="store_true",
                        help="merge into values files that were edited by hand (comments and extra keys kept)")
    parser.add_argument("--rotate-secrets", action="store_true",
                        help="make every credential under DIR/secrets/ new (the values and answers files stay as "
                             "they are), then say what must be restarted; see also wizard secrets")
    parser.add_argument("--list-presets", action="store_true", help="describe the presets and exit")
    parser.add_argument("--install", action="store_true",
                        help="after writing the files, check the cluster of the current kube context and install "
                             "(shows the context and server and asks first, unless --yes)")
    parser.add_argument("--yes", action="store_true",
                        help="with --install: no questions at all (implies --non-interactive)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the cluster and render through Helm; writes no file, changes nothing")
    add_cluster_options(parser)
    parser.add_argument("--version", action="version", version=f"substra-wizard {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (also used by the tests)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_output()
    try:
        if argv and argv[0] in SUBCOMMANDS:
            import importlib

            command = importlib.import_module(SUBCOMMANDS[argv[0]])
            return int(command.main(argv[1:]))
        args = _parser().parse_args(argv)
        if args.list_presets:
            return _list_presets(sys.stdout)
        return _run(args)
    except SystemExit as stop:  # argparse: --help (0) or a usage error (2, message already printed)
        return stop.code if isinstance(stop.code, int) else EXIT_INVALID
    except WizardError as error:
        print(f"wizard: {error}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # the reader went away (`wizard pss ... | head`): not an error worth a message
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush does not fail again
        return EXIT_BROKEN_PIPE
    except OSError as error:  # the system refused a path (a loop of links, a full disk ...): the operator's to fix
        if error.filename is None:
            return _bug(error)
        from wizard.paths import describe

        print(f"wizard: {describe(error)}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("\nwizard: interrupted; files already reported as written stay, nothing else was written.",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: say so in one line rather than dump a traceback on an operator
        return _bug(error)


def _bug(error: Exception) -> int:
    if os.environ.get("WIZARD_DEBUG"):
        raise error
    print(f"wizard: internal error ({type(error).__name__}: {error}). This is a bug in substra-wizard; please "
          "report it with the command you ran. WIZARD_DEBUG=1 shows the details.", file=sys.stderr)
    return EXIT_BUG


def _tolerant_output() -> None:
    """Undecodable bytes in a path given on the command line reach Python as lone surrogates (\\udcff): printing
    that path must show them escaped, as stderr already does, not fail."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def default_preset(preset: str | None, answers: Path | None) -> str | None:
    """The preset a run starts from: the one given, else minimal unless an answers file says everything."""
    return preset or (None if answers else DEFAULT_PRESET)


def _list_presets(out: TextIO) -> int:
    from wizard import presets

    for name in presets.names():
        preset = presets.load(name)
        out.write(f"{name}\n")
        for line in preset.description.splitlines():
            out.write(f"    {line}\n")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from wizard.layers import build_plan, plan_layers

    if args.install and not (args.yes or args.dry_run) and not sys.stdin.isatty():
        from wizard.commands.install import refusal

        raise WizardError(refusal())  # before any question or file: nothing could be installed this way
    if args.rotate_secrets and (args.install or args.dry_run):
        raise WizardError("--rotate-secrets writes new credentials, and the database passwords must be changed "
                          "inside PostgreSQL before the pods use them: rotate without --install or --dry-run, do what "
                          "it then says, and install after")
    args.non_interactive = args.non_interactive or args.yes
    args.sets = charts_sets(args)
    layers = _bundle_layers(args) if args.bundle else plan_layers(
        args.preset if args.imports else default_preset(args.preset, args.answers), args.answers, args.sets,
        imports=args.imports)
    plan = build_plan(layers)
    started_from = " + ".join(layer.source for layer in layers)
    if not args.non_interactive:
        chosen = _ask(plan, args, layers)
        if chosen is None:
            print("Nothing was written.", file=sys.stderr)
            return EXIT_OK
        plan, started_from = chosen, f"{started_from}, then your answers"
    if args.dry_run:
        from wizard.commands import install

        return install.run(plan, None, yes=args.yes, dry_run=True, secrets_from=args.out, **_cluster_args(args))
    from wizard.layers import extras_of, secrets_of

    code = _write(plan, args, started_from=started_from, extras=extras_of(layers), given_secrets=secrets_of(layers))
    if args.rotate_secrets and code == EXIT_OK:
        from wizard.commands.secrets import rotation_report

        print(rotation_report(plan, args.out), end="")
        args.install = False  # the database passwords first (rotation_report says how), then install.sh
    if args.install and code == EXIT_OK:
        from wizard.commands import install

        code = install.run(plan, args.out, yes=args.yes, dry_run=False, **_cluster_args(args))
    if not args.non_interactive:
        from wizard import resume

        resume.clear()  # the answers are in the written answers file now
    return code


def _cluster_args(args: argparse.Namespace) -> dict[str, object]:
    return {"kubeconfig": args.kubeconfig, "context": args.kube_context, "timeout": args.timeout}


def _bundle_layers(args: argparse.Namespace) -> list[Layer]:
    """The answers a bundle carries, then --set over them."""
    from wizard.bundle import answers_layer
    from wizard.errors import ConfigError, Problem
    from wizard.layers import apply_sets

    if args.preset or args.answers:
        raise ConfigError([Problem("--bundle", "give either --bundle or --preset/--answers, not both")])
    layer = answers_layer(args.bundle)
    return [layer, apply_sets(layer.data, args.sets)] if args.sets else [layer]


def _ask(plan: Plan, args: argparse.Namespace, layers: Sequence[Layer]) -> Plan | None:
    """The operator's decisions through a front end: the line prompts with --plain or on a dumb terminal, the
    full-screen wizard on a terminal. Without a terminal and without --plain, say what to do instead of hanging."""
    if args.plain or os.environ.get("TERM") == "dumb":
        from wizard import prompts, resume

        fresh = args.answers or args.bundle or args.imports  # given input, not an unfinished run, is the start
        args.given_secrets = {}  # the passwords typed, for _write (never in the Plan, answers or draft)
        return prompts.run(plan, saved=None if fresh else resume.load(), keep=resume.save,
                           given_secrets=args.given_secrets, out_dir=_kept_from(args))
    if not sys.stdin.isatty():
        raise WizardError(
            "there is no terminal to ask questions in (standard input is not a TTY). To write the files without "
            f"questions, add --non-interactive (and --out DIR, default {DEFAULT_OUT}); to answer line by line from "
            "standard input, add --plain.")
    from screens.app import make_app
    from wizard import resume
    from wizard.cluster.admission import judge
    from wizard.cluster.choices import discover_for

    app = make_app(plan, None if args.answers or args.bundle or args.imports else resume.load(), discover_for,
                   layers, judge, out_dir=_kept_from(args))
    chosen = app.run()
    args.given_secrets = app.given_secrets  # the passwords typed, for _write (never in the Plan, answers or draft)
    if chosen is not None and app.install_requested:
        args.install = True  # "Write the files, then install": the checks and the confirmation follow here
    return chosen


def _kept_from(args: argparse.Namespace) -> Path | None:
    """The folder whose secrets/ the front ends list as kept; none with --rotate-secrets (every one is made anew)."""
    return None if args.rotate_secrets else args.out


def _import_pair(value: str) -> tuple[str, Path]:
    from wizard.commands.import_values import chart_file

    return chart_file(value)


def _write(plan: Plan, args: argparse.Namespace, started_from: str, extras: dict | None = None,
           given_secrets: dict[str, str] | None = None) -> int:
    from wizard import output, rules

    out_dir = args.out
    planned = output.plan_files(plan, out_dir, force=args.force, answers_from=args.answers, extras=extras,
                                given_secrets={**(given_secrets or {}), **(getattr(args, "given_secrets", None) or {})},
                                rotate_secrets=args.rotate_secrets)
    _print_notes(rules.notes(plan))
    output.write_files(planned)
    print(f"Plan from {started_from}. Files in {out_dir}/:")
    for item in planned:
        backup = f" (your edited version kept as {item.path.name}.bak)" if item.backup is not None else ""
        shown = item.path.name if item.path.parent == out_dir else f"{item.path.parent.name}/{item.path.name}"
        print(f"  {_DONE[item.action]:<9} {shown}{backup}")
    for path in output.unused_values_files(planned):
        print(f"  left as is {path.name}: this plan does not run that chart")
    if not args.install:  # with --install, installing is what comes next
        print(f"Next: read the files, then run: sh {out_dir / 'install.sh'}")
    return EXIT_OK


def _print_notes(notes: Sequence[Note]) -> None:
    for note in notes:
        print(f"{note.severity}: {note}", file=sys.stderr)
