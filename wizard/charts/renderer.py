"""Turning chart values into the Kubernetes objects a chart would render, for the analysis commands.

`Renderer` is the interface the explain commands depend on. `EmbeddedRenderer` answers instantly from a Python
model of each supported chart version (only the objects the analysis reads: workloads, NetworkPolicies, claims).
A `HelmRenderer` (the real chart through helm) will implement the same Protocol later, for full fidelity.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Protocol

from wizard.charts import orchestrator_8_8_0, substra_backend_26_15_3, substra_frontend_1_2_3
from wizard.charts.chart_defaults import coalesce, load_defaults


class Renderer(Protocol):
    """Render a chart version with an override values file (coalesced over the chart defaults by the renderer)."""

    def render(self, chart: str, version: str, values: dict[str, Any], *, release: str,
               namespace: str) -> list[dict[str, Any]]: ...


_MODELS: dict[tuple[str, str], ModuleType] = {
    (orchestrator_8_8_0.CHART, orchestrator_8_8_0.VERSION): orchestrator_8_8_0,
    (substra_backend_26_15_3.CHART, substra_backend_26_15_3.VERSION): substra_backend_26_15_3,
    (substra_frontend_1_2_3.CHART, substra_frontend_1_2_3.VERSION): substra_frontend_1_2_3,
}


class EmbeddedRenderer:
    """Render from the embedded chart models: no Helm, no YAML, a few hundred microseconds per chart."""

    def __init__(self, models: dict[tuple[str, str], ModuleType] | None = None) -> None:
        self._models = dict(_MODELS if models is None else models)

    def supported(self) -> list[tuple[str, str]]:
        """The (chart, version) pairs that have a model, so callers and tests can loop over them."""
        return sorted(self._models)

    def render(self, chart: str, version: str, values: dict[str, Any] | None, *, release: str,
               namespace: str) -> list[dict[str, Any]]:
        """The objects of one release; `values` is the override file (None or {} means the chart defaults)."""
        return self._model(chart, version).render(self._merged(chart, version, values), release,  # type: ignore[no-any-return]
                                                  namespace)

    def render_with_runtime_pods(self, chart: str, version: str, values: dict[str, Any] | None, *, release: str,
                                 namespace: str) -> list[dict[str, Any]]:
        """The objects of one release, then the pods its application creates while it runs (the backend's image
        builds and compute tasks), from one merge of the values."""
        model, merged = self._model(chart, version), self._merged(chart, version, values)
        runtime = model.runtime_pods(merged, release, namespace) if hasattr(model, "runtime_pods") else []
        return [*model.render(merged, release, namespace), *runtime]

    def runtime_pods(self, chart: str, version: str, values: dict[str, Any] | None, *, release: str,
                     namespace: str) -> list[dict[str, Any]]:
        """Only the pods the application creates while it runs ([] for charts that create none)."""
        model = self._model(chart, version)
        if not hasattr(model, "runtime_pods"):
            return []
        return model.runtime_pods(self._merged(chart, version, values), release, namespace)  # type: ignore[no-any-return]

    def _model(self, chart: str, version: str) -> ModuleType:
        model = self._models.get((chart, version))
        if model is None:
            known = ", ".join(f"{name} {ver}" for name, ver in self.supported())
            raise ValueError(f"no embedded model for chart {chart!r} version {version!r}; supported: {known}")
        return model

    def _merged(self, chart: str, version: str, values: dict[str, Any] | None) -> dict[str, Any]:
        if values is not None and not isinstance(values, dict):
            raise ValueError(f"values for {chart} {version} must be a mapping, not {type(values).__name__}")
        return coalesce(load_defaults(chart, version), values or {})
