"""`wizard explain`: what a deployment does to security, network and volumes, and what to look at (findings)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.analysis import pss
from wizard.commands.arguments import add_plan_sources, add_report_options, manifest_file, path_argument
from wizard.core.errors import ConfigError, Problem, WizardError
from wizard.reporting.report import Report
from wizard.reporting.report_format import markdown, text

if TYPE_CHECKING:  # the Plan's models are built only when a plan is explained
    from wizard.planning.plan import Plan
    from wizard.reporting.explain import ChartInput

CHARTS = ("orchestrator", "substra-backend", "substra-frontend")
DEFAULT_RELEASES = {"orchestrator": "orchestrator", "substra-backend": "backend", "substra-frontend": "frontend"}


def chart_pair(value: str) -> tuple[str, str]:
    chart, sep, rest = value.partition("=")
    if not sep or chart not in CHARTS or not rest:
        raise argparse.ArgumentTypeError(f"{value!r}: write CHART=VALUE with CHART one of {', '.join(CHARTS)}")
    return chart, rest


def chart_path_pair(value: str) -> tuple[str, str]:
    """CHART=FILE with FILE a usable path (wizard.core.paths)."""
    chart, path = chart_pair(value)
    return chart, str(path_argument()(path))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard explain",
        description="Explain what a Substra deployment does: the Pod Security level of every pod and who runs as root, "
                    "who may reach whom, every volume claim (created or reused), then findings with the values key "
                    "that causes each. Give a preset or answers file (the wizard's plan), customer values files, or "
                    "rendered manifests.",
        epilog="Exit codes: 0 done, 2 unreadable or invalid input.",
    )
    source = parser.add_argument_group("what to explain (one of)")
    add_plan_sources(source)
    source.add_argument("--values", metavar="CHART=FILE", type=chart_path_pair, action="append", default=[],
                        help="a values file as passed to helm -f (repeatable; several files of one chart merge in "
                             "order like helm -f a -f b, e.g. the wizard's values then its secrets/<chart>-"
                             "credentials.values; CHART is orchestrator, substra-backend or substra-frontend)")
    source.add_argument("--manifests", nargs="+", metavar="FILE", type=manifest_file,
                        help="rendered manifests (helm template output; - reads standard input)")
    source.add_argument("--bundle", metavar="FILE", type=path_argument(),
                        help="a bundle written by wizard bundle (offline; its releases and Kubernetes version)")
    source.add_argument("--network", metavar="FILE", type=path_argument(),
                        help="a network file: every path between its organisations, judged from both ends, and each "
                             "pair's credentials when FILE is the copy in a folder wizard network write wrote (as "
                             "wizard network explain)")
    parser.add_argument("--release", metavar="CHART=NAME", type=chart_pair, action="append", default=[],
                        help="release name of a chart with --values (defaults: orchestrator, backend, frontend)")
    parser.add_argument("--namespace", default="org-1", metavar="NS",
                        help="namespace for --values and for manifests that name none (default: org-1)")
    add_report_options(parser, "Kubernetes version whose Pod Security rules apply (default: the plan's "
                               "target.kubernetes_version with --preset/--answers, else latest)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard explain`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    if args.network:
        from wizard.commands import network

        if args.preset or args.answers or args.values or args.manifests or args.bundle:
            raise ConfigError([Problem("explain", "give --network alone: it explains a whole network")])
        return network.explain(args.network, None, "json" if args.format == "json" else "text")
    report = _report(args)
    if args.format == "json":
        from wizard.reporting.report import as_json

        sys.stdout.write(json.dumps(as_json(report), indent=2) + "\n")
    else:
        sys.stdout.write(markdown(report) if args.format == "markdown" else text(report))
    return 0


def _report(args: argparse.Namespace) -> Report:
    chosen = [name for name, given in (("--manifests", args.manifests), ("--values", args.values),
                                       ("--preset/--answers", args.preset or args.answers),
                                       ("--bundle", args.bundle)) if given]
    if len(chosen) > 1:
        raise ConfigError([Problem("explain", f"give one source, not {' and '.join(chosen)}")])
    version = pss.clamp(args.k8s_version or pss.LATEST)
    if args.bundle:
        from wizard.support.bundle import bundle_side

        side = bundle_side(args.bundle, str(args.bundle))
        version = pss.clamp(args.k8s_version) if args.k8s_version else side.version or version
        return side.report(version, runtime_pods=not args.no_runtime_pods)
    if args.manifests:
        return _from_manifests(args.manifests, version, args.namespace, runtime_pods=not args.no_runtime_pods)
    from wizard.reporting.explain import explain, plan_inputs, plan_version

    if args.values:
        return explain(_values_inputs(args), version=version, runtime_pods=not args.no_runtime_pods)
    plan = _plan(args)
    version = pss.clamp(args.k8s_version) if args.k8s_version else plan_version(plan)
    return explain(plan_inputs(plan), version=version, runtime_pods=not args.no_runtime_pods, plan=plan)


def _from_manifests(files: Sequence[str], version: tuple[int, int], namespace: str, *, runtime_pods: bool) -> Report:
    from wizard.analysis.manifests import read_manifests
    from wizard.charts.components import charts_in
    from wizard.reporting.explain import runtime_manifests
    from wizard.reporting.findings import add_findings
    from wizard.reporting.report import build

    manifests = read_manifests(files)
    if not manifests:
        raise WizardError(f"no Kubernetes objects in {', '.join(files)}")
    charts = charts_in(manifests, namespace)
    extra, notes = runtime_manifests(manifests, charts) if runtime_pods else ([], [])
    report = build([*manifests, *extra], version=version, default_namespace=namespace, source="manifests",
                   charts=charts)
    add_findings(report, [*manifests, *extra])
    report.findings += notes
    return report


def _plan(args: argparse.Namespace) -> Plan:
    from wizard.commands.arguments import default_preset
    from wizard.planning.layers import build_plan, plan_layers

    return build_plan(plan_layers(default_preset(args.preset, args.answers), args.answers, args.sets))


def _values_inputs(args: argparse.Namespace) -> list[ChartInput]:
    from wizard.charts import SUPPORTED_VERSIONS
    from wizard.charts.components import ChartRelease
    from wizard.planning.layers import merge
    from wizard.reporting.explain import ChartInput  # noqa: F811 (the run-time import of the TYPE_CHECKING name)
    from wizard.support.sources import read_values_file

    releases = {**DEFAULT_RELEASES, **dict(args.release)}
    merged: dict[str, dict] = {}  # several files of one chart are one release, merged in order like helm -f a -f b
    for chart, path in args.values:  # (the wizard's values file, then its secrets/<chart>-credentials.values)
        merged[chart] = merge(merged.get(chart, {}), read_values_file(Path(path), judge_only=True) or {})
    return [ChartInput(ChartRelease(chart, SUPPORTED_VERSIONS[chart], releases[chart], args.namespace), data)
            for chart, data in merged.items()]
