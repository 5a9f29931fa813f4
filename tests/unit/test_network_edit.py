"""Issue 17's network mode through questions: `wizard network add` appends an organisation (every answer checked as
the network file will be), `wizard network edit` walks one organisation's steps and keeps only its own decisions in
the file, comments and order kept, naming what the network decides instead."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_network_write import network_file, run  # noqa: E402,I001

from wizard.commands import network_edit
from wizard.network import edits, model
from wizard.network.plans import base_plan
from wizard.network.starter import STARTER


def starter(tmp_path: Path) -> Path:
    return network_file(tmp_path)


def test_add_appends_an_organisation_and_its_channels_keeping_comments(tmp_path: Path) -> None:
    path = starter(tmp_path)
    answers = "militech\nMilitechMSP\ncluster-2\n\napi.militech.example.com\ny\nn\n"
    code, out, err = run("network", "add", str(path), stdin=answers)
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "# One orchestrator serves the whole network" in text
    network = model.load(path)
    added = network.organisations[-1]
    assert (added.name, added.msp_id, added.context, added.where, added.host) == (
        "militech", "MilitechMSP", "cluster-2", "militech", "api.militech.example.com")
    assert [c.name for c in network.channels_of(added)] == ["research"]
    assert "Added militech to" in out and "in research" in out


@pytest.mark.parametrize(("answers", "named"), [
    ("ingen\n", "another organisation already has ingen as its name"),
    ("Bad_Name\n", "Organisation name"),
    ("militech\nIngenMSP\n", "another organisation already has IngenMSP as its msp_id"),
    ("militech\nMilitechMSP\ncluster-2\n\nnot a host\n", "Public host of its backend"),
])
def test_add_refuses_a_piped_answer_naming_the_question_and_writes_nothing(tmp_path: Path, answers: str,
                                                                         named: str) -> None:
    path = starter(tmp_path)
    code, _, err = run("network", "add", str(path), stdin=answers)
    assert code == 2 and named in err and "Traceback" not in err
    assert path.read_text(encoding="utf-8") == STARTER


def test_own_decisions_keep_only_what_differs_and_name_what_the_network_decides(tmp_path: Path) -> None:
    network = model.load(starter(tmp_path))
    base = base_plan(network, 2, "network.yaml")
    chosen = base.model_copy(update={
        "features": base.features.model_copy(update={"builder": False}),
        "organisation": base.organisation.model_copy(update={"name": "renamed"}),
        "storage": base.storage.model_copy(update={"worker": base.storage.worker.model_copy(
            update={"storage_class": "fast-ssd"})})})
    decisions, dropped = edits.own_decisions(chosen, base)
    assert decisions == {"features": {"builder": False}, "storage": {"worker": {"storage_class": "fast-ssd"}}}
    assert dropped == ["organisation.name"]


def test_edit_writes_the_organisation_s_decisions_back_then_the_network(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = starter(tmp_path)
    out = tmp_path / "out"

    def walked(plan, layers, context, out_dir, given, *, plain):  # the operator's answers in the steps
        assert context == "cluster-2" and out_dir == out / "arasaka" and plain
        return plan.model_copy(update={
            "features": plan.features.model_copy(update={"object_store": "localstack"}),
            "ingress": plan.ingress.model_copy(update={"backend_host": "elsewhere.example.com", "tls": True})})

    monkeypatch.setattr(network_edit, "_ask", walked)
    code, text, err = run("network", "edit", str(path), "arasaka", "--out", str(out), "--plain")
    assert code == 0, err
    assert "ingress.backend_host is the network's to decide" in err
    assert "arasaka: 2 decisions of its own kept" in text
    written = path.read_text(encoding="utf-8")
    assert "# Each organisation: its name" in written
    arasaka = yaml.safe_load(written)["network"]["organisations"][2]
    assert arasaka["plan"] == {"features": {"object_store": "localstack"}, "ingress": {"tls": True}}
    values = yaml.safe_load((out / "arasaka" / "substra-backend-values.yaml").read_text(encoding="utf-8"))
    assert values["localstack"]["enabled"] is True
    assert values["server"]["defaultDomain"] == "https://api.arasaka.example.com"
    assert (out / "ingen" / "install.sh").exists() and (out / "install.sh").exists()


def test_edit_with_every_answer_kept_changes_nothing_in_the_file(tmp_path: Path) -> None:
    path = starter(tmp_path)
    code, text, err = run("network", "edit", str(path), "biotechnica", "--out", str(tmp_path / "out"), "--plain",
                          stdin="\n" * 400)
    assert code == 0, err
    assert "biotechnica: 1 decision of its own kept" in text
    assert path.read_text(encoding="utf-8") == STARTER


def test_edit_names_an_unknown_organisation(tmp_path: Path) -> None:
    code, _, err = run("network", "edit", str(starter(tmp_path)), "umbrella", "--plain")
    assert code == 2 and '"umbrella" is no organisation of the network (known: ingen, biotechnica, arasaka)' in err


def test_the_plain_network_mode_adds_an_organisation_then_writes_the_network(tmp_path: Path) -> None:
    path = starter(tmp_path)
    out = tmp_path / "out"
    answers = ("Add an organisation\nmilitech\nMilitechMSP\ncluster-2\n\napi.militech.example.com\ny\nn\n"
               "Write the network\n")
    code, text, err = run("network", "edit", str(path), "--out", str(out), "--plain", stdin=answers)
    assert code == 0, err
    assert "ingen (IngenMSP): context cluster-1, namespace ingen, api.ingen.example.com; channels research, pilot" \
        in text
    assert "militech (MilitechMSP): context cluster-2" in text  # the list shown again after the addition
    assert [o.name for o in model.load(path).organisations][-1] == "militech"
    assert (out / "militech" / "substra-backend-values.yaml").exists() and (out / "install.sh").exists()
    assert "The network is written in" in text


def test_the_plain_network_mode_quits_without_writing(tmp_path: Path) -> None:
    path = starter(tmp_path)
    code, _, err = run("network", "edit", str(path), "--out", str(tmp_path / "out"), "--plain", stdin="Quit\n")
    assert code == 0 and "Nothing was written" in err
    assert not (tmp_path / "out").exists() and path.read_text(encoding="utf-8") == STARTER


def test_the_full_screen_network_mode_needs_a_terminal(tmp_path: Path) -> None:
    code, _, err = run("network", "edit", str(starter(tmp_path)), "--out", str(tmp_path / "out"))
    assert code == 2 and "add --plain" in err
