"""Time of wizard pss, netpol and explain --manifests on real renders and on hostile manifests, median of N runs, in
process through cli.main. The commands get the objects already parsed (YAML reading is yamlio's, measured by its own
bench; --parse also times it here, once per case): what is measured is the shape checks, the NetworkPolicy checks,
the analysis and the output.

Cases: the real render of the backend's defaults (../shared, when present, else the embedded model's objects); the
same render copied with new names to fill a 20 MB file (the read cap: pss analyses it, netpol and explain refuse it,
past their 150 pods / 300 policies); at those caps, 150 pods under 300 policies that all select each other, each
with its own port and address block (the network analysis' worst case); and hostile shapes: a StatefulSet of two
billion replicas, a pod of 20,000 containers, 50,000 labels, a NetworkPolicy of 5,000 peers and 5,000 ports, a
selector with 20,000 values, 2,000 malformed fields in one object (refused), and one malformed field in the last of
5,000 objects (refused after checking the others).

    python bench/hostile_manifests.py [--runs 5] [--parse]

Target: every case under 5 s ("Nothing under the documented caps takes more than 5 s"). Not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wizard import cli  # noqa: E402
from wizard.analysis import manifests  # noqa: E402
from wizard.core.files import MAX_READ_BYTES  # noqa: E402

RENDER = ROOT.parent / "shared" / "reference" / "substra-renders" / "substra-backend" / "00-defaults.yaml"
COMMANDS = (["pss"], ["netpol"], ["explain", "--manifests"])


def _render() -> list[dict[str, Any]]:
    if RENDER.is_file():
        return [d for d in yaml.safe_load_all(RENDER.read_text()) if isinstance(d, dict)]
    from wizard.charts.renderer import EmbeddedRenderer

    return EmbeddedRenderer().render("substra-backend", "26.15.3", None, release="rel", namespace="org-1")


def _pod(name: str, spec: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {"app": name}},
            "spec": spec}


def _policy(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"}, "spec": spec}


def _dense(pods: int, policies: int) -> list[dict[str, Any]]:
    """Pods with one label in seven, each policy selecting all of them, letting in one seventh of them and a /16 on
    its own port, and out to every pod and namespace on its own port and DNS."""
    found: list[dict[str, Any]] = [
        _pod(f"p{i}", {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]},
             {"app": "x", "group": str(i % 7)}) for i in range(pods)]
    for j in range(policies):
        spec = {"podSelector": {"matchLabels": {"app": "x"}}, "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"group": str(j % 7)}}},
                                      {"ipBlock": {"cidr": f"10.{j % 250}.0.0/16"}}],
                             "ports": [{"port": "http"}, {"port": 1000 + j}]}],
                "egress": [{"to": [{"podSelector": {}}, {"namespaceSelector": {}}],
                            "ports": [{"port": 53, "protocol": "UDP"}, {"port": 2000 + j}]}]}
        found.append({**_policy(spec), "metadata": {"name": f"np{j}"}})
    return found


def _filled(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the render, renamed, until the YAML is just under the read cap."""
    one = len(yaml.dump_all(objects, Dumper=yaml.CSafeDumper).encode())
    copies = max(1, (MAX_READ_BYTES - 1024) // (one + 2048))
    found = []
    for index in range(copies):
        for obj in objects:
            item = copy.deepcopy(obj)
            item.setdefault("metadata", {})["name"] = f"{item['metadata'].get('name', 'x')}-{index}"
            found.append(item)
    return found


def cases() -> dict[str, list[dict[str, Any]]]:
    render = _render()
    container = {"name": "c", "image": "busybox", "securityContext": {"runAsNonRoot": True}}
    wide = {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": f"10.{i // 256}.{i % 256}.0/24"}}
                                                     for i in range(5000)],
                                            "ports": [{"port": 1 + i, "protocol": "TCP"} for i in range(5000)]}]}
    many_values = {"podSelector": {"matchExpressions": [{"key": "app", "operator": "In",
                                                         "values": [f"v{i}" for i in range(20000)]}]}}
    bad_fields = {"containers": [{"name": f"c{i}", "securityContext": "x"} for i in range(2000)]}
    last_bad = [_pod(f"p{i}", {"containers": [dict(container)]}) for i in range(5000)]
    last_bad[-1]["spec"]["containers"] = "x"
    return {
        "real render (backend defaults)": render,
        f"render copies up to the {MAX_READ_BYTES >> 20} MB cap": _filled(render),
        "150 pods under 300 policies (the caps), all selecting each other": _dense(150, 300),
        "StatefulSet of 2,000,000,000 replicas": [{
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"},
            "spec": {"replicas": 2_000_000_000, "template": {"spec": {"containers": [container]}},
                     "volumeClaimTemplates": [{"metadata": {"name": "d"}, "spec": {}}]}}],
        "pod of 20,000 containers": [_pod("big", {"containers": [dict(container, name=f"c{i}")
                                                                 for i in range(20000)]})],
        "pod with 50,000 labels": [_pod("labels", {"containers": [container]},
                                        {f"l{i}": f"v{i}" for i in range(50000)})],
        "policy of 5,000 peers and 5,000 ports": [_pod("web", {"containers": [container]}), _policy(wide)],
        "selector of 20,000 values": [_pod("web", {"containers": [container]}), _policy(many_values)],
        "2,000 malformed fields (refused)": [_pod("bad", bad_fields)],
        "5,000 pods, the last malformed (refused)": last_bad,
    }


def _time(argv: list[str], objects: list[dict[str, Any]]) -> tuple[float, int]:
    """One run of the command on `objects` (a fresh copy: nothing is shared between runs)."""
    documents = copy.deepcopy(objects)
    manifests._read = lambda path: ("", str(path))  # type: ignore[assignment]
    manifests.yamlio.load_documents = lambda text, source: documents  # type: ignore[assignment]
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main([*argv, "m.yaml"])
    return time.perf_counter() - start, code


def _parse_time(objects: list[dict[str, Any]]) -> str:
    from wizard.yamlkit import yamlio

    text = yaml.safe_dump_all(objects, sort_keys=False)
    start = time.perf_counter()
    yamlio.load_documents(text, "m.yaml")
    return f"; YAML reading {time.perf_counter() - start:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parse", action="store_true", help="also time yamlio reading each case's YAML, once")
    args = parser.parse_args()
    worst = 0.0
    for name, objects in cases().items():
        size = len(yaml.dump_all(objects, sort_keys=False, Dumper=yaml.CSafeDumper).encode())
        parsed = _parse_time(objects) if args.parse else ""
        for command in COMMANDS:
            times, codes = [], set()
            for _ in range(args.runs):
                elapsed, code = _time(command, objects)
                times.append(elapsed)
                codes.add(code)
            median = statistics.median(times)
            worst = max(worst, median)
            print(f"{name} ({len(objects)} objects, {size / 1e6:.1f} MB of YAML), {' '.join(command)}: median "
                  f"{median * 1000:.0f} ms (exit {'/'.join(map(str, sorted(codes)))}, {args.runs} runs){parsed}",
                  flush=True)
            parsed = ""
    print(f"target: every case under 5 s: {'under' if worst < 5 else 'OVER'} (worst median {worst:.2f} s)")


if __name__ == "__main__":
    main()
