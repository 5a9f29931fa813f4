"""`wizard network check FILE_OR_FOLDER...`: the consistency doctor for a Substra network's values files (one per
organisation, plus the orchestrator's), for support engineers (wizard.network.doctor).

Exit codes: 0 consistent (info findings only say what the set cannot show), 1 inconsistencies found (a danger or
warning finding), 2 unreadable input, a file that is no values file of these charts, or bad arguments (raised as
WizardError and reported by `cli.main`). Results go to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from wizard.commands.arguments import path_argument

EXIT_CONSISTENT, EXIT_INCONSISTENT = 0, 1
CHARTS = ("orchestrator", "substra-backend")


def values_spec(text: str) -> tuple[str | None, Path]:
    """argparse `type=` of each input: FILE or FOLDER, or CHART=FILE to say which chart a file is for."""
    chart, sep, rest = text.partition("=")
    if sep and chart in (*CHARTS, "substra-frontend"):
        if chart not in CHARTS:
            raise argparse.ArgumentTypeError(f"{text!r}: the doctor checks {' and '.join(CHARTS)} values; the "
                                             "frontend ties no organisations together")
        return chart, path_argument()(rest)
    return None, path_argument()(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard network check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Check that the values files of a Substra network agree: one substra-backend values file per "
                    "organisation plus the orchestrator's.\nNames every inconsistency with the file and values key "
                    "on each side, and what to do:\n"
                    "  - pairs of organisations sharing a channel without credentials, or with different secrets\n"
                    "    on the two sides (secrets are compared, never shown); each backend listing itself;\n"
                    "  - channels a backend declares that the orchestrator does not list it in, and the reverse;\n"
                    "  - duplicate MSP ids, list entries naming an organizationName instead of an MSP id;\n"
                    "  - orchestrator host and port against its ingress or Service, TLS and mTLS on one side only,\n"
                    "    client CAs for the MSP-id check;\n"
                    "  - entries the backend misreads (a channel, an empty or non-text secret), and a\n"
                    "    server.defaultDomain without a scheme.\n"
                    "A key a file leaves out counts as its chart's default.",
        epilog="Inputs: FILE (YAML or JSON; its chart guessed from its keys), orchestrator=FILE or\n"
               "substra-backend=FILE (no guess), or a folder the wizard wrote (its values files and, under secrets/,\n"
               "the organisation lists), or a folder of such folders (wizard network's output).\n\n"
               "Exit codes: 0 consistent (info findings only say what the set cannot show), 1 inconsistencies\n"
               "found, 2 unreadable input, a file that is no values file of these charts, or bad arguments.",
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER", type=values_spec,
                        help="values files or folders (see below)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard network check`; returns the exit code (bad input raises WizardError: exit 2 in cli.main)."""
    args = _parser().parse_args(list(argv))
    from wizard.network.doctor import diagnose
    from wizard.network.doctor_report import as_json, text

    diagnosis = diagnose(args.inputs)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(diagnosis), indent=2) + "\n")
    else:
        sys.stdout.write(text(diagnosis))
    return EXIT_CONSISTENT if diagnosis.consistent else EXIT_INCONSISTENT
