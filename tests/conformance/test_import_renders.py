"""Every scenario of the real renders imports, writes back, and Helm merges the written values to the same result,
apart from the credential keys, whose credentials now live in Secrets.

For each <chart>/*.values.json of ../shared/reference/substra-renders and ../shared/reference/substra-renders-secure
(every scenario found there, the deliberately broken ones included): `wizard import --out` writes the run's files;
the written values file, read back as Helm reads it and merged over the chart defaults, must equal the scenario's
values merged over the chart defaults (nulls delete, like Helm), once the credential keys are set aside on both sides
(importing.credentials.OWNED). Those keys name the wizard's Secrets now: no chart default credential is in effect in
what helm gets, no credential of the customer's is in a file outside secrets/, and the Secrets hold every credential
the customer gave that the backend can use (a chart default is replaced by a new one). Then a normal run from the
written answers file writes the same values and keeps the same Secrets, so the extras survive the answers file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, get_path, load_defaults
from wizard.cli import main
from wizard.planning import answers
from wizard.planning.layers import Layer, build_plan
from wizard.planning.passwords import password_problems
from wizard.reporting.credential_findings import LOCALSTACK_DEFAULTS, credential_findings
from wizard.support.importing.credentials import without_credentials
from wizard.support.importing.extras import check_round_trip, same
from wizard.support.importing.reading import read_values_file
from wizard.writing.credentials import admin_id, organisation_id
from wizard.writing.secret_files import FOLDER, helm_values_name, read_existing

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
RENDERS, SECURE = REFERENCE / "substra-renders", REFERENCE / "substra-renders-secure"
SCENARIOS = [path for folder in (RENDERS, SECURE) if folder.is_dir() for path in sorted(folder.glob("*/*.values.json"))]
pytestmark = pytest.mark.skipif(not RENDERS.is_dir(), reason=f"{RENDERS} is absent: the real renders live in ../shared")
BROKEN = {"22-minio-extraingress-rule-shaped": "minio.networkPolicy.extraIngress[0] written as a whole rule",
          "34-accounts-lists-pitfalls": "(operator) has no channel (the migrations Job crashed on it)"}
"""Deliberately broken inputs (FACTS_ACCOUNTS_NETWORK_IMAGES.md §6): the import says what is wrong."""


def _body(path: Path) -> dict:
    read = read_values_file(path)
    return read.data or {}


def _id(path: Path) -> str:
    return f"{path.parents[1].name.removeprefix('substra-')}/{path.parent.name}/{path.name}"


def test_the_renders_folders_have_scenarios_for_every_chart() -> None:
    assert {path.parent.name for path in SCENARIOS if path.is_relative_to(RENDERS)} == set(SUPPORTED_VERSIONS)
    if SECURE.is_dir():
        assert {path.name.removesuffix(".values.json") for path in SCENARIOS if path.is_relative_to(SECURE)} \
            >= set(BROKEN)


def _expected_secrets(chart: str, given: dict) -> dict[str, tuple[str, bool]]:
    """Credential id -> (the customer's value, whether it is carried over: not a chart default, and usable), read
    from the scenario independently of the importer."""
    defaults = load_defaults(chart, SUPPORTED_VERSIONS[chart])
    merged = coalesce(defaults, given)

    def at(key: str) -> Any:
        return get_path(merged, tuple(key.split(".")))

    def usable(key: str) -> tuple[Any, bool]:
        value = at(key)
        return value, isinstance(value, str) and value != "" and value != get_path(defaults, tuple(key.split(".")))

    found: dict[str, tuple[str, bool]] = {}
    if not at("database.auth.credentialsSecretName") and not at("postgresql.auth.existingSecret"):
        found[f"{chart}/database"] = usable("database.auth.password")
    if chart != "substra-backend":
        return found
    if at("redis.enabled") is not False and not at("redis.auth.existingSecret"):
        found["substra-backend/redis"] = usable("redis.auth.password")
    if at("localstack.enabled") is True and at("minio.enabled") is not True:
        entries = {item.get("name"): item.get("value") for item in at("localstack.environment") or []}
        for name, suffix in zip(LOCALSTACK_DEFAULTS, ("localstack-key-id", "localstack-secret"), strict=True):
            found[f"substra-backend/{suffix}"] = (entries.get(name), entries.get(name) != LOCALSTACK_DEFAULTS[name])
    else:
        found["substra-backend/minio-user"] = usable("minio.auth.rootUser")
        found["substra-backend/minio-password"] = usable("minio.auth.rootPassword")
    operator = at("addAccountOperator") or {}
    if operator.get("existingSecret"):
        return found
    for user in operator.get("users") or []:
        secret = user.get("secret")
        good = isinstance(secret, str) and not password_problems(secret, user["name"])
        found[admin_id(user["name"])] = (secret, good)
    msp = at("orchestrator.mspID")
    for direction, key in (("incoming", "incomingOrganizations"), ("outgoing", "outgoingOrganizations")):
        for entry in operator.get(key) or []:
            secret = entry.get("secret")
            ident = organisation_id("incoming" if entry["name"] == msp else direction, entry["name"])  # type: ignore
            found[ident] = (secret, isinstance(secret, str) and secret != "" and " " not in secret)
    return found


def _written_everywhere_but_secrets(out: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in out.rglob("*")
                     if path.is_file() and FOLDER not in path.relative_to(out).parts)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_scenario_imports_and_writes_back_to_the_same_helm_values(scenario: Path, tmp_path: Path, capsys) -> None:
    chart = scenario.parent.name
    given = json.loads(scenario.read_text(encoding="utf-8")) or {}
    out = tmp_path / "out"
    assert main(["import", "--values", f"{chart}={scenario}", "--out", str(out)]) == 0
    report = capsys.readouterr().out
    if scenario.name.removesuffix(".values.json") in BROKEN:
        assert BROKEN[scenario.name.removesuffix(".values.json")] in report
    written = _body(out / f"{chart}-values.yaml")
    defaults = load_defaults(chart, SUPPORTED_VERSIONS[chart])
    assert same(without_credentials(chart, coalesce(defaults, written)),
                without_credentials(chart, coalesce(defaults, given)))

    plan = build_plan([Layer("answers", answers.load_with_extras(out / answers.FILE_NAME)[0])])
    kept = read_existing(plan, out)
    helm_gets = dict(written)
    private = out / FOLDER / helm_values_name(chart)
    if private.exists():
        from wizard.planning.layers import merge

        helm_gets = merge(helm_gets, _body(private))
    assert [f.message for f in credential_findings(chart, helm_gets) if f.severity == "danger"] == []
    elsewhere = _written_everywhere_but_secrets(out)
    for ident, (value, carried) in _expected_secrets(chart, given).items():
        if carried:
            assert kept.get(ident) == value, ident
            assert value not in elsewhere, ident
        elif isinstance(value, str) and value:
            assert kept.get(ident, MISSING) != value, ident  # a chart default or a refused password: made anew

    again = tmp_path / "again"
    assert main(["--answers", str(out / "wizard-answers.yaml"), "--non-interactive", "--out", str(again)]) == 0
    assert _body(again / f"{chart}-values.yaml") == written
    if (out / FOLDER).is_dir():  # a run into the same folder starts from those Secrets: copied, they are kept
        for path in (out / FOLDER).iterdir():
            (again / FOLDER / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        assert main(["--answers", str(out / "wizard-answers.yaml"), "--non-interactive", "--out", str(again)]) == 0
        assert read_existing(plan, again) == kept


BACKENDS = [path for path in SCENARIOS if path.parent.name == "substra-backend"]


@pytest.mark.parametrize("backend", BACKENDS, ids=_id)
def test_three_charts_imported_together_write_back_to_the_same_helm_values(backend: Path, tmp_path: Path) -> None:
    """One Plan for all three charts: the decisions they share (channels, TLS, hosts) must not break any of them."""
    from wizard.support.importing import import_values

    others = [path for path in SCENARIOS if path.parent.name != "substra-backend" and path.is_relative_to(RENDERS)]
    files = []
    for path in [backend, *others]:
        copy = tmp_path / f"{path.parent.name}-{path.name}"
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        files.append((path.parent.name, copy))
    result = import_values(files)
    plan = build_plan([result.layer])
    assert check_round_trip(plan, result.extras, _merged_files(files)) == []


def _merged_files(files: list[tuple[str, Path]]) -> dict[str, dict]:
    """The customer's values per chart, several files of a chart merged in order like helm -f a -f b."""
    from wizard.planning.layers import merge

    merged: dict[str, dict] = {}
    for chart, path in files:
        merged[chart] = merge(merged.get(chart, {}), json.loads(path.read_text(encoding="utf-8")) or {})
    return merged
