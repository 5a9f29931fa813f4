"""What the cluster's admission verdicts mean for the operator: the preflight findings (a blocking one for every pod
the cluster refuses, a warning for every disagreement with the wizard's prediction, each with its fix), the text
section the front ends show and the stable JSON list of `wizard preflight --format json`. Pure."""

from __future__ import annotations

from typing import Any

from wizard.cluster.admission import Admission, PodAdmission
from wizard.cluster.finding import Finding

CAUSE_WORDS = {"pod-security": "Pod Security", "limit-range": "LimitRange", "resource-quota": "ResourceQuota",
               "webhook": "admission webhook or policy", "service-account": "missing service account",
               "invalid": "validation error", "other": "admission plugin"}
MAX_WARNINGS = 2
"""Server warnings shown per pod in the text (the JSON has them all)."""


def fix_for(pod: PodAdmission) -> str:
    ns = pod.namespace
    return {
        "pod-security": f"kubectl label namespace {ns} pod-security.kubernetes.io/enforce={pod.level} --overwrite, "
                        "or change the plan so the pod passes (e.g. features.builder, features.private_ca)",
        "limit-range": f"kubectl describe limitrange -n {ns} shows the bounds: widen them for this pod (ask the "
                       "namespace's owner), or install into a namespace without them",
        "resource-quota": f"kubectl describe resourcequota -n {ns}: raise the quota, or free room in the namespace",
        "webhook": "the webhook or policy named in the message refused it: ask its owner, or change what it "
                   "objects to",
        "service-account": f"create the service account it names first (kubectl create serviceaccount NAME -n {ns})",
        "invalid": "the API server finds the pod invalid as the wizard models it: compare with the real chart "
                   "(helm template ... | kubectl apply --dry-run=server -f -) and report it if those pods pass",
    }.get(pod.cause, f"the message names what refused it; kubectl describe namespace {ns} may say more")


def findings(admission: Admission | None) -> list[Finding]:
    if admission is None:
        return []
    found = [Finding("warning", "admission", f"{problem}; the cluster's own verdict on those pods is missing (the "
                     "other checks stand)", "run preflight again once the cluster answers, or with credentials "
                     "that may create pods (a dry run stores nothing)") for problem in admission.problems]
    for pod in admission.pods:
        if pod.cluster == "refused":
            found.append(Finding("blocking", "admission", f"the cluster refuses {_who(pod)} in namespace "
                                 f"{pod.namespace}: {pod.reason}", fix_for(pod)))
        if not pod.agree:
            found.append(_disagreement(pod))
    return found


def _disagreement(pod: PodAdmission) -> Finding:
    where = f"namespace {pod.namespace} (enforce={pod.enforce})"
    if pod.cluster == "admitted":
        return Finding("warning", "admission", f"{_who(pod)}: the wizard predicted {where} rejects it (the pod "
                       f"passes {pod.level} only), but the cluster admitted it", "nothing blocks the install: the "
                       "cluster's Pod Security exempts it or judges by other rules (an exempt namespace, user or "
                       "runtime class, or the namespace's enforce-version); the Pod Security check leaves it out")
    if pod.cause == "pod-security":
        return Finding("warning", "admission", f"{_who(pod)}: the wizard predicted {where} admits it (the pod "
                       f"passes {pod.level}), but the cluster's Pod Security refused it", "the namespace's "
                       f"pod-security.kubernetes.io/enforce-version (kubectl get namespace {pod.namespace} "
                       "--show-labels) or the cluster's PodSecurity configuration judges by other rules than "
                       "target.kubernetes_version: align them; the cluster's verdict is the one the install meets",
                       "target.kubernetes_version")
    return Finding("warning", "admission", f"{_who(pod)}: the wizard's prediction (Pod Security only) admits it, "
                   f"but the cluster refused it because of a {CAUSE_WORDS.get(pod.cause, 'admission plugin')}",
                   "the wizard cannot predict this from the plan: " + fix_for(pod))


def _who(pod: PodAdmission) -> str:
    return f"{pod.component} ({pod.object}{', created at run time' if pod.runtime else ''})"


def lines(admission: Admission, *, compact: bool = False) -> list[str]:
    """The section: per namespace, each pod's predicted and actual verdicts; a namespace whose pods were all
    skipped for one reason gets one line. `compact`: one short line per pod, for a narrow pane (the review)."""
    if not admission.pods:
        return []
    out = ["Admission: each pod sent to the cluster as a server-side dry run (nothing was created)",
           "  per pod: the wizard's Pod Security prediction / the API server's verdict" if compact else
           "  wizard: its Pod Security prediction (the pod's level); cluster: the API server's verdict"]
    namespaces = list(dict.fromkeys(p.namespace for p in admission.pods))
    width = max(len(_name(p)) for p in admission.pods) + 2
    for namespace in namespaces:
        pods = [p for p in admission.pods if p.namespace == namespace]
        reasons = {p.reason for p in pods}
        if all(p.cluster == "skipped" for p in pods) and len(reasons) == 1:
            reason = reasons.pop()
            said = reason if reason.startswith(f"namespace {namespace} ") else f"namespace {namespace}: {reason}"
            out.append(f"  {said} ({_count(len(pods))} not sent)")
            continue
        enforce = f"enforce={pods[0].enforce}" if pods[0].enforce else "enforce level unknown"
        out.append(f"  namespace {namespace} ({enforce})")
        for pod in pods:
            out += _short_lines(pod) if compact else _pod_lines(pod, width)
    notes = sorted({p.component for p in admission.pods if p.notes and p.cluster != "skipped"})
    if notes:
        out.append("  sent with the namespace's default service account, since the charts create theirs at install: "
                   + ", ".join(notes))
    differ = [p for p in admission.pods if not p.agree]
    if differ:
        out.append(f"  the wizard and the cluster disagree on {_count(len(differ))}: "
                   + ", ".join(p.component for p in differ) + " (see the warnings)")
    return out


def _pod_lines(pod: PodAdmission, width: int) -> list[str]:
    predicted = {"allowed": "allowed", "refused": "refused", "unknown": "?"}[pod.predicted]
    flag = "   <- they disagree" if not pod.agree else ""
    wizard = f"{predicted} ({pod.level})"
    found = [f"    {_name(pod):<{width}}wizard: {wizard:<22}cluster: {pod.cluster}{flag}"]
    if pod.reason:
        found.append(f"      {pod.reason}")
    found += [f"      warning: {w}" for w in pod.warnings[:MAX_WARNINGS]]
    return found


def _short_lines(pod: PodAdmission) -> list[str]:
    flag = "  <- they disagree" if not pod.agree else ""
    found = [f"    {_name(pod)}: {pod.predicted} / {pod.cluster}{flag}"]
    return found + ([f"      {pod.reason}"] if pod.reason else [])


def _name(pod: PodAdmission) -> str:
    return pod.component + (" (run time)" if pod.runtime else "")


def _count(n: int) -> str:
    return f"{n} pod" + ("" if n == 1 else "s")


def as_json(admission: Admission | None) -> list[dict[str, Any]]:
    """The stable `admission` list of `wizard preflight --format json` (README, 'Installing directly')."""
    if admission is None:
        return []
    return [{"component": p.component, "object": p.object, "namespace": p.namespace, "runtime": p.runtime,
             "predicted": p.predicted, "level": p.level, "enforce": p.enforce, "cluster": p.cluster,
             "cause": p.cause or None, "reason": p.reason, "message": p.message, "agree": p.agree,
             "notes": list(p.notes), "warnings": list(p.warnings)} for p in admission.pods]
