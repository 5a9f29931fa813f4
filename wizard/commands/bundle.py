"""`wizard bundle --out FILE.tar.gz`: everything support needs to see a configuration offline, secrets redacted."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.commands.arguments import add_plan_sources, add_report_options, default_preset
from wizard.commands.explain import chart_pair, chart_path_pair
from wizard.core.errors import ConfigError, Problem
from wizard.core.paths import output_file
from wizard.support.sources import FORMS

if TYPE_CHECKING:
    from wizard.support.sources import Side


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard bundle",
        description="Write one .tar.gz with a configuration's answers file, values files, explain report (JSON and "
                    "markdown), the wizard's and the charts' versions and a list of what was redacted. Redaction is "
                    "default-deny: a values string travels in clear only at a key the chart declares (and that is "
                    "no credential) or as the Plan decided it; every other string and undeclared map key, and every "
                    "secret found anywhere (in any encoding, in any file), is replaced by <redacted:N>. Values files "
                    "are re-serialised, so their comments are not carried. Open it with wizard explain --bundle "
                    "FILE, wizard diff, or wizard --bundle FILE.",
        epilog="Exit codes: 0 written, 2 invalid input (nothing written).",
    )
    source = parser.add_argument_group("what to bundle (one of; default: --preset minimal)")
    add_plan_sources(source)
    source.add_argument("--values", metavar="CHART=FILE", type=chart_path_pair, action="append", default=[],
                        help="a customer values file as passed to helm -f (repeatable)")
    source.add_argument("--from", dest="spec", metavar="CONFIG",
                        help="any configuration wizard diff accepts: " + "; ".join(FORMS))
    parser.add_argument("--out", metavar="FILE.tar.gz", type=output_file(), required=True,
                        help="the bundle to write")
    parser.add_argument("--release", metavar="CHART=NAME", type=chart_pair, action="append", default=[],
                        help="release name of a chart with --values (defaults: orchestrator, backend, frontend)")
    parser.add_argument("--namespace", default="org-1", metavar="NS", help="namespace for --values (default: org-1)")
    add_report_options(parser, "Pod Security rules of the report (default: the plan's target version, else latest)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard bundle`; returns the exit code."""
    from wizard.analysis import pss
    from wizard.support import bundle

    args = _parser().parse_args(list(argv))
    side = _side(args)
    version = pss.clamp(args.k8s_version) if args.k8s_version else side.version or pss.LATEST
    members = bundle.build(side, version=version, runtime_pods=not args.no_runtime_pods, sets=args.sets)
    bundle.write(args.out, bundle.archive(members))
    redactions = json.loads(members[bundle.REDACTIONS])
    print(f"Wrote {args.out}: {', '.join(members)}.")
    print(f"{len(redactions['redactions'])} redaction(s) of {redactions['secrets']} distinct value(s) (secrets, and "
          f"what the charts do not declare); each is listed in {bundle.REDACTIONS}.")
    for note in side.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def _side(args: argparse.Namespace) -> Side:
    from wizard.support import sources

    chosen = [name for name, given in (("--from", args.spec), ("--values", args.values),
                                       ("--preset/--answers", args.preset or args.answers)) if given]
    if len(chosen) > 1:
        raise ConfigError([Problem("bundle", f"give one source, not {' and '.join(chosen)}")])
    if args.sets and (args.spec or args.values):
        raise ConfigError([Problem("--set", "applies to --preset/--answers only")])
    if args.spec:
        return sources.resolve(args.spec)
    if args.values:
        charts = [chart for chart, _ in args.values]
        if len(set(charts)) != len(charts):
            raise ConfigError([Problem("--values", "give each chart once")])
        label = ", ".join(f"{chart}={path}" for chart, path in args.values)
        return sources.values_side([(c, Path(p)) for c, p in args.values], label=label,
                                   releases=dict(args.release), namespace=args.namespace)
    preset = default_preset(args.preset, args.answers)
    label = " + ".join(x for x in (preset and f"preset {preset}", args.answers and str(args.answers),
                                   args.sets and "--set") if x)
    kind = "answers" if args.answers else "preset"
    return sources.plan_side(label, kind, preset=preset, answers_file=args.answers, sets=args.sets)
