"""`wizard network check`, the consistency doctor, on its corpus (tests/data/network: one folder per set, every folder
found is a case) and on bad input. Each case's expected.yaml lists the exact findings (code and the MSP ids or
channels they concern) and the exit code; no secret of the inputs may show in the text or JSON output."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from wizard import cli
from wizard.commands import network_check
from wizard.network.doctor_codes import CODES

CORPUS = Path(__file__).resolve().parents[1] / "data" / "network"
CASES = sorted(path for path in CORPUS.iterdir() if (path / "expected.yaml").is_file())
EXPECTED = {case.name: yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8")) for case in CASES}
MIN_SECRET = 16
"""Secrets of the Secret files are found as the words of their lines this long or longer (MSP ids, channel and user
names are shorter); the values files' `secret` keys are taken whole, whatever their length."""


def _inputs(case: Path) -> list[str]:
    given = EXPECTED[case.name].get("inputs")
    names = given or sorted(p.name for p in case.iterdir() if p.name != "expected.yaml")
    return [str(case / name) for name in names]


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    """Through cli.main, as an operator runs it (exit 2 and the message for bad input come from there)."""
    code = cli.main(["network", "check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _secrets(case: Path) -> set[str]:
    """Every secret of a case's inputs: the `secret` of each list item, and the long words of each Secret's data."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "secret" in node and node["secret"] not in (None, ""):
                found.add(str(node["secret"]))
            if node.get("kind") == "Secret":
                for value in (node.get("data") or {}).values():
                    found.update(word for word in base64.b64decode(value).decode().split() if len(word) >= MIN_SECRET)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in case.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".json") and path.name != "expected.yaml":
            for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                walk(doc)
    return found


def _found(report: dict) -> Counter:
    return Counter((f["code"], frozenset(f["subjects"])) for f in report["findings"])


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_corpus_case_gets_exactly_its_findings_and_exit_code(case: Path, capsys) -> None:
    expected = EXPECTED[case.name]
    code, out, err = _run(capsys, *_inputs(case), "--format", "json")
    report = json.loads(out)
    wanted = Counter((f["code"], frozenset(f.get("subjects") or ())) for f in expected["findings"])
    assert _found(report) == wanted, f"{case.name}: {expected['description']}"
    assert (code, err) == (expected["exit"], "")
    assert report["consistent"] is (code == 0)


def test_the_cases_without_secrets_have_no_backend() -> None:
    for case in CASES:
        if not _secrets(case):
            assert not any("substra-backend" in p.name or p.name.startswith("org") for p in case.rglob("*")), case


@pytest.mark.parametrize("case", [c for c in CASES if _secrets(c)], ids=lambda p: p.name)
def test_no_secret_of_the_inputs_shows_in_either_format(case: Path, capsys) -> None:
    secrets = _secrets(case)
    outputs = [_run(capsys, *_inputs(case), "--format", fmt)[1] for fmt in ("text", "json")]
    for output in outputs:
        shown = sorted(s for s in secrets if s in output)
        assert not shown, f"{case.name} shows {len(shown)} secret(s) of its inputs"


@pytest.mark.parametrize("case", [c for c in CASES if c.name.startswith("consistent-")], ids=lambda p: p.name)
def test_a_consistent_set_gets_one_line_saying_what_was_checked(case: Path, capsys) -> None:
    assert EXPECTED[case.name]["findings"] == []
    code, out, _ = _run(capsys, *_inputs(case))
    assert code == 0
    assert out.count("\n") == 1 and out.startswith("Consistent: checked ") and "nothing disagrees" in out
    assert " organisations, " in out and " channel" in out and " ordered pairs " in out


def test_the_corpus_exercises_every_code_and_says_why_each_case_is_there() -> None:
    expected_codes = {f["code"] for e in EXPECTED.values() for f in e["findings"]}
    assert expected_codes == set(CODES), f"codes without a case: {sorted(set(CODES) - expected_codes)}"
    assert all(e.get("description") for e in EXPECTED.values())
    assert sum(1 for e in EXPECTED.values() if len({f["code"] for f in e["findings"]}) >= 3) >= 3  # a few "several"


def test_text_groups_findings_by_severity_and_names_both_sides_of_a_pair(capsys) -> None:
    case = CORPUS / "several-inconsistencies"
    code, out, _ = _run(capsys, *_inputs(case))
    assert code == 1 and out.startswith("Inconsistent: checked 3 organisations, 1 channel, 9 ordered pairs")
    assert out.index("DANGER: fix before installing") < out.index("[channel-member-missing]")
    block = out[out.index("[incoming-missing]"):out.index("[secret-mismatch]")]
    flat = " ".join(block.split())
    assert f"{case / 'org2.yaml'}:17 addAccountOperator.incomingOrganizations (no entry for MyOrg1MSP)" in flat
    assert f"{case / 'org1.yaml'}:30 addAccountOperator.outgoingOrganizations[1] (MyOrg1MSP's entry for " \
           "MyOrg2MSP)" in flat
    assert "Fix: add {name: MyOrg1MSP, secret: <the secret of MyOrg1MSP's outgoing entry for MyOrg2MSP>}" in flat
    port = " ".join(out[out.index("[orchestrator-port-mismatch]"):].split())
    assert "orchestrator.port (not set: chart default 9000)" in port and "Fix: set orchestrator.port to 443" in port


def test_info_only_is_consistent_and_still_shown(capsys) -> None:
    code, out, _ = _run(capsys, *_inputs(CORPUS / "partial-set-channel-member-without-file"))
    assert code == 0 and out.startswith("Consistent: checked 3 organisations")
    assert "INFO: " in out and "[channel-no-backend]" in out and "DANGER" not in out


def test_a_wizard_run_of_one_organisation_is_consistent(tmp_path: Path, capsys) -> None:
    """The wizard's own output, orchestrator and backend in one folder, its lists in secrets/."""
    out = tmp_path / "run"
    assert cli.main(["--non-interactive", "--out", str(out), "--set", "ingress.backend_host=api.org1.example.com"]) == 0
    capsys.readouterr()
    code, text, _ = _run(capsys, str(out))
    assert (code, text.count("\n")) == (0, 1), text
    code, report, _ = _run(capsys, str(out), "--format", "json")
    assert json.loads(report)["organisations"][0]["lists_checked"] is True


def test_a_folder_of_wizard_folders_and_its_subfolders_one_by_one_agree(capsys) -> None:
    out = CORPUS / "consistent-wizard-network" / "out"
    whole = json.loads(_run(capsys, str(out), "--format", "json")[1])
    parts = json.loads(_run(capsys, *(str(p) for p in sorted(out.iterdir())), "--format", "json")[1])
    assert whole == parts and whole["pairs"] == 9 and len(whole["organisations"]) == 3
    assert all(o["lists_checked"] for o in whole["organisations"])


def test_forcing_the_chart_of_a_file_whose_keys_do_not_tell(tmp_path: Path, capsys) -> None:
    bare = tmp_path / "bare.yaml"
    bare.write_text("orchestrator:\n  host: orchestrator.example.com\n  port: 443\n")
    code, out, err = _run(capsys, str(bare))
    assert code == 2 and not out
    assert str(bare) in err and "substra-backend=FILE" in err and "Traceback" not in err
    code, out, _ = _run(capsys, f"substra-backend={bare}", "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["organisations"][0]["msp_id"] == "OwkinPeerMSP"  # the chart default
    assert {"self-missing", "default-domain-no-scheme", "no-orchestrator"} <= {f["code"] for f in report["findings"]}


@pytest.mark.parametrize("content, why", [
    ("channels: [\n", "line"),  # not YAML: line and column
    ("- a\n- b\n", "not a map"),  # a list, not a values file
    ("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n", "cannot tell which chart"),  # a manifest
    ("channels: []\norganizationName: a\n", "both"),
    ("", "empty"),
])
def test_a_file_that_is_no_values_file_of_these_charts_is_exit_2_naming_it(tmp_path: Path, capsys, content: str,
                                                                            why: str) -> None:
    bad = tmp_path / "customer-values.yaml"
    bad.write_text(content)
    code, out, err = _run(capsys, str(CORPUS / "consistent-three-organisations" / "org1.yaml"), str(bad))
    assert code == 2 and not out
    assert err.startswith("wizard: ") and str(bad) in err and why in err
    assert "Traceback" not in err and "internal error" not in err


def test_unreadable_inputs_are_exit_2(tmp_path: Path, capsys) -> None:
    code, _, err = _run(capsys, str(tmp_path / "missing.yaml"))
    assert code == 2 and "missing.yaml" in err
    code, _, err = _run(capsys, str(tmp_path))  # a folder with nothing the doctor reads
    assert code == 2 and str(tmp_path) in err and "wizard-answers.yaml" in err
    one = CORPUS / "consistent-three-organisations" / "orchestrator.yaml"
    other = CORPUS / "consistent-mtls-two-channels" / "orchestrator.json"
    code, _, err = _run(capsys, str(one), str(other))
    assert code == 2 and "one orchestrator" in err and str(other) in err
    code, _, err = _run(capsys, f"substra-frontend={one}")
    assert code == 2 and "frontend" in err


def test_a_broken_accounts_secret_is_exit_2_naming_it(tmp_path: Path, capsys) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(CORPUS / "consistent-wizard-network" / "out", out)
    secrets = out / "org2" / "secrets" / "substra-backend-secrets.yaml"
    secrets.write_text(secrets.read_text().replace("incoming_organizations: ", "incoming_organizations: '%%%'\n  x: ",
                                                   1))
    code, _, err = _run(capsys, str(out))
    assert code == 2 and str(secrets) in err and "base64" in err and "Traceback" not in err


def test_help_documents_the_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        network_check.main(["--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0 and out.startswith("usage: wizard network check")
    flat = " ".join(out.split())
    assert "0 consistent" in flat and "1 inconsistencies found" in flat and "2 unreadable input" in flat
    assert "1 inconsistencies found (a danger or warning finding)" in " ".join(network_check.__doc__.split())


def test_wizard_network_check_runs_the_doctor(capsys) -> None:
    code = cli.main(["network", "check", *_inputs(CORPUS / "pair-secret-mismatch"), "--format", "json"])
    assert code == 1 and [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["secret-mismatch"]
