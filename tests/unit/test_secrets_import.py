"""wizard import and credentials: inline ones move into secrets/ (never values, answers or the report), chart
defaults are replaced by new ones with what to restart, admin users and organisation entries become the Plan's
accounts and given secrets, and features.close_storage follows the customer's storage policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from wizard.cli import main
from wizard.planning import answers
from wizard.planning.layers import Layer, build_plan, secrets_of
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.support.importing import import_values
from wizard.support.importing.report import as_json, text
from wizard.writing.credentials import admin_id, organisation_id
from wizard.writing.secret_files import FOLDER, read_existing

BACKEND, ORCHESTRATOR = "substra-backend", "orchestrator"
ADMIN_PASSWORD = "Correct-Horse-Battery-Staple-42"
INLINE = f"""
orchestrator: {{mspID: Org1MSP, channels: [{{ch1: {{restricted: false}}}}, {{ch2: {{restricted: false}}}}]}}
database: {{auth: {{password: Db-Inline-Secret-77}}}}
postgresql: {{auth: {{password: Db-Inline-Secret-77}}}}
redis: {{auth: {{password: Redis-Inline-Secret-88}}}}
minio: {{auth: {{rootUser: objects-user, rootPassword: Minio-Inline-Secret-99}}}}
addAccountOperator:
  users:
    - {{name: admin, secret: {ADMIN_PASSWORD}, channel: ch2}}
    - {{name: ops, secret: short, channel: ch1}}
    - {{name: deleted, secret: {ADMIN_PASSWORD}, channel: ch1}}
    - {{name: nochannel, secret: Another-Long-Passphrase-Here-31}}
    - {{name: elsewhere, secret: Third-Long-Passphrase-Okay-58, channel: unknown}}
  incomingOrganizations:
    - {{name: Org1MSP, secret: {"a" * 64}}}
    - {{name: Org2MSP, secret: {"b" * 64}, channel: ch1}}
    - {{name: Org3MSP}}
  outgoingOrganizations:
    - {{name: Org1MSP, secret: {"a" * 64}}}
    - {{name: Org2MSP, secret: {"c" * 64}}}
