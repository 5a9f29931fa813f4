"""Findings on images still pulled from outside the image mirror: each with the values key that moves it, or why no
key does (the image is hard-coded in the chart), from the image uses writing.images lists."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.charts.mirror import CACHED_IMAGES_KEY, PREPOPULATE_KEY
from wizard.reporting.report import Finding
from wizard.writing.images import ImageUse

# Pods that only pull images named by someone else: the container that pulls, and the key naming what it pulls.
_NO_KEY = {
    "pause": "hard-coded in the chart's registry-prepopulate template (gcr.io/google-containers/pause:3.2)",
    "helm-test": "hard-coded in the chart's `helm test` pod, which runs only on helm test",
}


def mirror_findings(uses: Sequence[ImageUse], mirror: str | None) -> list[Finding]:
    """One finding per image still pulled from outside the mirror, with the key that moves it or why none does;
    none without a mirror. The base images of functions' Dockerfiles get one too: no key can redirect them."""
    if not mirror:
        return []
    outside: dict[str, list[ImageUse]] = {}
    for use in uses:
        if use.in_mirror(mirror) is False:
            outside.setdefault(use.image, []).append(use)
    found = [_finding(image, places, mirror) for image, places in outside.items()]
    if any(use.component == "backend-task-build" for use in uses):
        found.append(Finding("security", "warning", "Kaniko pulls the base images named in each function's "
                             f"Dockerfile (FROM) at build time; no values key sends them to {mirror}: write those FROM "
                             f"lines with {mirror}/... (kaniko.mirror only redirects Docker Hub)", None))
    return found


def _finding(image: str, places: list[ImageUse], mirror: str) -> Finding:
    where = ", ".join(sorted({f"{u.object if u.helm_test else u.component}/{u.container}" for u in places}))
    use = places[0]
    what = "pulls" if use.pulled else "runs"
    head = f"{where} {what} {image} from outside the mirror {mirror}"
    if use.values_key == CACHED_IMAGES_KEY:
        return Finding("security", "warning", f"{head}: write it as {mirror}/... in the cached images", use.values_key)
    if use.values_key == PREPOPULATE_KEY:
        return Finding("security", "warning", f"{head}: give the item the source registry {mirror} (or leave it "
                       "empty: the mirror is then used)", use.values_key)
    if use.values_key:
        return Finding("security", "warning", f"{head}: set {use.values_key}", use.values_key)
    why = _NO_KEY["helm-test"] if use.helm_test else _NO_KEY["pause"] if use.container == "pause" else \
        "hard-coded in the chart"
    return Finding("security", "warning", f"{head}; no values key redirects it ({why}): the nodes must get it from "
                   f"{mirror} another way (a container-runtime registry mirror) or not run it", None)
