"""Install what the Plan describes into the cluster: orchestrator, then backend, then frontend (those the Plan runs),
each with its Secrets from secrets/ first (created through the API, never on a command line), then `helm upgrade
--install` with the values files the wizard wrote, then a watch of every workload until it is ready, with progress
events. On failure: a diagnosis in plain words, then the rollback that undoes the change.

Safe to interrupt and to run again: a release left pending by Ctrl+C is recovered first (uninstall of an unfinished
first install, rollback of an unfinished upgrade); a release already deployed is simply upgraded. Namespaces the
Plan needs are created with the Pod Security level their pods need (from the explain report), never relabelled.
When a Secret of secrets/ has the name of one the wizard did not make, the install stops before any change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from wizard.cluster import secrets
from wizard.cluster.needs import ChartTarget, Needs
from wizard.cluster.readiness import Assessment, assess, namespace_problems, selector
from wizard.helm.base import ChartSource, Helm, HelmFailure, ReleaseInfo
from wizard.helm.sources import Origin, locate, origin
from wizard.writing import secret_files

ORDER = ("orchestrator", "substra-backend", "substra-frontend")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")
PSS_PREFIX = "pod-security.kubernetes.io/"
MANAGED_BY = {"app.kubernetes.io/managed-by": "substra-wizard"}


class Cluster(Protocol):
    """What the install reads and writes (wizard.cluster.kube.Connection in real runs)."""

    def namespace(self, name: str) -> dict[str, Any] | None: ...
    def create_namespace(self, name: str, labels: dict[str, str]) -> dict[str, Any]: ...
    def workload(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None: ...
    def pods(self, namespace: str, selector: str) -> list[dict[str, Any]]: ...
    def claims(self, namespace: str | None = None) -> list[dict[str, Any]]: ...
    def events(self, namespace: str) -> list[dict[str, Any]]: ...
    def log_tail(self, namespace: str, pod: str, container: str, lines: int = 10) -> str: ...
    def secret(self, namespace: str, name: str) -> dict[str, Any] | None: ...
    def create_secret(self, namespace: str, body: dict[str, Any]) -> None: ...
    def replace_secret(self, namespace: str, name: str, body: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Event:
    """One line of progress. `step`: recover, namespace, secret, helm, wait, progress, ready, diagnosis, rollback,
    done, failed, interrupted, dry-run."""

    step: str
    chart: str
    message: str
    workload: str | None = None
    state: str | None = None


@dataclass
class Outcome:
    ok: bool
    events: list[Event] = field(default_factory=list)
    diagnosis: list[str] = field(default_factory=list)
    rollback: str | None = None
    """What was done to undo a failed chart, in words."""


@dataclass
class Settings:
    timeout: float = 600.0
    """Seconds each chart may take to become ready."""
    poll: float = 3.0
    rollback: bool = True
    skip_unchanged: bool = False
    """Leave a deployed release alone when Helm would render the same objects and no Secret of it changed (a
    network's second run changes nothing); otherwise every run upgrades."""
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


def chart_source(target: ChartTarget, where: Origin | None = None) -> ChartSource:
    """The chart of a target from where the Plan takes charts (default: the Substra repository)."""
    return locate(where or origin(None), target.chart, target.version)


def namespace_labels(needs: Needs, namespace: str, kubernetes_version: str) -> dict[str, str]:
    """The labels a namespace is created with: enforce the strictest level all its pods pass, judged by the plan's
    Kubernetes version (the one the analysis used), and warn at restricted so the API server names what is not."""
    return {**MANAGED_BY, f"{PSS_PREFIX}enforce": needs.level(namespace),
            f"{PSS_PREFIX}enforce-version": f"v{kubernetes_version}", f"{PSS_PREFIX}warn": "restricted",
            f"{PSS_PREFIX}warn-version": f"v{kubernetes_version}"}


def values_files(values_dir: Path, chart: str) -> list[Path]:
    """What helm reads for a chart, in order: its values file, then the credentials it takes only inline (written
    under secrets/, when the chart has any)."""
    private = secret_files.folder(values_dir) / secret_files.helm_values_name(chart)
    return [values_dir / f"{chart}-values.yaml", *([private] if private.exists() else [])]


def wanted_secrets(needs: Needs, values_dir: Path) -> dict[str, list[secrets.Wanted]]:
    """chart -> the Secrets of secrets/ it needs in its namespace (read and checked before anything changes)."""
    return {target.chart: secrets.load(values_dir, target.chart, target.namespace) for target in needs.charts}


def install(needs: Needs, values_dir: Path, helm: Helm, cluster: Cluster, emit: Callable[[Event], None], *,
            kubernetes_version: str, settings: Settings | None = None, dry_run: bool = False,
            source: Callable[[ChartTarget], ChartSource] = chart_source) -> Outcome:
    """Install every chart of `needs` in order; stop at the first that fails (after diagnosing and rolling it back).

    Ctrl+C: says what state the current release is left in and that the next run continues, then re-raises.

    Raises:
        SecretRefused: a Secret of secrets/ has the name of one the wizard did not make (nothing was changed).
        OutputError: a file of secrets/ cannot be read (nothing was changed).
    """
    settings = settings or Settings()
    outcome = Outcome(ok=True)

    def say(event: Event) -> None:
        outcome.events.append(event)
        emit(event)

    wanted = wanted_secrets(needs, values_dir)
    surveyed = secrets.survey(cluster, [w for chart in wanted.values() for w in chart])
    foreign = [c for c in surveyed if c.action == "foreign"]
    if foreign:
        raise secrets.SecretRefused(secrets.refusal(foreign))
    created: set[str] = set()
    for target in sorted(needs.charts, key=lambda t: ORDER.index(t.chart) if t.chart in ORDER else len(ORDER)):
        values = values_files(values_dir, target.chart)
        try:
            if dry_run:
                _dry_run(target, values, needs, helm, cluster, say, kubernetes_version, source,
                         [c for c in surveyed if c.wanted.chart == target.chart])
                continue
            ok = _install_one(target, values, needs, helm, cluster, say, settings, outcome, created,
                              kubernetes_version, source, wanted[target.chart])
        except KeyboardInterrupt:
            say(Event("interrupted", target.chart, f"interrupted while installing {target.release}: Helm may leave it "
                      "pending or failed; run the same command again, it detects that and continues"))
            raise
        if not ok:
            outcome.ok = False
            later = [t.release for t in needs.charts if ORDER.index(t.chart) > ORDER.index(target.chart)]
            if later:
                say(Event("failed", target.chart, f"not installed, since {target.release} failed: {', '.join(later)}"))
            return outcome
    return outcome


def _dry_run(target: ChartTarget, values: list[Path], needs: Needs, helm: Helm, cluster: Cluster,
             say: Callable[[Event], None], kubernetes_version: str,
             source: Callable[[ChartTarget], ChartSource], changes: list[secrets.Change]) -> None:
    if cluster.namespace(target.namespace) is None:
        labels = namespace_labels(needs, target.namespace, kubernetes_version)
        say(Event("dry-run", target.chart, f"would create namespace {target.namespace} with "
                  f"{PSS_PREFIX}enforce={labels[PSS_PREFIX + 'enforce']}"))
    for change in changes:
        say(Event("dry-run", target.chart, f"would {change.action if change.action != 'unchanged' else 'keep'} "
                  f"{change.describe()}"))
    rendered = helm.upgrade_install(target.release, source(target), target.namespace, values, dry_run=True)
    count = len(workloads_of(rendered.manifest, target.namespace))
    say(Event("dry-run", target.chart, f"helm rendered {target.release} ({target.chart} {target.version}) in "
              f"{target.namespace}: {count} workloads; nothing was changed"))


def _install_one(target: ChartTarget, values: list[Path], needs: Needs, helm: Helm, cluster: Cluster,
                 say: Callable[[Event], None], settings: Settings, outcome: Outcome, created: set[str],
                 kubernetes_version: str, source: Callable[[ChartTarget], ChartSource],
                 wanted: list[secrets.Wanted]) -> bool:
    previous = _recover(target, helm, say)
    if target.namespace not in created and cluster.namespace(target.namespace) is None:
        labels = namespace_labels(needs, target.namespace, kubernetes_version)
        cluster.create_namespace(target.namespace, labels)
        say(Event("namespace", target.chart, f"created namespace {target.namespace} (Pod Security enforce="
                  f"{labels[PSS_PREFIX + 'enforce']})"))
    created.add(target.namespace)
    same_secrets = True
    for item in wanted:  # before helm: the chart's pods and hooks read them as they start
        change = secrets.apply(cluster, item)
        verb = {"create": "created", "replace": "replaced", "unchanged": "kept"}[change.action]
        say(Event("secret", target.chart, f"{verb} {change.describe()}"))
        same_secrets = same_secrets and change.action == "unchanged"
    if settings.skip_unchanged and same_secrets and previous is not None and \
            _unchanged(target, previous, values, helm, source):
        say(Event("helm", target.chart, f"{target.release} is unchanged (revision {previous.revision}): the same "
                  "objects and Secrets, nothing to upgrade"))
        return _wait(target, previous, cluster, say, settings, outcome)
    action = "upgrading" if previous else "installing"
    say(Event("helm", target.chart, f"{action} {target.release} ({target.chart} {target.version}) in "
              f"{target.namespace}"))
    try:
        release = helm.upgrade_install(target.release, source(target), target.namespace, values,
                                       timeout_seconds=int(settings.timeout))
    except HelmFailure as error:
        said = [p.text for p in namespace_problems(cluster.events(target.namespace),
                                                   cluster.claims(target.namespace))]
        outcome.diagnosis += [str(error), *said]
        why = f"\nWhat the namespace {target.namespace} says:\n" + "\n".join(f"  - {line}" for line in said)
        say(Event("diagnosis", target.chart, str(error) + (why if said else "")))
        _undo(target, previous, helm, say, settings, outcome)
        return False
    if _wait(target, release, cluster, say, settings, outcome):
        say(Event("done", target.chart, f"{target.release} is ready (revision {release.revision})"))
        return True
    _undo(target, previous, helm, say, settings, outcome)
    return False


def _unchanged(target: ChartTarget, deployed: ReleaseInfo, values: list[Path], helm: Helm,
               source: Callable[[ChartTarget], ChartSource]) -> bool:
    """Whether an upgrade would render exactly the deployed objects (a dry run: nothing changes)."""
    if deployed.status != "deployed" or deployed.chart != f"{target.chart}-{target.version}":
        return False
    objects = deployed.manifest or helm.manifest(target.release, target.namespace)
    if not objects:
        return False
    rendered = helm.upgrade_install(target.release, source(target), target.namespace, values, dry_run=True)
    return rendered.manifest.strip() == objects.strip()


def _recover(target: ChartTarget, helm: Helm, say: Callable[[Event], None]) -> ReleaseInfo | None:
    """Unstick a release an earlier run left pending; return the revision to go back to on failure (None: this is
    a first install)."""
    current = helm.status(target.release, target.namespace)
    if current is None:
        return None
    if current.pending:
        good = helm.last_deployed(target.release, target.namespace)
        if good is None:
            helm.uninstall(target.release, target.namespace)
            say(Event("recover", target.chart, f"{target.release} was stuck in {current.status} (an earlier run "
                      f"stopped before finishing): removed the unfinished install (helm uninstall; claims stay)"))
            return None
        helm.rollback(target.release, target.namespace, good.revision)
        say(Event("recover", target.chart, f"{target.release} was stuck in {current.status} (an earlier run stopped "
                  f"before finishing): rolled back to revision {good.revision}"))
        return good
    if current.status in ("deployed", "superseded"):
        return current
    return helm.last_deployed(target.release, target.namespace)


def _undo(target: ChartTarget, previous: ReleaseInfo | None, helm: Helm, say: Callable[[Event], None],
          settings: Settings, outcome: Outcome) -> None:
    if not settings.rollback:
        outcome.rollback = f"nothing was undone (rollback off): {target.release} is left as it failed, to inspect"
    else:
        try:
            if previous is not None:
                helm.rollback(target.release, target.namespace, previous.revision)
                outcome.rollback = (f"rolled {target.release} back to revision {previous.revision}, the one that "
                                    "worked before")
            elif helm.status(target.release, target.namespace) is not None:
                helm.uninstall(target.release, target.namespace)
                outcome.rollback = (f"removed {target.release} (helm uninstall), since it had never been installed; "
                                    "claims created for its StatefulSets stay, with their data")
            else:
                outcome.rollback = f"nothing to undo: Helm did not create {target.release}"
        except HelmFailure as error:
            outcome.rollback = f"the rollback failed too: {error}. Run helm history {target.release} -n " \
                               f"{target.namespace} and fix it by hand"
    say(Event("rollback", target.chart, outcome.rollback))
    say(Event("failed", target.chart, f"{target.release} was not installed"))


def workloads_of(manifest: str, namespace: str) -> list[tuple[str, str, str]]:
    """(kind, namespace, name) of each workload in a release's rendered manifest."""
    from wizard.yamlkit import yamlio

    found = []
    for doc in yamlio.load_documents(manifest, "the release manifest") if manifest.strip() else []:
        if isinstance(doc, dict) and doc.get("kind") in WORKLOAD_KINDS:
            meta = doc.get("metadata") or {}
            found.append((str(doc["kind"]), str(meta.get("namespace") or namespace), str(meta.get("name", ""))))
    return found


def _wait(target: ChartTarget, release: ReleaseInfo, cluster: Cluster, say: Callable[[Event], None],
          settings: Settings, outcome: Outcome) -> bool:
    workloads = workloads_of(release.manifest, target.namespace)
    say(Event("wait", target.chart, f"waiting for {len(workloads)} workloads of {target.release} to be ready "
              f"(at most {settings.timeout:.0f} s)"))
    seen: dict[str, tuple[str, str]] = {}
    deadline = settings.clock() + settings.timeout
    while True:
        assessments = [_assess(cluster, kind, namespace, name) for kind, namespace, name in workloads]
        for item in assessments:
            shown = (item.state, item.detail)
            if seen.get(item.workload) != shown:
                seen[item.workload] = shown
                say(Event("progress", target.chart, f"{item.workload}: {item.state} ({item.detail})",
                          item.workload, item.state))
        if all(a.ready for a in assessments):
            return True
        fatal = [a for a in assessments if a.fatal]
        if fatal or settings.clock() >= deadline:
            why = "cannot become ready" if fatal else f"not ready after {settings.timeout:.0f} s"
            stuck = fatal or [a for a in assessments if not a.ready]
            outcome.diagnosis += diagnose(stuck, cluster, target.namespace)
            say(Event("diagnosis", target.chart, f"{target.release} {why}:\n" + "\n".join(
                f"  - {line}" for line in outcome.diagnosis)))
            return False
        settings.sleep(settings.poll)


def _assess(cluster: Cluster, kind: str, namespace: str, name: str) -> Assessment:
    workload = cluster.workload(kind, namespace, name)
    pods = cluster.pods(namespace, selector(workload)) if workload and selector(workload) else []
    return assess(kind, workload, pods, cluster.claims(namespace), cluster.events(namespace), name)


def diagnose(stuck: Sequence[Assessment], cluster: Cluster, namespace: str) -> list[str]:
    """Each problem once, in plain words; a crashing container gets its last log lines."""
    lines: list[str] = []
    for item in stuck:
        if not item.problems:
            lines.append(f"{item.workload} is {item.state} ({item.detail}), and nothing in its pods or events says "
                         f"why: kubectl describe {item.workload.lower()} -n {namespace}")
        for problem in item.problems:
            text = problem.text
            if "CrashLoopBackOff" in text and problem.pod and problem.container:
                tail = cluster.log_tail(namespace, problem.pod, problem.container).rstrip()
                text += ". Last log lines:\n" + ("\n".join(f"      {line}" for line in tail.splitlines())
                                                 if tail else "      (no log)")
            if text not in lines:
                lines.append(text)
    return lines
