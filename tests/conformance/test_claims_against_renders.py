"""The claims catalogue against every real render in ../shared: for each scenario, the volume each catalogue row
describes has the size, storage class and access modes the catalogue's keys and quirks predict.

This proves the wizard writes keys that really work (servermedias.storageClass, one-entry worker.accessModes, ...)
and that the storage classes it refuses to write are really ignored by the chart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, get_path, load_defaults
from wizard.charts.claims import CLAIMS, Claim

RENDERS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders"
RELEASE = "rel"  # the release name of every render in ../shared
# Where each volume appears in a render: a PersistentVolumeClaim, or a StatefulSet's volumeClaimTemplate.
LOCATION = {
    "orchestrator_database": ("vct", f"{RELEASE}-postgresql", "data"),
    "backend_database": ("vct", f"{RELEASE}-postgresql", "data"),
    "redis": ("vct", f"{RELEASE}-redis-master", "redis-data"),
    "minio": ("pvc", f"{RELEASE}-minio", None),
    "localstack": ("pvc", f"{RELEASE}-localstack", None),
    "docker_registry": ("pvc", f"{RELEASE}-docker-registry", None),
    "servermedias": ("pvc", f"{RELEASE}-substra-backend-servermedias", None),
    "worker": ("vct", f"{RELEASE}-substra-backend-worker", "subtuple"),
    "builder": ("vct", f"{RELEASE}-substra-backend-builder", "subtuple"),
    "kaniko_cache": ("vct", f"{RELEASE}-substra-backend-builder", "docker-cache"),
}

# The switch that turns each volume's component on (None: always there).
SWITCH = {
    "orchestrator_database": ("postgresql", "enabled"), "backend_database": ("postgresql", "enabled"),
    "redis": ("redis", "enabled"), "minio": ("minio", "enabled"), "localstack": ("localstack", "enabled"),
    "docker_registry": ("docker-registry", "enabled"), "servermedias": None, "worker": None,
    "builder": ("builder", "enabled"), "kaniko_cache": ("builder", "enabled"),
}


def _scenarios() -> list[tuple[str, Path]]:
    if not RENDERS.is_dir():
        return []
    return [(chart, path) for chart in ("orchestrator", "substra-backend")
            for path in sorted((RENDERS / chart).glob("*.values.json"))]


def _volume_spec(objects: list[dict[str, Any]], claim: Claim) -> dict[str, Any] | None:
    kind, name, template = LOCATION[claim.id]
    for obj in objects:
        if kind == "pvc" and obj["kind"] == "PersistentVolumeClaim" and obj["metadata"]["name"] == name:
            return obj["spec"]
        if kind == "vct" and obj["kind"] == "StatefulSet" and obj["metadata"]["name"] == name:
            for vct in obj["spec"].get("volumeClaimTemplates", []):
                if vct["metadata"]["name"] == template:
                    return vct["spec"]
    return None


def _expected_class(claim: Claim, values: dict[str, Any]) -> object:
    if claim.class_ignored:
        return MISSING  # the chart emits no storageClassName, whatever the values say
    value = get_path(values, (*claim.prefix, "storageClass"))
    if value in (MISSING, None, ""):
        return MISSING
    return "" if value == "-" else value


def _expected_modes(claim: Claim, values: dict[str, Any]) -> list[str]:
    if claim.access == "fixed":
        return ["ReadWriteOnce"]
    value = get_path(values, claim.access_path)
    if claim.access == "string":
        return [value]  # type: ignore[list-item]
    if claim.access == "one-entry-list":
        return [" ".join(value)]  # type: ignore[arg-type]  # printed with Go's %v: one entry, or one bogus string
    return list(value)  # type: ignore[call-overload]


@pytest.mark.skipif(not RENDERS.is_dir(), reason=f"{RENDERS} is absent: the real renders live in ../shared")
@pytest.mark.parametrize(("chart", "scenario"), _scenarios(), ids=[f"{c}/{p.name}" for c, p in _scenarios()])
def test_render_volumes_follow_the_catalogue(chart: str, scenario: Path) -> None:
    overrides = json.loads(scenario.read_text()) or {}
    values = coalesce(load_defaults(chart, SUPPORTED_VERSIONS[chart]), overrides)
    render = scenario.with_name(scenario.name.replace(".values.json", ".yaml"))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader reads the large renders ~10x faster
    objects = [doc for doc in yaml.load_all(render.read_text(), Loader=loader) if doc]
    checked = 0
    for claim in (c for c in CLAIMS if c.chart == chart):
        spec = _volume_spec(objects, claim)
        existing = get_path(values, (*claim.prefix, "existingClaim")) if claim.reusable else MISSING
        if existing not in (MISSING, None, ""):
            assert spec is None, f"{claim.id}: the chart created a claim although existingClaim is set"
            continue
        switch = SWITCH[claim.id]
        enabled = switch is None or get_path(values, switch) is True
        assert (spec is not None) == enabled, f"{claim.id}: present={spec is not None} but enabled={enabled}"
        if spec is None:
            continue
        checked += 1
        assert spec["resources"]["requests"]["storage"] == get_path(values, (*claim.prefix, "size")), claim.id
        assert spec.get("storageClassName", MISSING) == _expected_class(claim, values), claim.id
        assert spec["accessModes"] == _expected_modes(claim, values), claim.id
    assert checked or not any(get_path(values, s) for s in SWITCH.values() if s), render.name


@pytest.mark.skipif(not RENDERS.is_dir(), reason=f"{RENDERS} is absent: the real renders live in ../shared")
def test_every_scenario_is_checked() -> None:
    assert len(_scenarios()) == len(list(RENDERS.glob("orchestrator/*.values.json"))) + len(
        list(RENDERS.glob("substra-backend/*.values.json")))
