"""Preflight asks the cluster itself: every pod of the plan (chart pods and the pods the backend creates at run time)
is sent to the API server as a server-side dry run (dryRun=All), so the cluster's whole admission chain (PodSecurity,
LimitRange, ResourceQuota, webhooks) judges it before anything is installed. Nothing is stored.

The wizard's own Pod Security prediction stands beside each verdict, and a disagreement is said plainly: a LimitRange
the wizard cannot predict, or an exempt namespace that admits what the wizard expected to be rejected.

Pure except `ask`, which sends the requests through a `DryRun` (kube.Connection in real runs): one request per
distinct pod template, each bounded by the connection's timeout, all of them by a budget.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.charts.components import is_runtime
from wizard.cluster.facts import ClusterFacts
from wizard.cluster.needs import LEVELS, Needs

if TYPE_CHECKING:
    from wizard.planning.plan import Plan

Predicted = Literal["allowed", "refused", "unknown"]
Verdict = Literal["admitted", "refused", "skipped"]
BUDGET = 30.0
"""Seconds all the dry runs together may take; the pods not asked by then are skipped, saying so."""
REASON_WIDTH = 240
DEFAULT_ACCOUNT = "default"


class DryRun(Protocol):
    """What `ask` needs from the cluster (wizard.cluster.kube.Connection in real runs)."""

    server: str

    def dry_run_pod(self, namespace: str, body: dict[str, Any]) -> list[str]: ...


@dataclass(frozen=True)
class PodTemplate:
    """One pod the plan creates, as the Pod sent for the dry run, with the wizard's Pod Security level for it."""

    component: str
    object: str
    namespace: str
    runtime: bool
    level: str
    body: dict[str, Any]
    account_note: str = ""
    """Set when the pod is sent with the namespace's default service account (its own is created at install)."""


@dataclass(frozen=True)
class PodAdmission:
    """The wizard's prediction and the cluster's verdict for one pod."""

    component: str
    object: str
    namespace: str
    runtime: bool
    level: str
    """The strictest Pod Security level the wizard finds the pod passes."""
    enforce: str | None
    """What the namespace enforces; None when it does not exist yet or could not be read."""
    predicted: Predicted
    cluster: Verdict
    reason: str = ""
    """The server's reason, shortened (refused), or why the pod was not sent (skipped)."""
    message: str = ""
    """The server's whole message for a refusal."""
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    """The API server's warnings (Warning headers), e.g. from the Pod Security warn level."""

    @property
    def agree(self) -> bool:
        """False only when the cluster's verdict contradicts the prediction (a skipped pod contradicts nothing)."""
        if self.cluster == "skipped" or self.predicted == "unknown":
            return True
        return (self.predicted == "allowed") == (self.cluster == "admitted")

    @property
    def cause(self) -> str:
        """What refused it: pod-security, limit-range, resource-quota, webhook, service-account, invalid or other."""
        return cause_of(self.message) if self.cluster == "refused" else ""


@dataclass(frozen=True)
class Admission:
    pods: tuple[PodAdmission, ...] = ()
    problems: tuple[str, ...] = ()
    """Why some or all pods could not be asked (unreachable, not allowed to create pods in a namespace...)."""

    @property
    def admitted(self) -> set[tuple[str, str]]:
        return {(p.namespace, p.object) for p in self.pods if p.cluster == "admitted"}


# ---- the pods to send ------------------------------------------------------------------------------------------

def pod_templates(releases: Sequence[tuple[str, Sequence[Manifest]]], needs: Needs) -> list[PodTemplate]:
    """The plan's pods as Pods to send: `releases` is each release's namespace and rendered objects; only pods the
    report knows (no helm test pods) are kept, once each. A service account one of the charts creates at install
    (the Plan leaves every chart's serviceAccount.create on) does not exist yet, and the ServiceAccount admission
    plugin would refuse the pod for that alone: such pods are sent with the namespace's default account."""
    reports = {(p.namespace, p.object): p for pods in needs.pods.values() for p in pods}
    created = _created_accounts(releases)
    found: dict[tuple[str, str], PodTemplate] = {}
    for namespace, objects in releases:
        for manifest in objects:
            where = manifest.namespace or namespace
            report = reports.get((where, manifest.label))
            if report is None or pod_spec(manifest.obj) is None or (where, manifest.label) in found:
                continue
            body, note = pod_body(manifest.obj, where, created)
            found[(where, manifest.label)] = PodTemplate(report.component, manifest.label, where, report.runtime,
                                                         report.pss_level, body, note)
    return list(found.values())


def plan_templates(plan: Plan, needs: Needs) -> list[PodTemplate]:
    """The pods of a Plan, each release rendered by the embedded model with its run-time pods."""
    from wizard.reporting.explain import plan_inputs, release_manifests

    return pod_templates([(i.release.namespace, release_manifests(i)) for i in plan_inputs(plan)], needs)


