"""NetworkPolicy fields checked as the API server checks them: what it refuses is refused by every command that reads
the file (wizard netpol, pss, explain --manifests) with one line naming the field; what it accepts but changes (a CIDR
with host bits set) is accepted and said. Also: the "objects name no namespace" warning leaves cluster-scoped
objects out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analysis.netpol_policies import parse_policy
from wizard.analysis.selectors import InvalidPolicy
from wizard.cli import main

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


def policy(spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"}, "spec": spec}


def peer(block: dict[str, Any]) -> dict[str, Any]:
    return {"podSelector": {}, "ingress": [{"from": [{"ipBlock": block}]}]}


def expressions(*items: dict[str, Any]) -> dict[str, Any]:
    return {"podSelector": {"matchExpressions": list(items)}}


def ports(*items: Any) -> dict[str, Any]:
    return {"podSelector": {}, "ingress": [{"ports": list(items)}]}


REFUSED = [
    (peer({"cidr": "10.0.0.0"}), "has no prefix length"),
    (peer({"cidr": "fe80::1%eth0/64"}), "IPv6 zone"),
    (peer({"cidr": "10.0.0.0/33"}), "is not a CIDR"),
    (peer({"cidr": " 10.0.0.0/8"}), "is not a CIDR"),
    (peer({"cidr": "10.0.0.0/+8"}), "no valid prefix length"),
    (peer({"cidr": 10}), "is not a CIDR such as 10.0.0.0/8 (a string)"),
    (peer({"cidr": "10.0.0.0/8", "except": "10.1.0.0/16"}), "except must be a list"),
    (peer({"cidr": "10.0.0.0/8", "except": ["10.1.0.0"]}), "has no prefix length"),
    (peer({"cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"]}), "strictly inside"),
    (peer({"cidr": ""}), "needs a cidr"),
    (expressions({"key": "app", "operator": "In", "values": "x"}), "must be a list of strings"),
    (expressions({"key": "app", "operator": "In", "values": []}), "needs at least one value"),
    (expressions({"key": "app", "operator": "NotIn"}), "needs at least one value"),
    (expressions({"key": "app", "operator": "Exists", "values": ["a"]}), "takes no values"),
    (expressions({"key": "app", "operator": "DoesNotExist", "values": ["a"]}), "takes no values"),
    (expressions({"key": "app", "operator": "in", "values": ["a"]}), "is not one of In, NotIn"),
    (expressions({"key": "app", "operator": "In", "values": [True]}), "not a string"),
    (expressions({"key": "app", "operator": "In", "values": ["a b"]}), "label value"),
    (expressions({"key": "a b", "operator": "Exists"}), "label key"),
    (expressions({"key": 5, "operator": "Exists"}), "label key"),
    (expressions({"operator": "Exists"}), "needs a key"),
    ({"podSelector": {"matchExpressions": {"key": "app"}}}, "matchExpressions must be a list"),
    ({"podSelector": {"matchLabels": {"app": True}}}, "the label value true is not a string"),
    ({"podSelector": {"matchLabels": {"a/b/c": "x"}}}, 'more than one "/"'),
    ({"podSelector": {"matchLabels": {"Example.com/app": "x"}}}, "not a DNS subdomain"),
    ({"podSelector": {"matchLabels": {"app": "x" * 64}}}, "at most 63"),
    ({"podSelector": {"matchLabels": "app=web"}}, "matchLabels must be a mapping"),
    ({"podSelector": "app=web"}, "a label selector must be a mapping"),
    (ports({"port": "80"}), "write 80 without quotes"),
    (ports({"port": 0}), "from 1 to 65535"),
    (ports({"port": 80.5}), "from 1 to 65535"),
    (ports({"port": True}), "from 1 to 65535"),
    (ports({"port": "a--b"}), "valid port name"),
    (ports({"port": "averyveryverylongname"}), "valid port name"),
    (ports({"port": "http", "endPort": 90}), "endPort needs a numeric port"),
    (ports({"endPort": 90}), "endPort needs a port"),
    (ports({"port": 90, "endPort": 80}), "below port"),
    (ports({"port": 90, "endPort": 70000}), "from 1 to 65535"),
    (ports({"port": 80, "protocol": "tcp"}), "is not TCP, UDP or SCTP"),
    (ports({"port": 80, "protocol": ""}), "is not TCP, UDP or SCTP"),
    (ports({"port": 80, "protocol": 6}), "is not TCP, UDP or SCTP"),
    ({"podSelector": {}, "policyTypes": "Ingress"}, "policyTypes must be a list"),
    ({"podSelector": {}, "policyTypes": ["ingress"]}, "policyTypes must be Ingress and/or Egress"),
    ({"podSelector": {}, "ingress": [{"from": {}}]}, "from must be a list"),
    ({"podSelector": {}, "ingress": [{"ports": ""}]}, "ports must be a list"),
    ({"podSelector": {}, "ingress": {"from": []}}, "ingress must be a list of rules"),
    ("x", "spec must be a mapping"),
]


@pytest.mark.parametrize(("spec", "words"), REFUSED)
def test_what_the_api_server_refuses_is_refused_by_the_parser(spec: Any, words: str) -> None:
    with pytest.raises(InvalidPolicy, match="the API server would refuse this NetworkPolicy") as refused:
        parse_policy(policy(spec), "default", "np.yaml")
    assert words in str(refused.value)


@pytest.mark.parametrize(("spec", "words"), REFUSED[::4])
@pytest.mark.parametrize("command", [["netpol"], ["pss"], ["explain", "--manifests"]])
def test_every_command_refuses_the_same_file_with_the_same_line(spec: Any, words: str, command: list[str],
                                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                                ) -> None:
    path = tmp_path / "np.yaml"
    path.write_text(yaml.safe_dump_all([POD, policy(spec)]))
    assert main([*command, str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"wizard: {path}, document 2 (NetworkPolicy/np)") and words in captured.err
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize(("spec", "described"), [
    (peer({"cidr": "10.0.0.1/8"}), "10.0.0.0/8"),
    (peer({"cidr": "010.0.0.0/8"}), "10.0.0.0/8"),
    (peer({"cidr": "2001:DB8::/32"}), "2001:db8::/32"),
    (peer({"cidr": "10.0.0.0/8", "except": ["10.1.0.1/16"]}), "10.0.0.0/8 except 10.1.0.0/16"),
])
def test_a_cidr_that_is_not_canonical_is_taken_as_kubernetes_takes_it_and_said(
        spec: dict[str, Any], described: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parsed = parse_policy(policy(spec), "default", "np.yaml")
    block = parsed.ingress[0].peers[0].block
    assert block is not None and block.text == described
    assert parsed.notes and "not in canonical form" in parsed.notes[0]
    path = tmp_path / "np.yaml"
    path.write_text(yaml.safe_dump_all([POD, policy(spec)]))
    assert main(["netpol", str(path)]) == 0
    assert "note: " in capsys.readouterr().err


@pytest.mark.parametrize("spec", [
    peer({"cidr": "10.0.0.0/8"}), peer({"cidr": "::/0"}), peer({"cidr": "10.0.0.0/8", "except": None}),
    expressions({"key": "app", "operator": "Exists", "values": []}),
    expressions({"key": "example.com/app", "operator": "In", "values": ["a", "b-c.d_e", ""]}),
    {"podSelector": {"matchLabels": {"app": None}}},
    ports({"port": "http"}, {"port": 80, "endPort": 90, "protocol": "SCTP"}, {"protocol": "UDP"}),
    {"podSelector": {}, "policyTypes": [], "ingress": [None]},
])
def test_what_the_api_server_accepts_is_accepted(spec: dict[str, Any]) -> None:
    assert parse_policy(policy(spec), "default", "np.yaml").notes == ()


CLUSTER_SCOPED = [("v1", "Namespace"), ("rbac.authorization.k8s.io/v1", "ClusterRole"),
                  ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"), ("scheduling.k8s.io/v1", "PriorityClass"),
                  ("storage.k8s.io/v1", "StorageClass"), ("v1", "PersistentVolume"),
                  ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
                  ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
                  ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration")]


def test_cluster_scoped_objects_are_not_counted_as_naming_no_namespace(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    objects: list[dict[str, Any]] = [{"apiVersion": api, "kind": kind, "metadata": {"name": f"x{index}"}}
                                     for index, (api, kind) in enumerate(CLUSTER_SCOPED)]
    pod = {**POD, "metadata": {**POD["metadata"], "namespace": "apps"}}
    path = tmp_path / "all.yaml"
    path.write_text(yaml.safe_dump_all([*objects, pod]))
    assert main(["netpol", str(path)]) == 0
    assert "name no namespace" not in capsys.readouterr().err
    path.write_text(yaml.safe_dump_all([*objects, pod, {**POD, "metadata": {"name": "other"}}]))
    assert main(["netpol", str(path)]) == 0
    assert "1 object names no namespace and is taken to be in default" in capsys.readouterr().err
