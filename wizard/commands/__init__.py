"""`wizard NAME ...` commands, one module each with `main(argv) -> int` (see cli.SUBCOMMANDS). cli.main turns
argparse's exits and WizardError into exit codes, so the commands only parse, work and print."""

from __future__ import annotations

import argparse


def add_manifest_files(parser: argparse.ArgumentParser) -> None:
    """The FILE... argument of the commands that read rendered manifests."""
    from wizard.cli import manifest_file

    parser.add_argument("files", nargs="+", metavar="FILE", type=manifest_file,
                        help="manifest files (multi-document YAML, e.g. helm template output); - reads standard input")


def kubernetes_version(value: str) -> tuple[int, int]:
    """argparse type of --k8s-version: `1.N` or `latest`, refused with the reason otherwise."""
    from wizard.analysis import pss

    try:
        return pss.parse_version(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_report_options(parser: argparse.ArgumentParser, version_help: str) -> None:
    """--k8s-version and --no-runtime-pods: how the commands that build an explain report build it."""
    parser.add_argument("--k8s-version", type=kubernetes_version, default=None, metavar="1.N|latest",
                        help=version_help)
    parser.add_argument("--no-runtime-pods", action="store_true",
                        help="leave out the pods the backend creates at run time (Kaniko builds, compute tasks)")