def pod_body(obj: dict[str, Any], namespace: str, created: set[tuple[str, str]]) -> tuple[dict[str, Any], str]:
    """The Pod a workload's template makes (labels, annotations, spec; generateName from the object's name), and
    the note when its service account is swapped for the default one."""
    meta = pod_metadata(obj) if obj.get("kind") != "Pod" else (obj.get("metadata") or {})
    spec = _filled(copy.deepcopy(pod_spec(obj) or {}))
    name = str((obj.get("metadata") or {}).get("name") or "pod")
    metadata: dict[str, Any] = {"generateName": f"{name[:57]}-", "namespace": namespace}
    for key in ("labels", "annotations"):
        if meta.get(key):
            metadata[key] = dict(meta[key])
    _add_claim_volumes(obj, spec)
    note = ""
    account = _account(obj)
    if account and (namespace, account) in created:
        spec["serviceAccountName"] = DEFAULT_ACCOUNT
        spec.pop("serviceAccount", None)
        note = f"sent with the default service account: the chart creates {account} at install"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}, note


RUNTIME_PLACEHOLDER = "$(POD_NAME)"
"""What the chart leaves for the backend to fill in a compute pod (its worker's pod name, in a podAffinity selector);
sent as is, the API server refuses the pod as invalid."""


def _filled(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _filled(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_filled(value) for value in node]
    return "worker-0" if node == RUNTIME_PLACEHOLDER else node


def _account(obj: dict[str, Any]) -> str | None:
    spec = pod_spec(obj) or {}
    account = spec.get("serviceAccountName") or spec.get("serviceAccount")
    return str(account) if account and account != DEFAULT_ACCOUNT else None


def _created_accounts(releases: Sequence[tuple[str, Sequence[Manifest]]]) -> set[tuple[str, str]]:
    """(namespace, name) of the service accounts the charts create: the ServiceAccount objects, and the accounts
    their own pods name (the embedded models render no ServiceAccount; the real charts create each one)."""
    found = set()
    for namespace, objects in releases:
        for manifest in objects:
            where = manifest.namespace or namespace
            if manifest.kind == "ServiceAccount":
                found.add((where, manifest.name))
            elif not is_runtime(manifest) and (account := _account(manifest.obj)):
                found.add((where, account))
    return found


def _add_claim_volumes(obj: dict[str, Any], spec: dict[str, Any]) -> None:
    """A StatefulSet's pods get a volume per claim template from its controller: add them, or the API server
    refuses the pod as invalid (a volumeMount naming no volume)."""
    if obj.get("kind") != "StatefulSet":
        return
    volumes = spec.setdefault("volumes", [])
    have = {v.get("name") for v in volumes}
    owner = str((obj.get("metadata") or {}).get("name", ""))
    for template in (obj.get("spec") or {}).get("volumeClaimTemplates") or []:
        claim = str((template.get("metadata") or {}).get("name", ""))
        if claim and claim not in have:
            volumes.append({"name": claim, "persistentVolumeClaim": {"claimName": f"{claim}-{owner}-0"}})


# ---- asking the cluster ----------------------------------------------------------------------------------------

def ask(cluster: DryRun, templates: Sequence[PodTemplate], facts: ClusterFacts, *, budget: float = BUDGET,
        clock: Callable[[], float] = time.monotonic) -> Admission:
    """Send each pod as a dry run and compare. Never raises for cluster trouble: an unreachable server, expired
    credentials or a timeout stop the asking (the pods left are skipped), no right to create pods skips that
    namespace; each is named once in `problems`."""
    namespaces_known = not any(u.startswith("namespaces") for u in facts.unreadable)
    missing = {t.namespace for t in templates if namespaces_known and facts.namespace(t.namespace) is None}
    denied: dict[str, str] = {}
    problems: list[str] = []
    stopped = ""
    deadline = clock() + budget
    found = []
    for template in templates:
        known = facts.namespace(template.namespace)
        enforce = known.enforced_level if known is not None else None
        base = {"component": template.component, "object": template.object, "namespace": template.namespace,
                "runtime": template.runtime, "level": template.level, "enforce": enforce,
                "predicted": predict(template.level, enforce),
                "notes": (template.account_note,) if template.account_note else ()}
        if not stopped and clock() > deadline:
            stopped = f"not asked: the dry runs took longer than {budget:.0f} s"
            problems.append(f"the cluster answered too slowly: the dry runs stopped after {budget:.0f} s")
        skip = stopped or denied.get(template.namespace) or (
            missing_namespace(template.namespace) if template.namespace in missing else "")
        if skip:
            found.append(PodAdmission(**base, cluster="skipped", reason=skip))
            continue
        try:
            warnings = cluster.dry_run_pod(template.namespace, template.body)
        except Exception as error:  # noqa: BLE001 - every failure becomes a verdict or a problem, never a traceback
            verdict, why, fatal = _failure(error, template.namespace, cluster.server)
            if verdict == "missing":
                missing.add(template.namespace)
                found.append(PodAdmission(**base, cluster="skipped", reason=missing_namespace(template.namespace)))
            elif verdict == "refused":
                found.append(PodAdmission(**base, cluster="refused", reason=shorten(why), message=why,
                                          warnings=tuple(_headers_warnings(error))))
            else:
                problems.append(why)
                if fatal:
                    stopped = f"not asked: {why}"
                else:
                    denied[template.namespace] = f"not asked: {why}"
                found.append(PodAdmission(**base, cluster="skipped", reason=f"not asked: {why}"))
            continue
        found.append(PodAdmission(**base, cluster="admitted", warnings=tuple(warnings)))
    return Admission(tuple(found), tuple(problems))


def judge(plan: Plan, *, timeout: float = 3.0, kubeconfig: str | None = None,
          context: str | None = None) -> tuple[Admission | None, str]:
    """For the front ends' worker threads: the cluster of the current kube context (or `context`) judges the Plan's
    pods. Never raises: (None, why) when there is no cluster to ask."""
    from wizard.cluster.discovery import read_facts
    from wizard.cluster.kube import ClusterError, connect, describe_failure
    from wizard.cluster.needs import needs as plan_needs
    from wizard.reporting.explain import explain, plan_inputs, plan_version

    try:
        connection = connect(kubeconfig, context, timeout=timeout)
    except ClusterError as error:
        return None, error.msg
    targets = (plan.target.orchestrator, plan.target.backend, plan.target.frontend)
    try:
        facts = read_facts(connection, tuple(sorted({t.namespace for t in targets if t.enabled})))
    except Exception as error:  # noqa: BLE001 - no cluster to ask: say why
        return None, describe_failure(error, connection.server)
    needs = plan_needs(plan, explain(plan_inputs(plan), version=plan_version(plan), plan=plan))
    return ask(connection, plan_templates(plan, needs), facts), f"context {connection.context} ({connection.server})"


def predict(level: str, enforce: str | None) -> Predicted:
    """The wizard's verdict: refused when the pod's level is below what the namespace enforces."""
    if enforce is None or enforce not in LEVELS or level not in LEVELS:
        return "unknown"
    return "refused" if LEVELS.index(level) < LEVELS.index(enforce) else "allowed"


def missing_namespace(namespace: str) -> str:
    return (f"namespace {namespace} does not exist yet, so it cannot hold a dry-run pod: the install creates it "
            "with the Pod Security level its pods need (the wizard's prediction stands)")


def _failure(error: BaseException, namespace: str, server: str) -> tuple[str, str, bool]:
    """(refused | missing | problem, the words, whether to stop asking altogether)."""
    from wizard.cluster.kube import describe_failure, server_message

    status = getattr(error, "status", None)
    if status is None or status == 401:
        return "problem", f"could not ask the cluster: {describe_failure(error, server)}", True
    message = server_message(error)
    if status == 404 and message.startswith("namespaces "):
        return "missing", message, False
    if status == 403 and "cannot create resource" in message:
        return "problem", (f"these credentials may not create pods in namespace {namespace} (even as a dry run): "
                           f"{message}"), False
    if status in (400, 403, 422) or "admission webhook" in message:
        return "refused", message, False
    return "problem", f"the server answered {status} for a pod in namespace {namespace}: {message}", False


def _headers_warnings(error: BaseException) -> list[str]:
    from wizard.cluster.kube import warnings_of

    return warnings_of(getattr(error, "headers", None))


# ---- reading the server's reasons ------------------------------------------------------------------------------

_PREFIX = re.compile(r'^pods?( "[^"]*")? is forbidden: ')
_CAUSES = (
    ("pod-security", ("violates PodSecurity",)),
    ("limit-range", ("usage per Container", "usage per Pod", "LimitRange", "limit to request ratio")),
    ("resource-quota", ("exceeded quota", "must specify limits", "must specify requests", "ResourceQuota")),
    ("webhook", ("admission webhook", "ValidatingAdmissionPolicy")),
    ("service-account", ("service account", "serviceaccount")),
    ("invalid", ("is invalid",)),
)


def cause_of(message: str) -> str:
    return next((cause for cause, clues in _CAUSES if any(clue in message for clue in clues)), "other")


def shorten(message: str, width: int = REASON_WIDTH) -> str:
    """The server's reason without the `pods "x" is forbidden:` prefix and the per-container details in
    parentheses, cut at `width`."""
    text = _PREFIX.sub("", message.strip())
    if cause_of(text) == "pod-security":
        text = _without_parentheses(text)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _without_parentheses(text: str) -> str:
    out, depth, quoted = [], 0, False
    for char in text:
        if char == '"' and depth:
            quoted = not quoted
        if not quoted and char == "(":
            depth += 1
        if depth == 0:
            out.append(char)
        if not quoted and char == ")" and depth:
            depth -= 1
    return re.sub(r"\s+,", ",", "".join(out)).strip()
