"""Preflight: the Plan against the cluster, before anything changes. Each finding is blocking (the install would
fail or do harm) or a warning (it works, but the operator should know), and always says how to fix it.

Pure: takes the facts discovery read, the releases Helm knows and what the Plan needs (needs.py); the tests feed
recorded API answers through the real client, and each check has its own test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wizard.cluster import admission_report
from wizard.cluster.admission import Admission
from wizard.cluster.facts import ClusterFacts
from wizard.cluster.finding import Finding, Severity
from wizard.cluster.needs import LEVELS, Needs, PlannedClaim
from wizard.core.quantity import parse_quantity
from wizard.helm.base import ReleaseInfo
from wizard.planning.plan import Plan
from wizard.reporting.report import PodReport

__all__ = ["Finding", "Severity", "blocking", "preflight", "recovery"]
SERVES = {  # which claim access modes satisfy a workload's need
    "ReadWriteOnce": {"ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"},
    "ReadWriteMany": {"ReadWriteMany"},
    "ReadOnlyMany": {"ReadOnlyMany", "ReadWriteMany"},
    "ReadWriteOncePod": {"ReadWriteOncePod", "ReadWriteOnce", "ReadWriteMany"},
}


def preflight(plan: Plan, facts: ClusterFacts, needs: Needs,
              releases: Mapping[str, ReleaseInfo | None] | None = None,
              admission: Admission | None = None) -> list[Finding]:
    """Every finding, blocking ones first. `releases`: release name -> its latest revision (None: absent); leave it
    None when Helm could not be asked. `admission`: the cluster's own verdicts (admission.ask), when it was asked:
    a pod it admitted is not reported as a Pod Security rejection (the cluster exempts it or judges otherwise)."""
    admitted = admission.admitted if admission is not None else set()
    found = [*_unreadable(facts), *_kubernetes_version(plan, facts), *_storage_classes(facts, needs),
             *_existing_claims(facts, needs), *_claims_left_behind(facts, needs),
             *_pod_security(facts, needs, admitted), *admission_report.findings(admission),
             *_ingress_class(plan, facts, needs),
             *_releases(needs, releases or {})]
    return sorted(found, key=lambda f: f.severity != "blocking")


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "blocking"]


def _unreadable(facts: ClusterFacts) -> list[Finding]:
    return [Finding("warning", "access", f"could not read {what}: the checks that need it were skipped",
                    "run with credentials that may list it, or check it yourself with kubectl")
            for what in facts.unreadable]


def _kubernetes_version(plan: Plan, facts: ClusterFacts) -> list[Finding]:
    planned = plan.target.kubernetes_version
    try:
        major, minor = (int(part) for part in facts.server_version.split("."))
    except ValueError:
        return []
    if (major, minor) < (1, 19):
        return [Finding("blocking", "kubernetes-version", f"the cluster runs Kubernetes {facts.server_version}; the "
                        "charts need 1.19 or later", "upgrade the cluster")]
    if facts.server_version != planned:
        return [Finding("warning", "kubernetes-version",
                        f"the plan judges Pod Security by Kubernetes {planned}, and the cluster runs "
                        f"{facts.server_version} ({facts.git_version})",
                        f"set target.kubernetes_version to {facts.server_version}", "target.kubernetes_version")]
    return []


def _class_list(facts: ClusterFacts) -> str:
    if not facts.storage_classes:
        return "the cluster has no storage class"
    names = [f"{c.name} (default)" if c.is_default else c.name for c in facts.storage_classes]
    return "the cluster has " + ", ".join(names)


def _storage_classes(facts: ClusterFacts, needs: Needs) -> list[Finding]:
    if any(u.startswith("storage classes") for u in facts.unreadable):
        return []
    known = {c.name for c in facts.storage_classes}
    found, on_default = [], []
    for planned in needs.claims:
        if planned.existing:
            continue
        wanted = planned.volume.storage_class
        if planned.claim.class_ignored or wanted is None:
            on_default.append(planned)
        elif wanted != "-" and wanted not in known:
            default = facts.default_storage_class
            suggestion = f"use {default} (the default: leave the field empty)" if default else "create it or pick one"
            found.append(Finding("blocking", "storage-class",
                                 f"{planned.claim.label}: there is no storage class {wanted!r}; {_class_list(facts)}",
                                 f"{suggestion}: --set {planned.field}.storage_class=NAME",
                                 f"{planned.field}.storage_class"))
    if on_default and facts.default_storage_class is None:
        labels = ", ".join(p.claim.label for p in on_default)
        found.append(Finding("blocking", "storage-class",
                             f"the cluster has no default storage class, and these volumes use it: {labels}. Their "
                             "claims would stay Pending (unless volumes without a class exist)",
                             "mark a class as default (kubectl annotate storageclass NAME "
                             "storageclass.kubernetes.io/is-default-class=true), or name a class per volume, or "
                             "reuse claims you create (existing_claim)"))
    return found


def _existing_claims(facts: ClusterFacts, needs: Needs) -> list[Finding]:
    found = []
    unreadable = any(u.startswith("claims") for u in facts.unreadable)
    for planned in needs.claims:
        if not planned.existing or unreadable:
            continue
        found += _claim_findings(facts, planned)
    return found


def _claim_findings(facts: ClusterFacts, planned: PlannedClaim) -> list[Finding]:
    name, namespace, field = planned.existing, planned.namespace, f"{planned.field}.existing_claim"
    label = f"{planned.claim.label}: the existing claim {name} in namespace {namespace}"
    claim = facts.claim(namespace, name or "")
    if claim is None:
        others = [c.name for c in facts.claims_in(namespace)]
        there = f"claims there: {', '.join(others)}" if others else "there are no claims there"
        return [Finding("blocking", "existing-claim", f"{label} does not exist ({there})",
                        f"create it first (kubectl apply -f a PersistentVolumeClaim), or correct {field}", field)]
    found = []
    if claim.phase != "Bound":
        waits = claim.phase == "Pending" and _waits_for_consumer(facts, claim.storage_class)
        if waits:
            found.append(Finding("warning", "existing-claim", f"{label} is Pending; its class "
                                 f"{claim.storage_class} binds a volume when the first pod uses it", "nothing to do "
                                 "if the provisioner works; kubectl describe pvc shows its events otherwise", field))
        else:
            found.append(Finding("blocking", "existing-claim", f"{label} is {claim.phase}, not Bound: pods mounting it "
                                 "would not start", f"kubectl describe pvc {name} -n {namespace} says why; fix it or "
                                 "reuse another claim", field))
    wanted = planned.volume.size or planned.claim.default_size
    have = claim.capacity or claim.requested
    if have and _smaller(have, wanted):
        said = "the plan asks for" if planned.volume.size else "the chart would create"
        found.append(Finding("blocking" if planned.volume.size else "warning", "existing-claim",
                             f"{label} holds {have}, less than the {wanted} {said}",
                             "expand the claim (kubectl edit pvc, if its class allows expansion) or reuse a "
                             "bigger one", field))
    for mode in planned.needed_modes:
        if claim.access_modes and not set(claim.access_modes) & SERVES[mode]:
            found.append(Finding("blocking", "existing-claim",
                                 f"{label} offers {', '.join(claim.access_modes)}, and the workload needs {mode}",
                                 f"reuse a claim created with {mode}", field))
    return found


def _claims_left_behind(facts: ClusterFacts, needs: Needs) -> list[Finding]:
    """Claims the charts would create that already exist (an earlier install): Kubernetes keeps them as they are,
    so a new size or class in the plan does not reach them."""
    found = []
    for planned in needs.claims:
        for name in planned.names:
            claim = facts.claim(planned.namespace, name)
            if claim is None:
                continue
            wanted_size = planned.volume.size
            have = claim.capacity or claim.requested
            wanted_class = planned.volume.storage_class
            if wanted_size and have and _smaller(have, wanted_size):
                found.append(Finding("warning", "existing-claim", f"{planned.claim.label}: the claim {name} in "
                                     f"namespace {planned.namespace} is left from an earlier install with {have}; the "
                                     f"plan's {wanted_size} will not resize it", "expand it yourself (kubectl edit pvc "
                                     f"{name} -n {planned.namespace}, if its class allows it), or keep the size",
                                     f"{planned.field}.size"))
            if wanted_class not in (None, "-") and not planned.claim.class_ignored and \
                    claim.storage_class != wanted_class:
                found.append(Finding("warning", "existing-claim", f"{planned.claim.label}: the claim {name} in "
                                     f"namespace {planned.namespace} is left from an earlier install with class "
                                     f"{claim.storage_class}; it keeps it, not {wanted_class}", "delete the claim "
                                     "(its data goes with it) before installing, or keep its class",
                                     f"{planned.field}.storage_class"))
    return found


def _waits_for_consumer(facts: ClusterFacts, class_name: str | None) -> bool:
    name = class_name or facts.default_storage_class
    return any(c.name == name and c.binding_mode == "WaitForFirstConsumer" for c in facts.storage_classes)


def _smaller(have: str, wanted: str) -> bool:
    try:
        return parse_quantity(have) < parse_quantity(wanted)
    except ValueError:
        return False


def _pod_security(facts: ClusterFacts, needs: Needs, admitted: set[tuple[str, str]]) -> list[Finding]:
    found = []
    for namespace in needs.namespaces:
        existing = facts.namespace(namespace)
        if existing is None:
            continue  # the install creates it with the level its pods need
        enforced = existing.enforced_level
        if enforced not in LEVELS:
            continue
        rejected = [p for p in needs.pods.get(namespace, ()) if LEVELS.index(p.pss_level) < LEVELS.index(enforced)
                    and (namespace, p.object) not in admitted]
        if rejected:
            need = needs.level(namespace)
            found.append(Finding(
                "blocking", "pod-security",
                f"namespace {namespace} enforces Pod Security {enforced!r}, which would reject: "
                + "; ".join(_rejection(p, enforced) for p in rejected),
                f"kubectl label namespace {namespace} pod-security.kubernetes.io/enforce={need} --overwrite, or "
                "change the plan so these pods pass (e.g. features.builder, features.private_ca)"))
        warn = existing.pod_security.get("warn")
        if warn in LEVELS and warn != enforced:
            noisy = [p.component for p in needs.pods.get(namespace, ())
                     if LEVELS.index(p.pss_level) < LEVELS.index(warn)]
            if noisy:
                found.append(Finding("warning", "pod-security",
                                     f"namespace {namespace} warns at Pod Security {warn!r}: the API server will "
                                     f"print warnings for {', '.join(noisy)} (they still run)",
                                     "nothing to do, or relabel the namespace's warn level"))
    return found


def _rejection(pod: PodReport, level: str) -> str:
    """The pod and the checks it fails, in the admission controller's words (without the per-container detail)."""
    checks = sorted({v.split(" (", 1)[0] for v in pod.violations.get(level, ())})
    when = " (created at run time)" if pod.runtime else ""
    return f"{pod.component} {pod.object}{when}: {', '.join(checks)}"


