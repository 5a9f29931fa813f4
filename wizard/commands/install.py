"""`wizard ... --install` / `--dry-run` and `wizard preflight`: the Plan against the cluster of the current kube
context, then (after the operator confirms the context and server, or --yes) the install with its progress.

Exit codes: 0 done (or a dry run / preflight with nothing blocking); 1 blocking preflight findings, a refused
confirmation or a chart that failed (and was rolled back); 2 bad input or no usable cluster (WizardError).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from wizard.cluster import admission_report
from wizard.cluster.admission import Admission
from wizard.cluster.facts import ClusterFacts
from wizard.cluster.needs import Needs
from wizard.cluster.preflight import Finding, blocking, preflight
from wizard.cli import DEFAULT_INSTALL_TIMEOUT as DEFAULT_TIMEOUT
from wizard.errors import WizardError
from wizard.helm.base import Helm, HelmFailure, ReleaseInfo
from wizard.plan import Plan

EXIT_OK, EXIT_NOT_DONE = 0, 1
HELM_KINDS = {"binary": "the helm binary", "sdk": "Helm's engine from helm-python-sdk (no helm binary on PATH)"}


@dataclass
class Checked:
    connection: object
    facts: ClusterFacts
    needs: Needs
    helm: Helm | None
    findings: list[Finding]
    admission: Admission | None = None
    """The cluster's own verdict on each pod (server-side dry run), beside the wizard's prediction."""


def check(plan: Plan, *, kubeconfig: str | None = None, context: str | None = None, timeout: float = 10.0,
          need_helm: bool = True) -> Checked:
    """Read the cluster, send each pod of the Plan as a server-side dry run, ask Helm about the Plan's releases,
    and judge the Plan.

    Raises:
        WizardError: no kubeconfig or an unreachable cluster; no Helm when `need_helm`.
    """
    from wizard.cluster.admission import ask, plan_templates
    from wizard.cluster.discovery import read_facts
    from wizard.cluster.kube import ClusterError, connect, describe_failure
    from wizard.cluster.needs import needs as plan_needs
    from wizard.explain import explain, plan_inputs, plan_version
    from wizard.helm import choose

    connection = connect(kubeconfig, context, timeout)
    namespaces = (plan.target.orchestrator.namespace, plan.target.backend.namespace, plan.target.frontend.namespace)
    try:
        facts = read_facts(connection, tuple(dict.fromkeys(namespaces)))
    except Exception as error:  # noqa: BLE001 - any failure here means the cluster cannot be checked
        raise ClusterError(f"context {connection.context}: {describe_failure(error, connection.server)}. Nothing "
                           "in the cluster was changed.") from None
    needs = plan_needs(plan, explain(plan_inputs(plan), version=plan_version(plan), plan=plan))
    admission = ask(connection, plan_templates(plan, needs), facts)
    helm: Helm | None = None
    releases: dict[str, ReleaseInfo | None] | None = None
    extra: list[Finding] = []
    try:
        helm = choose(kubeconfig, context)
        releases = {t.release: helm.status(t.release, t.namespace) for t in needs.charts}
    except HelmFailure as error:
        if need_helm and helm is None:
            raise
        extra.append(Finding("warning", "release", f"could not ask Helm about the releases: {error}",
                             "check them yourself: helm list -A -a"))
    found = preflight(plan, facts, needs, releases, admission) + chart_source_findings(plan, needs)
    return Checked(connection, facts, needs, helm, sorted(extra + found, key=lambda f: f.severity != "blocking"),
                   admission)


def chart_source_findings(plan: Plan, needs: Needs) -> list[Finding]:
    """Does the chart source hold every planned chart at the planned version (a folder is read, a repository's
    index fetched)?"""
    from wizard.helm.sources import missing, origin

    where = origin(plan.target.charts)
    fix = ("helm pull CHART --repo https://substra.github.io/charts --version VERSION -d FOLDER (on a machine with "
           "internet), copy the archives over, or correct target.charts (--charts)")
    return [Finding("blocking", "chart-source", problem, fix, "target.charts")
            for problem in missing(where, [(t.chart, t.version) for t in needs.charts])]


def print_check(checked: Checked, out: TextIO) -> None:
    facts = checked.facts
    out.write(f"Cluster: context {facts.context}, server {facts.server} (Kubernetes {facts.git_version})\n")
    if checked.helm is not None:
        out.write(f"Helm: {HELM_KINDS.get(checked.helm.kind, checked.helm.kind)}\n")
    for line in admission_report.lines(checked.admission) if checked.admission else ():
        out.write(line + "\n")
    if not checked.findings:
        out.write("Preflight: nothing to report.\n")
    for finding in checked.findings:
        out.write(f"{finding.severity}: {finding.message}\n    fix: {finding.fix}\n")


def run(plan: Plan, out_dir: Path | None, *, yes: bool, dry_run: bool, kubeconfig: str | None = None,
        context: str | None = None, out: TextIO | None = None, ask: TextIO | None = None,
        timeout: float = DEFAULT_TIMEOUT) -> int:
    """Preflight, confirm, install. `out_dir` holds the written values files (None for a dry run: they are rendered
    into a temporary folder, and nothing is written or changed). `out`/`ask` default to stdout/stdin."""
    out, ask = out or sys.stdout, ask or sys.stdin
    checked = check(plan, kubeconfig=kubeconfig, context=context)
    print_check(checked, out)
    stop = blocking(checked.findings)
    if stop:
        out.write(f"{len(stop)} blocking finding(s): nothing was changed.\n")
        return EXIT_NOT_DONE
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="wizard-dry-run-") as folder:
            from wizard import output

            output.write_files(output.plan_files(plan, Path(folder)))
            code = _install(plan, checked, Path(folder), out, dry_run=True, timeout=timeout)
        out.write("Dry run: no file was written and nothing in the cluster changed.\n")
        return code
    assert out_dir is not None
    if not yes and not confirm(checked.facts, ask, out):
        out.write("Not installed: nothing in the cluster was changed (the files are written).\n")
        return EXIT_NOT_DONE
    return _install(plan, checked, out_dir, out, dry_run=False, timeout=timeout)


def confirm(facts: ClusterFacts, ask: TextIO, out: TextIO) -> bool:
    if not ask.isatty():
        raise WizardError(refusal())
    out.write(f"Install into context {facts.context} (server {facts.server})? [y/N] ")
    out.flush()
    return ask.readline().strip().lower() in ("y", "yes")


def refusal() -> str:
    return ("--install changes the cluster of the current kube context, and there is no terminal to confirm it in "
            "(standard input is not a TTY). Add --yes to install without confirming, or --dry-run to only check.")


def _install(plan: Plan, checked: Checked, values_dir: Path, out: TextIO, *, dry_run: bool,
             timeout: float = DEFAULT_TIMEOUT) -> int:
    from wizard.helm.sources import origin
    from wizard.install import Event, Settings, chart_source, install

    if checked.helm is None:
        raise WizardError("installing needs Helm; see the message above")

    def show(event: Event) -> None:
        out.write(f"[{event.chart}] {event.message}\n")
        out.flush()

    where = origin(plan.target.charts)
    outcome = install(checked.needs, values_dir, checked.helm, checked.connection, show,  # type: ignore[arg-type]
                      kubernetes_version=plan.target.kubernetes_version, dry_run=dry_run,
                      settings=Settings(timeout=timeout), source=lambda target: chart_source(target, where))
    if outcome.ok:
        if not dry_run:
            out.write("Installed.\n")
        return EXIT_OK
    return EXIT_NOT_DONE


def main(argv: list[str]) -> int:
    """`wizard preflight`: the checks alone, nothing changed."""
    from wizard.cli import add_cluster_options, add_plan_sources, charts_sets, default_preset
    from wizard.layers import build_plan, plan_layers

    parser = argparse.ArgumentParser(prog="wizard preflight",
                                     description="Check a plan against the cluster of the current kube context "
                                                 "(storage classes, existing claims, Pod Security of namespaces, "
                                                 "each pod as a server-side dry run, Helm releases, ingress class). "
                                                 "Changes nothing.",
                                     epilog="Exit codes: 0 nothing blocking, 1 blocking findings, 2 invalid input "
                                            "or no usable cluster.")
    add_plan_sources(parser)
    add_cluster_options(parser, install=False)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    plan = build_plan(plan_layers(default_preset(args.preset, args.answers), args.answers, charts_sets(args)))
    checked = check(plan, kubeconfig=args.kubeconfig, context=args.kube_context, need_helm=False)
    if args.format == "json":
        json.dump({"context": checked.facts.context, "server": checked.facts.server,
                   "kubernetes": checked.facts.git_version,
                   "findings": [asdict(f) for f in checked.findings],
                   "admission": admission_report.as_json(checked.admission)}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_check(checked, sys.stdout)
    return EXIT_NOT_DONE if blocking(checked.findings) else EXIT_OK

