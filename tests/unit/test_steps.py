"""The steps and which decisions each shows for a Plan."""

from __future__ import annotations

from typing import Any

from wizard.frontend.steps import STEPS, STEPS_BY_ID, fields, fixed, relevant, step_of
from wizard.planning.declare import declaration, declarations
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan


def plan(data: dict[str, Any] | None = None) -> Plan:
    return build_plan([Layer("test", data or {})])


def paths(step: str, data: dict[str, Any] | None = None) -> list[str]:
    return [d.path for d in fields(STEPS_BY_ID[step], plan(data))]


def test_every_decision_belongs_to_exactly_one_step() -> None:
    for decl in declarations():
        owners = [s.id for s in STEPS if s.sections and decl.path.startswith(s.sections)]
        assert len(owners) == 1, (decl.path, owners)


def test_the_remote_registry_fields_appear_only_with_a_remote_registry() -> None:
    assert "features.registry_host" not in paths("features")
    assert "features.prepopulate" not in paths("features")  # an empty list shows no item fields
    remote = paths("features", {"features": {"registry": "remote", "registry_host": "r.example.com"}})
    assert {"features.registry_host", "features.registry_port", "features.registry_scheme"} <= set(remote)


def test_private_ca_fields_follow_the_switch() -> None:
    assert "features.add_cert_image_tag" not in paths("features")
    on = paths("features", {"features": {"private_ca": True, "add_cert_image_tag": "1"}})
    assert {"features.add_cert_image_tag", "features.private_ca_secret", "features.private_ca_file"} <= set(on)


def test_storage_shows_only_volumes_the_charts_create_and_the_keys_they_read() -> None:
    shown = set(paths("storage"))
    assert "storage.minio.size" in shown and "storage.localstack.size" not in shown
    assert "storage.worker.existing_claim" not in shown  # the chart cannot reuse it
    assert "storage.servermedias.access_mode" not in shown  # fixed ReadWriteOnce unless a claim is reused
    reused = set(paths("storage", {"storage": {"servermedias": {"existing_claim": "media"}}}))
    assert "storage.servermedias.access_mode" in reused
    assert "storage.builder.size" not in set(paths("storage", {"features": {"builder": False}}))


def test_list_items_are_expanded_per_item() -> None:
    shown = paths("organisation", {"channels": [{"name": "a"}, {"name": "b"}]})
    assert "channels[0].name" in shown and "channels[1].name" in shown


def test_fields_of_charts_that_do_not_run_are_hidden() -> None:
    assert "target.frontend.namespace" not in paths("target")
    assert "target.frontend.enabled" in paths("target")
    remote = plan({"target": {"orchestrator": {"enabled": False}}, "orchestrator": {"host": "o.example.com"}})
    assert not relevant("ingress.orchestrator_host", remote)


def test_a_field_leads_back_to_its_step() -> None:
    assert step_of("features.builder").id == "features"
    assert step_of("storage.worker.size").id == "storage"
    assert step_of("channels[1].name").id == "organisation"
    assert step_of("nothing.here").id == "review"


def test_a_finding_leads_back_to_the_step_of_its_values_key() -> None:
    from wizard.frontend.steps import step_for_values_key

    assert step_for_values_key("privateCa.enabled").id == "features"  # type: ignore[union-attr]
    assert step_for_values_key("server.persistence.servermedias.existingClaim").id == "storage"  # type: ignore[union-attr]
    assert step_for_values_key("redis.networkPolicy.enabled") is None  # no decision of the wizard sets it
    assert step_for_values_key(None) is None


def test_a_decision_with_one_choice_only_is_shown_not_asked() -> None:
    assert fixed(declaration("target.backend.version")) == "26.15.3"  # the one chart version the wizard models
    assert fixed(declaration("features.object_store")) is None  # two choices: asked
    assert fixed(declaration("target.kubernetes_version")) is None  # free text: asked
    single = [d.path for d in declarations() if fixed(d) is not None]
    assert single == ["target.orchestrator.version", "target.backend.version", "target.frontend.version"]
