"""The ways into a release from outside the cluster, read from its values: Ingress hosts, NodePort and LoadBalancer
Services (the embedded models render neither, so the panel reads them here)."""

from __future__ import annotations

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.entry_points import release_entry_points


def ways_in(chart: str, values: dict) -> list[str]:  # type: ignore[type-arg]
    return [str(entry) for entry in release_entry_points(chart, SUPPORTED_VERSIONS[chart], values)]


def test_the_backend_defaults_open_the_bundled_registry_on_a_node_port() -> None:
    assert ways_in("substra-backend", {}) == ["NodePort 5000 -> backend-docker-registry"]


def test_an_ingress_host_is_a_way_in_to_its_component() -> None:
    values = {"server": {"ingress": {"enabled": True, "hostname": "api.example.com",
                                     "extraHosts": [{"name": "api2.example.com"}]}}}
    assert ways_in("substra-backend", values)[:2] == ["ingress api.example.com -> backend-server",
                                                      "ingress api2.example.com -> backend-server"]
    assert ways_in("substra-backend", {"server": {"ingress": {"hostname": "api.example.com"}}}) == [
        "NodePort 5000 -> backend-docker-registry"]  # a host name alone makes no Ingress


def test_localstack_opens_its_edge_port_and_service_range() -> None:
    assert "NodePort 4566, 4510-4559 -> backend-object-storage" in ways_in(
        "substra-backend", {"localstack": {"enabled": True}, "minio": {"enabled": False}})


def test_a_fixed_node_port_and_a_load_balancer_are_said() -> None:
    assert ways_in("substra-frontend", {"service": {"type": "NodePort", "nodePort": 30123}}) == [
        "NodePort 80 (node port 30123) -> frontend"]
    assert ways_in("orchestrator", {"service": {"type": "LoadBalancer"}}) == [
        "LoadBalancer 9000 -> orchestrator-server"]


def test_a_registry_turned_off_or_an_unknown_chart_version_opens_nothing() -> None:
    assert ways_in("substra-backend", {"docker-registry": {"enabled": False}}) == []
    assert release_entry_points("substra-backend", "0.0.1", {}) == []
