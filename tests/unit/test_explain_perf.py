"""The shortcuts that make explain fast give the same answers as the slow paths: per-analysis memos (pod pairs,
per-side port unions, merged externals), both Pod Security levels from one walk, the defaults snapshot coalesce,
and the process-wide caches (nothing from one plan leaks into the report of another)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.analysis import pss
from wizard.analysis.manifests import pod_metadata, pod_spec
from wizard.analysis.netpol import EGRESS, INGRESS, analyze
from wizard.analysis.netpol_model import ContainerPort, Pod
from wizard.analysis.netpol_policies import parse_policy
from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import coalesce, copy_json, load_defaults
from wizard.charts.renderer import EmbeddedRenderer
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.reporting.explain import explain, plan_inputs
from wizard.reporting.report import as_json

PSS_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "k8s"


def _plan(name: str):  # type: ignore[no-untyped-def]
    return build_plan([Layer(name, presets.load(name).plan)])


def _report(name: str) -> dict[str, Any]:
    plan = _plan(name)
    return as_json(explain(plan_inputs(plan), version=pss.LATEST, plan=plan))


# ---- process-wide caches: no plan sees another's state -----------------------------------------------------------

def test_reports_of_different_plans_differ_and_repeat_exactly() -> None:
    names = presets.names()
    first = {name: _report(name) for name in names}
    assert len({json.dumps(r, sort_keys=True) for r in first.values()}) == len(names)
    for name in reversed(names):  # after every other plan filled the caches, each report is still its own
        assert _report(name) == first[name]


def test_a_changed_value_changes_the_report_after_the_same_plan_was_explained() -> None:
    plan = _plan("minimal")
    before = as_json(explain(plan_inputs(plan), version=pss.LATEST, plan=plan))
    inputs = plan_inputs(plan)
    backend = next(i for i in inputs if i.release.chart == "substra-backend")
    values = copy_json(dict(backend.values))
    values["privateCa"] = {"enabled": True, "image": {"tag": "3.20"}}  # type: ignore[index]  # add-cert: root
    changed = [type(i)(i.release, values) if i is backend else i for i in inputs]
    after = as_json(explain(changed, version=pss.LATEST))
    server = [p for p in after["pods"] if p["component"] == "backend-server"]
    assert server and server[0]["pss_level"] != "restricted"
    assert [p for p in before["pods"] if p["component"] == "backend-server"][0]["pss_level"] == "restricted"
    assert as_json(explain(plan_inputs(plan), version=pss.LATEST, plan=plan)) == before


# ---- coalesce over a chart's defaults snapshot --------------------------------------------------------------------

def _reference_coalesce(base: dict, override: dict) -> dict:
    """The algorithm coalesce had before the snapshot: a fresh tree built key by key."""
    result: dict = {}
    for key, value in base.items():
        if key not in override:
            result[key] = copy_json(value)
        elif override[key] is None:
            continue
        elif isinstance(override[key], dict) and isinstance(value, dict):
            result[key] = _reference_coalesce(value, override[key])
        else:
            result[key] = copy_json(override[key])
    for key, new in override.items():
        if key not in base and new is not None:
            result[key] = copy_json(new)
    return result


def _ordered(tree: Any) -> Any:
    """The tree with its key order made visible to ==."""
    if isinstance(tree, dict):
        return [(key, _ordered(value)) for key, value in tree.items()]
    if isinstance(tree, list):
        return [_ordered(item) for item in tree]
    return tree


def _containers(tree: Any) -> list[int]:
    found = [id(tree)] if isinstance(tree, dict | list) else []
    for child in (tree.values() if isinstance(tree, dict) else tree if isinstance(tree, list) else ()):
        found += _containers(child)
    return found


@pytest.mark.parametrize("name", presets.names())
def test_coalesce_over_the_defaults_snapshot_equals_the_key_by_key_merge_in_order(name: str) -> None:
    for item in plan_inputs(_plan(name)):
        defaults = load_defaults(item.release.chart, item.release.version)
        override = {**copy_json(dict(item.values)), "unknownKey": {"a": 1}, "image": None}  # type: ignore[dict-item]
        assert _ordered(coalesce(defaults, override)) == _ordered(_reference_coalesce(defaults, override))


def test_coalesce_never_shares_containers_with_the_cached_defaults() -> None:
    for chart, version in SUPPORTED_VERSIONS.items():
        defaults = load_defaults(chart, version)
        pristine = json.dumps(defaults)
        merged = coalesce(defaults, {"extra": {"x": [1]}})
        assert not set(_containers(merged)) & set(_containers(defaults))
        merged.clear()  # a caller that mutates its tree leaves the defaults, and the next coalesce, untouched
        assert json.dumps(defaults) == pristine
        assert json.dumps(coalesce(defaults, {})) == pristine


# ---- Pod Security: both levels from one walk ----------------------------------------------------------------------

def _model_pods() -> list[dict[str, Any]]:
    renderer, found = EmbeddedRenderer(), []
    for name in presets.names():
        for item in plan_inputs(_plan(name)):
            r = item.release
            for obj in renderer.render_with_runtime_pods(r.chart, r.version, dict(item.values), release=r.release,
                                                         namespace=r.namespace):
                if pod_spec(obj) is not None:
                    found.append({"metadata": pod_metadata(obj), "spec": pod_spec(obj)})
    return found


def _fixture_pods() -> list[dict[str, Any]]:
    import yaml

    found = []
    for path in sorted(PSS_FIXTURES.rglob("*.yaml")) if PSS_FIXTURES.is_dir() else []:
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and pod_spec(doc) is not None:
                found.append({"metadata": pod_metadata(doc), "spec": pod_spec(doc)})
    return found


@pytest.mark.parametrize("version", [(1, 0), (1, 19), (1, 25), (1, 35), pss.LATEST])
def test_evaluate_levels_equals_evaluate_at_each_level(version: tuple[int, int]) -> None:
    pods = _model_pods() + _fixture_pods()
    assert any(pss.evaluate(p, "restricted", version) for p in pods)  # the comparison covers failing pods too
    for pod in pods:
        assert pss.evaluate_levels(pod, version) == {level: pss.evaluate(pod, level, version)
                                                     for level in ("baseline", "restricted")}


# ---- NetworkPolicy memos -----------------------------------------------------------------------------------------

def test_outgoing_and_incoming_agree_pair_by_pair_with_allowed() -> None:
    plan = _plan("minimal")
    renderer = EmbeddedRenderer()
    from wizard.analysis.manifests import Manifest
    from wizard.analysis.netpol import from_manifests

    manifests = []
    for item in plan_inputs(plan):
        r = item.release
        objects = renderer.render_with_runtime_pods(r.chart, r.version, dict(item.values), release=r.release,
                                                    namespace=r.namespace)
        manifests += [Manifest(obj, "model", i) for i, obj in enumerate(objects, 1)]
    result = analyze(*from_manifests(manifests, "org-1"))
    pairs = 0
    for pod in result.pods:
        for conn in result.outgoing(pod):
            if conn.destination.kind != "pod" or conn.destination.name not in {p.key for p in result.pods}:
                continue
            back = [c for c in result.incoming(conn.destination.name) if c.source == conn.source]
            assert back == [conn]
            protocol, low, _ = conn.ports.ranges[0]
            assert result.allowed(pod, conn.destination.name, low, protocol)
            pairs += 1
    assert pairs > 20


def test_a_named_port_open_to_every_pod_resolves_on_each_destination() -> None:
    """Rules reaching every pod share one port union per side, except when a port is named: then each
    destination resolves the name to its own number."""
    pods = [Pod("app", "web", {"role": "web"}, (ContainerPort("http", 8080),)),
            Pod("app", "db", {"role": "db"}, (ContainerPort("http", 5432),)),
            Pod("app", "job", {"role": "job"})]
    spec = {"podSelector": {"matchLabels": {"role": "job"}}, "policyTypes": ["Egress"],
            "egress": [{"ports": [{"port": "http"}]}]}
    policy = {"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "app"}, "spec": spec}
    result = analyze(pods, [parse_policy(policy, "app")], [])
    ports = {c.destination.name: c.ports.describe() for c in result.outgoing("app/job") if c.destination.kind == "pod"}
    assert ports["app/web"] == "TCP 8080" and ports["app/db"] == "TCP 5432"
    assert result.isolated("app/job", EGRESS) and not result.isolated("app/job", INGRESS)


def test_a_policy_changed_in_place_is_parsed_again() -> None:
    """Parsed policies are remembered by content: the same object, edited, must not give the old Policy back."""
    from wizard.analysis.manifests import Manifest
    from wizard.analysis.netpol import from_manifests

    obj = {"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "app"},
           "spec": {"podSelector": {"matchLabels": {"role": "db"}}, "ingress": [{"ports": [{"port": 5432}]}]}}
    first = from_manifests([Manifest(obj, "f", 1)], "app")[1][0]
    obj["spec"]["ingress"][0]["ports"][0]["port"] = 6379  # type: ignore[index]
    second = from_manifests([Manifest(obj, "f", 1)], "app")[1][0]
    assert first.ingress[0].ports[0].port == 5432 and second.ingress[0].ports[0].port == 6379
    del obj["metadata"]["namespace"]  # type: ignore[attr-defined]
    assert from_manifests([Manifest(obj, "f", 1)], "other")[1][0].namespace == "other"
    assert from_manifests([Manifest(obj, "f", 1)], "app")[1][0].namespace == "app"
