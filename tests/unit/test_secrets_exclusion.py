"""Bundles and diffs never carry a credential: of a folder (dir:DIR) they never open anything under DIR/secrets/, a
secrets/ file given as values is refused, and credentials inline in customer values files (MinIO's root user
included) are taken out of diffs as bundles take them out."""

from __future__ import annotations

import base64
import builtins
import json
import os
import tarfile
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.planning.layers import build_plan, plan_layers
from wizard.writing import output, secret_files

PLANTED = {
    "substra-backend/admin/admin": "Planted-Admin-Zebra-Quartz-71",
    "substra-backend/redis": "PlantedRedisValue0123456789",
    "substra-backend/database": "PlantedDatabaseValue98765",
    "orchestrator/database": "PlantedOrchestratorDb4321",
    "substra-backend/incoming/Org1MSP": "PlantedOrganisationToken" + "0" * 40,
}
OBJECT_STORE = {
    "minimal": {"substra-backend/minio-user": "planted-minio-user", "substra-backend/minio-password":
                "PlantedMinioPassword0123"},
    "localstack-dev": {"substra-backend/localstack-key-id": "PLANTEDKEYID0123",
                       "substra-backend/localstack-secret": "PlantedLocalstackSecret0123"},
}


def _forms(values: list[str]) -> list[str]:
    return [form for value in values for form in (value, base64.b64encode(value.encode()).decode())]


def _planted(tmp_path: Path, preset: str, name: str = "deploy") -> tuple[Path, list[str]]:
    """A folder written from `preset` whose secrets/ holds known values."""
    out = tmp_path / name
    assert main(["--preset", preset, "--non-interactive", "--out", str(out)]) == 0
    plan = build_plan(plan_layers(None, out / "wizard-answers.yaml", []))
    given = {**PLANTED, **OBJECT_STORE[preset]}
    output.write_files(output.plan_files(plan, out, given_secrets=given))
    held = secret_files.read_existing(plan, out)
    assert all(held[ident] == value for ident, value in given.items())
    return out, list(given.values())


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path the command opens (os.open and open)."""
    paths: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def os_open(path, *args, **kwargs):
        paths.append(os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    def any_open(file, *args, **kwargs):
        if isinstance(file, str | bytes | os.PathLike):
            paths.append(str(os.fspath(file)))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", any_open)
    return paths


def _members(bundle: Path) -> dict[str, str]:
    with tarfile.open(bundle) as tar:
        return {m.name: tar.extractfile(m).read().decode() for m in tar.getmembers() if m.isfile()}


@pytest.mark.parametrize("preset", sorted(OBJECT_STORE))
@pytest.mark.parametrize("with_answers", [True, False])
def test_a_bundle_of_a_folder_carries_no_secret(tmp_path: Path, capsys, opened, preset, with_answers) -> None:
    out, planted = _planted(tmp_path, preset)
    if not with_answers:  # the folder is then read through its values files
        (out / "wizard-answers.yaml").unlink()
    opened.clear()
    bundle = tmp_path / "b.tar.gz"
    assert main(["bundle", "--from", f"dir:{out}", "--out", str(bundle)]) == 0
    assert not [path for path in opened if "/secrets" in path]
    members = _members(bundle)
    assert any(name.endswith("substra-backend-values.yaml") for name in members)
    for name, text in members.items():
        assert not [form for form in _forms(planted) if form in text], name
    assert not [form for form in _forms(planted) if form in capsys.readouterr().out]


@pytest.mark.parametrize("preset", sorted(OBJECT_STORE))
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_diff_of_folders_carries_no_secret(tmp_path: Path, capsys, opened, preset, fmt) -> None:
    first, planted = _planted(tmp_path, preset, "a")
    other = "minimal" if preset != "minimal" else "localstack-dev"
    second, more = _planted(tmp_path, other, "b")
    opened.clear()
    capsys.readouterr()
    assert main(["diff", f"dir:{first}", f"dir:{second}", "--format", fmt]) == 0
    assert not [path for path in opened if "/secrets" in path]
    printed = capsys.readouterr().out
    assert "localstack.enabled" in printed  # the two folders do differ
    if fmt == "json":
        json.loads(printed)
    assert not [form for form in _forms(planted + more) if form in printed]


@pytest.mark.parametrize("argv", [
    ["diff", "substra-backend={file}", "minimal"],
    ["diff", "values:substra-backend={file}", "minimal"],
    ["bundle", "--values", "substra-backend={file}", "--out", "{tmp}/b.tar.gz"],
])
def test_a_file_of_secrets_is_refused_as_values(tmp_path: Path, capsys, argv) -> None:
    out, planted = _planted(tmp_path, "minimal")
    capsys.readouterr()
    file = secret_files.folder(out) / "substra-backend-credentials.values"
    assert main([arg.format(file=file, tmp=tmp_path) for arg in argv]) == 2
    printed = capsys.readouterr()
    assert "is a file of a wizard run's secrets/ folder" in printed.err
    assert not [form for form in _forms(planted) if form in printed.out + printed.err]
    assert not (tmp_path / "b.tar.gz").exists()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_judges_with_the_credentials_file_but_never_shows_a_value(tmp_path: Path, capsys, fmt: str) -> None:
    """explain may read secrets/<chart>-credentials.values (to judge what helm gets: without it the MinIO root
    password looks like the chart default), and its report still carries no credential."""
    out, planted = _planted(tmp_path, "minimal")
    capsys.readouterr()
    values = f"substra-backend={out / 'substra-backend-values.yaml'}"
    alone = main(["explain", "--values", values, "--format", fmt])
    said_alone = capsys.readouterr().out
    both = main(["explain", "--values", values, "--values",
                 f"substra-backend={secret_files.folder(out) / 'substra-backend-credentials.values'}", "--format", fmt])
    said = capsys.readouterr().out
    assert (alone, both) == (0, 0)
    assert "root password is the chart's default" in said_alone
    assert "root password is the chart's default" not in said
    assert not [form for form in _forms(planted) if form in said]


CUSTOMER = """\
minio:
  auth:
    rootUser: acme-object-store
    rootPassword: Acme-Minio-Root-Pass-77
redis:
  auth:
    password: AcmeRedisPassword0042
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_credentials_inline_in_customer_values_are_taken_out_of_a_diff(tmp_path: Path, capsys, fmt) -> None:
    customer = tmp_path / "customer.yaml"
    customer.write_text(CUSTOMER)
    assert main(["diff", f"substra-backend={customer}", "minimal", "--format", fmt]) == 0
    printed = capsys.readouterr().out
    for secret in ("acme-object-store", "Acme-Minio-Root-Pass-77", "AcmeRedisPassword0042"):
        assert secret not in printed
    assert "<redacted:" in printed and "minio.auth.rootPassword" in printed


def test_minio_root_user_is_taken_out_of_a_bundle(tmp_path: Path, capsys) -> None:
    customer = tmp_path / "customer.yaml"
    customer.write_text(CUSTOMER)
    bundle = tmp_path / "b.tar.gz"
    assert main(["bundle", "--values", f"substra-backend={customer}", "--out", str(bundle)]) == 0
    members = _members(bundle)
    for name, text in members.items():
        for secret in ("acme-object-store", "Acme-Minio-Root-Pass-77", "AcmeRedisPassword0042"):
            assert secret not in text, name
    redactions = json.loads(next(t for n, t in members.items() if n.endswith("redactions.json")))
    assert any(r["place"].startswith("minio.auth.rootUser") for r in redactions["redactions"]), redactions


