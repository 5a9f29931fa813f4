"""NetworkPolicy analysis: a test per point of the semantics checklist (PSS_NETPOL_FACTS §3), manifests, CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analysis.manifests import Manifest, read_manifests
from wizard.analysis.netpol import EGRESS, INGRESS, Connectivity, analyze, from_manifests
from wizard.analysis.netpol_model import ContainerPort, Namespace, Pod
from wizard.analysis.netpol_policies import parse_policy
from wizard.analysis.selectors import InvalidPolicy, LabelIndex, parse_selector
from wizard.cli import main

WEB = (ContainerPort("http", 8080, "TCP"), ContainerPort("dns", 53, "UDP"), ContainerPort("sctp", 9000, "SCTP"))


def pods() -> list[Pod]:
    return [Pod("app", "web", {"role": "web", "tier": "front"}, WEB),
            Pod("app", "db", {"role": "db"}, (ContainerPort("http", 5432, "TCP"),)),
            Pod("app", "job", {"role": "job", "tier": "batch"}),
            Pod("other", "client", {"role": "client"}),
            Pod("other", "web", {"role": "web"})]


def policy(spec: dict[str, Any], namespace: str = "app", name: str = "p") -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def run(*specs: dict[str, Any], namespaces: list[Namespace] | None = None, with_pods: list[Pod] | None = None,
        ) -> Connectivity:
    return analyze(with_pods or pods(), [parse_policy(policy(s), "default") for s in specs], namespaces or [])


def only_web(**spec: Any) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": {"role": "web"}}, **spec}


# --- 1-3: isolation, both ends, policyTypes ---------------------------------------------------------------------


def test_a_policy_isolates_only_the_selected_pods_in_its_own_namespace() -> None:
    result = run(only_web(ingress=[]))
    assert result.isolated("app/web", INGRESS) and not result.isolated("app/web", EGRESS)
    assert not result.isolated("other/web", INGRESS)  # same labels, other namespace
    assert not result.isolated("app/db", INGRESS)
    assert result.allowed("app/db", "other/web", 80)


def test_an_empty_pod_selector_selects_every_pod_of_the_namespace() -> None:
    result = run({"podSelector": {}, "ingress": []})
    assert all(result.isolated(f"app/{name}", INGRESS) for name in ("web", "db", "job"))
    assert not result.isolated("other/client", INGRESS)


def test_a_connection_needs_the_source_egress_and_the_destination_ingress() -> None:
    deny_egress = {"podSelector": {"matchLabels": {"role": "job"}}, "policyTypes": ["Egress"]}
    result = run(deny_egress)
    assert not result.allowed("app/job", "app/web", 8080)  # job may not send
    assert result.allowed("app/web", "app/job", 8080)  # job still accepts


def test_policy_types_default_to_ingress_plus_egress_only_with_egress_rules() -> None:
    with_egress = parse_policy(policy(only_web(egress=[{"ports": [{"port": 53, "protocol": "UDP"}]}])), "d")
    assert with_egress.types == {INGRESS, EGRESS}
    empty_egress = parse_policy(policy(only_web(ingress=[], egress=[])), "d")  # e.g. orchestrator-deny-all
    assert empty_egress.types == {INGRESS}
    assert not run(only_web(ingress=[], egress=[])).isolated("app/web", EGRESS)


def test_policies_add_up_and_order_does_not_matter() -> None:
    deny = only_web(ingress=[])
    allow = only_web(ingress=[{"from": [{"podSelector": {"matchLabels": {"role": "db"}}}]}])
    for order in ((deny, allow), (allow, deny)):
        result = run(*order)
        assert result.allowed("app/db", "app/web", 8080) and not result.allowed("app/job", "app/web", 8080)


# --- 4: no rules vs an empty rule -------------------------------------------------------------------------------


def test_no_ingress_rules_allow_nothing_and_one_empty_rule_allows_everything() -> None:
    assert not run(only_web(ingress=[])).allowed("app/db", "app/web", 8080)
    assert not run(only_web(policyTypes=["Ingress"])).allowed("app/db", "app/web", 8080)
    opened = run(only_web(ingress=[{}]))
    assert opened.allowed("other/client", "app/web", 1, "UDP") and opened.allowed("203.0.113.9", "app/web", 22)


def test_a_rule_matches_only_when_peer_and_port_both_match() -> None:
    rule = {"from": [{"podSelector": {"matchLabels": {"role": "db"}}}], "ports": [{"port": 8080}]}
    result = run(only_web(ingress=[rule]))
    assert result.allowed("app/db", "app/web", 8080)
    assert not result.allowed("app/db", "app/web", 8081)
    assert not result.allowed("app/job", "app/web", 8080)


# --- 5-6: peers and selectors -----------------------------------------------------------------------------------


def test_pod_and_namespace_selector_in_one_peer_are_anded_in_two_peers_ored() -> None:
    both = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "other"}},
            "podSelector": {"matchLabels": {"role": "client"}}}
    anded = run(only_web(ingress=[{"from": [both]}]))
    assert anded.allowed("other/client", "app/web", 8080)
    assert not anded.allowed("other/web", "app/web", 8080) and not anded.allowed("app/db", "app/web", 8080)
    split = [{"namespaceSelector": both["namespaceSelector"]}, {"podSelector": {"matchLabels": {"role": "db"}}}]
    ored = run(only_web(ingress=[{"from": split}]))
    assert ored.allowed("other/web", "app/web", 8080) and ored.allowed("app/db", "app/web", 8080)
    assert not ored.allowed("app/job", "app/web", 8080)


def test_a_pod_selector_alone_means_the_policy_namespace() -> None:
    result = run(only_web(ingress=[{"from": [{"podSelector": {"matchLabels": {"role": "client"}}}]}]))
    assert not result.allowed("other/client", "app/web", 8080)


@pytest.mark.parametrize(("expression", "admitted"), [
    ({"key": "tier", "operator": "In", "values": ["batch", "x"]}, {"app/job"}),
    ({"key": "tier", "operator": "NotIn", "values": ["batch"]}, {"app/db", "other/client", "other/web"}),
    ({"key": "tier", "operator": "Exists"}, {"app/job"}),
    ({"key": "tier", "operator": "DoesNotExist"}, {"app/db", "other/client", "other/web"}),
])
def test_match_expressions(expression: dict[str, Any], admitted: set[str]) -> None:
    peer = {"podSelector": {"matchExpressions": [expression]}, "namespaceSelector": {}}
    result = run(only_web(ingress=[{"from": [peer]}]))
    sources = {p.key for p in result.pods if p.key != "app/web" and result.allowed(p, "app/web", 8080)}
    assert sources == admitted


def test_the_namespace_name_label_is_synthesised_for_namespaces_seen_without_objects() -> None:
    manifests = [Manifest({"kind": "Pod", "metadata": {"name": "c", "namespace": "tools"}, "spec": {}}, "f", 1),
                 Manifest({"kind": "Pod", "metadata": {"name": "s"}, "spec": {}}, "f", 2),
                 Manifest(policy({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                     "kubernetes.io/metadata.name": "tools"}}}]}]}, namespace="web"), "f", 3)]
    pods_, policies, namespaces = from_manifests(manifests, "web")
    assert {n.name: n.labels["kubernetes.io/metadata.name"] for n in namespaces} == {"web": "web", "tools": "tools"}
    result = analyze(pods_, policies, namespaces)
    assert result.allowed("tools/c", "web/s", 80) and result.pods[1].namespace == "web"


def test_extra_namespace_labels_from_the_caller_are_selectable() -> None:
    peer = {"namespaceSelector": {"matchLabels": {"team": "ops"}}}
    spec = only_web(ingress=[{"from": [peer]}])
    assert not run(spec).allowed("other/client", "app/web", 8080)
    assert run(spec, namespaces=[Namespace("other", {"team": "ops"})]).allowed("other/client", "app/web", 8080)


def test_the_label_index_answers_like_a_scan() -> None:
    rng = random.Random(7)
    items = [(i, {k: rng.choice("abc") for k in rng.sample(["x", "y", "z"], rng.randint(0, 3))}) for i in range(200)]
    index = LabelIndex(items)
    for raw in ({"matchLabels": {"x": "a"}}, {"matchExpressions": [{"key": "y", "operator": "In", "values": ["b"]},
                                                                   {"key": "z", "operator": "DoesNotExist"}]},
                {"matchLabels": {"x": "b"}, "matchExpressions": [{"key": "y", "operator": "NotIn", "values": ["a"]}]},
                {}):
        selector = parse_selector(raw, "test")
        assert index.select(selector) == {i for i, labels in items if selector.matches(labels)}


# --- 7: ports ---------------------------------------------------------------------------------------------------


def test_end_port_is_an_inclusive_range() -> None:
    result = run(only_web(ingress=[{"ports": [{"port": 8000, "endPort": 8080}]}]))
    assert result.allowed("app/db", "app/web", 8000) and result.allowed("app/db", "app/web", 8080)
    assert not result.allowed("app/db", "app/web", 8081) and not result.allowed("app/db", "app/web", 7999)


def test_a_named_port_resolves_on_each_destination_by_name_and_protocol() -> None:
    named = {"podSelector": {"matchLabels": {"role": "job"}}, "policyTypes": ["Egress"],
             "egress": [{"ports": [{"port": "http"}]}]}
    result = run(named)
    assert result.allowed("app/job", "app/web", 8080) and not result.allowed("app/job", "app/web", 5432)
    assert result.allowed("app/job", "app/db", 5432) and not result.allowed("app/job", "app/db", 8080)
    udp_name = run({**named, "egress": [{"ports": [{"port": "http", "protocol": "UDP"}]}]})
    assert not udp_name.allowed("app/job", "app/web", 8080) and not udp_name.allowed("app/job", "app/web", 8080, "UDP")


def test_a_named_port_never_matches_an_ip_block() -> None:
    egress = [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": "http"}]}]
    result = run({"podSelector": {"matchLabels": {"role": "web"}}, "policyTypes": ["Egress"], "egress": egress})
    assert not result.allowed("app/web", "198.51.100.7", 8080)
    assert [c for c in result.outgoing("app/web") if c.destination.kind == "external"] == []


def test_sctp_is_not_tcp() -> None:
    result = run(only_web(ingress=[{"ports": [{"port": 9000, "protocol": "SCTP"}]}]))
    assert result.allowed("app/db", "app/web", 9000, "SCTP")
    assert not result.allowed("app/db", "app/web", 9000, "TCP") and not result.allowed("app/db", "app/web", 9000, "UDP")


# --- 8: ipBlock -------------------------------------------------------------------------------------------------


def test_ip_blocks_map_onto_external_classes_precisely() -> None:
    public = {"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/20", "192.168.0.0/16"]}}
    api = [{"ipBlock": {"cidr": "10.0.0.0/8"}}]
    egress = [{"to": [public], "ports": [{"port": 443}]}, {"to": api}]
    result = run({"podSelector": {"matchLabels": {"role": "job"}}, "policyTypes": ["Egress"], "egress": egress})
    external = {str(c.destination): (c.ports.describe(), c.caveats) for c in result.outgoing("app/job")
                if c.destination.kind == "external"}
    assert external["internet"][0] == "TCP 443"
    assert external["cluster-private (10.0.0.0/8 only)"][0] == "all ports"
    assert external["cluster-private (10.0.0.0/8 only)"][1]  # pod IPs may fall in 10/8: a caveat says so
    assert external["cluster-private (all but 10.0.0.0/8, 172.16.0.0/20, 192.168.0.0/16)"][0] == "TCP 443"
    assert result.allowed("app/job", "8.8.8.8", 443) and not result.allowed("app/job", "8.8.8.8", 80)
    assert not result.allowed("app/job", "192.168.1.1", 443) and result.allowed("app/job", "172.20.0.1", 443)


def test_an_ip_block_matches_pods_whose_ip_is_known() -> None:
    with_ips = [Pod("app", "a", {"pod": "a"}, ip="10.0.0.1"), Pod("app", "b", {"pod": "b"}, ip="10.0.0.2"),
                Pod("app", "c", {"pod": "c"}, ip="10.0.1.3")]
    spec = {"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.0.2/32"]}}]}]}
    result = run(spec, with_pods=with_ips)
    assert result.allowed("app/a", "app/c", 80) and not result.allowed("app/a", "app/b", 80)


@pytest.mark.parametrize("peer", [
    {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["11.0.0.0/8"]}},
    {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.0.0.0/8"]}},
    {"ipBlock": {"cidr": "ten"}},
    {"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}},
    {},
])
def test_peers_the_api_server_rejects_are_reported(peer: dict[str, Any]) -> None:
    with pytest.raises(InvalidPolicy):
        parse_policy(policy(only_web(ingress=[{"from": [peer]}])), "d")


@pytest.mark.parametrize("port", [{"port": "http", "endPort": 90}, {"endPort": 90}, {"port": 90, "endPort": 80},
                                  {"port": 70000}, {"port": 80, "protocol": "ICMP"}])
def test_ports_the_api_server_rejects_are_reported(port: dict[str, Any]) -> None:
    with pytest.raises(InvalidPolicy):
        parse_policy(policy(only_web(ingress=[{"ports": [port]}])), "d")


# --- 9-10: self, DNS --------------------------------------------------------------------------------------------


def test_a_pod_always_reaches_itself_and_is_not_listed_as_its_own_peer() -> None:
    result = run({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]})
    assert result.allowed("app/web", "app/web", 8080)
    assert not result.allowed("app/web", "app/db", 8080)
    open_result = run()
    assert "app/web" not in {c.destination.name for c in open_result.outgoing("app/web")}


def test_an_egress_isolated_pod_without_dns_is_a_finding() -> None:
    deny = {"podSelector": {"matchLabels": {"role": "job"}}, "policyTypes": ["Egress"]}
    assert any(f.pod == "app/job" and "DNS" in f.message for f in run(deny).findings)
    dns_rule = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}
    fixed = run({**deny, "egress": [dns_rule]})
    assert not any("DNS" in f.message for f in fixed.findings)
    assert [str(c.destination) for c in fixed.outgoing("app/job")] == ["kube-system/kube-dns"]


def test_pods_reached_from_unknown_namespaces_are_reported_as_such() -> None:
    result = run(only_web(ingress=[{"from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"a": "b"}}}]}]))
    peers = [str(c.source) for c in result.incoming("app/web") if c.source.kind == "external"]
    assert peers == ["other-namespaces (pods labelled a=b)"]


# --- manifests and CLI ------------------------------------------------------------------------------------------

WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: c, ports: [{name: http, containerPort: 8000}]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, ports: [{name: pg, containerPort: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: data}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: api}}}]
    ports: [{port: pg}]
"""


