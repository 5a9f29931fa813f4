"""Redaction: which keys hold secrets, which value shapes give one away, and what the markers and records say."""

from __future__ import annotations

import base64

import pytest

from wizard.support.redact import Redactor, is_secret_key


@pytest.mark.parametrize("name", [
    "password", "postgresPassword", "rootPassword", "replicationPassword", "htpasswd", "haSharedSecret", "secret",
    "SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "token", "auth", "tls.key", "privateKey",
    "apiKey", ".dockerconfigjson", "OIDC_RP_CLIENT_SECRET", "DATABASE_PASSWORD",
])
def test_secret_key_names(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize("name", [
    # Names of Secrets, of keys inside them, and switches: the charts need them and they say nothing secret.
    "existingSecret", "credentialsSecretName", "imagePullSecrets", "pullSecrets", "rootPasswordSecretKey",
    "existingSecretPasswordKey", "adminPasswordKey", "rootUserSecretKey", "usePasswordFiles", "clientSecretName",
    "dockerConfigSecretName", "automountServiceAccountToken",
    "useRefreshToken", "secretRef", "usersExistingSecrets", "secretName", "username", "rootUser", "key", "name",
])
def test_reference_and_ordinary_key_names(name: str) -> None:
    assert not is_secret_key(name)


def redact(data: dict, plan: dict | None = None, chart: str = "substra-backend") -> tuple[Redactor, dict]:
    redactor = Redactor()
    redactor.learn_values(data, chart)
    return redactor, redactor.values(data, "f.yaml", chart, plan)


def test_key_names_redact_declared_credentials_and_keep_references_and_switches() -> None:
    redactor, out = redact({
        "redis": {"auth": {"password": "hunter2hunter2", "existingSecret": "db-creds", "usePasswordFiles": True,
                           "sentinel": False}},
        "minio": {"auth": {"rootUser": "admin", "rootPassword": 123456789}},
        "postgresql": {"tls": {"certificatesSecret": "pg-certs"}, "primary": {"extraEnvVarsSecret": "pg-env"}},
        "oidc": {"provider": {"endpoints": {"token": "https://idp.example.com/token"}}},
        "config": {"CORS_ALLOW_CREDENTIALS": "true"}})
    assert out["redis"] == {"auth": {"password": "<redacted:1>", "existingSecret": "db-creds",
                                     "usePasswordFiles": True, "sentinel": False}}
    # The root user is the object store's access key (helm get values carries it from secrets/); a number, by its key
    assert out["minio"] == {"auth": {"rootUser": "<redacted:2>", "rootPassword": "<redacted:3>"}}
    assert out["postgresql"] == {"tls": {"certificatesSecret": "pg-certs"}, "primary": {"extraEnvVarsSecret": "pg-env"}}
    assert out["oidc"]["provider"]["endpoints"]["token"] == "https://idp.example.com/token"
    assert [(r.place, r.reason) for r in redactor.redactions][:3] == [("redis.auth.password", "credential key"),
                                                                    ("minio.auth.rootUser", "credential key"),
                                                                    ("minio.auth.rootPassword", "credential key")]


def test_value_shapes_are_redacted_in_declared_values() -> None:
    pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBody\n-----END EC PRIVATE KEY-----"
    cert = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----"
    _, out = redact({"server": {"ingress": {"hostname": f"before\n{pem}\nafter\n{cert}",
                                            "path": "Bearer abc.def-123456"},
                                "defaultDomain": "postgres://substra:pa55word@db:5432/substra?sslmode=require",
                                "subpath": "sslmode=require password=pa55-param",
                                "commonHostDomain": "AKIAABCDEFGHIJKLMNOP",
                                "image": {"registry": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
                                          "repository": "ghp_abcdefghijklmnopqrstuvwxyz0123",
                                          "tag": "nginx:1.25@sha256:0123456789abcdef"}}})
    server = out["server"]
    assert server["ingress"] == {"hostname": f"before\n<redacted:1>\nafter\n{cert}", "path": "Bearer <redacted:2>"}
    assert server["defaultDomain"] == "postgres://substra:<redacted:3>@db:5432/substra?sslmode=require"
    assert server["subpath"] == "sslmode=require password=<redacted:4>"
    assert server["commonHostDomain"] == "<redacted:5>"
    assert server["image"] == {"registry": "<redacted:6>", "repository": "<redacted:7>",
                               "tag": "nginx:1.25@sha256:0123456789abcdef"}  # a digest is not a credential


def test_the_same_secret_keeps_its_number_and_the_record_never_holds_it() -> None:
    redactor, out = redact({"redis": {"auth": {"password": "same-secret-1"}},
                            "database": {"auth": {"password": "same-secret-1"}},
                            "docker-registry": {"proxy": {"password": "other"}}})
    assert out == {"redis": {"auth": {"password": "<redacted:1>"}}, "database": {"auth": {"password": "<redacted:1>"}},
                   "docker-registry": {"proxy": {"password": "<redacted:2>"}}}
    assert [r.index for r in redactor.redactions] == [1, 1, 2]
    assert "same-secret-1" not in repr(redactor.redactions)


def test_scrub_removes_known_secrets_and_their_base64_from_free_text() -> None:
    redactor, _ = redact({"redis": {"auth": {"password": "scrub-me-please"}}})
    encoded = base64.b64encode(b"scrub-me-please").decode()
    text = redactor.scrub(f"a scrub-me-please b {encoded} c", "report.md")
    assert "scrub-me-please" not in text and encoded not in text
    assert text == "a <redacted:1> b <redacted:1> c"
    assert redactor.redactions[-1].file == "report.md"


def test_plan_data_is_kept_with_the_shapes_taken_out() -> None:
    redactor = Redactor()
    data = {"orchestrator": {"ca_secret": "orchestrator-cacert"},
            "images": ["https://robot:pw-in-url@registry.example.com/x:1"]}
    redactor.learn_data(data)
    assert redactor.data(data, "answers") == {"orchestrator": {"ca_secret": "orchestrator-cacert"},
                                              "images": ["https://robot:<redacted:1>@registry.example.com/x:1"]}
