"""wizard bundle: no secret from any input reaches any byte of the bundle, every redaction is listed, the bundle
explains the same as its input, is reproducible, and opening refuses anything unsafe with a clear message."""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
import sys
import tarfile
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.planning.layers import Layer
from wizard.support import bundle, bundle_reading

PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcS3CRETpemBody0019"
BACKEND_VALUES = f"""\
# admin password is S3CRET-comment-0001, do not share
database:
  auth:
    username: substra
    password: "S3CRET-db-password-0002"  # S3CRET-eol-comment-0030
  connectionParameters: "sslmode=require&password=S3CRET-connparam-0003"
redis:
  auth:
    password: S3CRET-redis-0004
minio:
  auth:
    rootUser: minio-admin
    rootPassword: S3CRET-minio-0005
  ingress:
    secrets:
      - name: minio-tls
        key: |
          -----BEGIN EC PRIVATE KEY-----
          MHcCAQEEIS3CRETecKey0025
          -----END EC PRIVATE KEY-----
        certificate: |
          -----BEGIN CERTIFICATE-----
          MIIBpublicCert
          -----END CERTIFICATE-----
addAccountOperator:
  users:
    - name: admin
      secret: S3CRET-admin-user-0006
      channel: mychannel
  incomingOrganizations:
    - name: Org2MSP
      secret: S3CRET-incoming-0007
      channel: mychannel
  outgoingOrganizations: [{{name: Org2MSP, secret: S3CRET-outgoing-0008, channel: mychannel}}]
config:
  SECRET_KEY: S3CRET-django-0009
  DATABASE_URL: postgres://substra:S3CRET-url-0010@db.example.com:5432/substra
  AWS_ACCESS_KEY_ID: AKIAS3CRETAWSKEY0011
  AWS_SECRET_ACCESS_KEY: S3CRET+aws/secret0012
  OIDC_RP_CLIENT_SECRET: S3CRET-oidc-0013
  SOME_JWT: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTM0NSRVQtMDAyNiJ9.S3CRETsig0026
docker-registry:
  secrets:
    haSharedSecret: S3CRET-ha-0014
    htpasswd: "admin:$2y$05$S3CRET-htpasswd-0015"
  proxy:
    password: S3CRET-proxy-0016
customerExtras:
  env:
    - name: GITHUB_TOKEN
      value: ghp_S3CRETtoken0017abcdefghijklmnop
  annotations:
    custom/auth: "Bearer S3CRET-bearer-0018"
  tls.key: |
    -----BEGIN PRIVATE KEY-----
    {PEM_BODY}
    -----END PRIVATE KEY-----
  nested:
    - - token: S3CRET-nested-0020
  anchored: &creds
    password: S3CRET-anchor-0021
  aliased: *creds
  note: "connect with https://user:S3CRET-unmodelled-0022@example.com/path"
"""
ORCHESTRATOR_VALUES = """\
# the DB password is S3CRET-orc-comment-0040
database:
  auth:
    password: S3CRET-orc-db-0041
postgresql:
  auth:
    postgresPassword: S3CRET-orc-pg-0042
    password: S3CRET-orc-pg-user-0043
"""
SET_SECRETS = ("S3CRET-set-0023", "S3CRET-set-0024")


def secrets_in(*texts: str) -> set[str]:
    found = set()
    for text in texts:
        for word in text.replace('"', " ").replace("\n", " ").replace(",", " ").split():
            for part in word.replace("@", " ").replace(":", " ").replace("=", " ").split():
                if "S3CRET" in part:
                    found.add(part.strip("&}{"))
    return found | {PEM_BODY, "AKIAS3CRETAWSKEY0011", "ghp_S3CRETtoken0017abcdefghijklmnop"}


def forms(secret: str) -> set[str]:
    raw = secret.encode()
    return {secret, base64.b64encode(raw).decode(), base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("=")}


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar if info.isreg()}  # type: ignore[union-attr]