@pytest.fixture
def workloads(tmp_path: Path) -> Path:
    path = tmp_path / "render.yaml"
    path.write_text(WORKLOADS)
    return path


def test_workloads_become_pods_with_their_template_labels_and_ports(workloads: Path) -> None:
    pods_, policies, _ = from_manifests(read_manifests([workloads]), "web")
    by_key = {p.key: p for p in pods_}
    assert set(by_key) == {"web/api", "data/db"}
    assert by_key["data/db"].kind == "StatefulSet" and by_key["data/db"].labels == {"app": "db"}
    assert by_key["web/api"].named_ports == {("http", "TCP"): 8000}
    result = analyze(pods_, policies)
    assert result.allowed("web/api", "data/db", 5432) and not result.allowed("web/api", "data/db", 8000)


def test_cli_text_names_each_pod_and_its_peers(workloads: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["netpol", "--namespace", "web", str(workloads)]) == 0
    out = capsys.readouterr().out
    assert "db (StatefulSet, namespace data)" in out
    assert "web/api: TCP 5432" in out
    assert "api (Deployment, namespace web)\n  incoming: not isolated" in out


def test_cli_json_is_structured(workloads: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["netpol", "--format", "json", "--namespace", "web", str(workloads)]) == 0
    data = json.loads(capsys.readouterr().out)
    db = next(p for p in data["pods"] if p["name"] == "db")
    assert db["ingress_isolated_by"] == ["db-ingress"]
    assert db["incoming"][0] == {"peer": "web/api", "peer_kind": "pod", "detail": "", "caveats": [],
                                 "ports": [{"protocol": "TCP", "port": 5432}]}
    assert db["incoming"][1]["peer"] == "other-namespaces"  # namespaceSelector {} reaches beyond these files
    assert any(f["pod"] == "web/api" and "isolates" in f["message"] for f in data["findings"])


