"""The embedded chart models follow the values that drive what the analysis reports (FACTS.md §2, §3).

Named apart from tests/conformance/test_chart_models.py: the test folders are not packages, so two test modules
cannot share a basename.
"""

from __future__ import annotations

from typing import Any

import pytest

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest, pod_metadata, pod_spec
from wizard.analysis.netpol import analyze, from_manifests
from wizard.analysis.volumes import inventory
from wizard.charts import orchestrator_8_8_0
from wizard.charts.chart_defaults import load_defaults
from wizard.charts.renderer import EmbeddedRenderer

ORC, FRONT = ("orchestrator", "8.8.0"), ("substra-frontend", "1.2.3")


def render(chart: tuple[str, str], values: dict[str, Any] | None = None, release: str = "rel") -> list[dict[str, Any]]:
    return EmbeddedRenderer().render(*chart, values, release=release, namespace="org-1")


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any] | None:
    return next((o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name), None)


def manifests(objects: list[dict[str, Any]]) -> list[Manifest]:
    return [Manifest(obj, "model", index) for index, obj in enumerate(objects, 1)]


def incoming_ports(objects: list[dict[str, Any]], pod: str) -> dict[str, str]:
    pods, policies, namespaces = from_manifests(manifests(objects), "org-1")
    result = analyze(pods, policies, namespaces)
    return {str(c.source): c.ports.describe() for c in result.incoming(f"org-1/{pod}")}


def claims(objects: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {c.name: (c.created, c.size, c.storage_class, c.access_modes)
            for c in inventory(manifests(objects), "org-1")}


def level(obj: dict[str, Any]) -> str:
    return pss.highest_level({"metadata": pod_metadata(obj), "spec": pod_spec(obj)})


# ---- orchestrator ---------------------------------------------------------------------------------------------

def test_service_port_replaces_the_third_port_the_server_policy_opens() -> None:
    assert incoming_ports(render(ORC), "rel-orchestrator-server")["internet"] == "TCP 80, 443, 9000"
    objects = render(ORC, {"service": {"port": 9443}})
    assert incoming_ports(objects, "rel-orchestrator-server")["internet"] == "TCP 80, 443, 9443"


def test_database_port_drives_the_orchestrator_database_rules() -> None:
    objects = render(ORC, {"database": {"port": 6543}})
    common = find(objects, "NetworkPolicy", "orchestrator-common")
    database = find(objects, "NetworkPolicy", "orchestrator-database")
    assert common and common["spec"]["egress"][1]["ports"] == [{"protocol": "TCP", "port": 6543}]
    assert database and database["spec"]["ingress"][0]["ports"] == [{"protocol": "TCP", "port": 6543}]


def test_disabling_postgresql_removes_its_statefulset_policy_and_claim() -> None:
    assert find(render(ORC), "StatefulSet", "rel-postgresql") is not None
    objects = render(ORC, {"postgresql": {"enabled": False}, "database": {"host": "pg.example"}})
    assert find(objects, "StatefulSet", "rel-postgresql") is None
    assert find(objects, "NetworkPolicy", "rel-postgresql") is None
    assert find(objects, "NetworkPolicy", "orchestrator-database") is not None  # unconditional in the chart
    assert claims(objects) == {}


def test_an_existing_claim_is_mounted_instead_of_a_claim_template() -> None:
    objects = render(ORC, {"postgresql": {"primary": {"persistence": {"existingClaim": "pg-data"}}}})
    statefulset = find(objects, "StatefulSet", "rel-postgresql")
    assert statefulset and "volumeClaimTemplates" not in statefulset["spec"]
    assert claims(objects) == {"pg-data": (False, None, None, ())}


def test_persistence_keys_shape_the_claim_and_global_storage_class_wins() -> None:
    persistence = {"size": "20Gi", "storageClass": "fast", "accessModes": ["ReadWriteOncePod"]}
    objects = render(ORC, {"postgresql": {"primary": {"persistence": persistence}}})
    assert claims(objects) == {"data-rel-postgresql-0": (True, "20Gi", "fast", ("ReadWriteOncePod",))}
    objects = render(ORC, {"global": {"storageClass": "-"}, "postgresql": {"primary": {"persistence": persistence}}})
    assert claims(objects)["data-rel-postgresql-0"][2] == ""


def test_postgresql_policy_switches() -> None:
    assert find(render(ORC, {"postgresql": {"primary": {"networkPolicy": {"enabled": False}}}}),
                "NetworkPolicy", "rel-postgresql") is None
    closed = render(ORC, {"postgresql": {"primary": {"networkPolicy": {"allowExternal": False}}}})
    sources = incoming_ports(closed, "rel-postgresql")
    assert "internet" not in sources
    assert "org-1/rel-orchestrator-server" in sources  # orchestrator-database still lets it in
    assert "internet" in incoming_ports(render(ORC), "rel-postgresql")


def test_volume_permissions_adds_a_root_init_container() -> None:
    assert level(find(render(ORC), "StatefulSet", "rel-postgresql") or {}) == "restricted"
    objects = render(ORC, {"postgresql": {"volumePermissions": {"enabled": True}}})
    statefulset = find(objects, "StatefulSet", "rel-postgresql") or {}
    assert [c["name"] for c in statefulset["spec"]["template"]["spec"]["initContainers"]] == ["init-chmod-data"]
    assert level(statefulset) == "baseline"


def test_security_context_values_are_not_read_by_the_orchestrator() -> None:
    objects = render(ORC, {"podSecurityContext": {"runAsUser": 0, "runAsNonRoot": False},
                           "securityContext": {"privileged": True}})
    assert level(find(objects, "Deployment", "rel-orchestrator-server") or {}) == "restricted"


def test_mtls_mounts_one_projected_secret_volume_per_client_ca() -> None:
    tls = {"enabled": True, "mtls": {"enabled": True, "clientCACerts": {"orgCA": ["org-ca", "other_ca"]}}}
    objects = render(ORC, {"orchestrator": {"tls": tls}})
    volumes = (find(objects, "Deployment", "rel-orchestrator-server") or {})["spec"]["template"]["spec"]["volumes"]
    projected = next(v for v in volumes if v["name"] == "orchestrator-tls-client-cacert-org-ca")
    assert [s["secret"]["name"] for s in projected["projected"]["sources"]] == ["org-ca", "other_ca"]


def test_objects_come_in_helm_order_subchart_first_test_pod_last() -> None:
    kinds = [o["kind"] for o in render(ORC)]
    assert kinds[:2] == ["NetworkPolicy", "StatefulSet"] and kinds[-1] == "Pod"


def test_hooks_are_marked_so_reports_can_set_them_apart() -> None:
    objects = render(ORC)
    test_pod = find(objects, "Pod", "rel-orchestrator-test-connection") or {}
    job = find(objects, "Job", "rel-orchestrator-migrations") or {}
    assert test_pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    assert "annotations" not in (find(objects, "Deployment", "rel-orchestrator-server") or {})["metadata"]


def test_a_release_named_after_the_chart_shortens_the_names() -> None:
    objects = render(ORC, release="orchestrator")
    assert find(objects, "Deployment", "orchestrator-server") is not None
    assert find(objects, "Job", "orchestrator-migrations") is not None
    assert find(objects, "StatefulSet", "orchestrator-postgresql") is not None


# ---- substra-frontend -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("service", "ports"), [
    ({}, "TCP 3000"),
    ({"type": "NodePort", "nodePort": 30123}, "TCP 3000, 30123"),
    ({"type": "NodePort"}, "TCP 3000, 30000-32767"),
    ({"type": "LoadBalancer"}, "TCP 3000"),
])
def test_frontend_policy_ports_follow_the_service_type(service: dict[str, Any], ports: str) -> None:
    assert incoming_ports(render(FRONT, {"service": service}), "rel-substra-frontend")["internet"] == ports