def _ingress_class(plan: Plan, facts: ClusterFacts, needs: Needs) -> list[Finding]:
    charts = {c.chart for c in needs.charts}
    hosts = [h for h, chart in ((plan.ingress.backend_host, "substra-backend"),
                                (plan.ingress.orchestrator_host, "orchestrator"),
                                (plan.ingress.frontend_host, "substra-frontend")) if h and chart in charts]
    if not hosts or any(u.startswith("ingress classes") for u in facts.unreadable):
        return []
    names = [c.name for c in facts.ingress_classes]
    listing = ", ".join(names) if names else "none"
    wanted = plan.ingress.class_name
    if wanted and wanted not in names:
        return [Finding("blocking", "ingress-class", f"there is no IngressClass {wanted!r} (the cluster has: "
                        f"{listing}); the ingresses for {', '.join(hosts)} would never be served",
                        "install that ingress controller, or --set ingress.class_name=" + (names[0] if names else
                                                                                           "NAME"),
                        "ingress.class_name")]
    if not wanted and facts.default_ingress_class is None:
        return [Finding("warning", "ingress-class", f"no IngressClass is marked default (the cluster has: {listing}),"
                        f" and the plan names none: the ingresses for {', '.join(hosts)} may be ignored",
                        "--set ingress.class_name=" + (names[0] if names else "NAME"), "ingress.class_name")]
    return []


