"""The network analysis at scale: past 150 pods or 300 NetworkPolicies it refuses in one line (its time grows with
the square of the pods), and the shortcuts that keep it fast within those caps (ports unioned and intersected in one
pass, answers shared by pods under the same rules) give the answers of the plain definitions."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from wizard.analysis.manifests import Manifest
from wizard.analysis.netpol import INGRESS, analyze, from_manifests
from wizard.analysis.netpol_model import MAX_PODS, MAX_POLICIES
from wizard.analysis.ports import NO_PORTS, PROTOCOLS, Ports, union_all
from wizard.cli import main


def _dense(pods: int, policies: int) -> list[dict[str, Any]]:
    """Pods with one label in seven; each policy selects them all, lets in one seventh of them and a /16 on the
    named port and its own port, and lets out to every pod and namespace on DNS and its own port (as
    bench/hostile_manifests.py, smaller)."""
    found: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"app": "x", "group": str(i % 7)}},
         "spec": {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]}}
        for i in range(pods)]
    for j in range(policies):
        spec = {"podSelector": {"matchLabels": {"app": "x"}}, "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"group": str(j % 7)}}},
                                      {"ipBlock": {"cidr": f"10.{j % 250}.0.0/16"}}],
                             "ports": [{"port": "http"}, {"port": 1000 + j}]}],
                "egress": [{"to": [{"podSelector": {}}, {"namespaceSelector": {}}],
                            "ports": [{"port": 53, "protocol": "UDP"}, {"port": 2000 + j}]}]}
        found.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": f"np{j}"},
                      "spec": spec})
    return found


def _random_ports(rng: random.Random) -> Ports:
    ranges = []
    for _ in range(rng.randint(0, 8)):
        low = rng.randint(1, 200)
        ranges.append((rng.choice(PROTOCOLS), low, low + rng.randint(0, 40)))
    return Ports.of(ranges, rng.random() < 0.3)


def _plain_intersect(a: Ports, b: Ports) -> Ports:
    return Ports.of([(p, max(lo, lo2), min(hi, hi2)) for p, lo, hi in a.ranges for p2, lo2, hi2 in b.ranges
                     if p == p2 and max(lo, lo2) <= min(hi, hi2)], a.other and b.other)


def test_ports_shortcuts_agree_with_the_plain_definitions() -> None:
    rng = random.Random(13)
    for _ in range(3000):
        a, b = _random_ports(rng), _random_ports(rng)
        assert a.intersect(b) == _plain_intersect(a, b)
        assert a.covers(b) == (_plain_intersect(a, b) == b)
        many = [_random_ports(rng) for _ in range(rng.randint(0, 6))]
        plain = NO_PORTS
        for ports in many:
            plain = plain.union(ports)
        assert union_all(many) == plain


def test_answers_shared_between_pods_are_the_answers_asked_one_by_one() -> None:
    """`allowed` asks the rules directly for one port; `incoming` goes through the shared, memoised sets."""
    manifests = [Manifest(obj, "dense.yaml", index) for index, obj in enumerate(_dense(21, 42), 1)]
    result = analyze(*from_manifests(manifests, "default"))
    pods = list(result.pods)
    ports = [53, 999, 1000, 1005, 1041, 2000, 2017, 2041, 8080]
    for dst in pods:
        incoming = {c.source.name: c.ports for c in result.incoming(dst) if c.source.kind == "pod"}
        assert result.isolated(dst, INGRESS)
        for src in pods:
            if src == dst:
                continue
            for port in ports:
                for protocol in ("TCP", "UDP"):
                    expected = result.allowed(src, dst, port, protocol)
                    found = src.key in incoming and incoming[src.key].contains(port, protocol)
                    assert found == expected, (src.key, dst.key, port, protocol)


def _objects(pods: int, policies: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"},
                                    "spec": {"containers": [{"name": "c"}]}} for i in range(pods)]
    found += [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": f"np{j}"},
               "spec": {"podSelector": {}}} for j in range(policies)]
    return found


@pytest.mark.parametrize(("pods", "policies"), [(MAX_PODS + 1, 0), (1, MAX_POLICIES + 1)])
@pytest.mark.parametrize("command", [["netpol"], ["explain", "--manifests"]])
def test_past_the_caps_the_network_analysis_refuses_in_one_line(pods: int, policies: int, command: list[str],
                                                                tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump_all(_objects(pods, policies)))
    assert main([*command, str(path)]) == 2
    err = capsys.readouterr().err
    assert f"at most {MAX_PODS} and {MAX_POLICIES} at once" in err and err.count("\n") == 1
    assert main(["pss", str(path)]) in (0, 1)  # Pod Security looks at one pod at a time: no cap


def test_at_the_caps_the_analysis_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump_all(_objects(MAX_PODS, MAX_POLICIES)))
    assert main(["netpol", str(path)]) == 0
    assert f"{MAX_PODS} pods, {MAX_POLICIES} NetworkPolicies" in capsys.readouterr().out
