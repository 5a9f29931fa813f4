"""Each validation rule, with the exact message an operator sees."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.core.errors import ConfigError
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan
from wizard.planning.rules import notes


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        build_plan([Layer("test", data)])
    return [str(p) for p in caught.value.problems]


def test_the_default_plan_is_valid() -> None:
    assert build_plan([]) == Plan()


FIELD_RULES = [
    ({"storage": {"worker": {"size": "10GB"}}},
     'storage.worker.size: "10GB" is not a Kubernetes quantity; did you mean 10Gi? (from test)'),
    ({"storage": {"worker": {"size": "ten"}}},
     'storage.worker.size: "ten" is not a Kubernetes quantity: write a number and a suffix such as 10Gi, 500Mi or '
     "1Ti (from test)"),
    ({"storage": {"minio": {"size": "10m"}}},
     'storage.minio.size: "10m" is 0.01 bytes, not a whole number of bytes (m means milli); did you mean 10Mi? '
     "(from test)"),
    ({"storage": {"redis": {"size": "0"}}},
     'storage.redis.size: "0" is not a usable size: it must be greater than zero (from test)'),
    ({"target": {"backend": {"namespace": "Org_1"}}},
     "target.backend.namespace: \"Org_1\" is not a valid name: use lower-case letters, digits and '-', starting and "
     "ending with a letter or digit (from test)"),
    ({"target": {"backend": {"namespace": "Org-1"}}},
     'target.backend.namespace: "Org-1" is not a valid name: use lower case: org-1 (from test)'),
    ({"target": {"backend": {"release": "b" * 54}}},
     f'target.backend.release: "{"b" * 54}" is 54 characters long; at most 53 are allowed (from test)'),
    ({"ingress": {"backend_host": "https://api.example.com/"}},
     'ingress.backend_host: "https://api.example.com/" is not a bare name: write the host name only, e.g. '
     "api.example.com (from test)"),
    ({"storage": {"worker": {"storage_class": "fast_ssd"}}},
     "storage.worker.storage_class: \"fast_ssd\" is not a valid name: use lower-case letters, digits and '-', "
     "starting and ending with a letter or digit (dots may separate parts) (from test)"),
    ({"features": {"object_store": "both"}},
     'features.object_store: "both" is not one of the choices: minio, localstack (from test)'),
    ({"features": {"registry": "local"}},
     'features.registry: "local" is not one of the choices: bundled, remote (from test)'),
    ({"features": {"builder": "maybe"}}, 'features.builder: "maybe" is not true or false (from test)'),
    ({"features": {"registry_port": 70000}},
     "features.registry_port: 70000 is not a port: use a number from 1 to 65535 (from test)"),
    ({"scale": {"server_replicas": 0}}, "scale.server_replicas: must be at least 1 (from test)"),
    ({"storage": {"worker": {"sise": "1Gi"}}}, "storage.worker.sise: unknown field; did you mean size? (from test)"),
    ({"storage": {"worker": {"access_mode": "RWX"}}},
     'storage.worker.access_mode: "RWX" is not one of the choices: ReadWriteOnce, ReadWriteMany, ReadOnlyMany, '
     "ReadWriteOncePod (from test)"),
    ({"storage": {"worker": {"size": 10}}},
     "storage.worker.size: must be text, not 10; put quotes around it (from test)"),
    ({"target": {"kubernetes_version": "1.18"}},
     "target.kubernetes_version: the charts need Kubernetes 1.19 or later (their kubeVersion is >= 1.19.0-0), not "
     "1.18 (from test)"),
    ({"organisation": {"msp_id": "Org 1"}},
     'organisation.msp_id: "Org 1" is not a valid identifier: use letters, digits, ".", "_" and "-", starting with '
     "a letter or digit (at most 64 characters) (from test)"),
    ({"channels": [{"restricted": True}]}, "channels[0].name: required"),
    ({"target": {"orchestrator": {"version": "8.7.7"}}},
     'target.orchestrator.version: "8.7.7" is not one of the choices: 8.8.0 (from test)'),
]


@pytest.mark.parametrize(("data", "message"), FIELD_RULES, ids=[m.split(":")[0] for _, m in FIELD_RULES])
def test_field_rule(data: dict[str, Any], message: str) -> None:
    assert problems(data) == [message]


CROSS_RULES = [
    ({"target": {"orchestrator": {"enabled": False}, "backend": {"enabled": False}}},
     "target: no chart is enabled: turn on at least one of target.orchestrator.enabled, target.backend.enabled and "
     "target.frontend.enabled (from test)"),
    ({"channels": []},
     "channels: at least one channel is needed: the orchestrator serves channels and the backend joins them (e.g. "
     "name: mychannel) (from test)"),
    ({"channels": [{"name": "a"}, {"name": "a"}]},
     'channels[1].name: channel "a" is listed twice; give each channel a different name (from test)'),
    ({"target": {"backend": {"enabled": False}}, "channels": [{"name": "a"}]},
     "channels[0].organizations: the channel has no members: list the MSP ids of the organisations in it"),
    ({"target": {"orchestrator": {"enabled": False}}},
     "orchestrator.host: required when the orchestrator runs elsewhere (target.orchestrator.enabled is off): give "
     "its host name, e.g. orchestrator.example.com"),
    ({"orchestrator": {"tls": True}, "ingress": {"cluster_issuer": "letsencrypt"}},
     "ingress.orchestrator_host: required for cert-manager to issue the orchestrator's certificate "
     "(orchestrator.tls is on and ingress.cluster_issuer is set): give its public host name, or empty "
     "ingress.cluster_issuer and create the TLS secrets yourself"),
    ({"features": {"private_ca": True}},
     "features.add_cert_image_tag: required with a private CA: the chart does not fall back to its app version and "
     "renders the invalid image ghcr.io/substra/substra-backend-ca-cert-injector:%!s(<nil>) without it; give the "
     "tag of that image, e.g. 1.0.1"),
    ({"features": {"registry": "remote"}},
     "features.registry_host: required with a remote registry (features.registry: remote): give its host name, "
     "e.g. registry.example.com"),
    ({"features": {"registry": "remote", "registry_host": "r.example.com", "prepopulate": [{"image": "a/b:1"}]}},
     "features.prepopulate: the chart copies images only into the bundled registry (containerRegistry.local); with "
     "a remote registry push them there yourself and empty this list (from test)"),
    ({"target": {"frontend": {"enabled": True}}},
     "ingress.backend_host: required when the frontend runs here: the browser calls the backend at this address "
     "(api.url)"),
    ({"ingress": {"backend_host": "a.example.com", "frontend_host": "a.example.com"}},
     "ingress.frontend_host: is the same as ingress.backend_host: the frontend and the backend need different host "
     "names (from test)"),
    ({"storage": {"worker": {"existing_claim": "mine"}}},
     "storage.worker.existing_claim: the chart always creates this volume itself (one claim per replica) and cannot "
     "reuse one; remove existing_claim (from test)"),
    ({"storage": {"minio": {"existing_claim": "mine", "size": "20Gi"}}},
     "storage.minio.size: an existing claim keeps its own size, so the chart would ignore this one; remove size or "
     "existing_claim (from test)"),
    ({"storage": {"orchestrator_database": {"existing_claim": "mine", "storage_class": "gp3"}}},
     "storage.orchestrator_database.storage_class: an existing claim keeps its own storage class, so the chart "
     "would ignore this one; remove storage_class or existing_claim (from test)"),
    ({"storage": {"builder": {"access_mode": "ReadWriteMany"}}},
     "storage.builder.access_mode: the chart always creates this claim ReadWriteOnce; remove access_mode "
     "(from test)"),
    ({"storage": {"servermedias": {"access_mode": "ReadWriteMany"}}},
     "storage.servermedias.access_mode: the chart always creates this claim ReadWriteOnce; remove access_mode; to "
     "share it, create a claim yourself and set existing_claim (from test)"),
    ({"storage": {"redis": {"access_mode": "ReadOnlyMany"}}},
     "storage.redis.access_mode: backend-redis write to this volume, which ReadOnlyMany cannot serve: use "
     "ReadWriteOnce or ReadWriteMany (from test)"),
    ({"storage": {"worker": {"access_mode": "ReadWriteOncePod"}}},
     "storage.worker.access_mode: backend-worker and backend-task-execution pods mount this volume at the same "
     "time, and ReadWriteOncePod allows a single pod: use ReadWriteOnce or ReadWriteMany (from test)"),
    ({"scale": {"server_replicas": 2}},
     "scale.server_replicas: 2 server replicas share the server media volume, which is ReadWriteOnce: they would "
     "all have to run on one node. Keep 1 replica, or reuse a ReadWriteMany claim "
     "(storage.servermedias.existing_claim with storage.servermedias.access_mode: ReadWriteMany) (from test)"),
    ({"scale": {"server_replicas": 3},
      "storage": {"servermedias": {"existing_claim": "media", "access_mode": "ReadWriteOncePod"}}},
     "scale.server_replicas: 3 server replicas share the server media volume, which is ReadWriteOncePod: only one "
     "could start. Keep 1 replica, or reuse a ReadWriteMany claim (storage.servermedias.existing_claim with "
     "storage.servermedias.access_mode: ReadWriteMany) (from test)"),
]


@pytest.mark.parametrize(("data", "message"), CROSS_RULES, ids=[m.split(":")[0] for _, m in CROSS_RULES])
def test_cross_field_rule(data: dict[str, Any], message: str) -> None:
    assert problems(data) == [message]


def test_many_server_replicas_work_with_a_shared_claim() -> None:
    plan = build_plan([Layer("test", {"scale": {"server_replicas": 3}, "storage": {"servermedias": {
        "existing_claim": "media", "access_mode": "ReadWriteMany"}}})])
    assert plan.scale.server_replicas == 3


def test_field_and_cross_field_problems_are_reported_together() -> None:
    found = problems({"storage": {"worker": {"size": "10GB"}}, "features": {"registry": "remote"}})
    assert found == [
        'storage.worker.size: "10GB" is not a Kubernetes quantity; did you mean 10Gi? (from test)',
        "features.registry_host: required with a remote registry (features.registry: remote): give its host name, "
        "e.g. registry.example.com",
    ]


def test_problems_name_the_layer_that_set_the_value() -> None:
    with pytest.raises(ConfigError) as caught:
        build_plan([Layer("preset minimal", {"storage": {"worker": {"size": "1Gi"}}}),
                    Layer("answers.yaml", {"storage": {"worker": {"size": "1 gig"}}})])
    assert str(caught.value.problems[0]).endswith("(from answers.yaml)")


def test_private_ca_file_is_checked(tmp_path) -> None:
    base = {"features": {"private_ca": True, "add_cert_image_tag": "1.0.1"}}
    missing = tmp_path / "nope.pem"
    assert problems({**base, "features": {**base["features"], "private_ca_file": str(missing)}}) == [
        f"features.private_ca_file: {missing} does not exist: give the path of the CA certificate (PEM), relative to "
        "the current folder (from test)"]
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n")
    assert problems({**base, "features": {**base["features"], "private_ca_file": str(key)}}) == [
        f"features.private_ca_file: {key} holds a private key: give the CA certificate only "
        "(-----BEGIN CERTIFICATE-----); the key must never go into a values file (from test)"]
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert problems({**base, "features": {**base["features"], "private_ca_file": str(text)}}) == [
        f"features.private_ca_file: {text} is not a PEM certificate: it should contain -----BEGIN CERTIFICATE----- "
        "(from test)"]


def _notes(data: dict[str, Any]) -> list[str]:
    return [f"{n.severity} {n}" for n in notes(build_plan([Layer("test", data)]))]


def test_storage_class_of_a_backend_subchart_is_a_warning_not_an_error() -> None:
    found = _notes({"storage": {"backend_database": {"storage_class": "fast"}}})
    assert any(n.startswith("warning storage.backend_database.storage_class: not written, it would have no effect: "
                            "substra-backend 26.15.3 redefines the Bitnami `common.storage.class` template")
               for n in found)


def test_settings_of_volumes_that_are_not_created_are_warned_about() -> None:
    found = _notes({"storage": {"localstack": {"size": "1Gi"}}})
    assert ("warning storage.localstack: has no effect: the object storage is not LocalStack "
            "(features.object_store)") in found


def test_the_reference_page_gap_is_reported() -> None:
    found = _notes({})
    assert any(n.startswith("info storage.servermedias: the reference page's volume table leaves out this claim")
               for n in found)


def test_a_remote_registry_warns_that_the_network_policies_block_private_addresses() -> None:
    found = _notes({"features": {"registry": "remote", "registry_host": "registry.internal"}})
    assert any(n.startswith("warning features.registry: the chart's NetworkPolicies let the worker and builder reach "
                            "only public addresses") for n in found)
