"""Redaction: which keys hold secrets, which value shapes give one away, and what the markers and records say."""

from __future__ import annotations

import base64

import pytest

from wizard.redact import Redactor, is_secret_key


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
    "existingSecretPasswordKey", "adminPasswordKey", "rootUserSecretKey", "usePasswordFiles", "certificatesSecret",
    "extraEnvVarsSecret", "clientSecretName", "dockerConfigSecretName", "automountServiceAccountToken",
    "useRefreshToken", "secretRef", "usersExistingSecrets", "secretName", "username", "rootUser", "key", "name",
])
def test_reference_and_ordinary_key_names(name: str) -> None:
    assert not is_secret_key(name)


def test_key_names_redact_scalars_and_keep_references_and_switches() -> None:
    redactor = Redactor()
    data = {"auth": {"password": "hunter2hunter2", "existingSecret": "db-creds", "username": "admin",
                     "usePasswordFiles": True, "port": 5432},
            "config": {"CORS_ALLOW_CREDENTIALS": "true", "SECRET_KEY": 123456789},
            "tokens": {"token": ["one-token-1", "two-token-2"]},
            "oidc": {"endpoints": {"token": "https://idp.example.com/token"}},
            "env": [{"name": "DB_PASSWORD", "value": "env-secret-1"}, {"name": "LOG_LEVEL", "value": "debug"}]}
    out = redactor.data(data, "f.yaml")
    assert out["auth"] == {"password": "<redacted:1>", "existingSecret": "db-creds", "username": "admin",
                           "usePasswordFiles": True, "port": 5432}
    assert out["config"] == {"CORS_ALLOW_CREDENTIALS": "true", "SECRET_KEY": "<redacted:2>"}
    assert out["tokens"]["token"] == ["<redacted:3>", "<redacted:4>"]
    assert out["oidc"]["endpoints"]["token"] == "https://idp.example.com/token"
    assert out["env"] == [{"name": "DB_PASSWORD", "value": "<redacted:5>"}, {"name": "LOG_LEVEL", "value": "debug"}]
    assert [(r.place, r.reason) for r in redactor.redactions][:2] == [("auth.password", "key name"),
                                                                    ("config.SECRET_KEY", "key name")]


def test_value_shapes_are_redacted_under_any_key() -> None:
    redactor = Redactor()
    pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBody\n-----END EC PRIVATE KEY-----"
    cert = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----"
    out = redactor.data({
        "a": f"before\n{pem}\nafter\n{cert}",
        "url": "postgres://substra:pa55word@db:5432/substra?sslmode=require",
        "params": "sslmode=require password=pa55-param",
        "aws": "AKIAABCDEFGHIJKLMNOP",
        "header": "Bearer abc.def-123456",
        "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
        "gh": "ghp_abcdefghijklmnopqrstuvwxyz0123",
        "image": "nginx:1.25@sha256:0123456789abcdef",
    }, "f.yaml")
    assert out["a"] == f"before\n<redacted:1>\nafter\n{cert}"  # the certificate is public and stays
    assert out["url"] == "postgres://substra:<redacted:2>@db:5432/substra?sslmode=require"
    assert out["params"] == "sslmode=require password=<redacted:3>"
    assert out["aws"] == "<redacted:4>"
    assert out["header"] == "Bearer <redacted:5>"
    assert out["jwt"] == "<redacted:6>" and out["gh"] == "<redacted:7>"
    assert out["image"] == "nginx:1.25@sha256:0123456789abcdef"  # a digest is not a credential


def test_the_same_secret_keeps_its_number_and_the_record_never_holds_it() -> None:
    redactor = Redactor()
    out = redactor.data({"password": "same-secret-1", "db": {"password": "same-secret-1"}, "x": {"token": "other"}},
                        "v.yaml")
    assert out == {"password": "<redacted:1>", "db": {"password": "<redacted:1>"}, "x": {"token": "<redacted:2>"}}
    assert [r.index for r in redactor.redactions] == [1, 1, 2]
    assert "same-secret-1" not in repr(redactor.redactions)


def test_scrub_removes_known_secrets_and_their_base64_from_free_text() -> None:
    redactor = Redactor()
    redactor.data({"password": "scrub-me-please"}, "v.yaml")
    encoded = base64.b64encode(b"scrub-me-please").decode()
    text = redactor.scrub(f"a scrub-me-please b {encoded} c", "report.md")
    assert "scrub-me-please" not in text and encoded not in text
    assert text == "a <redacted:1> b <redacted:1> c"
    assert redactor.redactions[-1].file == "report.md"


def test_answers_data_is_redacted_by_value_only() -> None:
    redactor = Redactor()
    out = redactor.data({"orchestrator": {"ca_secret": "orchestrator-cacert"},
                         "images": ["https://robot:pw-in-url@registry.example.com/x:1"]}, "answers", by_key=False)
    assert out == {"orchestrator": {"ca_secret": "orchestrator-cacert"},
                   "images": ["https://robot:<redacted:1>@registry.example.com/x:1"]}
