"""`wizard diff A B`: what changes from one configuration to another (Plan fields, values, implications)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wizard.analysis import pss
from wizard.commands.arguments import add_report_options
from wizard.support.sources import FORMS

if TYPE_CHECKING:
    from wizard.support.sources import Side

EXIT_SAME, EXIT_DIFFERENT = 0, 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard diff",
        description="Compare two Substra configurations: the Plan fields that differ, the values each chart ends up "
                    "with (merged over the chart's defaults, so equivalent files show no difference), and what "
                    "changes in what the deployment does: Pod Security levels, containers running as root, network "
                    "paths opened or closed, volume claims created, removed, resized or reclassified, findings.",
        epilog="A configuration is one of: " + "; ".join(FORMS) + ". A prefix (preset:, answers:, dir:, bundle:, "
               "values:) always decides; without one, CHART=FILE means values files, an existing folder a folder the "
               "wizard wrote, a .tar.gz a bundle, another existing file an answers file, and a name a preset. "
               "Examples: wizard diff minimal production; wizard diff deploy/ substra-backend=customer.yaml. "
               "Exit codes: 0 done (with --exit-code: 0 no difference, 1 different), 2 invalid input.",
    )
    parser.add_argument("a", metavar="A", help="the configuration to compare from")
    parser.add_argument("b", metavar="B", help="the configuration to compare to")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    add_report_options(parser, "Pod Security rules for both sides (default: each Plan's target version; values "
                               "files take the other side's Plan version, else latest)")
    parser.add_argument("--exit-code", action="store_true",
                        help="exit 1 when the configurations differ, 0 when they do not (like git diff --exit-code)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard diff`; returns the exit code."""
    from wizard.support import diff_format
    from wizard.support.diff import compare
    from wizard.support.sources import place_like, resolve

    args = _parser().parse_args(list(argv))
    a, b = resolve(args.a), resolve(args.b)
    place_like(a, b)
    place_like(b, a)
    forced = pss.clamp(args.k8s_version) if args.k8s_version else None
    fallback = a.version or b.version or pss.LATEST
    a_version, b_version = forced or a.version or fallback, forced or b.version or fallback
    runtime = not args.no_runtime_pods
    diff = compare(a, b, a.report(a_version, runtime_pods=runtime), b.report(b_version, runtime_pods=runtime))
    if args.format == "json":
        shown = json.dumps(diff_format.as_json(diff), indent=2, default=str) + "\n"
    else:
        shown = diff_format.markdown(diff) if args.format == "markdown" else diff_format.text(diff)
    sys.stdout.write(without_credentials(shown, (a, b)))
    return EXIT_DIFFERENT if args.exit_code and diff.different else EXIT_SAME


def without_credentials(text: str, sides: Sequence[Side]) -> str:
    """The output with every credential the sides' values hold replaced by <redacted:N> (the same N for the same
    value, so that a changed password still shows as changed): a diff is pasted into tickets and chats."""
    from wizard.support.redact import Redactor

    redactor = Redactor()
    for side in sides:
        for item in side.inputs:
            redactor.learn_values(item.values, item.release.chart)
    return redactor.scrub(text, "diff")
