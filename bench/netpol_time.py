"""NetworkPolicy analysis time on synthetic clusters (N pods and N policies, N = 100 and 1,000): median of several runs
of `analyze` (which resolves every selector), of the findings, and of 1,000 random `allowed` queries.

    python bench/netpol_time.py [--runs 7]

Target: 1,000 pods x 1,000 policies under 1 s for `analyze`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from wizard.analysis.ipblocks import coverages
from wizard.analysis.netpol import Connectivity, analyze
from wizard.analysis.netpol_model import ContainerPort, Namespace, Pod
from wizard.analysis.netpol_policies import Policy, parse_policy

APPS = ["api", "web", "worker", "db", "cache", "queue", "auth", "search", "billing", "mail"]
TIERS = ["front", "back", "data"]
PORTS = (ContainerPort("http", 8080), ContainerPort("metrics", 9090), ContainerPort("dns", 53, "UDP"))


def make_pods(count: int, rng: random.Random) -> tuple[list[Pod], list[Namespace]]:
    namespaces = [f"team-{i}" for i in range(max(2, count // 50))]
    pods = []
    for i in range(count):
        labels = {"app": rng.choice(APPS), "tier": rng.choice(TIERS), "release": f"r{i % 20}",
                  "app.kubernetes.io/part-of": rng.choice(["shop", "ops"])}
        if rng.random() < 0.3:
            labels["role-db-client"] = "true"
        pods.append(Pod(rng.choice(namespaces), f"pod-{i}", labels, PORTS))
    return pods, [Namespace(n, {"env": rng.choice(["prod", "dev"])}) for n in namespaces]


def _peer(rng: random.Random, namespaces: list[Namespace]) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.4:
        return {"podSelector": {"matchLabels": {"app": rng.choice(APPS)}}}
    if kind < 0.6:
        return {"podSelector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": rng.sample(TIERS, 2)},
                                                     {"key": "role-db-client", "operator": "DoesNotExist"}]},
                "namespaceSelector": {"matchLabels": {"env": "prod"}}}
    if kind < 0.8:
        name = rng.choice(namespaces).name
        return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}
    return {"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}


def _rule(rng: random.Random, namespaces: list[Namespace], side: str) -> dict[str, Any]:
    ports = rng.choice([[{"port": 8080}], [{"port": "http"}], [{"port": 8000, "endPort": 8100}],
                        [{"port": 53, "protocol": "UDP"}, {"port": 53}], []])
    return {side: [_peer(rng, namespaces) for _ in range(rng.randint(1, 3))], "ports": ports}


def make_policies(count: int, namespaces: list[Namespace], rng: random.Random) -> list[Policy]:
    policies = []
    for i in range(count):
        selector = rng.choice([{}, {"matchLabels": {"app": rng.choice(APPS)}},
                               {"matchLabels": {"app": rng.choice(APPS), "tier": rng.choice(TIERS)}},
                               {"matchExpressions": [{"key": "release", "operator": "NotIn", "values": ["r1", "r2"]}]}])
        spec = {"podSelector": selector, "policyTypes": ["Ingress", "Egress"],
                "ingress": [_rule(rng, namespaces, "from") for _ in range(rng.randint(0, 2))],
                "egress": [_rule(rng, namespaces, "to") for _ in range(rng.randint(0, 2))]}
        obj = {"kind": "NetworkPolicy", "metadata": {"name": f"np-{i}", "namespace": rng.choice(namespaces).name},
               "spec": spec}
        policies.append(parse_policy(obj, "default"))
    return policies


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        coverages.cache_clear()  # each run pays for its CIDR arithmetic
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def queries(result: Connectivity, pods: list[Pod], rng: random.Random) -> int:
    return sum(result.allowed(rng.choice(pods), rng.choice(pods), rng.choice([53, 8080, 9090]), "TCP")
               for _ in range(1000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    for size in (100, 1000):
        rng = random.Random(size)
        pods, namespaces = make_pods(size, rng)
        policies = make_policies(size, namespaces, rng)
        analysis = median_time(lambda: analyze(pods, policies, namespaces), runs)  # noqa: B023
        result = analyze(pods, policies, namespaces)
        findings = median_time(lambda: result.findings, runs)  # noqa: B023
        allowed = median_time(lambda: queries(result, pods, rng), runs)  # noqa: B023
        one_pod = median_time(lambda: result.outgoing(pods[0]), runs)  # noqa: B023
        print(f"{size:>5} pods x {size:>5} policies: analyze {analysis * 1000:8.1f} ms | findings "
              f"{findings * 1000:7.1f} ms | 1,000 allowed() {allowed * 1000:7.1f} ms | outgoing(one pod) "
              f"{one_pod * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
