"""Pod Security for real: in namespaces that enforce restricted or baseline, the pods the API server refuses are
exactly those the wizard's analysis predicts (with the private CA on: the six pods of the add-cert init container,
which runs as root), and the install names them in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kube import TestCluster
from scenario import Deployment

from wizard import cli
from wizard.cluster.install import Event, Settings, chart_source, install
from wizard.cluster.needs import LEVELS, Needs
from wizard.commands.install import check
from wizard.helm.sources import origin
from wizard.writing import output

PRIVATE_CA = ["features.private_ca=true", "features.add_cert_image_tag=1.0.1"]


def _predicted(needs: Needs, namespace: str, level: str, *, runtime: bool = False) -> set[str]:
    """kind/name of the plan's pods in `namespace` whose strictest passing level is below `level`."""
    return {p.object for p in needs.pods[namespace]
            if p.runtime == runtime and LEVELS.index(p.pss_level) < LEVELS.index(level)}


def _refused_workloads(cluster: TestCluster, namespace: str) -> set[str]:
    """Workloads whose pods the API server refused for Pod Security (a Deployment's ReplicaSet counts as it)."""
    owners = {rs.metadata.name: f"Deployment/{rs.metadata.owner_references[0].name}"
              for rs in cluster.apps.list_namespaced_replica_set(namespace).items if rs.metadata.owner_references}
    found = set()
    for event in cluster.events(namespace):
        if event.get("reason") == "FailedCreate" and "violates PodSecurity" in event.get("message", ""):
            involved = event["involvedObject"]
            found.add(owners.get(involved["name"], f"{involved['kind']}/{involved['name']}"))
    return found


def _settled(cluster: TestCluster, namespace: str, names: set[str]) -> bool:
    """Every workload is either ready (Jobs: succeeded) or refused."""
    refused = _refused_workloads(cluster, namespace)
    for name, obj in cluster.workloads(namespace).items():
        status = obj.get("status") or {}
        done = status.get("succeeded") if name.startswith("Job/") else \
            (status.get("readyReplicas") or 0) >= (obj["spec"].get("replicas") or 1)
        if not done and name not in refused:
            return False
    return set(cluster.workloads(namespace)) >= names


def _install_without_preflight(deployment: Deployment, level: str) -> tuple[Needs, list[Event], Any]:
    """The install itself, into a backend namespace made beforehand with `level` enforced (preflight would stop
    a plan it predicts refused: this shows what the API server does)."""
    plan = deployment.plan()
    deployment.cluster.add_namespace(deployment.backend_ns, enforce=level)
    output.write_files(output.plan_files(plan, deployment.out))
    checked = check(plan, kubeconfig=str(deployment.cluster.kubeconfig))
    events: list[Event] = []
    where = origin(str(deployment.charts))
    outcome = install(checked.needs, deployment.out, checked.helm, checked.connection,  # type: ignore[arg-type]
                      events.append,
                      kubernetes_version="1.36", settings=Settings(timeout=45, poll=1, rollback=False),
                      source=lambda target: chart_source(target, where))
    return checked.needs, events, outcome


def _runtime_pods(deployment: Deployment) -> dict[str, dict[str, Any]]:
    """The pods the backend creates while it runs (Kaniko builds, compute tasks), as the model renders them."""
    from wizard.charts.renderer import EmbeddedRenderer
    from wizard.reporting.explain import plan_inputs

    backend = next(i for i in plan_inputs(deployment.plan()) if i.release.chart == "substra-backend")
    pods = EmbeddedRenderer().runtime_pods("substra-backend", backend.release.version, dict(backend.values),
                                           release=backend.release.release, namespace=deployment.backend_ns)
    return {f"Pod/{p['metadata']['name']}": p for p in pods}


def _admitted(cluster: TestCluster, namespace: str, pod: dict[str, Any]) -> bool:
    import json

    from kubernetes.client.exceptions import ApiException

    # the backend fills in $(POD_NAME) (its worker's pod) when it creates a compute pod
    body = json.loads(json.dumps(pod).replace("$(POD_NAME)", "backend-substra-backend-worker-0"))
    body["metadata"]["namespace"] = namespace
    body["spec"].pop("serviceAccountName", None)  # the backend's own account, which the stand-in chart made
    try:
        cluster.core.create_namespaced_pod(namespace, body, dry_run="All")
        return True
    except ApiException as error:
        assert error.status == 403 and "violates PodSecurity" in error.body, error.body
        return False


@pytest.mark.parametrize("level", ["restricted", "baseline"])
def test_the_api_server_refuses_exactly_the_pods_the_wizard_predicts(cluster: TestCluster, prefix: str,
                                                                       tmp_path: Path, helm_on_path: Path,
                                                                       level: str) -> None:
    deployment = Deployment(prefix, cluster, tmp_path, sets=PRIVATE_CA)
    deployment.volumes()
    deployment.package()
    needs, events, outcome = _install_without_preflight(deployment, level)
    predicted = _predicted(needs, deployment.backend_ns, level)
    if level == "restricted":
        assert predicted == {"Deployment/backend-substra-backend-server",
                             "Deployment/backend-substra-backend-api-events",
                             "Deployment/backend-substra-backend-worker-events",
                             "Deployment/backend-substra-backend-scheduler-worker",
                             "StatefulSet/backend-substra-backend-worker",
                             "StatefulSet/backend-substra-backend-builder"}
    else:
        assert predicted == set()
    workloads = set(cluster.workloads(deployment.backend_ns))
    cluster.wait_for(lambda: _settled(cluster, deployment.backend_ns, workloads), "every workload ready or refused")
    assert _refused_workloads(cluster, deployment.backend_ns) == predicted
    assert outcome.ok is (not predicted)
    if predicted:  # the install says which pods were refused, and why, in plain words
        said = "\n".join(outcome.diagnosis)
        assert f"Pod Security ({level}:" in said or f"Pod Security ({level}" in said
        assert any(name in said for name in predicted) and "runAsNonRoot != true" in said

    runtime = _runtime_pods(deployment)
    predicted_runtime = _predicted(needs, deployment.backend_ns, level, runtime=True)
    refused_runtime = {name for name, pod in runtime.items() if not _admitted(cluster, deployment.backend_ns, pod)}
    assert refused_runtime == predicted_runtime
    assert (refused_runtime == {"Pod/kaniko-example"}) is (level == "restricted")


def test_preflight_names_the_pods_and_checks_a_namespace_would_refuse(cluster: TestCluster, prefix: str,
                                                                     tmp_path: Path, helm_on_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    deployment = Deployment(prefix, cluster, tmp_path, sets=PRIVATE_CA)
    deployment.package()
    cluster.add_namespace(deployment.backend_ns, enforce="restricted")
    assert cli.main(deployment.args("--install", "--yes")) == 1
    out = capsys.readouterr().out
    assert f"namespace {deployment.backend_ns} enforces Pod Security 'restricted', which would reject:" in out
    for pod in ("backend-server Deployment/backend-substra-backend-server", "backend-builder StatefulSet/"
                "backend-substra-backend-builder", "backend-task-build Pod/kaniko-example (created at run time)"):
        assert pod in out
    assert "runAsNonRoot != true" in out and "nothing was changed" in out
    assert cluster.releases(deployment.backend_ns) == {} and cluster.releases(deployment.orchestrator_ns) == {}
