"""The embedded chart models against the real renders in ../shared: the analysis must not tell them apart.

Generic on purpose: every chart EmbeddedRenderer supports, every `*.values.json` scenario in its render folder
(held-out scenarios get added there), compared through what the wizard reports (objects, Pod Security levels and
violations, connectivity per pod, claims), not through the YAML itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.analysis.netpol import analyze, from_manifests
from wizard.analysis.selectors import InvalidPolicy
from wizard.analysis.volumes import inventory
from wizard.charts.components import charts_in, component_of, is_helm_test
from wizard.charts.renderer import EmbeddedRenderer

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
# Every render folder that shares the format: the charts' defaults and features, then the hardening set (storage
# NetworkPolicies, credentials, accounts, image mirrors, TLS). New folders of the same shape join by name.
RENDER_FOLDERS = ("substra-renders", "substra-renders-secure")
RELEASES_FOLDER = "substra-renders-releases"
"""Renders under other release names: each file's stem is the release (the others all use `rel`)."""
RELEASE, NAMESPACE = "rel", "org-1"
RENDERER = EmbeddedRenderer()


def _scenarios() -> list[Any]:
    found = []
    for folder in RENDER_FOLDERS:
        for chart, version in RENDERER.supported():
            charts = REFERENCE / folder / chart
            for values in sorted(charts.glob("*.values.json")) if charts.is_dir() else []:
                render = values.with_name(values.name.removesuffix(".values.json") + ".yaml")
                found.append(pytest.param(chart, version, values, render, RELEASE,
                                          id=f"{folder}/{chart}/{render.stem}"))
    for chart, version in RENDERER.supported():
        charts = REFERENCE / RELEASES_FOLDER / chart
        for values in sorted(charts.glob("*.values.json")) if charts.is_dir() else []:
            render = values.with_name(values.name.removesuffix(".values.json") + ".yaml")
            found.append(pytest.param(chart, version, values, render, render.stem,
                                      id=f"{RELEASES_FOLDER}/{chart}/{render.stem}"))
    return found


SCENARIOS = _scenarios()
pytestmark = pytest.mark.skipif(not SCENARIOS, reason=f"no render scenarios under {REFERENCE} (the shared reference "
                                                      "is not checked out next to this repository)")


def _read_render(path: Path) -> list[Manifest]:
    with open(path, encoding="utf-8") as handle:
        docs = list(yaml.load_all(handle, Loader=yaml.CSafeLoader))
    return [Manifest(doc, str(path), index) for index, doc in enumerate(docs, 1) if isinstance(doc, dict)]


def _model(chart: str, version: str, values_path: Path, release: str = RELEASE) -> list[Manifest]:
    values = json.loads(values_path.read_text(encoding="utf-8"))
    return [Manifest(obj, "model", index)
            for index, obj in enumerate(RENDERER.render(chart, version, values, release=release, namespace=NAMESPACE),
                                        1)]


def _objects(manifests: list[Manifest]) -> dict[tuple[str, str], Manifest]:
    """Workloads with pod templates, NetworkPolicies and claims, by (kind, name)."""
    return {(m.kind, m.name): m for m in manifests
            if m.kind in ("NetworkPolicy", "PersistentVolumeClaim") or pod_spec(m.obj) is not None}


def _pss(obj: dict[str, Any]) -> dict[str, Any]:
    pod = {"metadata": pod_metadata(obj), "spec": pod_spec(obj)}
    return {"highest level": pss.highest_level(pod),
            "restricted": [str(v) for v in pss.evaluate_object(obj, "restricted") or []],
            "baseline": [str(v) for v in pss.evaluate_object(obj, "baseline") or []]}


def _connectivity(manifests: list[Manifest]) -> dict[str, dict[str, set[tuple[str, str, str]]]]:
    """Per pod: incoming and outgoing connections as (source, destination, ports) text."""
    pods, policies, namespaces = from_manifests(manifests, NAMESPACE)
    result = analyze(pods, policies, namespaces)
    return {pod.key: {direction: {(str(c.source), str(c.destination), c.ports.describe()) for c in conns}
                      for direction, conns in (("incoming", result.incoming(pod)),
                                               ("outgoing", result.outgoing(pod)))}
            for pod in result.pods}


def _claims(manifests: list[Manifest]) -> dict[str, tuple[Any, ...]]:
    return {c.name: (c.created, c.size, c.storage_class, c.access_modes) for c in inventory(manifests, NAMESPACE)}


