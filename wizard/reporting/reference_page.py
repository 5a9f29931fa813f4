"""Where the report of a deployment differs from the Substra reference page's Network Policies table, each difference
named once with both sides (the chart wins; FACTS.md §1.5, §2.5, §3, §4).

Every finding here is derived from the report: it appears only when the analysed objects show the difference, and
disappears when a configuration closes it. The page's own claims this module needs are the constants below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wizard.reporting.report import Finding, PodReport, Report

PAGE = "the reference page"
# The page's incoming column of orchestrator-server (besides other organisations over the internet).
ORCHESTRATOR_CLIENTS = ("backend-api-events", "backend-worker-events", "backend-scheduler", "backend-scheduler-worker",
                        "backend-server", "backend-builder", "backend-worker")
# Components whose incoming column says NONE.
NO_INCOMING = ("backend-worker", "backend-builder", "backend-api-events", "backend-worker-events", "backend-scheduler",
               "backend-scheduler-worker", "backend-task-execution", "backend-task-build", "job-delete-compute-task",
               "job-delete-stateful-pvc", "backend-migrations", "orchestrator-migrations")
# Components whose outgoing column names k8s-api.
K8S_API_CLIENTS = ("backend-worker", "backend-builder", "backend-worker-events", "job-delete-compute-task",
                   "job-delete-stateful-pvc")
# Pod-to-pod links of the page's table that no other finding here explains when they are missing.
LINKS = (("backend-server", "backend-docker-registry"), ("backend-scheduler", "backend-docker-registry"),
         ("backend-scheduler-worker", "backend-docker-registry"), ("backend-worker", "backend-server"),
         ("backend-builder", "backend-server"))
KANIKO_OUTGOING = ("backend-docker-registry", "internet", "kube-dns")
_WHY_OPEN = {
    "orchestrator-migrations": "its pod carries neither app.kubernetes.io/instance nor app.kubernetes.io/name, so "
                               "orchestrator-deny-all does not select it",
    "backend-task-build": "Kaniko pods carry no app.kubernetes.io/part-of label, so deny-all-backend does not select "
                          "them, and the compute deny-ingress policy selects only compute-task pods",
}
_WHY_NO_DNS = {
    "frontend": "its NetworkPolicy declares Egress with no egress rule",
    "backend-task-execution": "the compute deny-ingress policy isolates both directions, as the page's fully isolated "
                              "compute pods",
}
_CAUSE = {"backend-task-build": "builder.enabled", "job-delete-compute-task": "hooks.deleteComputePods.enabled",
          "job-delete-stateful-pvc": "hooks.deleteWorkerPvc.enabled"}


def page_findings(report: Report) -> list[Finding]:
    """The Network Policies table's differences with the report (the PSS and volume ones are in findings.py)."""
    pods = _by_component(report.pods)
    return [*_orchestrator_through_ipblocks(pods), *_kaniko_to_registry(pods), *_missing_links(pods),
            *_not_isolated(pods), *_whole_address_space(pods), *_server_any_namespace(pods),
            *_internet_egress(pods), *_kaniko_egress(pods), *_no_dns(pods), *_no_k8s_api(pods),
            *_prepopulate(pods)]


def _by_component(pods: Iterable[PodReport]) -> dict[str, PodReport]:
    """One pod per component (run-time and workload pods alike); the first wins for repeated ones."""
    found: dict[str, PodReport] = {}
    for pod in pods:
        found.setdefault(pod.component, pod)
    return found


def _orchestrator_through_ipblocks(pods: Mapping[str, PodReport]) -> list[Finding]:
    server = pods.get("orchestrator-server")
    if server is None:
        return []
    clients = [c for c in ORCHESTRATOR_CLIENTS if c in pods and c not in server.ingress_from]
    if not clients:
        return []
    names = ", ".join(clients)
    return [Finding("network", "warning", f"{names} reach orchestrator-server only through ipBlock rules (the "
                    "backend's orchestrator-client egress on the orchestrator port, the server's 0.0.0.0/0 ingress), "
                    "so the tables show them as internet or cluster-private addresses, and it works only where the CNI "
                    "matches pod IPs against ipBlocks (orchestrator.sameCluster picks the private or the public "
                    f"ranges); {PAGE} lists them as orchestrator-server's incoming and orchestrator-server in their "
                    "outgoing", "orchestrator.sameCluster")]


def _kaniko_to_registry(pods: Mapping[str, PodReport]) -> list[Finding]:
    registry, kaniko = pods.get("backend-docker-registry"), pods.get("backend-task-build")
    if registry is None or kaniko is None or "backend-task-build" in registry.ingress_from:
        return []
    return [Finding("network", "warning", "backend-task-build (Kaniko) pushes to backend-docker-registry only if the "
                    "CNI matches pod IPs against the registry-ingress ipBlock 0.0.0.0/0: Kaniko pods carry "
                    "role-registry-client but no app.kubernetes.io/part-of, so the policy's pod rule does not admit "
                    f"them; {PAGE} lists backend-task-build in backend-docker-registry's incoming and "
                    "backend-docker-registry in backend-task-build's outgoing", "containerRegistry.local")]


def _missing_links(pods: Mapping[str, PodReport]) -> list[Finding]:
    found = []
    for source, destination in LINKS:
        if source in pods and destination in pods and destination not in pods[source].egress_to:
            found.append(Finding("network", "warning", f"{source} cannot connect to {destination}: no NetworkPolicy "
                                 f"allows it (the chart gives {source} no role label for it); {PAGE} lists "
                                 f"{destination} in {source}'s outgoing", None))
    return found


