"""Explaining a configuration: Plan or override values -> objects (embedded chart model) -> the Report, with the
findings of the objects, of the values, and of the Plan's own notes. Real manifests take `report.build` directly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wizard.analysis.manifests import Manifest, from_render
from wizard.charts.chart_defaults import coalesce
from wizard.charts.components import ChartRelease
from wizard.charts.renderer import EmbeddedRenderer, Renderer
from wizard.core.errors import WizardError
from wizard.planning.declare import declaration
from wizard.planning.plan import Plan
from wizard.planning.rules import notes
from wizard.reporting.findings import add_findings, values_findings
from wizard.reporting.image_findings import mirror_findings
from wizard.reporting.report import Finding, Report, build
from wizard.writing.chart_inputs import ChartInput, nest, plan_inputs  # noqa: F401 - nest: its callers import it here
from wizard.writing.images import images_of
from wizard.writing.values import Setting

_AREA = {"storage": "volumes", "ingress": "network", "orchestrator": "network", "target": "network"}


def plan_version(plan: Plan) -> tuple[int, int]:
    """The Pod Security rules a Plan is judged by: its target Kubernetes version (newer ones use the newest rules)."""
    from wizard.analysis import pss

    return pss.clamp(pss.parse_version(plan.target.kubernetes_version))


def explain(inputs: Sequence[ChartInput], *, version: tuple[int, int], runtime_pods: bool = True,
            renderer: Renderer | None = None, plan: Plan | None = None) -> Report:
    """The Report of these releases as the embedded chart models render them.

    Raises:
        WizardError: a chart version has no embedded model.
    """
    renderer = renderer or EmbeddedRenderer()
    manifests: list[Manifest] = []
    mirror, images = plan.features.image_mirror if plan else None, []
    for item in inputs:
        rendered = release_manifests(item, runtime_pods, renderer)
        manifests += rendered
        images += images_of(item.release, rendered, item.values) if mirror else []
    default_namespace = inputs[0].release.namespace if inputs else "default"
    report = build(manifests, version=version, default_namespace=default_namespace, source="embedded",
                   charts=[i.release for i in inputs])
    add_findings(report, manifests)
    private = _private_values(plan) if plan else {}
    report.findings += [f for i in inputs for f in values_findings(
        i.release.chart, coalesce(dict(i.values), private.get(i.release.chart, {})))]
    report.findings += _plan_findings(plan) if plan else []
    report.findings += mirror_findings(images, mirror)
    return report


def _private_values(plan: Plan) -> dict[str, dict[str, Any]]:
    """Per chart, the credentials a Plan gives helm from secrets/ (as placeholders): the inputs of a diff leave them
    out, like the values files, but helm gets them, so the credential findings must see them."""
    from wizard.writing.credentials import resolve
    from wizard.writing.values import render

    return {v.chart: nest([Setting(s.path, resolve(s.value, None), s.field) for s in v.private])
            for v in render(plan) if v.private}


def release_manifests(item: ChartInput, runtime_pods: bool = True,
                      renderer: Renderer | None = None) -> list[Manifest]:
    """The objects of one release as the embedded model renders them (with its run-time pods unless told not to).

    Raises:
        WizardError: the chart version has no embedded model.
    """
    renderer = renderer or EmbeddedRenderer()
    chart = item.release
    render = renderer.render_with_runtime_pods if runtime_pods and isinstance(renderer, EmbeddedRenderer) else \
        renderer.render
    try:
        objects = render(chart.chart, chart.version, dict(item.values), release=chart.release,
                         namespace=chart.namespace)
    except ValueError as error:
        raise WizardError(f"{error}. Explain its rendered manifests instead: helm template {chart.release} "
                          f"substra/{chart.chart} --version {chart.version} -n {chart.namespace} -f VALUES | "
                          "wizard explain --manifests -") from None
    return from_render(objects, f"{chart.chart} {chart.version} (embedded model)")


def runtime_manifests(manifests: Sequence[Manifest], charts: Sequence[ChartRelease]) -> tuple[list[Manifest],
                                                                                                list[Finding]]:
    """The run-time pods of every backend release found in rendered manifests, from the few values they depend on
    that the objects show (is the builder there; the GPU limit in the settings ConfigMap). A release whose chart
    version has no model gets a finding instead."""
    renderer, found, notes_ = EmbeddedRenderer(), [], []
    for chart in charts:
        if chart.chart != "substra-backend":
            continue
        try:
            objects = renderer.runtime_pods(chart.chart, chart.version, _runtime_values(manifests, chart),
                                            release=chart.release, namespace=chart.namespace)
        except ValueError:
            notes_.append(Finding("security", "info", f"run-time pods of {chart.chart} {chart.version} (release "
                                  f"{chart.release}) are not shown: the wizard has no model of that version", None))
            continue
        found += from_render(objects, "run-time pods (embedded model)")
    return found, notes_


def _runtime_values(manifests: Sequence[Manifest], chart: ChartRelease) -> dict[str, Any]:
    from wizard.charts.components import component_of, labels_of, release_of

    mine = [m for m in manifests if release_of(labels_of(m.obj)) == chart.release or m.kind == "ConfigMap"]
    builder = any(component_of(m, [chart]) == "backend-builder" for m in mine if m.kind == "StatefulSet")
    gpus = next((m.obj["data"]["COMPUTE_POD_GKE_GPUS_LIMITS"] for m in mine if m.kind == "ConfigMap"
                 and "COMPUTE_POD_GKE_GPUS_LIMITS" in (m.obj.get("data") or {})), None)
    values: dict[str, Any] = {"builder": {"enabled": builder}}
    if gpus is not None:
        values["config"] = {"COMPUTE_POD_GKE_GPUS_LIMITS": gpus}
    return values


def _plan_findings(plan: Plan) -> list[Finding]:
    """The Plan's own notes (settings without effect, chart quirks), tied to the values key of their field."""
    found = []
    for note in notes(plan):
        if note.severity != "warning":
            continue  # the info notes restate chart facts the report already shows from the objects
        keys = _keys_of(note.path)
        found.append(Finding(_AREA.get(note.path.split(".")[0], "security"), note.severity, str(note),
                             keys[0].split(":", 1)[1] if keys else None))
    return found


def _keys_of(path: str) -> tuple[str, ...]:
    try:
        return declaration(path).values_keys
    except KeyError:
        return ()
