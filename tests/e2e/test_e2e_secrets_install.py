"""The credentials on a real control plane: `--install` creates every Secret of secrets/ in its namespace before the
chart that reads it (the API server's own record says so: each Secret is older than every object Helm made there),
with the keys and values of the files, and the releases come up; a re-run keeps them as they are; a Secret of the
same name that the wizard did not make stops everything before any change; an upgrade that drops a user says so and
syncs the accounts Secret; and install.sh's own kubectl lines create the same Secrets, which `--install` then keeps
(and the other way round)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from kube import TestCluster
from scenario import Deployment

from wizard import cli

MANAGED_BY = "app.kubernetes.io/managed-by"


def _install(deployment: Deployment, capsys: pytest.CaptureFixture[str], *extra: str, volumes: bool = True) -> str:
    if volumes:
        deployment.volumes()
    code = cli.main(deployment.args("--install", "--yes", *extra))
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return captured.out


def file_secrets(out: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(namespace, name) -> decoded data of every Secret in out/secrets/, read as kubectl would (not by the wizard)."""
    found = {}
    for path in sorted((out / "secrets").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                meta = doc["metadata"]
                found[(meta["namespace"], meta["name"])] = {k: base64.b64decode(v).decode()
                                                           for k, v in doc["data"].items()}
    return found


def cluster_secret(cluster: TestCluster, namespace: str, name: str) -> dict[str, Any]:
    return cluster.json(cluster.core.read_namespaced_secret(name, namespace))


def decoded(obj: dict[str, Any]) -> dict[str, str]:
    return {k: base64.b64decode(v).decode() for k, v in (obj.get("data") or {}).items()}


def snapshot(cluster: TestCluster, names: Any) -> dict[tuple[str, str], tuple[str, str, dict[str, str]]]:
    """(uid, resourceVersion, data) of each Secret: an unchanged resourceVersion means it was not written at all."""
    found = {}
    for namespace, name in names:
        obj = cluster_secret(cluster, namespace, name)
        found[(namespace, name)] = (obj["metadata"]["uid"], obj["metadata"]["resourceVersion"], decoded(obj))
    return found


def assert_secrets_match_the_files(cluster: TestCluster, out: Path) -> dict[tuple[str, str], dict[str, str]]:
    wanted = file_secrets(out)
    for (namespace, name), data in wanted.items():
        obj = cluster_secret(cluster, namespace, name)
        assert decoded(obj) == data, f"{namespace}/{name}"
        assert obj["metadata"]["labels"][MANAGED_BY] == "substra-wizard"
        assert "kubectl.kubernetes.io/last-applied-configuration" not in (obj["metadata"].get("annotations") or {})
    return wanted


def assert_created_before_the_charts(cluster: TestCluster, wanted: Any, releases: dict[str, str]) -> None:
    """Each Secret against what Helm made in its namespace: no later creation time than the release's first record,
    and an etcd revision (resourceVersion; these objects were never written again on a first install) below that of
    every ServiceAccount and NetworkPolicy the chart created."""
    for namespace, release in releases.items():
        mine = [cluster_secret(cluster, ns, name) for ns, name in wanted if ns == namespace]
        assert mine, namespace
        record = cluster_secret(cluster, namespace, f"sh.helm.release.v1.{release}.v1")
        helm_made = [cluster.json(o) for o in [*cluster.core.list_namespaced_service_account(namespace).items,
                                              *cluster.networking.list_namespaced_network_policy(namespace).items]
                     if (o.metadata.labels or {}).get(MANAGED_BY) == "Helm"]
        assert helm_made, namespace
        for obj in mine:
            assert obj["metadata"]["creationTimestamp"] <= record["metadata"]["creationTimestamp"]
            assert int(obj["metadata"]["resourceVersion"]) < min(int(o["metadata"]["resourceVersion"])
                                                                  for o in helm_made), obj["metadata"]["name"]


def assert_releases_up(deployment: Deployment) -> None:
    """As the install tests check: deployed, every workload ready, every hook complete; and every Secret a pod
    template names exists (the charts' existingSecret keys point at the wizard's Secrets)."""
    cluster = deployment.cluster
    assert cluster.releases(deployment.orchestrator_ns) == {"orchestrator": "deployed"}
    assert cluster.releases(deployment.backend_ns) == {"backend": "deployed"}
    named: set[tuple[str, str]] = set()
    for namespace, workloads in deployment.assert_ready().items():
        for workload in workloads.values():
            named |= {(namespace, name) for name in secret_names(workload["spec"]["template"]["spec"])}
    assert (deployment.backend_ns, "backend-accounts") in named  # the migrations Job mounts it
    for namespace, name in named:
        cluster_secret(deployment.cluster, namespace, name)  # raises when missing


def secret_names(spec: dict[str, Any]) -> set[str]:
    found = {v["secret"]["secretName"] for v in spec.get("volumes") or () if v.get("secret")}
    for container in [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]:
        found |= {e["valueFrom"]["secretKeyRef"]["name"] for e in container.get("env") or ()
                  if (e.get("valueFrom") or {}).get("secretKeyRef")}
        found |= {e["secretRef"]["name"] for e in container.get("envFrom") or () if e.get("secretRef")}
    return found


def helm_values(helm: Path, cluster: TestCluster, release: str, namespace: str) -> dict[str, Any]:
    done = subprocess.run([str(helm), "get", "values", release, "--namespace", namespace, "--output", "json",
                           "--kubeconfig", str(cluster.kubeconfig)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_install_creates_every_secret_first_then_an_upgrade_keeps_them(deployment: Deployment, helm_on_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = _install(deployment, capsys)
    cluster = deployment.cluster
    wanted = assert_secrets_match_the_files(cluster, deployment.out)
    assert {ns for ns, _ in wanted} == {deployment.orchestrator_ns, deployment.backend_ns} and len(wanted) == 7
    for namespace, name in wanted:
        chart = "orchestrator" if namespace == deployment.orchestrator_ns else "substra-backend"
        said = out.index(f"[{chart}] created Secret {name} in {namespace} (key")
        assert said < out.index(f"[{chart}] installing {'orchestrator' if chart == 'orchestrator' else 'backend'}")
    assert_created_before_the_charts(cluster, wanted, {deployment.orchestrator_ns: "orchestrator",
                                                       deployment.backend_ns: "backend"})
    assert_releases_up(deployment)
    private = yaml.safe_load((deployment.out / "secrets" / "substra-backend-credentials.values").read_text())
    given = helm_values(helm_on_path, cluster, "backend", deployment.backend_ns)
    assert given["minio"]["auth"]["rootPassword"] == private["minio"]["auth"]["rootPassword"]  # helm read the file
    assert given["addAccountOperator"]["existingSecret"] == "backend-accounts"
    for value in (v for data in wanted.values() for v in data.values() if len(v) >= 16):
        assert value not in out  # no credential in what the wizard printed

    before = snapshot(cluster, wanted)
    again = _install(deployment, capsys, volumes=False)
    assert snapshot(cluster, wanted) == before  # the same objects, never written: no value replaced
    for namespace, name in wanted:
        assert f"kept Secret {name} in {namespace} (the same values)" in again
    assert "[substra-backend] backend is ready (revision 2)" in again
    assert "Accounts: backend is installed; the upgrade syncs its users and organisations" in again
    assert "  users deleted: none; kept: admin" in again
    assert_releases_up(deployment)


def test_a_secret_the_wizard_did_not_make_is_refused_and_nothing_installed(deployment: Deployment,
                                                                           helm_on_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    cluster = deployment.cluster
    cluster.add_namespace(deployment.backend_ns)
    cluster.core.create_namespaced_secret(deployment.backend_ns, {
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "backend-redis-credentials"},
        "stringData": {"redis-password": "someone-elses"}})
    code = cli.main(deployment.args("--install", "--yes"))
    captured = capsys.readouterr()
    assert code == 1, captured.out + captured.err
    blocking = [line for line in captured.out.splitlines() if line.startswith("blocking:")]
    assert blocking == [f"blocking: Secret backend-redis-credentials in namespace {deployment.backend_ns} exists and "
                        "was not made by the wizard (no label app.kubernetes.io/managed-by=substra-wizard): the "
                        "wizard does not replace it with the one of secrets/"]
    assert "1 blocking finding(s): nothing was changed." in captured.out
    assert cluster.releases(deployment.backend_ns) == {}
    names = {n.metadata.name for n in cluster.core.list_namespace().items}
    assert deployment.orchestrator_ns not in names
    left = {s.metadata.name for s in cluster.core.list_namespaced_secret(deployment.backend_ns).items}
    assert left == {"backend-redis-credentials"}
    assert decoded(cluster_secret(cluster, deployment.backend_ns, "backend-redis-credentials")) == {
        "redis-password": "someone-elses"}


def test_an_upgrade_that_drops_a_user_says_so_then_syncs_the_accounts(deployment: Deployment, helm_on_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    first = _install(deployment, capsys, "--set", "accounts.users=[{name: admin}, {name: bob}]")
    assert "users created: admin, bob; the backend prints their passwords in the log of Job " \
           "backend-substra-backend-migrations" in first
    users = decoded(cluster_secret(deployment.cluster, deployment.backend_ns, "backend-accounts"))["users"]
    assert [line.split(" ")[0] for line in users.splitlines()] == ["admin", "bob"]

    again = _install(deployment, capsys, volumes=False)  # the preset again: admin only
    warning = again.index(f"warning: the upgrade of backend in namespace {deployment.backend_ns} deletes the user bob "
                          "from its database: the accounts Secret backend-accounts in the cluster lists them")
    assert warning < again.index("[substra-backend] replaced Secret backend-accounts in "
                                 f"{deployment.backend_ns} (new values for key users)")
    users = decoded(cluster_secret(deployment.cluster, deployment.backend_ns, "backend-accounts"))["users"]
    assert [line.split(" ")[0] for line in users.splitlines()] == ["admin"]
    assert "[substra-backend] backend is ready (revision 2)" in again


def test_install_sh_creates_the_same_secrets_and_install_keeps_them(deployment: Deployment, helm_on_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """install.sh as an operator runs it (its kubectl and helm lines, the charts from the stand-in folder), then
    `--install` over it, then install.sh again over what `--install` did."""
    cluster = deployment.cluster
    deployment.volumes()
    assert cli.main(deployment.args("--non-interactive")) == 0
    capsys.readouterr()
    script = deployment.out / "install.sh"
    assert "kubectl apply --server-side --force-conflicts --field-manager=substra-wizard -f secrets/" in \
        script.read_text()
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig),
           "PATH": f"{cluster.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}

    def run_script() -> str:
        done = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    printed = run_script()
    wanted = assert_secrets_match_the_files(cluster, deployment.out)
    for namespace, name in wanted:
        assert f"secret/{name} serverside-applied" in printed
        fields = cluster.json(cluster.core.read_namespaced_secret(name, namespace)).get("metadata", {})
        assert ("substra-wizard", "Apply") in {(m["manager"], m["operation"]) for m in fields["managedFields"]}
    assert "substra-backend-credentials" not in printed  # kubectl skips the private values file
    assert_created_before_the_charts(cluster, wanted, {deployment.orchestrator_ns: "orchestrator",
                                                       deployment.backend_ns: "backend"})
    assert cluster.releases(deployment.backend_ns) == {"backend": "deployed"}

    before = snapshot(cluster, wanted)
    out = _install(deployment, capsys, volumes=False)
    assert snapshot(cluster, wanted) == before  # install.sh's Secrets are the wizard's: kept, not rewritten
    assert all(f"kept Secret {name} in {namespace} (the same values)" in out for namespace, name in wanted)
    assert_releases_up(deployment)

    run_script()  # and install.sh again after --install: its apply takes the Secrets over without a conflict
    assert {key: data for key, (_, _, data) in snapshot(cluster, wanted).items()} == \
        {key: data for key, (_, _, data) in before.items()}


def test_install_sh_refuses_a_secret_the_wizard_did_not_make(deployment: Deployment, helm_on_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """kubectl apply --force-conflicts would take someone else's Secret over: install.sh stops before it, as
    --install does."""
    cluster = deployment.cluster
    assert cli.main(deployment.args("--non-interactive")) == 0
    capsys.readouterr()
    cluster.add_namespace(deployment.backend_ns)
    cluster.core.create_namespaced_secret(deployment.backend_ns, {
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "backend-accounts", "labels": {MANAGED_BY: "me"}},
        "stringData": {"users": "someone theirs-not-replaced mychannel\n"}})
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig),
           "PATH": f"{cluster.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["sh", str(deployment.out / "install.sh")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (f"Secret backend-accounts in namespace {deployment.backend_ns} exists and was not made by the wizard "
            "(no label app.kubernetes.io/managed-by=substra-wizard): no Secret was applied and no chart installed"
            ) in done.stderr
    assert decoded(cluster_secret(cluster, deployment.backend_ns, "backend-accounts")) == {
        "users": "someone theirs-not-replaced mychannel\n"}
    for namespace in (deployment.orchestrator_ns, deployment.backend_ns):
        assert cluster.releases(namespace) == {}
        names = {s.metadata.name for s in cluster.core.list_namespaced_secret(namespace).items}
        assert names <= {"backend-accounts"}
