"""Every image a Plan runs, where it runs, and whether it comes from the image mirror: for `wizard images`, the
install.sh comment and the findings on images still pulled from outside the mirror (reporting.image_findings).

Images come from the embedded chart models (the same objects `wizard explain` reads), so they follow the values
keys exactly as the charts do; to them are added the images pods pull without running them: the Kaniko warmer's
cached images and the `FROM` of each registry-prepopulate build. A compute task's image is built in the cluster's
own registry (`built_here`): nothing to mirror.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.analysis.manifests import Manifest, from_render, pod_spec
from wizard.charts.chart_defaults import coalesce, get_path, load_defaults
from wizard.charts.components import ChartRelease, component_of, is_helm_test, is_runtime
from wizard.charts.mirror import CACHED_IMAGES_KEY, PREPOPULATE_KEY, inside, key_for
from wizard.charts.renderer import EmbeddedRenderer
from wizard.planning.plan import Plan

BACKEND = "substra-backend"
WARMER, PREPOPULATE_BUILD = "kaniko-cache-warmer", "kaniko"


@dataclass(frozen=True)
class ImageUse:
    """One image in one place: the reference pulled, the reference it would be without the mirror (`upstream`, what
    to copy into the mirror), and where: chart, component, object, container."""

    image: str
    upstream: str
    chart: str
    release: str
    component: str
    object: str
    container: str
    values_key: str | None
    """The values key that moves this image (None: no key does)."""
    runtime: bool = False
    helm_test: bool = False
    pulled: bool = False
    """Pulled by the container (a cached or prepopulated image), not run as its image."""
    built_here: bool = False
    """Built by the backend into the cluster's own registry (compute tasks): not a mirror matter."""

    def in_mirror(self, mirror: str | None) -> bool | None:
        """Whether it comes from the mirror; None without a mirror, or for images the cluster builds itself."""
        return None if not mirror or self.built_here else inside(self.image, mirror)


def plan_images(plan: Plan, *, runtime_pods: bool = True) -> list[ImageUse]:
    """Every image of the Plan's releases (and, with `runtime_pods`, of the pods the backend starts as it runs),
    in chart order, then object and container order."""
    from dataclasses import replace

    from wizard.writing.chart_inputs import plan_inputs

    uses = _uses(plan_inputs(plan), runtime_pods)
    if not plan.features.image_mirror:
        return uses
    # The mirror changes images only, never which objects and containers there are: the same Plan without it
    # gives, place by place, the public reference to copy.
    public = plan.model_copy(update={"features": plan.features.model_copy(update={"image_mirror": None})})
    publics = _uses(plan_inputs(public), runtime_pods)
    if [_place(u) for u in publics] != [_place(u) for u in uses]:
        return uses
    return [replace(use, upstream=other.image) for use, other in zip(uses, publics, strict=True)]


def _place(use: ImageUse) -> tuple[str, str, str, str, bool]:
    return use.chart, use.release, use.object, use.container, use.pulled


def _uses(inputs: Sequence[Any], runtime_pods: bool) -> list[ImageUse]:
    renderer, found = EmbeddedRenderer(), []
    for item in inputs:
        chart = item.release
        render = renderer.render_with_runtime_pods if runtime_pods else renderer.render
        objects = render(chart.chart, chart.version, dict(item.values), release=chart.release,
                         namespace=chart.namespace)
        manifests = from_render(objects, chart.chart)
        found += images_of(chart, manifests, item.values)
    return found


def images_of(chart: ChartRelease, manifests: Iterable[Manifest], values: Mapping[str, Any]) -> list[ImageUse]:
    """The images in one release's rendered objects (override `values`: the pulled images they name)."""
    found = []
    for manifest in manifests:
        spec = pod_spec(manifest.obj)
        if spec is None:
            continue
        component, test, runtime = component_of(manifest, [chart]), is_helm_test(manifest), is_runtime(manifest)
        for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            name, image = str(container.get("name")), str(container.get("image"))
            found.append(ImageUse(image, image, chart.chart, chart.release, component, manifest.label, name,
                                  key_for(chart.chart, name, manifest.name), runtime, test,
                                  built_here=component == "backend-task-execution"))
            found += _pulled(chart, values, component, manifest.label, name)
    return found


def _pulled(chart: ChartRelease, values: Mapping[str, Any], component: str, label: str,
            container: str) -> list[ImageUse]:
    """What a warmer or a prepopulate build pulls besides its own image."""
    if chart.chart != BACKEND or container not in (WARMER, PREPOPULATE_BUILD) or component == "backend-task-build":
        return []
    merged = coalesce(load_defaults(chart.chart, chart.version), dict(values))
    if container == WARMER:
        cached = get_path(merged, tuple(CACHED_IMAGES_KEY.split(".")))
        refs = [str(ref) for ref in cached] if isinstance(cached, list) else []
        key = CACHED_IMAGES_KEY
    else:
        items = get_path(merged, tuple(PREPOPULATE_KEY.split(".")))
        index = int(component.rsplit("-", 1)[1]) if component[-1:].isdigit() else -1
        item = items[index] if isinstance(items, list) and 0 <= index < len(items) else {}
        item = item if isinstance(item, dict) else {}
        source = item.get("sourceRegistry")
        refs = [f"{source}/{item.get('image')}" if source else str(item.get("image"))] if item.get("image") else []
        key = PREPOPULATE_KEY
    return [ImageUse(ref, ref, chart.chart, chart.release, component, label, container, key, pulled=True)
            for ref in refs]


def references(uses: Iterable[ImageUse]) -> list[str]:
    """The references to copy (sorted, unique): every image pulled, without those the cluster builds itself."""
    return sorted({use.image for use in uses if not use.built_here})