def _not_isolated(pods: Mapping[str, PodReport]) -> list[Finding]:
    found = []
    for component in NO_INCOMING:
        pod = pods.get(component)
        if pod is None or not pod.ingress_from:
            continue
        why = _WHY_OPEN.get(component, "no NetworkPolicy isolates its ingress")
        found.append(Finding("network", "warning", f"{component} is not isolated for ingress ({why}): it accepts "
                             f"connections from {_sources(pod)}; {PAGE} says it has no incoming connections",
                             _CAUSE.get(component)))
    return found


def _sources(pod: PodReport) -> str:
    """Who may connect: the whole list, or `the internet and every pod` when nothing restricts it."""
    if {"internet", "cluster-private", "other-namespaces"} <= set(pod.ingress_from):
        return "the internet and every pod"
    return ", ".join(pod.ingress_from)


def _whole_address_space(pods: Mapping[str, PodReport]) -> list[Finding]:
    """Pods that admit 0.0.0.0/0, where the page lists only named peers or the internet (storage pods opened by
    their subchart's own policy are named in findings.py; not-isolated ones above)."""
    found = []
    for component in ("frontend", "backend-server", "backend-docker-registry"):
        pod = pods.get(component)
        if pod is None or not {"internet", "cluster-private"} <= set(pod.ingress_from):
            continue
        found.append(Finding("network", "info", f"{component} admits 0.0.0.0/0, private ranges included "
                             "(cluster-private: nodes, and pods wherever the CNI matches pod IPs against ipBlocks); "
                             f"{PAGE} lists no cluster-private peer in {component}'s incoming", None))
    return found


def _server_any_namespace(pods: Mapping[str, PodReport]) -> list[Finding]:
    """The server-ingress and server-egress policies pair role-server-client pods and servers of every namespace."""
    server = pods.get("backend-server")
    accepts = server is not None and "other-namespaces" in server.ingress_from
    clients = [p.component for p in pods.values()
               if "backend-server" in p.egress_to and "other-namespaces" in p.egress_to]
    if not accepts and not clients:
        return []
    parts = ["backend-server accepts role-server-client pods of every namespace"] if accepts else []
    if clients:
        parts.append(f"{', '.join(clients)} may open connections to a backend-server in any namespace")
    return [Finding("network", "info", f"{' and '.join(parts)} (other-namespaces: the server-ingress and server-egress "
                    f"policies have an empty namespaceSelector); {PAGE} lists only this organisation's "
                    "backend-worker and backend-builder as the server's clients, and other organisations' "
                    "backend-server over the internet", None)]


def _internet_egress(pods: Mapping[str, PodReport]) -> list[Finding]:
    """Workers and builders carry role-internet-egress: the page's outgoing column does not say internet."""
    names = [c for c in ("backend-worker", "backend-builder") if c in pods and "internet" in pods[c].egress_to]
    if not names:
        return []
    return [Finding("network", "info", f"{', '.join(names)} may open connections to the internet on all ports "
                    "(role-internet-egress: 0.0.0.0/0 except 10/8, 192.168/16, 172.16/20, whose remainder of "
                    f"172.16/12 shows as cluster-private); {PAGE} does not list internet in their outgoing", None)]


def _kaniko_egress(pods: Mapping[str, PodReport]) -> list[Finding]:
    kaniko = pods.get("backend-task-build")
    extra = [p for p in kaniko.egress_to if p not in KANIKO_OUTGOING] if kaniko else []
    if not extra:
        return []
    return [Finding("network", "info", f"backend-task-build may also open connections to {', '.join(extra)}: the "
                    "internet-builder-egress policy allows TCP/UDP 53 to any destination, and internet-egress leaves "
                    f"part of 172.16/12; {PAGE} lists only the bundled registry, the internet and DNS in its "
                    "outgoing", "builder.enabled")]


def _no_dns(pods: Mapping[str, PodReport]) -> list[Finding]:
    found = []
    for pod in pods.values():
        if "kube-dns" in pod.egress_to:
            continue
        why = _WHY_NO_DNS.get(pod.component, "no NetworkPolicy allows its DNS egress")
        found.append(Finding("network", "info", f"{pod.component} cannot reach kube-dns ({why}); {PAGE} says all pods "
                             "are also given access to kube-dns on port 53", None))
    return found


def _no_k8s_api(pods: Mapping[str, PodReport]) -> list[Finding]:
    found = []
    for component in K8S_API_CLIENTS:
        pod = pods.get(component)
        if pod is None or "cluster-private" in pod.egress_to:
            continue
        found.append(Finding("network", "warning", f"{component} cannot reach the Kubernetes API (cluster-private): "
                             "it carries no role-api-k8s-client label, so deny-all-backend leaves it DNS only; "
                             f"{PAGE} lists k8s-api in its outgoing", _CAUSE.get(component)))
    return found


def _prepopulate(pods: Mapping[str, PodReport]) -> list[Finding]:
    found = []
    for pod in pods.values():
        if not pod.component.startswith("registry-prepopulate-") or "internet" in pod.ingress_from:
            continue
        extra = [p for p in pod.egress_to if p not in ("backend-docker-registry", "kube-dns")]
        also = f", and opens connections to {', '.join(extra)} to pull the source images (role-internet-egress)" \
            if extra else ""
        found.append(Finding("network", "info", f"{pod.component} accepts no incoming connection{also}; {PAGE} "
                             "puts internet in its incoming column and only backend-docker-registry in its outgoing",
                             "containerRegistry.prepopulate"))
    return found
