"""Images: for every scenario in ../shared/reference/substra-renders and substra-renders-secure, the image of every
container (init and main, of every object with a pod template, helm test pods included) in the embedded model's
output equals the real render's. And for every scenario that puts images on a mirror (sets global.imageRegistry),
the wizard's own mirror keys move at least every image the scenario moved, to the same reference, and leave
outside only the images no key can move. New scenarios are picked up by the glob."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analysis.manifests import pod_spec
from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import coalesce
from wizard.charts.mirror import key_for, mirror_settings
from wizard.charts.renderer import EmbeddedRenderer
from wizard.reporting.explain import nest
from wizard.writing.values import Setting

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
FOLDERS = ("substra-renders", "substra-renders-secure")
RELEASE, NAMESPACE = "rel", "org-1"
RENDERER = EmbeddedRenderer()


def _scenarios() -> list[Any]:
    found = []
    for folder in FOLDERS:
        for values in sorted((REFERENCE / folder).glob("*/*.values.json")):
            if values.parent.name in SUPPORTED_VERSIONS:
                found.append(pytest.param(values, id=f"{folder}/{values.parent.name}/{values.name}"))
    return found


SCENARIOS = _scenarios()
pytestmark = pytest.mark.skipif(not SCENARIOS, reason=f"no render scenarios under {REFERENCE} (the shared reference "
                                                      "is not checked out next to this repository)")


def _images(objects: Any) -> dict[tuple[str, str, str], str]:
    """(object, container kind, container name) -> image, for every object with a pod template."""
    found = {}
    for obj in objects:
        spec = pod_spec(obj) if isinstance(obj, dict) else None
        if spec is None:
            continue
        label = f"{obj['kind']}/{obj['metadata']['name']}"
        for kind in ("initContainers", "containers"):
            for container in spec.get(kind) or []:
                found[(label, kind, container["name"])] = container.get("image")
    return found


def _render(values_path: Path) -> list[Any]:
    text = values_path.with_name(values_path.name.removesuffix(".values.json") + ".yaml").read_text()
    return list(yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _model(chart: str, values: dict[str, Any]) -> list[Any]:
    return RENDERER.render(chart, SUPPORTED_VERSIONS[chart], values, release=RELEASE, namespace=NAMESPACE)


@pytest.mark.parametrize("values_path", SCENARIOS)
def test_every_container_image_of_the_model_equals_the_render(values_path: Path) -> None:
    chart = values_path.parent.name
    model = _images(_model(chart, json.loads(values_path.read_text()) or {}))
    real = _images(_render(values_path))
    assert real, f"{values_path.name}: the render has no container"
    diffs = [f"{key}: model {model.get(key)}, render {real.get(key)}"
             for key in sorted(model.keys() | real.keys()) if model.get(key) != real.get(key)]
    assert not diffs, "\n".join(diffs)


def _wizard_mirror(chart: str, mirror: str) -> dict[str, Any]:
    """The keys the wizard writes for `features.image_mirror`, as an override file."""
    return nest([Setting(path, value, "features.image_mirror")
                 for path, value in mirror_settings(chart, SUPPORTED_VERSIONS[chart], mirror)])


MIRRORED = [p for p in SCENARIOS if (json.loads(p.values[0].read_text()) or {}).get("global", {}).get("imageRegistry")]


@pytest.mark.skipif(not MIRRORED, reason="no scenario sets global.imageRegistry")
@pytest.mark.parametrize("values_path", MIRRORED)
def test_the_wizard_mirror_moves_what_the_scenario_moved_and_more(values_path: Path) -> None:
    chart = values_path.parent.name
    given = json.loads(values_path.read_text())
    mirror = given["global"]["imageRegistry"]
    ours = _images(_model(chart, coalesce(given, _wizard_mirror(chart, mirror))))
    real = _images(_render(values_path))
    assert ours.keys() == real.keys()
    problems = []
    for key, image in real.items():
        if image.startswith(f"{mirror}/") and ours[key] != image:
            problems.append(f"{key}: the scenario pulls {image}, the wizard's keys give {ours[key]}")
        movable = key_for(chart, key[2], key[0].split("/", 1)[1]) is not None
        if movable and not ours[key].startswith(f"{mirror}/"):
            problems.append(f"{key}: {ours[key]} stays outside {mirror} although a key moves it")
        if not movable and ours[key] != image:
            problems.append(f"{key}: no key should move it, yet {image} became {ours[key]}")
    assert not problems, "\n".join(problems)