def _compare_objects(model: list[Manifest], real: list[Manifest]) -> list[str]:
    mine, theirs = _objects(model), _objects(real)
    diffs = [f"object only in the model: {k}/{n}" for k, n in sorted(mine.keys() - theirs.keys())]
    diffs += [f"object only in the render: {k}/{n}" for k, n in sorted(theirs.keys() - mine.keys())]
    for key in sorted(mine.keys() & theirs.keys()):
        if key[0] in ("NetworkPolicy", "PersistentVolumeClaim"):
            continue
        got, want = _pss(mine[key].obj), _pss(theirs[key].obj)
        diffs += [f"{key[0]}/{key[1]} PSS {aspect}: model {got[aspect]!r}, render {want[aspect]!r}"
                  for aspect in got if got[aspect] != want[aspect]]
    return diffs


def _refusal(manifests: list[Manifest]) -> str | None:
    """Why the analysis refuses these manifests (a policy the API server would reject), without the file name and
    document number (the model does not emit every object the chart does)."""
    try:
        _connectivity(manifests)
    except InvalidPolicy as refused:
        return str(refused).split(", ", 1)[1].split(" ", 2)[2]
    return None


def _compare_connectivity(model: list[Manifest], real: list[Manifest]) -> list[str]:
    refused = _refusal(model), _refusal(real)
    if refused != (None, None):
        # A deliberately broken scenario: the model must produce the same invalid object the chart does.
        return [] if refused[0] == refused[1] else [f"refusal: model {refused[0]!r}, render {refused[1]!r}"]
    mine, theirs = _connectivity(model), _connectivity(real)
    diffs = [f"pod only in the model's connectivity: {pod}" for pod in sorted(mine.keys() - theirs.keys())]
    diffs += [f"pod only in the render's connectivity: {pod}" for pod in sorted(theirs.keys() - mine.keys())]
    for pod in sorted(mine.keys() & theirs.keys()):
        for direction in ("incoming", "outgoing"):
            got, want = mine[pod][direction], theirs[pod][direction]
            diffs += [f"{pod} {direction}: only in the model {c}" for c in sorted(got - want)]
            diffs += [f"{pod} {direction}: only in the render {c}" for c in sorted(want - got)]
    return diffs


def _compare_components(model: list[Manifest], real: list[Manifest]) -> list[str]:
    """Each workload is recognised as the same Substra component (a release named substra-backend* included), and
    the chart's own workloads as components of the reference page, not by their object names."""
    found = []
    for manifests in (model, real):
        charts = charts_in(manifests, NAMESPACE)
        found.append({(m.kind, m.name): component_of(m, charts) for m in manifests if pod_spec(m.obj) is not None})
    mine, theirs = found
    diffs = [f"{kind}/{name} is component {mine[(kind, name)]!r} in the model, {theirs[(kind, name)]!r} in the render"
             for kind, name in sorted(mine.keys() & theirs.keys()) if mine[(kind, name)] != theirs[(kind, name)]]
    return diffs + [f"{kind}/{name} is recognised as {component!r}: an object name, not a component id"
                    for (kind, name), component in sorted(theirs.items())
                    if "substra-backend" in component and not is_helm_test(next(m for m in real if m.name == name))]


def _compare_claims(model: list[Manifest], real: list[Manifest]) -> list[str]:
    mine, theirs = _claims(model), _claims(real)
    return [f"claim {name}: model {mine.get(name)}, render {theirs.get(name)}"
            for name in sorted(mine.keys() | theirs.keys()) if mine.get(name) != theirs.get(name)]


@pytest.mark.parametrize(("chart", "version", "values_path", "render_path", "release"), SCENARIOS)
def test_the_analysis_cannot_tell_the_model_from_the_real_render(chart: str, version: str, values_path: Path,
                                                                 render_path: Path, release: str) -> None:
    assert render_path.is_file(), f"{values_path.name} has no render {render_path.name}"
    model, real = _model(chart, version, values_path, release), _read_render(render_path)
    diffs = (_compare_objects(model, real) + _compare_connectivity(model, real) + _compare_claims(model, real)
             + _compare_components(model, real))
    assert not diffs, f"{chart} {version}, {render_path.name}: {len(diffs)} differences:\n" + "\n".join(diffs)
