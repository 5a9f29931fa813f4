"""Issue 17: `wizard network` plans a network of organisations whose files agree by construction. For every ordered
pair of organisations (each with itself too) the incoming and outgoing entries and their secrets match, the
orchestrator's channel members are exactly the backends that declare each channel, nothing secret is in a values,
answers or install file, and a second run changes nothing."""

from __future__ import annotations

import base64
import contextlib
import io
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.charts.chart_defaults import get_path, load_defaults
from wizard.cli import main
from wizard.network import model
from wizard.network.starter import STARTER

ORGANISATIONS = {"ingen": "IngenMSP", "biotechnica": "BiotechnicaMSP", "arasaka": "ArasakaMSP"}


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """`wizard ARGV` through cli.main, as an operator runs it (standard input: `stdin`); (exit code, out, err).
    The other network tests use it too."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def network_file(folder: Path, text: str = STARTER) -> Path:
    path = folder / "network.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def written(tmp_path: Path, text: str = STARTER) -> Path:
    out = tmp_path / "out"
    code, _, err = run("network", "write", str(network_file(tmp_path, text)), "--out", str(out))
    assert code == 0, err
    return out


def accounts(folder: Path) -> dict[str, dict[str, str]]:
    """The organisation lists of a folder's accounts Secret: direction -> MSP id -> secret."""
    docs = yaml.safe_load_all((folder / "secrets" / "substra-backend-secrets.yaml").read_text(encoding="utf-8"))
    secret = next(d for d in docs if d and d["metadata"]["name"].endswith("-accounts"))
    lists: dict[str, dict[str, str]] = {}
    for direction in ("incoming", "outgoing"):
        text = base64.b64decode(secret["data"][f"{direction}_organizations"]).decode()
        lists[direction] = dict(line.rsplit(" ", 1)[::1] for line in text.splitlines())  # type: ignore[misc]
    return lists


def values(folder: Path, chart: str) -> dict[str, Any]:
    return yaml.safe_load((folder / f"{chart}-values.yaml").read_text(encoding="utf-8"))


def every_secret(out: Path) -> set[str]:
    found: set[str] = set()
    for path in out.rglob("*-secrets.yaml"):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            for value in (doc or {}).get("data", {}).values():
                for line in base64.b64decode(value).decode().splitlines() or [""]:
                    found.update(part for part in line.split(" ") if len(part) >= 16)
    return found


def test_every_ordered_pair_has_matching_credentials_on_both_sides(tmp_path: Path) -> None:
    out = written(tmp_path)
    lists = {name: accounts(out / name) for name in ORGANISATIONS}
    for caller, caller_msp in ORGANISATIONS.items():
        assert set(lists[caller]["incoming"]) == set(ORGANISATIONS.values())
        assert set(lists[caller]["outgoing"]) == set(ORGANISATIONS.values())
        for callee, callee_msp in ORGANISATIONS.items():
            sent = lists[caller]["outgoing"][callee_msp]
            assert sent == lists[callee]["incoming"][caller_msp], f"{caller} -> {callee}"
            assert len(sent) >= 32
    distinct = {lists[c]["outgoing"][ORGANISATIONS[d]] for c in ORGANISATIONS for d in ORGANISATIONS}
    assert len(distinct) == 9, "one secret per ordered pair, none shared"


def test_channel_members_agree_between_the_orchestrator_and_the_backends(tmp_path: Path) -> None:
    out = written(tmp_path)
    listed = {c["name"]: set(c["organizations"]) for c in values(out / "orchestrator", "orchestrator")["channels"]}
    assert listed == {"research": set(ORGANISATIONS.values()), "pilot": {"IngenMSP", "BiotechnicaMSP"}}
    declared: dict[str, set[str]] = {}
    for name, msp in ORGANISATIONS.items():
        backend = values(out / name, "substra-backend")
        assert backend["orchestrator"]["mspID"] == msp
        assert backend["organizationName"] == name
        for entry in backend["orchestrator"]["channels"]:
            for channel in entry:
                declared.setdefault(channel, set()).add(msp)
    assert declared == listed


def test_each_backend_reaches_the_orchestrator_where_it_runs(tmp_path: Path) -> None:
    out = written(tmp_path)
    same = values(out / "ingen", "substra-backend")["orchestrator"]
    port = same.get("port", get_path(load_defaults("substra-backend", "26.15.3"), ("orchestrator", "port")))
    assert (same["host"], port, same["sameCluster"]) == ("orchestrator-server.orchestrator", 9000, True)
    remote = values(out / "arasaka", "substra-backend")["orchestrator"]
    assert (remote["host"], remote["port"]) == ("orchestrator.cluster-1.example.com", 80)
    assert remote.get("sameCluster", False) is False
    assert values(out / "orchestrator", "orchestrator")["ingress"]["hostname"] == "orchestrator.cluster-1.example.com"
    for name in ORGANISATIONS:
        assert values(out / name, "substra-backend")["server"]["defaultDomain"].startswith("http://api.")


