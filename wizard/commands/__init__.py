"""`wizard NAME ...` commands, one module each with `main(argv) -> int` (see cli.SUBCOMMANDS). cli.main turns
argparse's exits and WizardError into exit codes, so the commands only parse, work and print."""

from __future__ import annotations

import argparse


def add_manifest_files(parser: argparse.ArgumentParser) -> None:
    """The FILE... argument of the commands that read rendered manifests."""
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="manifest files (multi-document YAML, e.g. helm template output); - reads standard input")
