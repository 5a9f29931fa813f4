"""How many pod templates per second the PSS evaluator checks (target: >= 10,000 for typical 2-3 container pods).

Run: .venv/bin/python bench/pss_rate.py [--pods N] [--rounds R]. Not a test: prints the median rate per level.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from wizard.analysis import pss

_HARDENED = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
             "readOnlyRootFilesystem": True, "seccompProfile": {"type": "RuntimeDefault"}}
_ROOT = {"runAsUser": 0, "runAsNonRoot": False}
_CAPS = {"capabilities": {"add": ["NET_ADMIN"], "drop": ["ALL"]}, "allowPrivilegeEscalation": False}


def _container(rng: random.Random, index: int, hardened: bool) -> dict[str, Any]:
    """A realistic container: image, ports, env, probes, resources, and one of several security contexts."""
    context = _HARDENED if hardened else rng.choice([_HARDENED, _ROOT, _CAPS, None, {}])
    container: dict[str, Any] = {
        "name": f"c{index}", "image": f"registry.example/app{index}:1.{rng.randint(0, 9)}",
        "ports": [{"containerPort": 8000 + index, "name": "http", "protocol": "TCP"}],
        "env": [{"name": f"VAR{i}", "value": str(i)} for i in range(rng.randint(2, 8))],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}},
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8000 + index}, "periodSeconds": 10},
        "livenessProbe": {"tcpSocket": {"port": 8000 + index}},
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}],
    }
    if context is not None:
        container["securityContext"] = dict(context)
    return container


def _pod(rng: random.Random) -> dict[str, Any]:
    """A Deployment-like pod template with 1 init container and 2-3 containers; about half are hardened."""
    hardened = rng.random() < 0.5
    spec: dict[str, Any] = {
        "serviceAccountName": "app",
        "initContainers": [_container(rng, 9, hardened)],
        "containers": [_container(rng, i, hardened) for i in range(rng.randint(2, 3))],
        "volumes": [{"name": "config", "configMap": {"name": "app"}}, {"name": "tmp", "emptyDir": {}}],
    }
    if rng.random() < 0.7:
        spec["securityContext"] = {"runAsNonRoot": True, "runAsUser": 1001, "fsGroup": 1001,
                                   "seccompProfile": {"type": "RuntimeDefault"}}
    if rng.random() < 0.05:
        spec["volumes"].append({"name": "host", "hostPath": {"path": "/var/run"}})
    return {"metadata": {"labels": {"app": "x"}, "annotations": {"checksum/config": "abc"}}, "spec": spec}


def _rate(pods: list[dict[str, Any]], level: str, rounds: int) -> float:
    """Median pod templates per second over `rounds` passes."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for pod in pods:
            pss.evaluate(pod, level, pss.LATEST)
        rates.append(len(pods) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the PSS evaluator on generated pod templates.")
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(42)
    pods = [_pod(rng) for _ in range(args.pods)]
    denied = sum(bool(pss.evaluate(pod, "restricted")) for pod in pods)
    print(f"{len(pods)} pod templates ({denied} not allowed at restricted), median of {args.rounds} rounds:")
    for level in ("restricted", "baseline"):
        print(f"  {level:<10} {_rate(pods, level, args.rounds):>10,.0f} pod templates/s")


if __name__ == "__main__":
    main()