def test_frontend_ingress_and_replicas_create_no_pods() -> None:
    def kinds(objects: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(o["kind"], o["metadata"]["name"]) for o in objects]

    values = {"ingress": {"enabled": True, "hosts": [{"host": "a.example", "paths": ["/"]}]}, "replicaCount": 3}
    objects = render(FRONT, values)
    assert kinds(objects) == kinds(render(FRONT)) == [("Deployment", "rel-substra-frontend"),
                                                      ("NetworkPolicy", "rel-substra-frontend")]
    assert "replicas" not in objects[0]["spec"]


def test_frontend_security_context_comes_from_values() -> None:
    assert level(render(FRONT)[0]) == "restricted"
    objects = render(FRONT, {"securityContext": {"runAsNonRoot": False, "runAsUser": 0}})
    assert level(objects[0]) == "baseline"
    assert [v.check for v in pss.evaluate_object(objects[0], "restricted") or []] == ["runAsNonRoot", "runAsUser"]


# ---- EmbeddedRenderer -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("chart", "version"), [("nope", "1.0.0"), ("orchestrator", "8.7.7")])
def test_unknown_chart_or_version_names_the_supported_ones(chart: str, version: str) -> None:
    renderer = EmbeddedRenderer()
    with pytest.raises(ValueError, match=f"{chart}.*{version}") as error:
        renderer.render(chart, version, {}, release="rel", namespace="org-1")
    assert all(f"{name} {ver}" in str(error.value) for name, ver in renderer.supported())
    assert ("orchestrator", "8.8.0") in renderer.supported() and ("substra-frontend", "1.2.3") in renderer.supported()


def test_a_chart_with_defaults_but_no_model_is_refused() -> None:
    renderer = EmbeddedRenderer({ORC: orchestrator_8_8_0})
    with pytest.raises(ValueError, match=r"chart 'substra-frontend'.*supported: orchestrator 8\.8\.0$"):
        renderer.render(*FRONT, {}, release="rel", namespace="org-1")


def test_values_must_be_a_mapping() -> None:
    with pytest.raises(ValueError, match="mapping"):
        EmbeddedRenderer().render(*ORC, ["x"], release="rel", namespace="org-1")  # type: ignore[arg-type]


def test_rendering_leaves_defaults_and_overrides_untouched() -> None:
    before = repr(load_defaults(*ORC))
    override = {"postgresql": {"primary": {"podLabels": {"team": "a"}}}}
    first = render(ORC, override)
    (find(first, "StatefulSet", "rel-postgresql") or {})["spec"]["template"]["metadata"]["labels"]["x"] = "y"
    again = render(ORC, override)
    assert again != first
    assert (find(again, "StatefulSet", "rel-postgresql") or {})["spec"]["template"]["metadata"]["labels"]["team"] == "a"
    assert repr(load_defaults(*ORC)) == before
    assert override == {"postgresql": {"primary": {"podLabels": {"team": "a"}}}}
