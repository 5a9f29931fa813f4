"""Issue 17 on real control planes: a network of three organisations on two clusters, installed by `wizard network
write --install` from one network file (the orchestrator and two organisations in one cluster, the third in the
other, each reached through its own kube context of one kubeconfig). Every release is deployed and ready, each
organisation's accounts Secret in its cluster holds the same pair secrets as its neighbours', and a second run
changes nothing: no file, no Secret, no release revision."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml
from kube import TestCluster
from standin import package

from wizard import cli
from wizard.network import model
from wizard.network.plans import plan_network

ORGANISATIONS = (("ingen", "IngenMSP", 0), ("biotechnica", "BiotechnicaMSP", 0), ("arasaka", "ArasakaMSP", 1))


def merged_kubeconfig(clusters: list[TestCluster], path: Path) -> list[str]:
    """One kubeconfig holding every cluster's context, as an operator's has; the context names, in order."""
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": [],
                              "preferences": {}}
    names = []
    for cluster in clusters:
        config = yaml.safe_load(cluster.kubeconfig.read_text())
        for key in ("clusters", "users", "contexts"):
            merged[key] += config[key]
        names.append(config["current-context"])
    merged["current-context"] = names[0]
    path.write_text(yaml.safe_dump(merged))
    path.chmod(0o600)
    return names


def network_text(prefix: str, contexts: list[str], charts: Path) -> str:
    def plan(folder: str) -> dict[str, Any]:
        return {"target": {"charts": str(charts / folder), "kubernetes_version": "1.36"}}

    organisations = [{"name": name, "msp_id": msp, "context": contexts[where], "namespace": f"{prefix}-{name}",
                      "host": f"api.{name}.example.com", "preset": "minimal", "plan": plan(name)}
                     for name, msp, where in ORGANISATIONS]
    return yaml.safe_dump({"schema": model.SCHEMA, "network": {
        "orchestrator": {"context": contexts[0], "namespace": f"{prefix}-orchestrator",
                         "host": "orchestrator.example.com", "plan": plan("orchestrator")},
        "channels": [{"name": "research", "members": [n for n, _, _ in ORGANISATIONS]},
                     {"name": "pilot", "members": ["ingen", "biotechnica"]}],
        "organisations": organisations}}, sort_keys=False)


def pair_secrets(cluster: TestCluster, namespace: str) -> dict[str, dict[str, str]]:
    secret = cluster.core.read_namespaced_secret("backend-accounts", namespace)
    return {direction: dict(line.rsplit(" ", 1) for line in
                            base64.b64decode(secret.data[f"{direction}_organizations"]).decode().splitlines())
            for direction in ("incoming", "outgoing")}


def revisions(cluster: TestCluster, namespace: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for secret in cluster.core.list_namespaced_secret(namespace, label_selector="owner=helm").items:
        labels = secret.metadata.labels
        found[labels["name"]] = max(found.get(labels["name"], 0), int(labels["version"]))
    return found


def test_three_organisations_on_two_clusters_then_a_second_run_changes_nothing(
        cluster: TestCluster, network_cluster: TestCluster, prefix: str, tmp_path: Path, helm_on_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    contexts = merged_kubeconfig([cluster, network_cluster], kubeconfig)
    charts = tmp_path / "charts"
    path = tmp_path / "network.yaml"
    path.write_text(network_text(prefix, contexts, charts))
    for member in plan_network(model.load(path), str(path)):
        package(member.plan, charts / member.folder)  # the stand-in charts of each member's own Plan
    cluster.add_volumes(f"{prefix}-net", 36)
    network_cluster.add_volumes(f"{prefix}-net", 12)
    out = tmp_path / "out"
    argv = ["network", "write", str(path), "--out", str(out), "--install", "--yes", "--kubeconfig", str(kubeconfig)]

    code = cli.main(argv)
    first = capsys.readouterr()
    assert code == 0, first.out + first.err
    steps = [first.out.index(f"== Installing {folder} into context {contexts[where]}")
             for folder, where in (("orchestrator", 0), ("ingen", 0), ("biotechnica", 0), ("arasaka", 1))]
    assert steps == sorted(steps)
    assert first.out.rstrip().endswith("Network installed: orchestrator, ingen, biotechnica, arasaka.")
    where = {name: (cluster, network_cluster)[index] for name, _, index in ORGANISATIONS}
    assert cluster.releases(f"{prefix}-orchestrator") == {"orchestrator": "deployed"}
    for name in where:
        assert where[name].releases(f"{prefix}-{name}") == {"backend": "deployed"}
        jobs = where[name].workloads(f"{prefix}-{name}")
        assert jobs["Job/backend-substra-backend-migrations"]["status"].get("succeeded") == 1
    assert network_cluster.releases(f"{prefix}-orchestrator") == {}

    lists = {name: pair_secrets(where[name], f"{prefix}-{name}") for name in where}
    msp = {name: code for name, code, _ in ORGANISATIONS}
    for caller in where:
        for callee in where:
            assert lists[caller]["outgoing"][msp[callee]] == lists[callee]["incoming"][msp[caller]]

    files_before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    revisions_before = {name: revisions(where[name], f"{prefix}-{name}") for name in where}
    code = cli.main(argv)
    second = capsys.readouterr()
    assert code == 0, second.out + second.err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == files_before
    assert {name: revisions(where[name], f"{prefix}-{name}") for name in where} == revisions_before, second.out
    assert revisions(cluster, f"{prefix}-orchestrator") == {"orchestrator": 1}
    assert second.out.count("is unchanged (revision 1)") == 4
    assert {name: pair_secrets(where[name], f"{prefix}-{name}") for name in where} == lists
