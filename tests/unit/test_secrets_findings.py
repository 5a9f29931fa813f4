"""Credential findings: a chart default still in effect, a PostgreSQL without a password, admin lists nobody can log in
with or that the backend crashes on, credentials inline; never on the wizard's own plans, never showing a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.reporting.credential_findings import credential_findings
from wizard.reporting.explain import plan_inputs
from wizard.reporting.findings import values_findings

BACKEND, ORCHESTRATOR = "substra-backend", "orchestrator"
CHART_DEFAULT_DANGERS = {"postgresql.auth.enablePostgresUser", "database.auth.password", "redis.auth.password",
                         "minio.auth.rootPassword", "addAccountOperator.users"}
GOOD_PASSWORD = "Correct-Horse-Battery-Staple-42"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"


def dangers(chart: str, values: dict) -> set[str | None]:
    return {f.values_key for f in credential_findings(chart, values) if f.severity == "danger"}


def warnings(chart: str, values: dict) -> set[str | None]:
    return {f.values_key for f in credential_findings(chart, values) if f.severity == "warning"}


def test_the_chart_defaults_leave_every_credential_open() -> None:
    assert dangers(BACKEND, {}) == CHART_DEFAULT_DANGERS
    assert dangers(ORCHESTRATOR, {}) == {"postgresql.auth.enablePostgresUser", "database.auth.password"}
    assert credential_findings("substra-frontend", {}) == []
    assert CHART_DEFAULT_DANGERS <= {f.values_key for f in values_findings(BACKEND, {})}
    assert all(f.area == "security" for f in credential_findings(BACKEND, {}))


@pytest.mark.parametrize(("values", "gone", "added"), [
    ({"postgresql": {"enabled": False}}, "postgresql.auth.enablePostgresUser", None),
    ({"postgresql": {"auth": {"enablePostgresUser": True}}}, "postgresql.auth.enablePostgresUser",
     "postgresql.auth.password"),
    ({"postgresql": {"auth": {"enablePostgresUser": True, "postgresPassword": "postgres"}}},
     "postgresql.auth.enablePostgresUser", "postgresql.auth.postgresPassword"),
    ({"database": {"auth": {"credentialsSecretName": "db"}}}, "database.auth.password", None),
    ({"redis": {"enabled": False}}, "redis.auth.password", None),
    ({"redis": {"auth": {"existingSecret": "redis"}}}, "redis.auth.password", None),
    ({"redis": {"auth": {"enabled": False}}}, "redis.auth.password", "redis.auth.enabled"),
    ({"minio": {"enabled": False}, "localstack": {"enabled": True}}, "minio.auth.rootPassword",
     "localstack.environment"),
    ({"addAccountOperator": {"existingSecret": "accounts"}}, "addAccountOperator.users", None),
    ({"addAccountOperator": {"users": [{"name": "admin", "secret": GOOD_PASSWORD, "channel": "mychannel"}]}},
     "addAccountOperator.users", None),
])
def test_each_key_that_closes_or_opens_a_credential(values: dict, gone: str, added: str | None) -> None:
    found = dangers(BACKEND, values)
    assert gone not in found
    assert found - CHART_DEFAULT_DANGERS == ({added} if added else set())


def test_an_existing_minio_secret_does_not_fix_the_inline_default_the_backend_sends() -> None:
    assert "minio.auth.rootPassword" in dangers(BACKEND, {"minio": {"auth": {"existingSecret": "minio"}}})


def test_no_admin_user_is_only_a_warning_with_oidc() -> None:
    assert "addAccountOperator.users" not in dangers(BACKEND, {"oidc": {"enabled": True}})
    assert "addAccountOperator.users" in warnings(BACKEND, {"oidc": {"enabled": True}})


@pytest.mark.parametrize(("entry", "words"), [
    ({"name": "operator", "secret": GOOD_PASSWORD}, "has no channel"),
    ({"name": "operator", "secret": GOOD_PASSWORD, "channel": ""}, "has no channel"),
    ({"name": "deleted", "secret": GOOD_PASSWORD, "channel": "mychannel"}, "reserved"),
    ({"name": "ops team", "secret": GOOD_PASSWORD, "channel": "mychannel"}, "contains a space"),
    ({"name": "admin", "secret": "hunter2hunter2", "channel": "mychannel"}, "the backend refuses"),
    ({"name": "admin", "secret": 12345678901234567890123, "channel": "mychannel"}, "not a string"),
    ({"name": "admin", "channel": "mychannel"}, "has no secret"),
    ({"name": "admin", "secret": GOOD_PASSWORD, "channel": "my channel"}, "space in its channel"),
    ("admin", "is not a map"),
])
def test_a_user_entry_the_backend_crashes_on_or_skips_is_a_danger(entry: object, words: str) -> None:
    found = [f for f in credential_findings(BACKEND, {"addAccountOperator": {"users": [entry]}})
             if f.severity == "danger" and f.values_key == "addAccountOperator.users"]
    assert len(found) == 1 and words in found[0].message and "users[0]" in found[0].message


@pytest.mark.parametrize(("key", "entry", "words"), [
    ("incomingOrganizations", {"name": "Org2MSP", "secret": "s" * 64, "channel": "mychannel"}, "has a channel"),
    ("incomingOrganizations", {"name": "Org2MSP"}, "has no secret"),
    ("incomingOrganizations", {"name": "Org2MSP", "secret": ""}, "nobody can ever log in"),
    ("outgoingOrganizations", {"name": "Org2MSP", "secret": 123456}, "not a string"),
    ("outgoingOrganizations", {"name": "Org2MSP", "secret": "a" * 129}, "longer than 128"),
    ("outgoingOrganizations", {"name": "Org2MSP", "secret": "two words"}, "space or line break"),
])
def test_an_organisation_entry_the_backend_misreads_is_a_danger(key: str, entry: dict, words: str) -> None:
    found = [f for f in credential_findings(BACKEND, {"addAccountOperator": {key: [entry]}})
             if f.severity == "danger" and f.values_key == f"addAccountOperator.{key}"]
    assert len(found) == 1 and words in found[0].message


def test_sound_lists_are_only_inline_warnings_that_point_at_wizard_import() -> None:
    values = {"addAccountOperator": {
        "users": [{"name": "admin", "secret": GOOD_PASSWORD, "channel": "mychannel"}],
        "incomingOrganizations": [{"name": "Org1MSP", "secret": "a" * 64}],
        "outgoingOrganizations": [{"name": "Org1MSP", "secret": "a" * 64}]}}
    assert not any(f.values_key.startswith("addAccountOperator") for f in credential_findings(BACKEND, values)
                   if f.severity == "danger" and f.values_key)
    inline = [f for f in credential_findings(BACKEND, values) if f.severity == "warning"]
    assert {f.values_key for f in inline} == {"addAccountOperator.users", "addAccountOperator.incomingOrganizations",
                                              "addAccountOperator.outgoingOrganizations"}
    assert all("wizard import" in f.message and "--out" in f.message for f in inline)


def test_inline_passwords_are_warnings_and_no_message_shows_a_value() -> None:
    secrets = {"database": {"auth": {"password": "Db-Secret-1234"}},
               "postgresql": {"auth": {"enablePostgresUser": True, "password": "Db-Secret-1234"}},
               "redis": {"auth": {"password": "Redis-Secret-5678"}},
               "minio": {"auth": {"rootUser": "objects", "rootPassword": "Minio-Secret-9012"}},
               "addAccountOperator": {"users": [{"name": "admin", "secret": "hunter2hunter2", "channel": "c"}],
                                      "incomingOrganizations": [{"name": "O", "secret": "Org-Secret-3456",
                                                                 "channel": "c"}]}}
    found = credential_findings(BACKEND, secrets)
    assert {"database.auth.password", "postgresql.auth.password", "redis.auth.password"} <= {
        f.values_key for f in found if f.severity == "warning"}
    # The chart takes MinIO's only inline: said, where to keep it, but no warning (the wizard's own output has it).
    assert "minio.auth.rootPassword" in {f.values_key for f in found if f.severity == "info"}
    text = " ".join(f.message for f in found)
    for value in ("Db-Secret-1234", "Redis-Secret-5678", "Minio-Secret-9012", "hunter2", "Org-Secret-3456",
                  "minio1234", "mySuperSecureAWSAccessKey1234"):
        assert value not in text


def test_the_wizard_plans_placeholders_are_not_defaults() -> None:
    """Every preset's own values (with the `(secret <id>)` placeholders the analysis sees) have no credential
    finding at all: the credentials are in Secrets."""
    for name in presets.names():
        plan = build_plan([Layer(f"preset {name}", presets.load(name).plan, kind="preset")])
        for item in plan_inputs(plan):
            assert credential_findings(item.release.chart, dict(item.values)) == [], (name, item.release.chart)


def explain_findings(capsys, chart: str, *paths: Path) -> list[dict]:
    assert main(["explain", *(a for path in paths for a in ("--values", f"{chart}={path}")), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["findings"]


def test_the_wizards_own_values_with_its_credentials_file_explain_without_credential_warnings(
        tmp_path: Path, capsys) -> None:
    """helm gets the values file and secrets/<chart>-credentials.values: explained together (merged, like helm -f a
    -f b), they show no credential DANGER or WARNING."""
    out = tmp_path / "out"
    assert main(["--preset", "localstack-dev", "--non-interactive", "--out", str(out)]) == 0
    capsys.readouterr()
    found = explain_findings(capsys, BACKEND, out / f"{BACKEND}-values.yaml",
                             out / "secrets" / f"{BACKEND}-credentials.values")
    assert credential_keys(found, "danger") == set() and credential_keys(found, "warning") == set()
    assert credential_keys(found, "info") == {"localstack.environment"}
    alone = explain_findings(capsys, BACKEND, out / f"{BACKEND}-values.yaml")
    assert credential_keys(alone, "danger") == {"localstack.environment"}  # helm without that file: the defaults


def credential_keys(findings: list[dict], severity: str) -> set[str]:
    prefixes = ("database.auth.", "postgresql.auth.", "redis.auth.", "minio.auth.", "localstack.environment",
                "addAccountOperator.")
    return {f["values_key"] for f in findings if f["severity"] == severity and f["area"] == "security"
            and (f["values_key"] or "").startswith(prefixes)}


SECURE = sorted((REFERENCE / "substra-renders-secure" / "substra-backend").glob("*.values.json"))
EXPECTED = {  # scenario number -> (DANGER keys, WARNING keys) of wizard explain --values
    "25": ({"postgresql.auth.enablePostgresUser", "minio.auth.rootPassword", "addAccountOperator.users"}, set()),
    "26": (CHART_DEFAULT_DANGERS - {"redis.auth.password"}, set()),
    "27": ({"postgresql.auth.enablePostgresUser", "addAccountOperator.users"},
           {"database.auth.password", "postgresql.auth.password", "redis.auth.password"}),
    "28": (CHART_DEFAULT_DANGERS - {"database.auth.password"}, {"database.auth.password"}),
    "29": (CHART_DEFAULT_DANGERS - {"database.auth.password", "postgresql.auth.enablePostgresUser"},
           {"database.auth.password", "postgresql.auth.password"}),
    "30": ({"redis.auth.password", "minio.auth.rootPassword", "addAccountOperator.users"}, set()),
    "31": (CHART_DEFAULT_DANGERS - {"minio.auth.rootPassword"}, set()),
    "32": (CHART_DEFAULT_DANGERS - {"addAccountOperator.users"},
           {"addAccountOperator.users", "addAccountOperator.incomingOrganizations",
            "addAccountOperator.outgoingOrganizations"}),
    "33": (CHART_DEFAULT_DANGERS - {"addAccountOperator.users"}, set()),
    "34": (CHART_DEFAULT_DANGERS | {"addAccountOperator.incomingOrganizations",
                                    "addAccountOperator.outgoingOrganizations"},
           {"addAccountOperator.users", "addAccountOperator.incomingOrganizations",
            "addAccountOperator.outgoingOrganizations"}),
}


@pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"{REFERENCE} is absent: the real renders live in ../shared")
def test_explain_of_the_chart_defaults_file_shows_every_default_credential(capsys) -> None:
    found = explain_findings(capsys, BACKEND, REFERENCE / "substra-renders" / BACKEND / "00-defaults.values.json")
    assert credential_keys(found, "danger") == CHART_DEFAULT_DANGERS
    found = explain_findings(capsys, ORCHESTRATOR, REFERENCE / "substra-renders" / ORCHESTRATOR /
                             "00-defaults.values.json")
    assert credential_keys(found, "danger") == {"postgresql.auth.enablePostgresUser", "database.auth.password"}


@pytest.mark.skipif(not SECURE, reason="the secure renders live in ../shared")
@pytest.mark.parametrize("scenario", [path for path in SECURE if path.name[:2] in EXPECTED], ids=lambda p: p.name)
def test_explain_of_the_credential_renders_shows_their_findings(scenario: Path, capsys) -> None:
    found = explain_findings(capsys, BACKEND, scenario)
    expected_dangers, expected_warnings = EXPECTED[scenario.name[:2]]
    assert credential_keys(found, "danger") == expected_dangers
    assert credential_keys(found, "warning") == expected_warnings
    values = json.loads(scenario.read_text(encoding="utf-8"))
    inline = [entry.get("secret") for key in ("users", "incomingOrganizations", "outgoingOrganizations")
              for entry in values.get("addAccountOperator", {}).get(key, []) if isinstance(entry.get("secret"), str)]
    inline += [values.get(chart, {}).get("auth", {}).get(key) for chart, key in (
        ("database", "password"), ("postgresql", "password"), ("redis", "password"), ("minio", "rootPassword"))]
    text = json.dumps(found)
    assert not [secret for secret in inline if secret and secret in text]


def test_every_credential_scenario_is_covered() -> None:
    numbers = {path.name[:2] for path in SECURE}
    assert not SECURE or set(EXPECTED) <= numbers


@pytest.mark.parametrize(("key", "step"), [
    ("database.auth.password", "accounts"), ("postgresql.auth.enablePostgresUser", "accounts"),
    ("redis.auth.enabled", "accounts"), ("addAccountOperator.users", "accounts"),
    ("addAccountOperator.incomingOrganizations", "accounts"), ("localstack.environment", "accounts"),
    ("minio.networkPolicy.allowExternal", "features"), ("postgresql.primary.networkPolicy.allowExternalEgress",
                                                        "features"),
])
def test_enter_on_a_credential_or_storage_finding_goes_to_the_step_that_fixes_it(key: str, step: str) -> None:
    from wizard.frontend.steps import step_for_values_key

    found = step_for_values_key(key)
    assert found is not None and found.id == step