@pytest.fixture
def customer(tmp_path: Path) -> dict[str, Path]:
    backend, orchestrator = tmp_path / "backend.yaml", tmp_path / "orchestrator.yaml"
    backend.write_text(BACKEND_VALUES)
    orchestrator.write_text(ORCHESTRATOR_VALUES)
    return {"substra-backend": backend, "orchestrator": orchestrator}


def bundle_values(customer: dict[str, Path], out: Path) -> int:
    return main(["bundle", "--out", str(out), *(a for chart, path in customer.items()
                                                for a in ("--values", f"{chart}={path}"))])


def test_no_secret_from_any_input_appears_anywhere_in_a_bundle(customer: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "customer.tar.gz"
    assert bundle_values(customer, out) == 0
    secrets = secrets_in(BACKEND_VALUES, ORCHESTRATOR_VALUES)
    assert len(secrets) >= 25 and {"S3CRET-comment-0001", "S3CRET-eol-comment-0030", "S3CRET-anchor-0021"} <= secrets
    files = members(out)
    raw = out.read_bytes()
    for name, data in files.items():
        for secret in secrets:
            for form in forms(secret):
                assert form.encode() not in data, f"{secret!r} ({form!r}) in {name}"
                assert form.encode() not in raw  # nor in the compressed bytes' headers
    assert set(files) >= {f"{bundle.ROOT}{name}" for name in (
        "values/substra-backend-values.yaml", "values/orchestrator-values.yaml", "explain.json", "explain.md",
        "redactions.json", "manifest.json")}


def test_a_plan_bundle_with_secrets_from_set_keeps_none(tmp_path: Path) -> None:
    out = tmp_path / "plan.tar.gz"
    assert main(["bundle", "--preset", "minimal", "--out", str(out),
                 "--set", f"features.kaniko_cached_images=[https://robot:{SET_SECRETS[0]}@registry.example.com/py:3]",
                 "--set", f"features.prepopulate[0].image=https://robot:{SET_SECRETS[1]}@reg.example.com/x:1"]) == 0
    for name, data in members(out).items():
        for secret in SET_SECRETS:
            assert not any(form.encode() in data for form in forms(secret)), (secret, name)
    manifest = json.loads(members(out)[f"{bundle.ROOT}manifest.json"])
    assert manifest["input"]["sets"][0].startswith("features.kaniko_cached_images=[https://robot:<redacted:")


def test_the_redaction_manifest_lists_every_place_and_no_secret(customer: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "customer.tar.gz"
    assert bundle_values(customer, out) == 0
    redactions = json.loads(members(out)[f"{bundle.ROOT}redactions.json"])
    assert redactions["schema"] == "substra-wizard/redactions@1"
    places = {(r["file"], r["place"]) for r in redactions["redactions"]}
    backend, orchestrator = "values/substra-backend-values.yaml", "values/orchestrator-values.yaml"
    key = r"<redacted:\d+>"  # keys the chart does not declare are taken out too
    expected = {(backend, p) for p in (
        "database.auth.password", "database.connectionParameters", "redis.auth.password", "minio.auth.rootPassword",
        "minio.ingress.secrets[0].key", "addAccountOperator.users[0].secret",
        "addAccountOperator.incomingOrganizations[0].secret", "addAccountOperator.outgoingOrganizations[0].secret",
        "docker-registry.secrets.haSharedSecret", "docker-registry.secrets.htpasswd", "docker-registry.proxy.password")}
    expected |= {(orchestrator, p) for p in ("database.auth.password", "postgresql.auth.postgresPassword",
                                             "postgresql.auth.password")}
    assert expected <= places, expected - places
    patterns = [rf"config\.{key}"] * 6 + [rf"{key}\.env\[0\]\.value", rf"{key}\.annotations\.{key}",
                                          rf"{key}\.{key}", rf"{key}\.{key}\[0\]\[0\]\.token",
                                          rf"{key}\.{key}\.password"]
    for pattern in patterns:
        assert any(f == backend and re.fullmatch(pattern, p) for f, p in places), pattern
    anchored = {r["index"] for r in redactions["redactions"] if re.fullmatch(rf"{key}\.{key}\.password", r["place"])}
    assert len(anchored) == 1  # the same secret (an alias) has one number
    text = members(out)[f"{bundle.ROOT}values/substra-backend-values.yaml"].decode()
    assert "username: substra" in text  # declared, not a secret: kept
    assert "minio-admin" not in text  # MinIO's root user is half of the object store's credentials
    assert (backend, "minio.auth.rootUser") in places
    assert "customerExtras" not in text and "CERTIFICATE" not in text  # undeclared, or under secrets: taken out


def explain_json(capsys, *argv: str) -> dict:
    assert main(["explain", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_explain_bundle_equals_explain_of_the_values(customer: dict[str, Path], tmp_path: Path, capsys) -> None:
    out = tmp_path / "customer.tar.gz"
    assert bundle_values(customer, out) == 0
    capsys.readouterr()
    original = explain_json(capsys, *(a for chart, path in customer.items() for a in ("--values", f"{chart}={path}")))
    assert explain_json(capsys, "--bundle", str(out)) == original
    assert json.loads(members(out)[f"{bundle.ROOT}explain.json"]) == original


@pytest.mark.parametrize("preset", ["minimal", "production", "airgapped", "localstack-dev"])
def test_explain_bundle_equals_explain_of_the_preset(preset: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / f"{preset}.tar.gz"
    assert main(["bundle", "--preset", preset, "--out", str(out)]) == 0
    capsys.readouterr()
    assert explain_json(capsys, "--bundle", str(out)) == explain_json(capsys, "--preset", preset)


def test_wizard_bundle_opens_its_answers_as_the_plan(tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.tar.gz"
    assert main(["bundle", "--preset", "production", "--set", "storage.worker.size=30Gi", "--out", str(out)]) == 0
    assert main(["--bundle", str(out), "--non-interactive", "--out", str(tmp_path / "a")]) == 0
    assert main(["--preset", "production", "--set", "storage.worker.size=30Gi", "--non-interactive",
                 "--out", str(tmp_path / "b")]) == 0
    for name in ("substra-backend-values.yaml", "substra-frontend-values.yaml", "wizard-answers.yaml"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text(), name
    capsys.readouterr()
    assert main(["diff", "--exit-code", str(out), str(tmp_path / "b")]) == 0


def test_a_values_bundle_carries_the_imported_plan_and_opens_on_it(customer: dict[str, Path], tmp_path: Path,
                                                                   capsys) -> None:
    out = tmp_path / "customer.tar.gz"
    assert bundle_values(customer, out) == 0
    assert "wizard-answers.yaml" in {Path(n).name for n in members(out)}  # wizard import gave it a Plan
    capsys.readouterr()
    assert main(["--bundle", str(out), "--non-interactive", "--out", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "wizard-answers.yaml").is_file()


def test_bundles_are_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "1.tar.gz", tmp_path / "2.tar.gz"
    assert main(["bundle", "--preset", "airgapped", "--out", str(first)]) == 0
    assert main(["bundle", "--preset", "airgapped", "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first, "r:gz") as tar:
        infos = tar.getmembers()
    assert [i.name for i in infos][-1] == f"{bundle.ROOT}manifest.json"
    assert {i.mtime for i in infos} == {bundle.MTIME} and {(i.uid, i.gid) for i in infos} == {(0, 0)}
    assert not list(tmp_path.glob(".*.tmp"))


# --- opening bundles safely -------------------------------------------------------------------------------------------


def tarball(path: Path, entries: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for info, data in entries:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    path.write_bytes(gzip.compress(raw.getvalue()))
    return path


def regular(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def link(name: str, kind: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, "/etc/passwd"
    return info, b""


MANIFEST_BYTES = json.dumps({"schema": bundle.SCHEMA, "primary": "values"}).encode()


def manifest() -> tuple[tarfile.TarInfo, bytes]:
    return regular(bundle.ROOT + "manifest.json", MANIFEST_BYTES)


@pytest.mark.parametrize(("entries", "message"), [
    ([regular("../evil"), manifest()], "points outside"),
    ([regular("/etc/evil"), manifest()], "points outside"),
    ([regular(bundle.ROOT + "values/../../evil"), manifest()], "points outside"),
    ([link(bundle.ROOT + "values/substra-backend-values.yaml", tarfile.SYMTYPE), manifest()],
     "a symbolic link, not a regular file"),
    ([link(bundle.ROOT + "explain.json", tarfile.LNKTYPE), manifest()], "a hard link, not a regular file"),
    ([regular("elsewhere/manifest.json"), manifest()], "outside substra-wizard-bundle/"),
    ([regular(bundle.ROOT + "explain.md")], "no substra-wizard-bundle/manifest.json"),
    ([(tarfile.TarInfo(bundle.ROOT + "manifest.json"), json.dumps({"schema": "other@9"}).encode())],
     'its schema is "other@9"'),
    ([(tarfile.TarInfo(bundle.ROOT + "manifest.json"), b"{not json")], "not JSON"),
    ([manifest(), manifest()], "appears twice"),
])
def test_unsafe_or_foreign_bundles_are_refused(entries, message: str, tmp_path: Path, capsys) -> None:
    path = tarball(tmp_path / "b.tar.gz", entries)
    assert main(["explain", "--bundle", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err and "Traceback" not in err


def test_oversized_members_and_too_many_members_are_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(bundle_reading, "MAX_MEMBER_BYTES", 100)
    path = tarball(tmp_path / "big.tar.gz", [manifest(), regular(bundle.ROOT + "explain.md", b"a" * 101)])
    assert main(["explain", "--bundle", str(path)]) == 2
    assert "too large" in capsys.readouterr().err
    monkeypatch.setattr(bundle_reading, "MAX_MEMBERS", 3)
    path = tarball(tmp_path / "many.tar.gz", [manifest(), *(regular(f"{bundle.ROOT}x{i}") for i in range(4))])
    assert main(["explain", "--bundle", str(path)]) == 2
    assert "more than 3 members" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"", b"not a bundle at all", gzip.compress(b"gzip but not tar" * 40),
                                     b"\x1f\x8b\x08\x00corrupt"])
def test_corrupt_or_non_bundle_files_get_a_clear_error(content: bytes, tmp_path: Path, capsys) -> None:
    path = tmp_path / "x.tar.gz"
    path.write_bytes(content)
    assert main(["explain", "--bundle", str(path)]) == 2
    err = capsys.readouterr().err
    assert "is not a substra-wizard bundle" in err and "Traceback" not in err
    assert main(["explain", "--bundle", str(tmp_path / "missing.tar.gz")]) == 2
    assert "missing.tar.gz" in capsys.readouterr().err


def test_bundle_refuses_two_sources_and_a_folder_as_out(customer: dict[str, Path], tmp_path: Path, capsys) -> None:
    assert main(["bundle", "--preset", "minimal", "--values", f"orchestrator={customer['orchestrator']}",
                 "--out", str(tmp_path / "x.tar.gz")]) == 2
    assert "give one source" in capsys.readouterr().err
    assert main(["bundle", "--preset", "minimal", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_bundle_from_any_configuration(tmp_path: Path, capsys) -> None:
    assert main(["--preset", "localstack-dev", "--non-interactive", "--out", str(tmp_path / "dir")]) == 0
    assert main(["bundle", "--from", f"dir:{tmp_path / 'dir'}", "--out", str(tmp_path / "d.tar.gz")]) == 0
    capsys.readouterr()
    assert explain_json(capsys, "--bundle", str(tmp_path / "d.tar.gz")) == explain_json(capsys, "--preset",
                                                                                       "localstack-dev")


# --- with wizard import (its contract: import_values(files) -> ImportResult(layer, extras, notes)) ------------------


@dataclass(frozen=True)
class FakeNote:
    kind: str
    chart: str
    key: str | None
    message: str
    file: str | None
    line: int | None


@dataclass(frozen=True)
class FakeResult:
    layer: Layer
    extras: dict[str, dict]
    notes: tuple[FakeNote, ...]


@pytest.fixture
def importing(monkeypatch: pytest.MonkeyPatch) -> list:
    """wizard.support.importing as its contract says, deciding builder: false, whatever the real module does."""
    import wizard.support.importing.reading  # noqa: F401  (sources reads values files with it: kept real)

    calls: list = []

    def import_values(files):
        calls.append(list(files))
        chart, path = files[0]
        note = FakeNote("unknown-key", chart, "customerExtras", "not a key of the chart", str(path), 3)
        return FakeResult(Layer(f"imported {path}", {"features": {"builder": False}}), {}, (note,))

    module = types.ModuleType("wizard.support.importing")
    module.import_values = import_values  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wizard.support.importing", module)
    monkeypatch.setattr(wizard.support, "importing", module, raising=False)
    return calls


def test_values_bundles_carry_the_imported_plan_and_notes(importing: list, customer: dict[str, Path],
                                                          tmp_path: Path, capsys) -> None:
    out = tmp_path / "customer.tar.gz"
    assert bundle_values(customer, out) == 0
    assert [chart for chart, _ in importing[0]] == list(customer)
    files = members(out)
    answers = files[f"{bundle.ROOT}wizard-answers.yaml"].decode()
    assert "builder: false" in answers
    notes = json.loads(files[f"{bundle.ROOT}import-notes.json"])
    marker = notes[0]["key"]  # customerExtras is not declared: the bundle's values and notes show its marker
    assert re.fullmatch(r"<redacted:\d+>", marker) and f"{marker}:" in files[
        f"{bundle.ROOT}values/substra-backend-values.yaml"].decode()
    assert notes == [{"kind": "unknown-key", "chart": "substra-backend", "key": marker,
                      "message": "not a key of the chart", "file": "backend.yaml", "line": 3}]
    assert json.loads(files[f"{bundle.ROOT}manifest.json"])["primary"] == "values"
    capsys.readouterr()
    original = explain_json(capsys, *(a for chart, path in customer.items() for a in ("--values", f"{chart}={path}")))
    assert explain_json(capsys, "--bundle", str(out)) == original  # the values, not the reconstructed Plan
    assert main(["--bundle", str(out), "--non-interactive", "--out", str(tmp_path / "w")]) == 0
    assert "enabled: false" in (tmp_path / "w" / "substra-backend-values.yaml").read_text()


def test_diff_compares_the_imported_plan_of_values_files(importing: list, tmp_path: Path, capsys) -> None:
    values = tmp_path / "v.yaml"
    values.write_text("builder:\n  enabled: false\n")
    assert main(["diff", "minimal", f"substra-backend={values}", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["plan"]["compared"] is True
    assert [(f["path"], f["a"], f["b"]) for f in result["plan"]["fields"]] == [("features.builder", True, False)]


RENDERS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders"
SCENARIOS = sorted(RENDERS.glob("*/*.values.json")) if RENDERS.is_dir() else []


@pytest.mark.skipif(not SCENARIOS, reason=f"no render scenarios under {RENDERS} (they live in ../shared)")
def test_every_render_scenario_explains_the_same_from_its_bundle(tmp_path: Path, capsys) -> None:
    for scenario in SCENARIOS:
        spec, out = f"{scenario.parent.name}={scenario}", tmp_path / "s.tar.gz"
        assert main(["bundle", "--values", spec, "--out", str(out)]) == 0, scenario
        capsys.readouterr()
        assert explain_json(capsys, "--bundle", str(out)) == explain_json(capsys, "--values", spec), scenario
