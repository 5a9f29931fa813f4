"""Issue 14's "Done when", for every preset in presets/: the credentials are only under secrets/ (0700, files 0600),
no chart default credential is in effect once the files are merged over the charts' defaults as helm merges them,
an admin user exists whose password the backend's own validators accept, a re-run keeps every secret and
--rotate-secrets changes every one of them without touching the values and answers files."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import presets as presets_package
from wizard.charts.chart_defaults import coalesce, get_path, load_defaults
from wizard.cli import main
from wizard.planning import presets
from wizard.planning.answers import FILE_NAME as ANSWERS
from wizard.planning.layers import build_plan, plan_layers
from wizard.planning.passwords import password_problems
from wizard.planning.plan import Plan
from wizard.writing import secret_files
from wizard.writing.credentials import needed, secret_names
from wizard.writing.values import render

PRESETS = presets.names()
DEFAULT_PASSWORDS = {"postgres", "redis", "minio1234"}
LOCALSTACK_DEFAULT_KEY = "mySuperSecureAWSAccessKey1234"


def test_every_preset_of_the_folder_is_checked() -> None:
    folder = Path(presets_package.__file__).parent
    assert PRESETS == sorted(path.stem for path in folder.glob("*.yaml"))
    assert len(PRESETS) >= 4


def _write(*argv: str) -> tuple[int, str]:
    """One in-process run; its exit code and everything it printed (checked for credentials too)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module", params=PRESETS)
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[Path, Plan, str]]:
    out = tmp_path_factory.mktemp(request.param) / "deploy"
    code, printed = _write("--preset", request.param, "--non-interactive", "--out", str(out))
    assert code == 0, printed
    yield out, _plan(out), printed


def _plan(out: Path) -> Plan:
    return build_plan(plan_layers(None, out / ANSWERS, []))