def test_nothing_secret_leaves_the_secrets_folders(tmp_path: Path) -> None:
    out = written(tmp_path)
    secrets = every_secret(out)
    assert len(secrets) > 20
    for path in out.rglob("*"):
        if path.is_file() and "secrets" not in path.parts:
            text = path.read_text(encoding="utf-8")
            assert not [s for s in secrets if s in text], path
    for path in out.rglob("secrets"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in path.iterdir()} == {0o600}


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    out = written(tmp_path)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, text, _ = run("network", "write", str(tmp_path / "network.yaml"), "--out", str(out))
    assert code == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert "0 made now, 6 kept" in text
    assert "created" not in text and "rewrote" not in text


def test_install_order_and_contexts(tmp_path: Path) -> None:
    out = written(tmp_path)
    script = (out / "install.sh").read_text(encoding="utf-8")
    steps = [line.split()[1:3] for line in script.splitlines() if line.startswith("step ")]
    assert steps == [["orchestrator", "cluster-1"], ["ingen", "cluster-1"], ["biotechnica", "cluster-1"],
                     ["arasaka", "cluster-2"]]
    assert stat.S_IMODE((out / "install.sh").stat().st_mode) == 0o700
    remote = (out / "arasaka" / "install.sh").read_text(encoding="utf-8")
    commands = [line for line in remote.splitlines() if line.startswith(("kubectl", "helm upgrade", "helm --"))]
    assert commands and all("--context cluster-2" in c or "--kube-context cluster-2" in c for c in commands)


def test_a_new_organisation_keeps_the_old_pairs_and_a_removed_one_is_dropped(tmp_path: Path) -> None:
    out = written(tmp_path)
    before = accounts(out / "ingen")
    militech = ("    - name: militech\n      msp_id: MilitechMSP\n      context: cluster-2\n"
                "      host: api.militech.org\n")
    grown = STARTER.replace("members: [ingen, biotechnica, arasaka]",
                            "members: [ingen, biotechnica, arasaka, militech]") + militech
    code, text, err = run("network", "write", str(network_file(tmp_path, grown)), "--out", str(out))
    assert code == 0, err
    assert "6 made now, 6 kept" in text
    after = accounts(out / "ingen")
    assert {k: v for k, v in after["outgoing"].items() if k != "MilitechMSP"} == before["outgoing"]
    assert after["outgoing"]["MilitechMSP"] == accounts(out / "militech")["incoming"]["IngenMSP"]
    network_file(tmp_path)
    code, text, err = run("network", "write", str(tmp_path / "network.yaml"), "--out", str(out))
    assert code == 0, err
    assert accounts(out / "ingen") == before
    assert "  militech/        left as is: no longer in the network" in text


def test_sides_that_disagree_are_mended_to_the_callee_s_secret(tmp_path: Path) -> None:
    out = written(tmp_path)
    path = out / "arasaka" / "secrets" / "substra-backend-secrets.yaml"
    docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    accounts_doc = next(d for d in docs if d and d["metadata"]["name"].endswith("-accounts"))
    lines = base64.b64decode(accounts_doc["data"]["outgoing_organizations"]).decode().splitlines()
    lines = [("IngenMSP " + "f" * 64) if line.startswith("IngenMSP ") else line for line in lines]
    accounts_doc["data"]["outgoing_organizations"] = base64.b64encode(("\n".join(lines) + "\n").encode()).decode()
    path.write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    expected = accounts(out / "ingen")["incoming"]["ArasakaMSP"]
    code, _, err = run("network", "write", str(tmp_path / "network.yaml"), "--out", str(out))
    assert code == 0, err
    assert "mended: arasaka -> ingen" in err
    assert accounts(out / "arasaka")["outgoing"]["IngenMSP"] == expected != "f" * 64


def test_mtls_lists_each_organisation_s_client_ca_under_its_msp_id(tmp_path: Path) -> None:
    text = STARTER.replace("tls: false", "tls: true").replace("mtls: false", "mtls: true").replace(
        "verify_msp_id: false", "verify_msp_id: true")
    out = written(tmp_path, text)
    orchestrator = values(out / "orchestrator", "orchestrator")["orchestrator"]
    assert orchestrator["tls"]["enabled"] is True
    assert orchestrator["verifyClientMSPID"] is True
    assert set(orchestrator["tls"]["mtls"]["clientCACerts"]) == set(ORGANISATIONS.values())
    for name in ORGANISATIONS:
        link = values(out / name, "substra-backend")["orchestrator"]
        assert link["tls"]["enabled"] is True and link["tls"]["cacert"] == "orchestrator-cacert"
        assert link["tls"]["mtls"] == {"enabled": True, "clientCertificate": "orchestrator-client-cert"}
    assert values(out / "arasaka", "substra-backend")["orchestrator"]["port"] == 443
    script = (out / "install.sh").read_text(encoding="utf-8")
    assert "O=ArasakaMSP, CN=api.arasaka.example.com" in script