def _releases(needs: Needs, releases: Mapping[str, ReleaseInfo | None]) -> list[Finding]:
    found = []
    for target in needs.charts:
        info = releases.get(target.release)
        if info is None:
            continue
        where = f"release {target.release} in namespace {target.namespace}"
        chart_name = info.chart.rsplit("-", 1)[0] if info.chart else target.chart
        if chart_name != target.chart:
            found.append(Finding("blocking", "release", f"{where} exists and runs the chart {info.chart}, not "
                                 f"{target.chart}", f"choose another release name (target.*.release) or remove it "
                                 f"(helm uninstall {target.release} -n {target.namespace})"))
        elif info.pending:
            found.append(Finding("warning", "release", f"{where} is stuck in {info.status} (revision "
                                 f"{info.revision}): an earlier helm run stopped before finishing (Ctrl+C, lost "
                                 "connection)", recovery(info) + ". If someone is running helm on it right now, "
                                 "wait for them instead"))
        elif info.status == "uninstalling":
            found.append(Finding("blocking", "release", f"{where} is being uninstalled", "wait until helm list -a "
                                 "no longer shows it, then run again"))
        else:
            found.append(Finding("warning", "release", f"{where} is already installed ({info.chart}, revision "
                                 f"{info.revision}, {info.status})", "nothing to do: the install upgrades it "
                                 "(helm upgrade), keeping its data"))
    return found


def recovery(info: ReleaseInfo) -> str:
    """What the install does first for a release stuck in a pending state."""
    if info.status == "pending-install" and info.revision <= 1:
        return (f"the install first removes the unfinished first install (helm uninstall {info.name} -n "
                f"{info.namespace}; claims stay), then installs again")
    return (f"the install first rolls it back to its last deployed revision (helm rollback {info.name} -n "
            f"{info.namespace}), then upgrades again")