def _manifests(out: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(secret_files.folder(out).glob("*-secrets.yaml")):
        found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def _secret_data(out: Path) -> dict[str, dict[str, str]]:
    """Secret name -> its data, decoded."""
    return {doc["metadata"]["name"]: {key: base64.b64decode(value).decode() for key, value in doc["data"].items()}
            for doc in _manifests(out)}


def _credentials(out: Path, plan: Plan) -> dict[str, str]:
    values = secret_files.read_existing(plan, out)
    assert {credential.id for credential in needed(plan)} <= set(values)
    return values


def _forms(value: str) -> set[str]:
    """How a credential could appear in a file: itself, base64 (standard, URL-safe) alone or inside a longer base64
    text at any alignment (the part of the encoding that only the value decides)."""
    raw = value.encode()
    found = {value, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw + b"\0\0\0").decode()
        found.add(encoded[4 if offset else 0:-8])
    return {form for form in found if len(form) >= 8}


def _files_outside_secrets(out: Path) -> list[Path]:
    folder = secret_files.folder(out)
    return [path for path in out.rglob("*") if path.is_file() and folder not in path.parents]


def test_no_file_outside_secrets_and_no_output_holds_a_credential(written: tuple[Path, Plan, str]) -> None:
    out, plan, printed = written
    credentials = _credentials(out, plan)
    secrets_texts = [text for data in _secret_data(out).values() for text in data.values()
                     if any(value in text for value in credentials.values())]
    assert all(len(value) >= 12 for value in credentials.values()), "a generated credential is too short"
    forms = {form for value in (*credentials.values(), *secrets_texts) for form in _forms(value)}
    others = _files_outside_secrets(out)
    assert {path.name for path in others} >= {ANSWERS, "install.sh"}
    for path in others:
        text = path.read_text()
        leaked = [form for form in forms if form in text]
        assert not leaked, f"{path.name} holds a credential"
    assert not [form for form in forms if form in printed], "the run printed a credential"


def _merged(out: Path, plan: Plan) -> dict[str, dict[str, Any]]:
    """chart -> the values helm gets: the chart's defaults, the values file, then secrets/<chart>-credentials.values."""
    merged = {}
    for values in render(plan):
        tree = coalesce(load_defaults(values.chart, values.version),
                        yaml.safe_load((out / values.file_name).read_text()) or {})
        private = secret_files.folder(out) / secret_files.helm_values_name(values.chart)
        if private.exists():
            tree = coalesce(tree, yaml.safe_load(private.read_text()) or {})
        merged[values.chart] = tree
    return merged


def _leaves(tree: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _leaves(value, (*path, str(index)))
    else:
        yield path, tree


def test_no_chart_default_credential_is_in_effect(written: tuple[Path, Plan, str]) -> None:
    out, plan, _ = written
    secrets = _secret_data(out)
    credentials = set(_credentials(out, plan).values())
    for chart, tree in _merged(out, plan).items():
        enabled = {key: part for key, part in tree.items()
                   if not (isinstance(part, dict) and part.get("enabled") is False)}
        assert len(enabled) > len(tree) / 2
        for path, value in _leaves(enabled):  # a subchart turned off runs nothing, its defaults included
            assert value != LOCALSTACK_DEFAULT_KEY, f"{chart} {'.'.join(path)} is LocalStack's default key"
            if "password" in path[-1].lower():
                assert value not in DEFAULT_PASSWORDS, f"{chart} {'.'.join(path)} is still {value!r}"
        if get_path(tree, ("postgresql", "enabled")):
            assert get_path(tree, ("postgresql", "auth", "enablePostgresUser")) is True, chart
            enforced = secrets[get_path(tree, ("postgresql", "auth", "existingSecret"))]["postgres-password"]
            used = secrets[get_path(tree, ("database", "auth", "credentialsSecretName"))]["DATABASE_PASSWORD"]
            assert enforced == used and enforced in credentials, chart
        if chart != "substra-backend":
            continue
        if get_path(tree, ("redis", "enabled")) is not False:
            assert secrets[get_path(tree, ("redis", "auth", "existingSecret"))]["redis-password"] in credentials
        if get_path(tree, ("minio", "enabled")):
            auth = tree["minio"]["auth"]
            assert auth["rootUser"] != "minio" and auth["rootPassword"] in credentials
            stored = secrets[auth["existingSecret"]]
            assert (stored["root-user"], stored["root-password"]) == (auth["rootUser"], auth["rootPassword"])
        if get_path(tree, ("localstack", "enabled")):
            keys = {item["name"]: item["value"] for item in tree["localstack"]["environment"] if "value" in item}
            assert keys["AWS_ACCESS_KEY_ID"] in credentials and keys["AWS_SECRET_ACCESS_KEY"] in credentials


def test_secrets_folder_is_private(written: tuple[Path, Plan, str]) -> None:
    out, _, _ = written
    folder = secret_files.folder(out)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    names = sorted(path.name for path in folder.iterdir())
    assert names and set(names) <= set(secret_files.FILE_NAMES)
    for name in names:
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name


def test_an_admin_user_exists_whose_password_the_backend_accepts(written: tuple[Path, Plan, str]) -> None:
    out, plan, _ = written
    secrets = _secret_data(out)
    if not plan.target.backend.enabled:
        assert secret_names(plan)["accounts"] not in secrets
        return
    lines = secrets[secret_names(plan)["accounts"]]["users"].splitlines()
    assert lines, "no admin user"
    channels = {channel.name for channel in plan.channels}
    for line in lines:
        name, password, channel = line.split(" ")
        assert channel in channels
        assert password_problems(password, name) == []


@pytest.mark.parametrize("preset", PRESETS)
def test_a_rerun_keeps_every_secret_and_a_rotation_changes_every_one(preset: str, tmp_path: Path) -> None:
    out = tmp_path / "deploy"
    assert _write("--preset", preset, "--non-interactive", "--out", str(out))[0] == 0
    plan = _plan(out)
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    first = _credentials(out, plan)

    again = ("--answers", str(out / ANSWERS), "--non-interactive", "--out", str(out))
    assert _write(*again)[0] == 0
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before

    code, printed = _write(*again, "--rotate-secrets")
    assert code == 0, printed
    rotated = _credentials(out, plan)
    for credential in needed(plan):
        assert rotated[credential.id] != first[credential.id], credential.id
        assert credential.id in printed
    outside = [path for path in before if secret_files.folder(out) not in path.parents]
    assert {path: path.read_bytes() for path in outside} == {path: before[path] for path in outside}
    assert not [form for value in rotated.values() for form in _forms(value) if form in printed]
