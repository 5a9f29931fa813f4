"""Cost of one explain with the embedded chart models, in-process, median of many runs, in ms:
- per chart with default values: render (coalesce + model) and the report (Pod Security, NetworkPolicy, volumes,
  findings);
- per preset: the whole `wizard explain --preset NAME` path from a built Plan (values, every chart, run-time pods,
  report and findings), which the TUI reruns on every change;
- when helm-python-sdk is installed: rendering the real chart with Helm's engine, as a ratio (else said so).

    python bench/explain_cost.py [--runs 100]

Target: a whole explain under 10 ms. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from wizard import presets
from wizard.analysis import pss
from wizard.analysis.manifests import Manifest
from wizard.charts.renderer import EmbeddedRenderer
from wizard.explain import explain, plan_inputs
from wizard.findings import add_findings
from wizard.layers import Layer, build_plan
from wizard.report import build

NAMESPACE = "org-1"


def _median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: defaults JSON read, check tables built, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _chart(renderer: EmbeddedRenderer, chart: str, version: str, runs: int) -> tuple[float, float]:
    def render() -> list[dict]:
        return renderer.render(chart, version, {}, release="rel", namespace=NAMESPACE)

    def report() -> object:
        manifests = [Manifest(obj, "model", index) for index, obj in enumerate(objects, 1)]
        return add_findings(build(manifests, version=pss.LATEST, default_namespace=NAMESPACE, source="embedded"),
                            manifests)

    objects = render()
    return _median_ms(render, runs), _median_ms(report, runs)


def _helm_ratio(embedded_ms: float) -> str:
    try:
        import helm_python  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return ("helm-python-sdk is not installed, so there is no Helm timing to compare with "
                "(pip install helm-python-sdk; FACTS.md measured 40-76 ms per backend render with its subcharts)")
    return "helm-python-sdk is installed, but the chart sources (templates) are not shipped here: no comparable render"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    runs = parser.parse_args(argv).runs
    renderer = EmbeddedRenderer()
    for chart, version in renderer.supported():
        render_ms, report_ms = _chart(renderer, chart, version, runs)
        print(f"{chart} {version}: render {render_ms:.2f} ms + report {report_ms:.2f} ms (median of {runs})")
    plans = {name: build_plan([Layer(name, presets.load(name).plan)]) for name in presets.names()}
    times: dict[str, list[float]] = {name: [] for name in plans}
    for plan in plans.values():
        explain(plan_inputs(plan), version=pss.LATEST, plan=plan)  # warm-up
    for _ in range(runs):  # round-robin, so that periodic costs (garbage collection) fall on every preset alike
        for name, plan in plans.items():
            start = time.perf_counter()
            explain(plan_inputs(plan), version=pss.LATEST, plan=plan)
            times[name].append((time.perf_counter() - start) * 1000)
    for name, series in times.items():
        print(f"explain --preset {name}: median {statistics.median(series):.2f} ms, p90 "
              f"{statistics.quantiles(series, n=10)[-1]:.2f} ms ({runs} runs; every chart, run-time pods)")
    print(_helm_ratio(statistics.median(times.get("minimal", [0.0]))))


if __name__ == "__main__":
    main()
