"""Preflight's server-side dry run of each pod: recorded API answers (admitted pod JSON, a PodSecurity refusal, a
LimitRange refusal, a namespace that does not exist, no right to create pods) served by the API double to the real
kubernetes client; then the pure parts: the Pod bodies, the comparison with the wizard's prediction, the findings
and the text."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_cluster_double import ApiDouble, load_routes, serving

from wizard.cluster import admission_report
from wizard.cluster.admission import Admission, PodAdmission, ask, pod_body, pod_templates, predict, shorten
from wizard.cluster.discovery import read_facts
from wizard.cluster.kube import Connection, connect
from wizard.cluster.needs import Needs, needs
from wizard.cluster.preflight import preflight
from wizard.planning.layers import build_plan, plan_layers
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version, release_manifests

KANIKO = "Pod/kaniko-example"
SERVER = "Deployment/backend-substra-backend-server"
COMPUTE = "Pod/substra-00000000-compute-00000000"
DRY_RUN = "/pods?dryRun=All"


def plan(*sets: str) -> Plan:
    return build_plan(plan_layers("minimal", None, list(sets)))


def plan_needs(the_plan: Plan) -> tuple[Needs, list[Any]]:
    inputs = plan_inputs(the_plan)
    found = needs(the_plan, explain(inputs, version=plan_version(the_plan), plan=the_plan))
    return found, pod_templates([(i.release.namespace, release_manifests(i)) for i in inputs], found)


@contextmanager
def cluster(routes: dict[str, Any], timeout: float = 5.0) -> Iterator[tuple[ApiDouble, Connection]]:
    with tempfile.TemporaryDirectory() as folder, serving(routes) as double:
        yield double, connect(double.kubeconfig(Path(folder)), timeout=timeout)


def verdicts(routes: dict[str, Any], the_plan: Plan | None = None) -> tuple[Admission, ApiDouble, list[Any]]:
    the_plan = the_plan or plan()
    with cluster(routes) as (double, connection):
        facts = read_facts(connection, ("orchestrator", "org-1"))
        found, templates = plan_needs(the_plan)
        result = ask(connection, templates, facts)
        findings = preflight(the_plan, facts, found, None, result)
    return result, double, findings


def by_object(result: Admission) -> dict[str, PodAdmission]:
    return {p.object: p for p in result.pods}


# ---- through the real client -----------------------------------------------------------------------------------

def test_each_pod_is_sent_once_as_a_dry_run_and_the_cluster_verdicts_are_read() -> None:
    result, double, _ = verdicts(load_routes("base", "pss-restricted", "admission"))
    posts = double.paths("POST")
    assert posts and all(p.endswith(DRY_RUN) for p in posts)
    assert len(posts) == len(result.pods) == len({(p.namespace, p.object) for p in result.pods})
    pods = by_object(result)
    assert pods[KANIKO].cluster == "refused" and pods[KANIKO].cause == "pod-security"
    assert pods[KANIKO].reason == ('violates PodSecurity "restricted:v1.31": unrestricted capabilities, '
                                   "runAsNonRoot != true, runAsUser=0")
    assert pods[SERVER].cluster == "refused" and pods[SERVER].cause == "limit-range"
    assert pods[SERVER].reason == "maximum cpu usage per Pod is 1. No limit is specified"
    assert pods[COMPUTE].cluster == "admitted" and pods[COMPUTE].runtime
    assert pods[COMPUTE].warnings == ("[require-requests-limits] validate-resources: validation error: CPU and memory "
                                      "resource requests and limits are required. rule validate-resources failed at "
                                      "path /spec/containers/0/resources/limits/",)
    assert pods["Deployment/orchestrator-server"].cluster == "admitted" and result.problems == ()


def test_the_pod_sent_is_the_template_with_generate_name_in_the_release_namespace() -> None:
    _, double, _ = verdicts(load_routes("base", "pss-restricted", "admission"))
    sent = {body["metadata"]["generateName"]: (path, body) for method, path, body in double.requests
            if method == "POST"}
    path, body = sent["backend-substra-backend-worker-"]
    assert path == f"/api/v1/namespaces/org-1{DRY_RUN}"
    assert body["kind"] == "Pod" and body["metadata"]["namespace"] == "org-1"
    assert body["metadata"]["labels"]["app.kubernetes.io/name"] == "substra-backend-worker"
    assert body["spec"]["serviceAccountName"] == "default"  # the chart creates its own at install
    assert {"name": "subtuple", "persistentVolumeClaim": {"claimName": "subtuple-backend-substra-backend-worker-0"}} \
        in body["spec"]["volumes"]


def test_prediction_and_verdict_side_by_side_with_the_disagreement_called_out() -> None:
    result, _, findings = verdicts(load_routes("base", "pss-restricted", "admission"))
    pods = by_object(result)
    assert (pods[KANIKO].predicted, pods[KANIKO].agree) == ("refused", True)  # both say no
    assert (pods[SERVER].predicted, pods[SERVER].agree) == ("allowed", False)  # the wizard cannot see a LimitRange
    refusals = [f for f in findings if f.check == "admission" and f.severity == "blocking"]
    assert {f.message.split(" in namespace")[0] for f in refusals} == {
        "the cluster refuses backend-task-build (Pod/kaniko-example, created at run time)",
        "the cluster refuses backend-server (Deployment/backend-substra-backend-server)"}
    differ = [f for f in findings if f.check == "admission" and f.severity == "warning"]
    assert len(differ) == 1 and "because of a LimitRange" in differ[0].message
    assert "kubectl describe limitrange -n org-1" in differ[0].fix


def test_a_pod_the_wizard_expects_rejected_but_the_cluster_admits_is_a_warning_not_a_block() -> None:
    routes = load_routes("base", "pss-restricted")  # no refusal recorded: the cluster admits every pod
    result, _, findings = verdicts(routes)
    kaniko = by_object(result)[KANIKO]
    assert (kaniko.predicted, kaniko.cluster, kaniko.agree) == ("refused", "admitted", False)
    assert not [f for f in findings if f.severity == "blocking"]
    warning = next(f for f in findings if f.check == "admission")
    assert "the wizard predicted namespace org-1 (enforce=restricted) rejects it" in warning.message
    assert "but the cluster admitted it" in warning.message


def test_without_the_dry_run_the_predicted_rejection_still_blocks() -> None:
    the_plan = plan()
    with cluster(load_routes("base", "pss-restricted")) as (_, connection):
        facts = read_facts(connection, ("orchestrator", "org-1"))
    found, _ = plan_needs(the_plan)
    assert [f.check for f in preflight(the_plan, facts, found) if f.severity == "blocking"] == ["pod-security"]


def test_a_namespace_that_does_not_exist_is_said_and_its_pods_are_not_sent() -> None:
    routes = load_routes("base")
    items = routes["GET /api/v1/namespaces"]["items"]
    routes["GET /api/v1/namespaces"] = {**routes["GET /api/v1/namespaces"],
                                        "items": [n for n in items if n["metadata"]["name"] != "org-1"]}
    result, double, findings = verdicts(routes)
    assert not any("/namespaces/org-1/" in p for p in double.paths("POST"))
    org = [p for p in result.pods if p.namespace == "org-1"]
    assert org and all(p.cluster == "skipped" and p.agree for p in org)
    assert org[0].reason.startswith("namespace org-1 does not exist yet")
    assert "the wizard's prediction stands" in org[0].reason
    assert not [f for f in findings if f.check == "admission"]
    text = admission_report.lines(result)
    assert any(line.startswith("  namespace org-1 does not exist yet") and f"({len(org)} pods not sent)" in line
               for line in text)


def test_a_404_for_the_namespace_skips_its_pods_when_namespaces_could_not_be_listed() -> None:
    routes = load_routes("base", "forbidden")
    routes[f"POST /api/v1/namespaces/org-1{DRY_RUN}"] = {"$status": 404, "$body": {
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "message": 'namespaces "org-1" not found',
        "reason": "NotFound", "details": {"name": "org-1", "kind": "namespaces"}, "code": 404}}
    result, double, _ = verdicts(routes)
    assert len([p for p in double.paths("POST") if "/org-1/" in p]) == 1  # asked once, then known to be missing
    org = [p for p in result.pods if p.namespace == "org-1"]
    assert all(p.cluster == "skipped" and "does not exist yet" in p.reason for p in org)
    assert {p.predicted for p in result.pods} == {"unknown"}  # the enforce levels could not be read
    assert all(p.cluster == "admitted" for p in result.pods if p.namespace == "orchestrator")


def test_no_right_to_create_pods_gives_one_warning_and_the_other_namespace_is_still_asked() -> None:
    routes = load_routes("base")
    routes[f"POST /api/v1/namespaces/org-1{DRY_RUN}"] = {"$status": 403, "$body": {
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
        "message": 'pods is forbidden: User "tester" cannot create resource "pods" in API group "" in the '
                   'namespace "org-1"', "details": {"kind": "pods"}}}
    result, double, findings = verdicts(routes)
    assert len([p for p in double.paths("POST") if "/org-1/" in p]) == 1
    assert all(p.cluster == "skipped" for p in result.pods if p.namespace == "org-1")
    assert all(p.cluster == "admitted" for p in result.pods if p.namespace == "orchestrator")
    warnings = [f for f in findings if f.check == "admission"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "may not create pods in namespace org-1" in warnings[0].message


def test_an_unreachable_cluster_stops_after_one_try_with_one_warning() -> None:
    with cluster(load_routes("base")) as (_, connection):
        facts = read_facts(connection, ("orchestrator", "org-1"))
        _, templates = plan_needs(plan())
    # the double is gone: its port now refuses connections
    result = ask(connection, templates, facts)
    assert all(p.cluster == "skipped" for p in result.pods)
    assert len(result.problems) == 1 and "connection refused" in result.problems[0]
    findings = admission_report.findings(result)
    assert [f.severity for f in findings] == ["warning"]


def test_a_missing_external_service_account_is_reported() -> None:
    routes = load_routes("base")
    routes[f"POST /api/v1/namespaces/org-1{DRY_RUN}"] = {"$cases": [{"$if": '"serviceAccountName": "ci-builder"',
        "$status": 403, "$body": {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden",
                                  "code": 403, "message": 'pods "kaniko-example-abcde" is forbidden: error looking '
                                  'up service account org-1/ci-builder: serviceaccount "ci-builder" not found'}}]}
    with cluster(routes) as (_, connection):
        facts = read_facts(connection, ("orchestrator", "org-1"))
        _, templates = plan_needs(plan())
        kaniko = next(t for t in templates if t.object == KANIKO)
        kaniko.body["spec"]["serviceAccountName"] = "ci-builder"  # the run-time pod names one no chart creates
        pod = by_object(ask(connection, [kaniko], facts))[KANIKO]
    assert pod.cluster == "refused" and pod.cause == "service-account"
    assert "kubectl create serviceaccount" in admission_report.fix_for(pod)


# ---- pure parts ------------------------------------------------------------------------------------------------

def test_pod_body_keeps_an_account_no_chart_creates_and_copies_the_template() -> None:
    deployment = {"kind": "Deployment", "metadata": {"name": "app", "labels": {"not": "copied"}},
                  "spec": {"template": {"metadata": {"labels": {"app": "x"}, "annotations": {"a": "b"}},
                                        "spec": {"serviceAccountName": "external", "containers": [{"name": "c"}]}}}}
    body, note = pod_body(deployment, "ns", {("ns", "chart-made")})
    assert body["metadata"] == {"generateName": "app-", "namespace": "ns", "labels": {"app": "x"},
                                "annotations": {"a": "b"}}
    assert body["spec"]["serviceAccountName"] == "external" and note == ""
    body, note = pod_body(deployment, "ns", {("ns", "external")})
    assert body["spec"]["serviceAccountName"] == "default" and "creates external at install" in note
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == "external"  # the template is untouched


def test_prediction_compares_the_pod_level_with_the_enforced_one() -> None:
    assert predict("baseline", "restricted") == "refused"
    assert predict("restricted", "baseline") == "allowed"
    assert predict("privileged", "privileged") == "allowed"
    assert predict("baseline", None) == "unknown" and predict("baseline", "bogus") == "unknown"


def test_shorten_drops_the_prefix_and_per_container_details_and_cuts_long_reasons() -> None:
    assert shorten('pods "x-1" is forbidden: violates PodSecurity "baseline:latest": privileged (container "a" must '
                   'not set securityContext.privileged=true), hostPath volumes (volume "h")') == \
        'violates PodSecurity "baseline:latest": privileged, hostPath volumes'
    assert shorten('pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10') \
        == "exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10"
    long = shorten("admission webhook \"x\" denied the request: " + "y" * 400, width=60)
    assert len(long) == 60 and long.endswith("…")


def _pod(**changes: Any) -> PodAdmission:
    base: dict[str, Any] = {"component": "backend-server", "object": SERVER, "namespace": "org-1", "runtime": False,
                            "level": "restricted", "enforce": "restricted", "predicted": "allowed",
                            "cluster": "admitted"}
    return PodAdmission(**{**base, **changes})


@pytest.mark.parametrize(("predicted", "verdict", "agree"), [
    ("allowed", "admitted", True), ("refused", "refused", True), ("allowed", "refused", False),
    ("refused", "admitted", False), ("refused", "skipped", True), ("unknown", "refused", True)])
def test_agreement(predicted: str, verdict: str, agree: bool) -> None:
    assert _pod(predicted=predicted, cluster=verdict).agree is agree


def test_a_pod_security_refusal_the_wizard_did_not_predict_points_at_the_enforce_version() -> None:
    pod = _pod(cluster="refused", message='pods "x" is forbidden: violates PodSecurity "restricted:v1.24": seccomp',
               reason='violates PodSecurity "restricted:v1.24": seccomp')
    blocking, warning = admission_report.findings(Admission((pod,)))
    assert blocking.severity == "blocking" and "pod-security.kubernetes.io/enforce=restricted" in blocking.fix
    assert warning.severity == "warning" and "enforce-version" in warning.fix
    assert warning.field == "target.kubernetes_version"


def test_the_text_section_lists_each_pod_with_both_verdicts() -> None:
    pods = (_pod(notes=("sent with the default service account: the chart creates x at install",)),
            _pod(component="backend-task-build", object=KANIKO, runtime=True, level="baseline", predicted="refused",
                 cluster="admitted", warnings=("w1", "w2", "w3")),
            _pod(component="orchestrator-server", namespace="orchestrator", enforce=None, predicted="unknown",
                 cluster="skipped", reason="not asked: it timed out"))
    assert admission_report.lines(Admission(pods)) == [
        "Admission: each pod sent to the cluster as a server-side dry run (nothing was created)",
        "  wizard: its Pod Security prediction (the pod's level); cluster: the API server's verdict",
        "  namespace org-1 (enforce=restricted)",
        "    backend-server                 wizard: allowed (restricted)  cluster: admitted",
        "    backend-task-build (run time)  wizard: refused (baseline)    cluster: admitted   <- they disagree",
        "      warning: w1",
        "      warning: w2",
        "  namespace orchestrator: not asked: it timed out (1 pod not sent)",
        "  sent with the namespace's default service account, since the charts create theirs at install: "
        "backend-server",
        "  the wizard and the cluster disagree on 1 pod: backend-task-build (see the warnings)",
    ]


def test_the_json_list_is_stable() -> None:
    pod = _pod(cluster="refused", message="pods \"x\" is forbidden: maximum cpu usage per Pod is 1", reason="r")
    assert admission_report.as_json(Admission((pod,))) == [{
        "component": "backend-server", "object": SERVER, "namespace": "org-1", "runtime": False,
        "predicted": "allowed", "level": "restricted", "enforce": "restricted", "cluster": "refused",
        "cause": "limit-range", "reason": "r", "message": "pods \"x\" is forbidden: maximum cpu usage per Pod is 1",
        "agree": False, "notes": [], "warnings": []}]
    assert admission_report.as_json(None) == []


def test_the_budget_stops_the_asking_and_says_so() -> None:
    class Slow:
        server = "https://127.0.0.1:6443"
        calls = 0

        def dry_run_pod(self, namespace: str, body: dict[str, Any]) -> list[str]:
            self.calls += 1
            return []

    _, templates = plan_needs(plan())
    ticks = iter(range(1000))
    slow = Slow()
    with cluster(load_routes("base")) as (_, connection):
        facts = read_facts(connection, ("orchestrator", "org-1"))
    result = ask(slow, templates, facts, budget=3.0, clock=lambda: float(next(ticks) * 2))
    assert slow.calls == 1 and result.pods[0].cluster == "admitted"
    assert all(p.cluster == "skipped" and "longer than 3 s" in p.reason for p in result.pods[1:])
    assert result.problems == ("the cluster answered too slowly: the dry runs stopped after 3 s",)
