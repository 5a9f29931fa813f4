"""Cost of one explain with the embedded chart models: render (coalesce + model) plus the PSS, NetworkPolicy and
volume analysis of the result, per chart with default values. Median of many in-process runs, in ms.

    python bench/explain_cost.py [--runs 200]

Target: a whole explain under 10 ms. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.analysis.netpol import analyze, from_manifests
from wizard.analysis.volumes import inventory
from wizard.charts.renderer import EmbeddedRenderer

NAMESPACE = "org-1"


def explain(renderer: EmbeddedRenderer, chart: str, version: str) -> tuple[float, float]:
    """One explain; returns (render ms, analysis ms)."""
    start = time.perf_counter()
    objects = renderer.render(chart, version, {}, release="rel", namespace=NAMESPACE)
    rendered = time.perf_counter()
    manifests = [Manifest(obj, "model", index) for index, obj in enumerate(objects, 1)]
    for item in manifests:
        spec = pod_spec(item.obj)
        if spec is not None:
            pss.highest_level({"metadata": pod_metadata(item.obj), "spec": spec})
            pss.evaluate_object(item.obj, "restricted")
    pods, policies, namespaces = from_manifests(manifests, NAMESPACE)
    result = analyze(pods, policies, namespaces)
    for pod in result.pods:
        result.incoming(pod)
        result.outgoing(pod)
    _ = result.findings
    inventory(manifests, NAMESPACE)
    return (rendered - start) * 1000, (time.perf_counter() - rendered) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    renderer = EmbeddedRenderer()
    for chart, version in renderer.supported():
        explain(renderer, chart, version)  # warm-up: defaults JSON read, check tables built
        timings: list[tuple[float, Any]] = [explain(renderer, chart, version) for _ in range(args.runs)]
        render_ms = statistics.median(t[0] for t in timings)
        analysis_ms = statistics.median(t[1] for t in timings)
        total_ms = statistics.median(t[0] + t[1] for t in timings)
        print(f"{chart} {version}: render {render_ms:.3f} ms + analysis {analysis_ms:.3f} ms "
              f"= {total_ms:.3f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
