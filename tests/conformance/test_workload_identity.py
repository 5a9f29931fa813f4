"""The embedded models' workloads select their pods, and name their governing Service, exactly as the real charts
do: the API server refuses a Deployment or StatefulSet without them (so the end-to-end tests' stand-in charts need
them), and the install finds a workload's pods through its selector."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_chart_models import SCENARIOS, _model, _read_render

pytestmark = pytest.mark.skipif(not SCENARIOS, reason="no render scenarios under ../shared/reference/substra-renders "
                                                      "(the shared reference is not checked out next to this "
                                                      "repository)")


def _identity(manifests: list) -> dict[tuple[str, str], tuple[object, object]]:
    return {(m.kind, m.name): (m.obj["spec"].get("selector"), m.obj["spec"].get("serviceName"))
            for m in manifests if m.kind in ("Deployment", "StatefulSet")}


@pytest.mark.parametrize(("chart", "version", "values_path", "render_path", "release"), SCENARIOS)
def test_selectors_and_service_names_match_the_render(chart: str, version: str, values_path: Path,
                                                      render_path: Path, release: str) -> None:
    model, render = _identity(_model(chart, version, values_path, release)), _identity(_read_render(render_path))
    assert model.keys() == render.keys()
    for key, (selector, service) in render.items():
        assert model[key] == (selector, service), key
        assert selector and selector.get("matchLabels"), key
