"""`wizard --rotate-secrets`: every credential new, nothing else changed, and what must be done said per credential
in a safe order (database passwords inside PostgreSQL first); never combined with --install."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from wizard.cli import main
from wizard.planning.layers import build_plan, plan_layers
from wizard.writing import secret_files
from wizard.writing.credentials import needed


def _write(out: Path, *extra: str) -> int:
    return main(["--preset", "minimal", "--non-interactive", "--out", str(out), *extra])


def test_rotation_says_what_to_do_for_each_credential_in_order(tmp_path: Path, capsys) -> None:
    out = tmp_path / "deploy"
    assert _write(out) == 0
    capsys.readouterr()
    assert _write(out, "--rotate-secrets") == 0
    printed = capsys.readouterr().out
    plan = build_plan(plan_layers(None, out / "wizard-answers.yaml", []))
    for credential in needed(plan):
        assert credential.id in printed and credential.restart in printed
    assert "unchanged substra-backend-values.yaml" in printed and "unchanged wizard-answers.yaml" in printed
    report = printed[printed.index("Rotated"):]
    assert report.index("1. orchestrator/database") < report.index("2. substra-backend/database") < \
        report.index("3. Apply the Secrets again: kubectl apply --server-side --force-conflicts --field-manager=")
    assert "wizard secrets reveal orchestrator/database" in report
    assert "Next: read the files" in printed


@pytest.mark.parametrize("extra", [["--install", "--yes"], ["--dry-run"]])
def test_rotation_is_not_combined_with_install_or_dry_run(tmp_path: Path, capsys, extra) -> None:
    out = tmp_path / "deploy"
    assert _write(out, "--rotate-secrets", *extra) == 2
    assert "--rotate-secrets writes new credentials" in capsys.readouterr().err
    assert not out.exists()


def test_rotation_keeps_other_organisations_entries(tmp_path: Path, capsys) -> None:
    out = tmp_path / "deploy"
    assert _write(out) == 0
    path = secret_files.folder(out) / "substra-backend-secrets.yaml"
    docs = list(yaml.safe_load_all(path.read_text()))
    accounts = next(doc for doc in docs if doc["metadata"]["name"] == "backend-accounts")
    outgoing = base64.b64decode(accounts["data"]["outgoing_organizations"]).decode() + "Org2MSP " + "c" * 64 + "\n"
    accounts["data"]["outgoing_organizations"] = base64.b64encode(outgoing.encode()).decode()
    path.write_text(yaml.safe_dump_all(docs))
    capsys.readouterr()
    assert _write(out, "--rotate-secrets") == 0
    assert "Kept as they were: substra-backend/outgoing/Org2MSP" in capsys.readouterr().out
    plan = build_plan(plan_layers(None, out / "wizard-answers.yaml", []))
    assert secret_files.read_existing(plan, out)["substra-backend/outgoing/Org2MSP"] == "c" * 64