def test_cli_reports_an_unreadable_file_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["netpol", str(missing)]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_cli_reports_an_invalid_policy_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(policy({"podSelector": {}, "ingress": [{"ports": [{"port": 80, "endPort": 1}]}]})))
    assert main(["netpol", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "endPort" in err and "Traceback" not in err


def test_a_namespace_selector_by_known_name_does_not_reach_unknown_namespaces() -> None:
    def external_sources(name: str) -> list[str]:
        peer = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}
        result = run(only_web(ingress=[{"from": [peer]}]))
        return [str(c.source) for c in result.incoming("app/web") if c.source.kind == "external"]

    assert external_sources("other") == []
    assert external_sources("ghost") == ["other-namespaces (any pod in namespace ghost)"]


def test_cli_warns_when_objects_mix_a_hard_coded_namespace_with_none(tmp_path, capsys) -> None:
    from wizard.cli import main

    path = tmp_path / "mixed.yaml"
    path.write_text(
        "kind: Pod\nmetadata: {name: a, namespace: org-1}\nspec: {containers: [{name: c}]}\n---\n"
        "kind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c}]}\n"
    )
    assert main(["netpol", str(path)]) == 0
    assert "1 object names no namespace and is taken to be in default, while others name org-1" in (
        capsys.readouterr().err)
    assert main(["netpol", "--namespace", "org-1", str(path)]) == 0
    assert "name no namespace" not in capsys.readouterr().err
