"""The `wizard` entry point: `wizard NAME ...` runs a command of wizard/commands/, plain `wizard` runs
commands/write.py (plan, ask, write, install); this module turns what they raise into exit codes.

Exit codes: 0 done; 2 invalid input or a file that would lose someone's edits (nothing written); 70 a bug in the
wizard (a one-line message; WIZARD_DEBUG=1 shows the traceback); 130 interrupted.
The only place that catches WizardError; everything it prints for people goes to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wizard import __version__
from wizard.commands.arguments import (
    DEFAULT_OUT,
    add_cluster_options,
    add_plan_sources,
    chart_file,
    path_argument,
)
from wizard.core.errors import WizardError

if TYPE_CHECKING:  # the Plan's module builds pydantic models: imported only once a run needs it
    pass

EXIT_INVALID, EXIT_BUG, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 2, 70, 130, 141  # 0 (done) comes from each command
# `wizard NAME ...`: commands with their own arguments; each module has `main(argv) -> int` and raises WizardError
# for bad input (exit 2 here, like every other invalid input).
SUBCOMMANDS = {
    "explain": "wizard.commands.explain",
    "why": "wizard.commands.why",
    "images": "wizard.commands.images",
    "secrets": "wizard.commands.secrets",
    "preflight": "wizard.commands.install",
    "import": "wizard.commands.import_values",
    "diff": "wizard.commands.diff",
    "bundle": "wizard.commands.bundle",
    "pss": "wizard.commands.pss",
    "netpol": "wizard.commands.netpol",
    "network": "wizard.commands.network",
}
SUMMARIES = {
    "explain": "what a configuration does to security, network, volumes",
    "why": "why a decision or values key has its value, and its effect",
    "images": "every image the plan runs, to copy into a mirror",
    "secrets": "list, reveal or set the credentials under DIR/secrets/",
    "preflight": "check a plan against the current cluster, changing nothing",
    "import": "read a customer's values files back into decisions",
    "diff": "what differs between two configurations",
    "bundle": "one redacted .tar.gz of a configuration, for support",
    "pss": "the Pod Security level of any manifests",
    "netpol": "who may reach whom under any manifests' NetworkPolicies",
    "network": "plan several organisations and their orchestrator together",
}
"""One line per command for `wizard --help` (a test checks that every command has one)."""



def _parser() -> argparse.ArgumentParser:
    width = max(len(name) for name in SUMMARIES)
    commands = "\n".join(f"  wizard {name:<{width}}  {line}" for name, line in SUMMARIES.items())
    parser = argparse.ArgumentParser(
        prog="wizard",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Plan a Substra deployment (orchestrator, backend, frontend) and write its Helm values files,\n"
                    "answers file and install.sh; without --non-interactive it asks in a full-screen wizard.",
        epilog=f"commands (each with --help):\n{commands}\n\n"
               "Exit codes: 0 done, 2 invalid input (nothing written), 70 a bug in the wizard,\n130 interrupted.",
    )
    add_plan_sources(parser)
    parser.add_argument("--import", metavar="CHART=FILE", type=chart_file, action="append", default=[],
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
            from wizard.commands.write import list_presets

            return list_presets(sys.stdout)
        from wizard.commands.write import run

        return run(args)
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
        from wizard.core.refusals import describe

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


