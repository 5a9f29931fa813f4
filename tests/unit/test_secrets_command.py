"""`wizard secrets`: the listing (masked, text and JSON), reveal (one value alone on stdout), set (from standard input
only, checked as the backend checks, written to secrets/ alone), and bad input in one line with exit 2."""

from __future__ import annotations

import base64
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wizard.cli import main
from wizard.planning.layers import build_plan, plan_layers
from wizard.planning.plan import Plan
from wizard.writing import secret_files
from wizard.writing.credentials import needed

ADMIN = "substra-backend/admin/admin"
GOOD_PASSWORD = "Correct-Horse-Battery-Staple-42"


@pytest.fixture
def deploy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "deploy"
    assert main(["--preset", "minimal", "--non-interactive", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _plan(out: Path) -> Plan:
    return build_plan(plan_layers(None, out / "wizard-answers.yaml", []))


def _values(out: Path) -> dict[str, str]:
    return secret_files.read_existing(_plan(out), out)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _outside_secrets(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def test_listing_names_every_credential_with_its_place_and_no_value(deploy: Path, capsys) -> None:
    assert main(["secrets", "--out", str(deploy)]) == 0
    listing = capsys.readouterr().out
    for credential in needed(_plan(deploy)):
        assert credential.id in listing and credential.purpose in listing
    assert "Secret backend-accounts, key users (secrets/substra-backend-secrets.yaml)" in listing
    assert "helm value minio.auth.rootPassword (secrets/substra-backend-credentials.values)" in listing
    assert "(27 characters)" in listing  # the admin password's length, masked
    for value in _values(deploy).values():
        assert value not in listing


def test_json_listing_is_masked_and_complete(deploy: Path, capsys) -> None:
    assert main(["secrets", "list", "--format", "json", "--out", str(deploy)]) == 0
    printed = capsys.readouterr().out
    data = json.loads(printed)
    assert data["schema"] == "substra-wizard/secrets@1"
    assert [item["id"] for item in data["credentials"]] == [c.id for c in needed(_plan(deploy))]
    assert all(item["present"] and item["held_in"] and item["takes_effect"] for item in data["credentials"])
    assert data["missing"] == [] and data["others"] == []
    for value in _values(deploy).values():
        assert value not in printed


def test_reveal_prints_the_value_alone(deploy: Path, capsys) -> None:
    values = _values(deploy)
    assert main(["secrets", "reveal", ADMIN, "--out", str(deploy)]) == 0
    assert capsys.readouterr().out == values[ADMIN] + "\n"
    assert main(["secrets", "--reveal", "substra-backend/redis", "--out", str(deploy)]) == 0
    assert capsys.readouterr().out == values["substra-backend/redis"] + "\n"


def test_an_unknown_id_is_refused_with_the_known_ones(deploy: Path, capsys) -> None:
    assert main(["secrets", "reveal", "substra-backend/nope", "--out", str(deploy)]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert "there is no credential substra-backend/nope" in printed.err
    assert ADMIN in printed.err and "orchestrator/database" in printed.err


def test_missing_credentials_are_listed_and_not_revealed(deploy: Path, capsys) -> None:
    (secret_files.folder(deploy) / "orchestrator-secrets.yaml").unlink()
    assert main(["secrets", "--out", str(deploy)]) == 0
    listing = capsys.readouterr().out
    assert "orchestrator/database" in listing and "missing: the next run generates it" in listing
    assert main(["secrets", "reveal", "orchestrator/database", "--out", str(deploy)]) == 2
    assert "has no value yet: the next run generates it" in capsys.readouterr().err


def test_other_organisations_and_users_left_out_of_the_plan_are_shown(deploy: Path, capsys) -> None:
    path = secret_files.folder(deploy) / "substra-backend-secrets.yaml"
    docs = list(yaml.safe_load_all(path.read_text()))
    accounts = next(doc for doc in docs if doc["metadata"]["name"] == "backend-accounts")
    data = {k: base64.b64decode(v).decode() for k, v in accounts["data"].items()}
    data["incoming_organizations"] += "Org2MSP " + "b" * 64 + "\n"
    data["users"] += "bob " + GOOD_PASSWORD + " mychannel\n"
    accounts["data"] = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    path.write_text(yaml.safe_dump_all(docs))
    assert main(["secrets", "--format", "json", "--out", str(deploy)]) == 0
    others = {item["id"]: item for item in json.loads(capsys.readouterr().out)["others"]}
    assert set(others) == {"substra-backend/incoming/Org2MSP", "substra-backend/admin/bob"}
    assert "every run keeps it" in others["substra-backend/incoming/Org2MSP"]["note"]
    assert others["substra-backend/incoming/Org2MSP"]["held_in"][0]["key"] == "incoming_organizations"
    assert "deletes the user" in others["substra-backend/admin/bob"]["note"]
    assert main(["secrets", "reveal", "substra-backend/incoming/Org2MSP", "--out", str(deploy)]) == 0
    assert capsys.readouterr().out == "b" * 64 + "\n"


def test_set_from_a_pipe_writes_secrets_only(deploy: Path, capsys, monkeypatch) -> None:
    before = _outside_secrets(deploy)
    old = _values(deploy)
    _stdin(monkeypatch, (GOOD_PASSWORD + "\n").encode())
    assert main(["secrets", "set", ADMIN, "--out", str(deploy)]) == 0
    printed = capsys.readouterr().out
    assert "Set substra-backend/admin/admin" in printed and "the migrations Job sets the new password" in printed
    assert GOOD_PASSWORD not in printed
    new = _values(deploy)
    assert new[ADMIN] == GOOD_PASSWORD
    assert {k: v for k, v in new.items() if k != ADMIN} == {k: v for k, v in old.items() if k != ADMIN}
    assert _outside_secrets(deploy) == before
    folder = secret_files.folder(deploy)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in folder.iterdir())


def test_a_password_the_backend_would_refuse_is_refused_with_its_reasons(deploy: Path, capsys, monkeypatch) -> None:
    secrets_before = {p.name: p.read_bytes() for p in secret_files.folder(deploy).iterdir()}
    _stdin(monkeypatch, b"admin-admin-admin-admin\n")
    assert main(["secrets", "set", ADMIN, "--out", str(deploy)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "admin-admin" not in err
    assert "too easy to guess" in err or "similar" in err
    assert {p.name: p.read_bytes() for p in secret_files.folder(deploy).iterdir()} == secrets_before


@pytest.mark.parametrize(("ident", "value", "reason"), [
    ("substra-backend/redis", "redis", "a chart's default"),
    ("substra-backend/redis", "short1", "at least 12"),
    ("substra-backend/redis", "has a space in it", "space"),
    ("orchestrator/database", "pass@word:with/slashes", "postgres:// address"),
    ("substra-backend/minio-user", "ab", "shorter than 3"),
    ("substra-backend/incoming/Org1MSP", "x" * 129, "at most 128"),
])
def test_values_the_charts_would_not_take_are_refused(deploy: Path, capsys, monkeypatch, ident, value,
                                                       reason) -> None:
    _stdin(monkeypatch, value.encode() + b"\n")
    assert main(["secrets", "set", ident, "--out", str(deploy)]) == 2
    assert reason in capsys.readouterr().err


def test_set_on_a_terminal_asks_twice_and_refuses_a_mismatch(deploy: Path, capsys, monkeypatch) -> None:
    import getpass

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["Key0123456789abcdefXYZ", "Key0123456789abcdefXYZ", "first-entry-000000", "second-entry-00000"])
    prompts: list[str] = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers))
    assert main(["secrets", "set", "substra-backend/redis", "--out", str(deploy)]) == 0
    assert _values(deploy)["substra-backend/redis"] == "Key0123456789abcdefXYZ"
    assert len(prompts) == 2 and "substra-backend/redis" in prompts[0]
    assert "rollout restart statefulset/backend-redis-master" in capsys.readouterr().out
    assert main(["secrets", "set", "substra-backend/redis", "--out", str(deploy)]) == 2
    assert "the two entries differ" in capsys.readouterr().err
    assert _values(deploy)["substra-backend/redis"] == "Key0123456789abcdefXYZ"


def test_set_with_nothing_on_standard_input_is_refused(deploy: Path, capsys, monkeypatch) -> None:
    _stdin(monkeypatch, b"")
    assert main(["secrets", "set", "substra-backend/redis", "--out", str(deploy)]) == 2
    assert "standard input is empty" in capsys.readouterr().err
    _stdin(monkeypatch, b"\xff\xfe\n")
    assert main(["secrets", "set", "substra-backend/redis", "--out", str(deploy)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_a_database_password_says_to_change_it_in_postgresql_first(deploy: Path, capsys, monkeypatch) -> None:
    _stdin(monkeypatch, b"NewDatabasePassword0123\n")
    assert main(["secrets", "set", "substra-backend/database", "--out", str(deploy)]) == 0
    printed = capsys.readouterr().out
    assert "1. substra-backend/database: PostgreSQL keeps the password" in printed
    assert "wizard secrets reveal substra-backend/database" in printed and "  2. " not in printed
    values = _values(deploy)
    assert values["substra-backend/database"] == "NewDatabasePassword0123"


@pytest.mark.parametrize(("setup", "argv", "message"), [
    (None, ["secrets", "--out", "{tmp}/nowhere"], "does not exist"),
    ("file", ["secrets", "--out", "{tmp}/afile"], "is not a folder"),
    ("empty", ["secrets", "--out", "{tmp}/empty"], "holds no wizard-answers.yaml"),
    (None, ["secrets", "list", "x", "--out", "{tmp}"], "the listing takes no ID"),
    (None, ["secrets", "reveal", "x", "--format", "json", "--out", "{tmp}"], "--format is for the listing"),
    (None, ["secrets", "set", "a", "--reveal", "b", "--out", "{tmp}"], "--reveal ID is the same as"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys, setup, argv, message) -> None:
    if setup == "file":
        (tmp_path / "afile").write_text("x")
    elif setup == "empty":
        (tmp_path / "empty").mkdir()
    assert main([arg.format(tmp=tmp_path) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_a_broken_secrets_file_is_one_clear_error(deploy: Path, capsys) -> None:
    path = secret_files.folder(deploy) / "substra-backend-secrets.yaml"
    path.write_text(path.read_text().replace("kind: Secret", "kind: ConfigMap", 1))
    assert main(["secrets", "--out", str(deploy)]) == 2
    err = capsys.readouterr().err
    assert "is not a Secret" in err and "Traceback" not in err


def test_a_secrets_folder_others_can_read_is_warned_about(deploy: Path, capsys) -> None:
    os.chmod(secret_files.folder(deploy), 0o755)
    assert main(["secrets", "--out", str(deploy)]) == 0
    assert "can be read by others (mode 0755); make it private: chmod 700" in capsys.readouterr().err


def test_cold_start_imports_neither_django_nor_zxcvbn(deploy: Path) -> None:
    probe = ("import sys; from wizard.cli import main; code = main(sys.argv[1:]); "
             "print(sorted(m for m in ('django', 'zxcvbn', 'textual', 'kubernetes') if m in sys.modules))")
    for argv in (["--help"], ["secrets", "--help"], ["secrets", "--out", str(deploy)]):
        done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True)
        assert done.stdout.splitlines()[-1] == "[]", (argv, done.stdout[-200:])