"""
INLINE_SECRETS = ("Db-Inline-Secret-77", "Redis-Inline-Secret-88", "Minio-Inline-Secret-99", ADMIN_PASSWORD,
                  "Another-Long-Passphrase-Here-31", "a" * 64, "b" * 64, "c" * 64)


def write(tmp_path: Path, text_: str, name: str = "values.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text_, encoding="utf-8")
    return path


@pytest.fixture
def inline(tmp_path: Path):  # type: ignore[no-untyped-def]
    return import_values([(BACKEND, write(tmp_path, INLINE))])


def notes_of(result, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in result.notes if n.kind == kind]


def test_inline_credentials_become_the_runs_given_secrets(inline) -> None:  # type: ignore[no-untyped-def]
    secrets = inline.secrets
    assert secrets[f"{BACKEND}/database"] == "Db-Inline-Secret-77"
    assert secrets[f"{BACKEND}/redis"] == "Redis-Inline-Secret-88"
    assert secrets[f"{BACKEND}/minio-user"] == "objects-user"
    assert secrets[f"{BACKEND}/minio-password"] == "Minio-Inline-Secret-99"
    assert secrets[admin_id("admin")] == ADMIN_PASSWORD
    assert secrets[admin_id("nochannel")] == "Another-Long-Passphrase-Here-31"
    assert admin_id("ops") not in secrets  # refused by the backend: a new one is generated
    assert secrets[organisation_id("incoming", "Org1MSP")] == "a" * 64  # the self pair, one id for both lists
    assert secrets[organisation_id("incoming", "Org2MSP")] == "b" * 64  # its channel dropped
    assert secrets[organisation_id("outgoing", "Org2MSP")] == "c" * 64
    assert organisation_id("incoming", "Org3MSP") not in secrets and organisation_id("outgoing", "Org1MSP") not in \
        secrets


def test_admin_users_become_the_plans_users_with_a_channel_of_the_plan(inline) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan([inline.layer])
    assert [(u.name, u.channel) for u in plan.accounts.users] == [
        ("admin", "ch2"), ("ops", "ch1"), ("nochannel", None), ("elsewhere", None)]
    accounts = notes_of(inline, "account")
    assert any("users[1] (ops): the backend refuses its password" in m and "generated" in m for m in accounts)
    assert any("users[2] is left out" in m and "reserved" in m for m in accounts)
    assert any("users[3] (nochannel) has no channel" in m and "gives it ch1" in m for m in accounts)
    assert any("users[4] (elsewhere): channel unknown is not one of the Plan's channels" in m for m in accounts)
    assert any("incomingOrganizations[1] (Org2MSP) had a channel" in m for m in accounts)
    assert any("incomingOrganizations[2] is left out (has no secret" in m for m in accounts)


def test_nothing_secret_reaches_the_report_or_the_layers_repr(inline) -> None:  # type: ignore[no-untyped-def]
    shown = text(inline) + json.dumps(as_json(inline), default=str) + repr(inline) + repr(inline.layer)
    assert [value for value in INLINE_SECRETS if value in shown] == []


def test_import_out_writes_them_into_secrets_only(tmp_path: Path, capsys) -> None:
    source, out = write(tmp_path, INLINE), tmp_path / "out"
    assert main(["import", "--values", f"{BACKEND}={source}", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"Moved into secrets/ from your files: {BACKEND}/admin/admin" in err
    outside = "".join(p.read_text() for p in out.rglob("*") if p.is_file() and FOLDER not in p.parts)
    assert [value for value in INLINE_SECRETS if value in outside] == []
    values = yaml.safe_load((out / f"{BACKEND}-values.yaml").read_text())
    assert values["database"]["auth"] == {"credentialsSecretName": "backend-database-credentials", "password": ""}
    assert "addAccountOperator" in values and set(values["addAccountOperator"]) == {"existingSecret"}
    plan = build_plan([Layer("answers", answers.load_with_extras(out / answers.FILE_NAME)[0])])
    stored = read_existing(plan, out)
    assert stored[f"{BACKEND}/redis"] == "Redis-Inline-Secret-88" and stored[admin_id("admin")] == ADMIN_PASSWORD
    assert stored[admin_id("ops")] != "short" and stored[organisation_id("incoming", "Org2MSP")] == "b" * 64
    accounts = (out / FOLDER / f"{BACKEND}-secrets.yaml").read_text()
    assert "Org3MSP" not in accounts  # left out: it had no secret


def test_chart_default_credentials_are_replaced_and_the_report_says_what_to_restart(tmp_path: Path,
                                                                                       capsys) -> None:
    source, out = write(tmp_path, "redis: {auth: {password: redis}}\nworker: {replicaCount: 2}\n"), tmp_path / "out"
    result = import_values([(BACKEND, source)])
    assert result.secrets == {}
    defaults = {n.key: n.message for n in result.notes if n.kind == "default-credential"}
    assert set(defaults) == {"postgresql.auth.enablePostgresUser", "database.auth.password", "redis.auth.password",
                             "minio.auth.rootUser", "minio.auth.rootPassword"}
    assert "rollout restart statefulset/backend-redis-master" in defaults["redis.auth.password"]
    assert "\\password postgres" in defaults["postgresql.auth.enablePostgresUser"]
    assert next(n for n in result.notes if n.key == "redis.auth.password").line == 1
    assert main(["import", "--values", f"{BACKEND}={source}", "--out", str(out)]) == 0
    capsys.readouterr()
    plan = build_plan([Layer("answers", answers.load_with_extras(out / answers.FILE_NAME)[0])])
    stored = read_existing(plan, out)
    assert stored[f"{BACKEND}/redis"] != "redis" and stored[f"{BACKEND}/database"] != "postgres"
    assert stored[f"{BACKEND}/minio-password"] != "minio1234"
    report = explain(plan_inputs(plan), version=plan_version(plan), plan=plan)
    assert [f.message for f in report.findings if f.severity == "danger" and f.area == "security"
            and "root" not in f.message] == []


def test_a_customers_own_secrets_are_named_with_what_to_do(tmp_path: Path) -> None:
    source = write(tmp_path, "database: {auth: {credentialsSecretName: my-db}}\n"
                             "addAccountOperator: {existingSecret: my-accounts}\n"
                             "redis: {auth: {existingSecret: my-redis}}\n")
    result = import_values([(BACKEND, source)])
    unknown = {n.key: n.message for n in result.notes if n.kind in ("secret-unknown", "account")}
    assert set(unknown) == {"database.auth.credentialsSecretName", "addAccountOperator.existingSecret",
                            "redis.auth.existingSecret"}
    assert next(n for n in result.notes if n.key == "addAccountOperator.existingSecret").kind == "account"  # danger
    assert "my-db" in unknown["database.auth.credentialsSecretName"] and "DATABASE_PASSWORD" in \
        unknown["database.auth.credentialsSecretName"]
    assert "deletes every user" in unknown["addAccountOperator.existingSecret"]
    assert result.secrets == {}


def test_the_orchestrators_database_password_moves_too(tmp_path: Path) -> None:
    source = write(tmp_path, "database: {auth: {password: Orc-Db-Secret-12}}\n"
                             "postgresql: {auth: {enablePostgresUser: true, password: Orc-Db-Secret-12}}\n")
    result = import_values([(ORCHESTRATOR, source)])
    assert result.secrets == {f"{ORCHESTRATOR}/database": "Orc-Db-Secret-12"}
    assert not [n for n in result.notes if n.kind == "default-credential"]


@pytest.mark.parametrize(("policies", "closed"), [
    ({}, False),
    ({"postgresql": {"primary": {"networkPolicy": {"allowExternal": False}}}}, False),
    ({name: {"networkPolicy": {"allowExternal": False, "allowExternalEgress": False}} for name in ("redis", "minio")}
     | {"postgresql": {"primary": {"networkPolicy": {"allowExternal": False, "allowExternalEgress": False}}}}, True),
])
def test_close_storage_is_on_only_when_every_storage_policy_is_closed(tmp_path: Path, policies: dict,
                                                                      closed: bool) -> None:
    result = import_values([(BACKEND, write(tmp_path, json.dumps(policies)))])
    assert build_plan([result.layer]).features.close_storage is closed
    opened = [n for n in result.notes if n.kind == "storage-open"]
    assert bool(opened) is not closed
    assert all("features.close_storage" in n.message and "redis.networkPolicy.allowExternal," in n.message
               for n in opened)


def test_wizard_import_flag_carries_the_credentials_into_secrets(tmp_path: Path, capsys) -> None:
    source, out = write(tmp_path, INLINE), tmp_path / "out"
    layer = import_values([(BACKEND, source)]).layer
    assert secrets_of([layer])[f"{BACKEND}/redis"] == "Redis-Inline-Secret-88"
    assert main(["--import", f"{BACKEND}={source}", "--non-interactive", "--out", str(out)]) == 0
    capsys.readouterr()
    plan = build_plan([Layer("answers", answers.load_with_extras(out / answers.FILE_NAME)[0])])
    assert read_existing(plan, out)[f"{BACKEND}/database"] == "Db-Inline-Secret-77"
    assert "Db-Inline-Secret-77" not in (out / answers.FILE_NAME).read_text()


def test_a_customer_secret_with_the_wizards_own_name_is_said_to_be_replaced(tmp_path: Path) -> None:
    source = write(tmp_path, "database: {auth: {credentialsSecretName: backend-database-credentials}}\n")
    (note,) = [n for n in import_values([(BACKEND, source)]).notes if n.kind == "secret-unknown"]
    assert "the same name as yours: install.sh replaces your Secret" in note.message
