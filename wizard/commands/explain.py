"""`wizard explain`: what a deployment does to security, network and volumes, and what to look at (findings)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from wizard.analysis import pss
from wizard.analysis.manifests import read_manifests
from wizard.errors import WizardError
from wizard.findings import add_findings
from wizard.report import as_json, build
from wizard.report_format import markdown, text


def _version(value: str) -> tuple[int, int]:
    try:
        return pss.parse_version(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard explain",
        description="Explain what a Substra deployment does: the Pod Security level of every pod and who runs as root, "
                    "who may reach whom, every volume claim (created or reused), then findings with the values key "
                    "that causes each.",
        epilog="Exit codes: 0 done, 2 unreadable or invalid input.",
    )
    parser.add_argument("--manifests", nargs="+", metavar="FILE", required=True,
                        help="rendered manifests (helm template output; - reads standard input)")
    parser.add_argument("--namespace", default="org-1", metavar="NS",
                        help="namespace of objects that name none (default: org-1)")
    parser.add_argument("--k8s-version", type=_version, default=pss.LATEST, metavar="1.N|latest",
                        help="Kubernetes version whose Pod Security rules apply (default: latest)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard explain`; returns the exit code."""
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as stop:
        return int(stop.code or 0)
    manifests = read_manifests(args.manifests)
    if not manifests:
        raise WizardError(f"no Kubernetes objects in {', '.join(args.manifests)}")
    report = build(manifests, version=pss.clamp(args.k8s_version), default_namespace=args.namespace,
                   source="manifests")
    add_findings(report, manifests)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(report), indent=2) + "\n")
    else:
        sys.stdout.write(markdown(report) if args.format == "markdown" else text(report))
    return 0
