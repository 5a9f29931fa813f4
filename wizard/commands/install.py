"""`wizard ... --install` / `--dry-run` and `wizard preflight`: the Plan against the cluster of the current kube
context, then (after the operator confirms the context and server, or --yes) the install with its progress. Before
the confirmation, the install also says what it does to the Secrets of secrets/ and, for a backend already
installed, which users and organisations its accounts sync deletes.

Exit codes: 0 done (or a dry run / preflight with nothing blocking); 1 blocking preflight findings, a refused
confirmation or a chart that failed (and was rolled back); 2 bad input or no usable cluster (WizardError).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from wizard.cluster import admission_report
from wizard.cluster.admission import Admission
from wizard.cluster.facts import ClusterFacts
from wizard.cluster.needs import Needs
from wizard.cluster.preflight import Finding, blocking, preflight
from wizard.commands.arguments import DEFAULT_INSTALL_TIMEOUT as DEFAULT_TIMEOUT
from wizard.core.errors import WizardError
from wizard.helm.base import Helm, HelmFailure, ReleaseInfo
from wizard.planning.plan import Plan

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
    accounts: list[str] = field(default_factory=list)
    """What the backend's accounts sync does (users and organisations deleted or created), in words."""


def check(plan: Plan, *, kubeconfig: str | None = None, context: str | None = None, timeout: float = 10.0,
          need_helm: bool = True, values_dir: Path | None = None) -> Checked:
    """Read the cluster, send each pod of the Plan as a server-side dry run, ask Helm about the Plan's releases,
    and judge the Plan. With `values_dir` (the files about to be installed), also the Secrets of its secrets/
    against those of the cluster, and what the backend's accounts sync will delete and create.

    Raises:
        WizardError: no kubeconfig or an unreachable cluster; no Helm when `need_helm`; an unreadable secrets/.
    """
    from wizard.cluster.admission import ask, plan_templates
    from wizard.cluster.discovery import read_facts
    from wizard.cluster.kube import ClusterError, connect, describe_failure
    from wizard.cluster.needs import needs as plan_needs
    from wizard.helm import choose
    from wizard.reporting.explain import explain, plan_inputs, plan_version

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
    accounts: list[str] = []
    if values_dir is not None:
        more, accounts = secrets_check(plan, connection, needs, values_dir, releases)
        found += more
    return Checked(connection, facts, needs, helm, sorted(extra + found, key=lambda f: f.severity != "blocking"),
                   admission, accounts)


def secrets_check(plan: Plan, connection: Any, needs: Needs, values_dir: Path,
                  releases: dict[str, ReleaseInfo | None] | None) -> tuple[list[Finding], list[str]]:
    """The Secrets of secrets/ against the cluster's (someone else's of the same name blocks; other values than the
    cluster's are said, with what must restart), and the backend's accounts sync in words. `releases` None: Helm
    could not be asked, so the backend counts as installed when its accounts Secret is found."""
    from wizard.cluster import accounts, secrets
    from wizard.cluster.install import wanted_secrets

    wanted = wanted_secrets(needs, values_dir)
    changes = secrets.survey(connection, [item for items in wanted.values() for item in items])
    from wizard.writing.credentials import secret_names

    found = secrets.findings(changes, secrets.restarts(plan), said_elsewhere={secret_names(plan)["accounts"]})
    lines: list[str] = []
    for target in (t for t in needs.charts if t.chart == "substra-backend"):
        installed = releases is None or releases.get(target.release) is not None
        review = accounts.review(connection, target, values_dir, wanted[target.chart], upgrade=installed)
        if review is not None and releases is None and review.now is None:  # no sign of an earlier install
            review = accounts.review(connection, target, values_dir, wanted[target.chart], upgrade=False)
        if review is not None:
            found += accounts.findings(review)
            lines += accounts.lines(review)
    return found, lines


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
    for line in checked.accounts:
        out.write(line + "\n")


