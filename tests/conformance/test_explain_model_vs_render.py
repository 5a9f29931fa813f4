"""Issue contract: for every scenario in ../shared/reference/substra-renders, the report of the embedded model on
that scenario's values equals the report of --manifests on the real render, pod by pod and claim by claim (Pod
Security level, violations, root containers, incoming and outgoing peers; claims with size, class, access modes).
A remaining difference is a failing test. Held-out scenarios of the same kind are picked up by the glob."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest
from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.components import ChartRelease
from wizard.reporting.explain import ChartInput, explain
from wizard.reporting.findings import add_findings
from wizard.reporting.report import Report, build

RENDERS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders"
RELEASE, NAMESPACE = "rel", "org-1"


def _scenarios() -> list[Path]:
    return sorted(RENDERS.glob("*/*.values.json")) if RENDERS.is_dir() else []


def _pods(report: Report) -> dict[str, dict[str, Any]]:
    return {p.component: {"level": p.pss_level, "violations": p.violations,
                          "root": sorted((r.container, r.reason) for r in p.root_containers),
                          "in": p.ingress_from, "out": p.egress_to} for p in report.pods}


def _claims(report: Report) -> dict[str, tuple[Any, ...]]:
    return {v.claim.name: (v.claim.created, v.claim.size, v.claim.storage_class, v.claim.access_modes,
                           v.component, v.existing_claim_key) for v in report.volumes}


def _differ(what: str, model: dict[str, Any], real: dict[str, Any]) -> list[str]:
    return [f"{what} {key}: model {model.get(key)} != render {real.get(key)}"
            for key in sorted(set(model) | set(real)) if model.get(key) != real.get(key)]


@pytest.mark.skipif(not RENDERS.is_dir(), reason=f"{RENDERS} is absent: the real renders live in ../shared")
@pytest.mark.parametrize("scenario", _scenarios(), ids=[f"{p.parent.name}/{p.name}" for p in _scenarios()])
def test_embedded_report_equals_the_report_of_the_real_render(scenario: Path) -> None:
    chart = scenario.parent.name
    values = json.loads(scenario.read_text()) or {}
    release = ChartRelease(chart, SUPPORTED_VERSIONS[chart], RELEASE, NAMESPACE)
    embedded = explain([ChartInput(release, values)], version=pss.LATEST, runtime_pods=False)
    render = scenario.with_name(scenario.name.replace(".values.json", ".yaml"))
    objects = [d for d in yaml.load_all(render.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if d]
    manifests = [Manifest(obj, str(render), index) for index, obj in enumerate(objects, 1)]
    real = add_findings(build(manifests, version=pss.LATEST, default_namespace=NAMESPACE, source="manifests",
                              charts=[release]), manifests)
    differences = _differ("pod", _pods(embedded), _pods(real)) + _differ("claim", _claims(embedded), _claims(real))
    assert not differences, "\n".join(differences)
    assert embedded.helm_tests == real.helm_tests
