"""Plan -> chart values: the keys that really work in each chart version, and only the overrides."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.planning.declare import declaration, declarations
from wizard.planning.layers import Layer, build_plan
from wizard.writing.values import ChartValues, render


def values_of(data: dict[str, Any], chart: str = "substra-backend") -> dict[tuple[str, ...], Any]:
    plan = build_plan([Layer("test", data)])
    (found,) = [v for v in render(plan) if v.chart == chart]
    return {s.path: s.value for s in found.overrides}


def test_minimal_plan_writes_only_what_differs_from_the_defaults() -> None:
    backend = values_of({})
    assert ("builder", "enabled") not in backend  # true by default in the chart
    assert ("minio", "enabled") not in backend
    assert backend[("organizationName",)] == "org-1"
    assert backend[("orchestrator", "host")] == "orchestrator-server.orchestrator"
    assert backend[("orchestrator", "sameCluster")] is True
    assert ("orchestrator", "port") not in backend  # 9000, the chart default, is the in-cluster port


def test_orchestrator_release_name_shapes_its_service_name() -> None:
    backend = values_of({"target": {"orchestrator": {"release": "orc", "namespace": "net"}}})
    assert backend[("orchestrator", "host")] == "orc-orchestrator-server.net"


def test_remote_orchestrator_with_tls_goes_through_port_443() -> None:
    backend = values_of({"target": {"orchestrator": {"enabled": False}},
                         "orchestrator": {"host": "orc.example.com", "tls": True, "ca_secret": "orc-ca"}})
    assert backend[("orchestrator", "port")] == 443
    assert backend[("orchestrator", "tls", "enabled")] is True
    assert backend[("orchestrator", "tls", "cacert")] == "orc-ca"
    assert ("orchestrator", "sameCluster") not in backend  # false, the chart default


def test_worker_access_mode_is_a_one_entry_list() -> None:
    assert values_of({"storage": {"worker": {"access_mode": "ReadWriteMany"}}})[("worker", "accessModes")] == [
        "ReadWriteMany"]


def test_servermedias_storage_class_uses_the_key_the_template_reads() -> None:
    backend = values_of({"storage": {"servermedias": {"storage_class": "fast", "size": "50Gi"}}})
    assert backend[("server", "persistence", "servermedias", "storageClass")] == "fast"
    assert backend[("server", "persistence", "servermedias", "size")] == "50Gi"
    assert ("server", "persistence", "storageClass") not in backend


def test_localstack_access_modes_is_a_list_and_registry_access_mode_a_string() -> None:
    backend = values_of({"features": {"object_store": "localstack"},
                         "storage": {"localstack": {"access_mode": "ReadWriteMany"},
                                     "docker_registry": {"access_mode": "ReadWriteMany", "storage_class": "nfs"}}})
    assert backend[("localstack", "persistence", "accessModes")] == ["ReadWriteMany"]
    assert ("localstack", "persistence", "accessMode") not in backend
    assert backend[("docker-registry", "persistence", "accessMode")] == "ReadWriteMany"
    assert backend[("docker-registry", "persistence", "storageClass")] == "nfs"
    assert backend[("minio", "enabled")] is False
    assert backend[("localstack", "enabled")] is True


@pytest.mark.parametrize("claim", ["backend_database", "redis", "minio"])
def test_storage_class_that_the_chart_ignores_is_not_written(claim: str) -> None:
    backend = values_of({"storage": {claim: {"storage_class": "fast", "size": "20Gi"}}})
    assert not any(path[-1] == "storageClass" for path in backend)
    assert any(path[-1] == "size" and value == "20Gi" for path, value in backend.items())


def test_orchestrator_database_storage_class_works_and_is_written() -> None:
    orchestrator = values_of({"storage": {"orchestrator_database": {"storage_class": "gp3"}}}, "orchestrator")
    assert orchestrator[("postgresql", "primary", "persistence", "storageClass")] == "gp3"


def test_existing_claims_are_written_for_reusable_volumes() -> None:
    backend = values_of({"storage": {"servermedias": {"existing_claim": "media"}, "redis": {"existing_claim": "r"}}})
    assert backend[("server", "persistence", "servermedias", "existingClaim")] == "media"
    assert backend[("redis", "master", "persistence", "existingClaim")] == "r"


def test_private_ca_sets_the_image_tag_and_embeds_the_certificate(tmp_path) -> None:
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    (tmp_path / "ca.pem").write_text(pem)
    backend = values_of({"features": {"private_ca": True, "add_cert_image_tag": "1.0.1",
                                      "private_ca_file": str(tmp_path / "ca.pem")}})
    assert backend[("privateCa", "enabled")] is True
    assert backend[("privateCa", "image", "tag")] == "1.0.1"
    assert backend[("privateCa", "secret", "data")] == pem


def test_remote_registry_turns_off_both_switches_and_defaults_the_pull_domain() -> None:
    backend = values_of({"features": {"registry": "remote", "registry_host": "registry.example.com"}})
    assert backend[("docker-registry", "enabled")] is False
    assert backend[("containerRegistry", "local")] is False
    assert backend[("containerRegistry", "host")] == "registry.example.com"
    assert backend[("containerRegistry", "port")] == 443
    assert backend[("containerRegistry", "scheme")] == "https"
    assert backend[("containerRegistry", "pullDomain")] == "registry.example.com"


def test_frontend_wiring_sets_cors_on_the_backend_and_ingress_on_the_frontend() -> None:
    data = {"target": {"frontend": {"enabled": True}},
            "ingress": {"backend_host": "api.org.example.com", "frontend_host": "substra.org.example.com",
                        "tls": True, "cluster_issuer": "letsencrypt-prod", "class_name": "nginx"}}
    backend, frontend = values_of(data), values_of(data, "substra-frontend")
    assert backend[("config", "CORS_ORIGIN_WHITELIST")] == '["https://substra.org.example.com"]'
    assert backend[("config", "CSRF_TRUSTED_ORIGINS")] == '["https://substra.org.example.com"]'
    assert backend[("config", "CORS_ALLOW_CREDENTIALS")] == "true"  # a string: it becomes an environment variable
    assert backend[("config", "ALLOWED_HOSTS")] == '["api.org.example.com"]'
    assert backend[("server", "commonHostDomain")] == "org.example.com"
    assert backend[("server", "defaultDomain")] == "https://api.org.example.com"
    tls = [{"hosts": ["api.org.example.com"], "secretName": "backend-tls"}]
    assert backend[("server", "ingress", "extraTls")] == tls
    assert backend[("server", "ingress", "annotations", "cert-manager.io/cluster-issuer")] == "letsencrypt-prod"
    assert frontend[("api", "url")] == "https://api.org.example.com"
    assert frontend[("ingress", "enabled")] is True
    assert frontend[("ingress", "hosts")] == [{"host": "substra.org.example.com", "paths": ["/"]}]
    assert frontend[("ingress", "tls")] == [{"hosts": ["substra.org.example.com"], "secretName": "frontend-tls"}]


def test_orchestrator_channels_list_this_organisation_and_the_others() -> None:
    orchestrator = values_of({"organisation": {"msp_id": "MyOrgMSP"},
                              "channels": [{"name": "c1", "organizations": ["OtherMSP"]}]}, "orchestrator")
    assert orchestrator[("channels",)] == [{"name": "c1", "organizations": ["MyOrgMSP", "OtherMSP"]}]
    backend = values_of({"channels": [{"name": "c1", "restricted": True}]})
    assert backend[("orchestrator", "channels")] == [{"c1": {"restricted": True, "model_export_enabled": False}}]


def test_charts_render_in_install_order_and_only_when_enabled() -> None:
    plan = build_plan([Layer("test", {"target": {"frontend": {"enabled": True}},
                                      "ingress": {"backend_host": "api.example.com"}})])
    assert [v.chart for v in render(plan)] == ["orchestrator", "substra-backend", "substra-frontend"]
    plan = build_plan([Layer("test", {"target": {"orchestrator": {"enabled": False}},
                                      "orchestrator": {"host": "o.example.com"}})])
    assert [v.chart for v in render(plan)] == ["substra-backend"]


def test_every_setting_is_driven_by_a_key_its_field_declares() -> None:
    data = {"target": {"frontend": {"enabled": True}},
            "features": {"private_ca": True, "add_cert_image_tag": "1", "kaniko_cached_images": ["a/b:1"],
                         "prepopulate": [{"image": "a/b:1"}]},
            "storage": {c: {"size": "20Gi"} for c in ("worker", "servermedias", "docker_registry", "minio")},
            "scale": {"worker_replicas": 2},
            "ingress": {"backend_host": "api.example.com", "frontend_host": "ui.example.com", "tls": True,
                        "cluster_issuer": "le", "class_name": "nginx", "orchestrator_host": "orc.example.com"},
            "orchestrator": {"tls": True, "ca_secret": "ca"}}
    values: list[ChartValues] = render(build_plan([Layer("test", data)]))
    for chart in values:
        for setting in chart.settings:
            declared = declaration(setting.field).values_keys
            key = f"{chart.chart}:{'.'.join(setting.path)}"
            assert any(key == d or key.startswith(d + ".") for d in declared), (setting.field, key, declared)


def test_every_decision_has_a_label_and_help() -> None:
    for decl in declarations():
        assert decl.label and decl.help, decl.path