def run(plan: Plan, out_dir: Path | None, *, yes: bool, dry_run: bool, kubeconfig: str | None = None,
        context: str | None = None, out: TextIO | None = None, ask: TextIO | None = None,
        timeout: float = DEFAULT_TIMEOUT, secrets_from: Path | None = None) -> int:
    """Preflight, confirm, install. `out_dir` holds the written values files (None for a dry run: they are rendered
    into a temporary folder, with the credentials of `secrets_from`/secrets/ when it has them, so that the dry run
    compares the same Secrets the install would create; the folder is removed after, and nothing is written or
    changed). `out`/`ask` default to stdout/stdin."""
    out, ask = out or sys.stdout, ask or sys.stdin
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="wizard-dry-run-") as folder:
            from wizard.writing import output

            _copy_secrets(plan, secrets_from, Path(folder))
            output.write_files(output.plan_files(plan, Path(folder)))
            code = _checked_install(plan, Path(folder), out, ask, yes=True, dry_run=True, kubeconfig=kubeconfig,
                                    context=context, timeout=timeout)
        if code == EXIT_OK:
            out.write("Dry run: no file was written and nothing in the cluster changed.\n")
        return code
    assert out_dir is not None
    return _checked_install(plan, out_dir, out, ask, yes=yes, dry_run=False, kubeconfig=kubeconfig, context=context,
                            timeout=timeout)


def _checked_install(plan: Plan, values_dir: Path, out: TextIO, ask: TextIO, *, yes: bool, dry_run: bool,
                     kubeconfig: str | None, context: str | None, timeout: float) -> int:
    checked = check(plan, kubeconfig=kubeconfig, context=context, values_dir=values_dir)
    print_check(checked, out)
    stop = blocking(checked.findings)
    if stop:
        out.write(f"{len(stop)} blocking finding(s): nothing was changed.\n")
        return EXIT_NOT_DONE
    if not yes and not confirm(checked.facts, ask, out):
        out.write("Not installed: nothing in the cluster was changed (the files are written).\n")
        return EXIT_NOT_DONE
    return install_checked(plan, checked, values_dir, out, dry_run=dry_run, timeout=timeout)


def _copy_secrets(plan: Plan, source: Path | None, folder: Path) -> None:
    """The Secret manifests of `source`/secrets/ into the dry run's folder (0700, files 0600), where plan_files reads
    them back as it would in `source`: the dry run then shows the credentials the install would keep."""
    from wizard.core import files
    from wizard.writing import secret_files

    if source is None:
        return
    secret_files.read_existing(plan, source)  # a broken file is named where it is, not in the temporary copy
    found = [path for chart in secret_files.CHARTS
             if (path := secret_files.folder(source) / secret_files.manifest_name(chart)).is_file()]
    if not found:
        return
    target = secret_files.folder(folder)
    files.make_dirs(target)
    for path in found:
        files.write_new(target / path.name, files.read_bytes(path, limit=secret_files.MAX_SECRETS_FILE,
                                                             what="a Secrets file"))


def confirm(facts: ClusterFacts, ask: TextIO, out: TextIO) -> bool:
    if not ask.isatty():
        raise WizardError(refusal())
    out.write(f"Install into context {facts.context} (server {facts.server})? [y/N] ")
    out.flush()
    return ask.readline().strip().lower() in ("y", "yes")


def refusal() -> str:
    return ("--install changes the cluster of the current kube context, and there is no terminal to confirm it in "
            "(standard input is not a TTY). Add --yes to install without confirming, or --dry-run to only check.")


def install_checked(plan: Plan, checked: Checked, values_dir: Path, out: TextIO, *, dry_run: bool,
                    timeout: float = DEFAULT_TIMEOUT, skip_unchanged: bool = False) -> int:
    from wizard.cluster.install import Event, Settings, chart_source, install
    from wizard.helm.sources import origin

    if checked.helm is None:
        raise WizardError("installing needs Helm; see the message above")

    def show(event: Event) -> None:
        out.write(f"[{event.chart}] {event.message}\n")
        out.flush()

    where = origin(plan.target.charts)
    outcome = install(checked.needs, values_dir, checked.helm, checked.connection, show,  # type: ignore[arg-type]
                      kubernetes_version=plan.target.kubernetes_version, dry_run=dry_run,
                      settings=Settings(timeout=timeout, skip_unchanged=skip_unchanged),
                      source=lambda target: chart_source(target, where))
    if outcome.ok:
        if not dry_run:
            out.write("Installed.\n")
        return EXIT_OK
    return EXIT_NOT_DONE


def main(argv: list[str]) -> int:
    """`wizard preflight`: the checks alone, nothing changed."""
    from wizard.commands.arguments import add_cluster_options, add_plan_sources, charts_sets, default_preset
    from wizard.planning.layers import build_plan, plan_layers

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