@pytest.mark.parametrize(("change", "named"), [
    (("members: [ingen, biotechnica]", "members: [ingen, umbrella]"), 'channels[1].members[1]: "umbrella" is no'),
    (("msp_id: BiotechnicaMSP", "msp_id: IngenMSP"), "organisations[1].msp_id"),
    (("    host: orchestrator.cluster-1.example.com\n", ""), "orchestrator.host: arasaka runs in context cluster-2"),
    (("mtls: false", "mtls: true"), "mtls: client certificates need TLS"),
    (("      plan:\n        features:", "      plan:\n        organisation: {name: x}\n        features:"),
     "organisations[1] (biotechnica).plan.organisation: the network decides this"),
    (("          builder: false", "          builder: maybe"), "organisations[1] (biotechnica): features.builder"),
    (("      namespace: ingen ", "      namespace: orchestrator "),
     "organisations[0].namespace: namespace orchestrator"),
    (("schema: substra-wizard/network@1", "schema: other"), "schema: must be substra-wizard/network@1"),
])
def test_a_bad_network_file_is_refused_naming_the_field(tmp_path: Path, change: tuple[str, str],
                                                         named: str) -> None:
    assert change[0] in STARTER
    out = tmp_path / "out"
    code, _, err = run("network", "write", str(network_file(tmp_path, STARTER.replace(*change))), "--out", str(out))
    assert code == 2
    assert named in err
    assert "Traceback" not in err
    assert not out.exists()


def test_init_writes_a_starting_file_and_never_replaces_one(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    code, text, _ = run("network", "init", str(path))
    assert code == 0 and path.read_text(encoding="utf-8") == STARTER
    assert "wizard network write" in text
    path.write_text("mine", encoding="utf-8")
    code, _, err = run("network", "init", str(path))
    assert code == 2 and "never replaces" in err
    assert path.read_text(encoding="utf-8") == "mine"


def test_the_readme_example_is_the_starter_file() -> None:
    """README's network.yaml (comments left out) says what `wizard network init` writes."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("`network.yaml` (what `init` writes, comments left out):\n\n```yaml\n", 1)[1].split("```")[0]
    assert model.parse(yaml.safe_load(block), "README") == model.parse(yaml.safe_load(STARTER), "starter")


def test_the_doctor_finds_the_written_network_consistent_and_a_hand_edit_not(tmp_path: Path) -> None:
    from wizard.network.doctor import diagnose

    text = STARTER.replace("tls: false", "tls: true").replace("mtls: false", "mtls: true").replace(
        "verify_msp_id: false", "verify_msp_id: true")
    out = written(tmp_path, text)
    found = diagnose([(None, out)])
    assert found.consistent, [(f.code, f.message) for f in found.findings]
    assert {o.msp_id for o in found.network.backends} == set(ORGANISATIONS.values())
    path = out / "biotechnica" / "secrets" / "substra-backend-secrets.yaml"
    docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    accounts_doc = next(d for d in docs if d and d["metadata"]["name"].endswith("-accounts"))
    accounts_doc["data"]["incoming_organizations"] = base64.b64encode(b"BiotechnicaMSP x\n").decode()
    path.write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    codes = {f.code for f in diagnose([(None, out)]).findings if f.severity == "danger"}
    assert {"incoming-missing", "self-mismatch"} <= codes


def test_each_member_s_warnings_are_said_with_its_name(tmp_path: Path) -> None:
    sized = "          builder: false\n        storage: {builder: {size: 20Gi}}\n        # "
    text = STARTER.replace("          builder: false ", sized)
    code, _, err = run("network", "write", str(network_file(tmp_path, text)), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert "warning: biotechnica: storage.builder: has no effect: the image builder is off" in err
    assert "info:" not in err


def test_the_top_install_script_stops_at_a_failure_saying_what_is_installed(tmp_path: Path) -> None:
    """The generated install.sh itself, run by sh, over members whose install.sh stand in for helm: it runs them in
    order and stops at the first that fails, naming what is and is not installed."""
    import subprocess

    out = written(tmp_path)
    for folder, code in (("orchestrator", 0), ("ingen", 0), ("biotechnica", 3), ("arasaka", 0)):
        (out / folder / "install.sh").write_text(f"echo ran {folder} >> \"$(dirname \"$0\")/../ran.log\"\n"
                                                 f"exit {code}\n")
    done = subprocess.run(["sh", str(out / "install.sh")], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 1
    assert (out / "ran.log").read_text().split("\n")[:-1] == ["ran orchestrator", "ran ingen", "ran biotechnica"]
    assert "biotechnica failed; installed before it: orchestrator ingen. Not installed: arasaka." in done.stderr
    assert "== ingen: sh ingen/install.sh (kube context cluster-1)" in done.stdout
