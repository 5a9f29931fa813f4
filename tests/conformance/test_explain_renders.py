"""`wizard explain --manifests` on the real renders in ../shared tells what FACTS.md and the reference page say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main

RENDERS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders"
pytestmark = pytest.mark.skipif(not RENDERS.is_dir(), reason=f"{RENDERS} is absent: the real renders live in ../shared")


def explain(render: str, capsys, *options: str) -> dict:
    """The report of the chart's own pods (--no-runtime-pods unless other options are given)."""
    assert main(["explain", "--manifests", str(RENDERS / render), "--format", "json",
                 *(options or ("--no-runtime-pods",))]) == 0
    return json.loads(capsys.readouterr().out)


def test_private_ca_makes_add_cert_root_in_exactly_six_pods(capsys) -> None:
    report = explain("substra-backend/03-privateca-on.yaml", capsys)
    rooted = {p["component"] for p in report["pods"] if p["root_containers"]}
    assert rooted == {"backend-server", "backend-worker", "backend-builder", "backend-api-events",
                      "backend-worker-events", "backend-scheduler-worker"}
    assert all(p["pss_level"] == "baseline" for p in report["pods"] if p["component"] in rooted)
    keys = {f["values_key"] for f in report["findings"] if f["area"] == "security" and f["severity"] == "danger"}
    # The scenario leaves privateCa.image.tag null: the chart renders an image that can never be pulled.
    assert keys == {"privateCa.enabled", "privateCa.image.tag"}
    assert any("%!s(<nil>)" in f["message"] for f in report["findings"])


def test_chart_defaults_pass_restricted_and_open_the_storage_pods(capsys) -> None:
    report = explain("substra-backend/00-defaults.yaml", capsys)
    assert report["schema"] == "substra-wizard/report@1"
    assert report["charts"] == [{"chart": "substra-backend", "version": "26.15.3", "release": "rel",
                                 "namespace": "org-1"}]
    assert {p["pss_level"] for p in report["pods"]} == {"restricted"}
    dangers = {f["values_key"] for f in report["findings"] if f["severity"] == "danger"}
    # Each names the key that closes it, and the wizard decision that sets it.
    assert dangers == {"postgresql.primary.networkPolicy.allowExternal", "redis.networkPolicy.allowExternal",
                       "minio.networkPolicy.allowExternal"}
    assert all("features.close_storage" in f["message"] for f in report["findings"] if f["severity"] == "danger")
    server = next(p for p in report["pods"] if p["component"] == "backend-server")
    assert "internet" in server["ingress_from"] and "backend-database" in server["egress_to"]


def test_a_reused_servermedias_claim_is_reported_with_its_key(capsys) -> None:
    report = explain("substra-backend/09-servermedias-storageclass-and-existing.yaml", capsys)
    (reused,) = [v for v in report["volumes"] if not v["created"]]
    assert reused == {"claim": "my-medias", "chart": "substra-backend", "component": "backend-server",
                      "created": False, "size": None, "storage_class": None, "access_modes": [],
                      "existing_claim_key": "server.persistence.servermedias.existingClaim"}


def test_localstack_is_below_restricted_and_its_test_pods_are_set_apart(capsys) -> None:
    report = explain("substra-backend/04-localstack.yaml", capsys)
    store = next(p for p in report["pods"] if p["component"] == "backend-object-storage")
    assert store["pss_level"] == "baseline" and store["root_containers"][0]["reason"] == "image-default"
    assert not any("test" in p["object"] for p in report["pods"])
    assert any("helm test pods left out" in f["message"] for f in report["findings"])


def test_the_markdown_has_the_reference_page_tables(capsys) -> None:
    assert main(["explain", "--manifests", str(RENDERS / "orchestrator/00-defaults.yaml"), "--format",
                 "markdown"]) == 0
    out = capsys.readouterr().out
    for heading in ("## Pod Security Standards", "## Network Policies", "## Volumes", "## Findings"):
        assert heading in out
    assert "| orchestrator-server |" in out and "| orchestrator-database |" in out


def test_run_time_pods_are_added_unless_asked_not_to(capsys) -> None:
    report = explain("substra-backend/00-defaults.yaml", capsys, "--k8s-version", "latest")
    runtime = {p["component"]: p for p in report["pods"] if p["runtime"]}
    assert set(runtime) == {"backend-task-build", "backend-task-execution"}
    assert runtime["backend-task-build"]["root_containers"][0]["container"] == "kaniko"
    assert runtime["backend-task-execution"]["ingress_from"] == runtime["backend-task-execution"]["egress_to"] == []
    without_builder = explain("substra-backend/02-builder-off.yaml", capsys, "--k8s-version", "latest")
    assert {p["component"] for p in without_builder["pods"] if p["runtime"]} == {"backend-task-execution"}
