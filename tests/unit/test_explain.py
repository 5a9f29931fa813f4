"""wizard explain from values: the embedded models' objects, the values' own findings, the Plan's notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.reporting.findings import values_findings


def keys(values: dict) -> set[str | None]:
    return {f.values_key for f in values_findings("substra-backend", values)}


@pytest.mark.parametrize(("values", "key"), [
    ({"server": {"persistence": {"storageClass": "fast"}}}, "server.persistence.storageClass"),
    ({"postgresql": {"primary": {"persistence": {"storageClass": "fast"}}}},
     "postgresql.primary.persistence.storageClass"),
    ({"minio": {"persistence": {"storageClass": "fast"}}}, "minio.persistence.storageClass"),
    ({"localstack": {"persistence": {"accessMode": "ReadWriteMany"}}}, "localstack.persistence.accessMode"),
    ({"docker-registry": {"enabled": False}}, "containerRegistry.local"),
    ({"minio": {"enabled": False}}, "minio.enabled"),
    ({"privateCa": {"enabled": True}}, "privateCa.image.tag"),
])
def test_values_that_cannot_work_or_have_no_effect(values: dict, key: str) -> None:
    assert key in keys(values)


# Credentials in Secrets, as the wizard writes them (credential findings: tests/unit/test_secrets_findings.py).
SECRETS = {"database": {"auth": {"credentialsSecretName": "db", "password": ""}},
           "postgresql": {"auth": {"enablePostgresUser": True, "existingSecret": "pg", "password": ""}}}


def test_sound_values_have_no_value_findings() -> None:
    assert keys({**SECRETS, "docker-registry": {"enabled": False},
                 "containerRegistry": {"local": False, "host": "r.io"}, "minio": {"enabled": False},
                 "localstack": {"enabled": True, "environment": [
                     {"name": "AWS_ACCESS_KEY_ID", "value": "(secret substra-backend/localstack-key-id)"},
                     {"name": "AWS_SECRET_ACCESS_KEY", "value": "(secret substra-backend/localstack-secret)"}]},
                 "redis": {"auth": {"existingSecret": "redis"}}, "addAccountOperator": {"existingSecret": "accounts"},
                 "privateCa": {"enabled": True, "image": {"tag": "1.0.1"}},
                 "server": {"persistence": {"servermedias": {"storageClass": "fast"}}}}) == set()
    assert values_findings("orchestrator", {**SECRETS,
                                            "postgresql": {**SECRETS["postgresql"],
                                                           "primary": {"persistence": {"storageClass": "x"}}}}) == []


def explain_json(capsys, *argv: str) -> dict:
    assert main(["explain", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_explain_an_orchestrator_values_file(tmp_path: Path, capsys) -> None:
    values = tmp_path / "orc.yaml"
    values.write_text("postgresql:\n  primary:\n    persistence:\n      size: 20Gi\n")
    report = explain_json(capsys, "--values", f"orchestrator={values}", "--namespace", "net")
    assert report["source"] == "embedded"
    assert report["charts"] == [{"chart": "orchestrator", "version": "8.8.0", "release": "orchestrator",
                                 "namespace": "net"}]
    assert {p["component"] for p in report["pods"]} >= {"orchestrator-server", "orchestrator-database"}
    (claim,) = report["volumes"]
    assert claim["size"] == "20Gi" and claim["component"] == "orchestrator-database"
    assert claim["existing_claim_key"] == "postgresql.primary.persistence.existingClaim"


def test_explain_refuses_two_sources_and_bad_values(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n")
    assert main(["explain", "--values", f"orchestrator={bad}"]) == 2
    assert "the top level is not a map of keys" in capsys.readouterr().err
    assert main(["explain", "--preset", "minimal", "--manifests", str(bad)]) == 2
    assert "give one source, not --manifests and --preset/--answers" in capsys.readouterr().err
    assert main(["explain", "--values", "nochart=x.yaml"]) == 2


def test_a_plan_is_judged_by_its_own_kubernetes_version_unless_told_otherwise(capsys) -> None:
    older = explain_json(capsys, "--preset", "minimal", "--set", "target.kubernetes_version=1.25")
    assert older["k8s_version"] == "1.25"
    assert explain_json(capsys, "--preset", "minimal", "--k8s-version", "1.30")["k8s_version"] == "1.30"
