"""Issue 17's network preview: every path between organisations (each backend's server and worker to the
orchestrator, to every other organisation's server, the worker to its own), judged by the NetworkPolicies of both
ends as the analysis reads them, and what the two sides of each pair hold, never the secrets themselves."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path

import yaml
from test_network_write import network_file, run  # noqa: E402,I001

from wizard.network import model
from wizard.network.paths import network_paths, pair_credentials
from wizard.network.paths_format import findings
from wizard.network.plans import plan_network
from wizard.network.starter import STARTER
from wizard.reporting.explain import explain, plan_inputs, plan_version


def starter(tmp_path: Path, text: str = STARTER) -> Path:
    return network_file(tmp_path, text)


def reports_of(path: Path) -> tuple[model.Network, list, dict]:
    network = model.load(path)
    members = plan_network(network, str(path))
    return network, members, {m.folder: explain(plan_inputs(m.plan), version=plan_version(m.plan), plan=m.plan)
                              for m in members}


def unwritten(network: model.Network) -> dict:
    return pair_credentials(network.organisations, {}, written=False)


def test_every_path_of_the_starter_network_is_listed_and_open(tmp_path: Path) -> None:
    network, members, reports = reports_of(starter(tmp_path))
    paths = network_paths(network, members, reports, unwritten(network))
    to_orchestrator = [(p.caller, p.pod, p.address) for p in paths if p.callee == "orchestrator"]
    assert ("ingen", "backend-server", "orchestrator-server.orchestrator:9000") in to_orchestrator
    assert ("arasaka", "backend-worker", "orchestrator.cluster-1.example.com:80") in to_orchestrator
    assert len(to_orchestrator) == 6
    between = [(p.caller, p.pod, p.callee) for p in paths if p.callee != "orchestrator"]
    assert len(between) == 3 * 2 * 2 + 3  # server and worker to each other organisation, each worker to its own
    assert ("ingen", "backend-server", "ingen") not in between and ("ingen", "backend-worker", "ingen") in between
    assert all(p.open for p in paths), [p for p in paths if not p.open]
    remote = next(p for p in paths if p.caller == "arasaka" and p.callee == "orchestrator")
    assert remote.leaves.how.startswith("egress to internet on TCP 80")
    assert "cluster-private" in next(p for p in paths if p.caller == "ingen" and p.callee == "orchestrator").leaves.how


def test_a_pod_whose_policies_block_the_call_is_named_with_the_side(tmp_path: Path) -> None:
    network, members, reports = reports_of(starter(tmp_path))
    arasaka = reports["arasaka"]
    shut = [dataclasses.replace(p, outgoing=[c for c in p.outgoing if c.destination.name != "internet"])
            if p.component == "backend-server" else p for p in arasaka.pods]
    reports["arasaka"] = dataclasses.replace(arasaka, pods=shut)
    paths = network_paths(network, members, reports, unwritten(network))
    blocked = [(p.caller, p.pod, p.callee) for p in paths if not p.open]
    assert blocked == [("arasaka", "backend-server", "orchestrator"), ("arasaka", "backend-server", "ingen"),
                       ("arasaka", "backend-server", "biotechnica")]
    messages = [m for s, m in findings(paths) if s == "DANGER"]
    assert len(messages) == 3
    assert all("blocked by the caller: no egress to internet on TCP 80" in m for m in messages)


def test_credentials_are_judged_from_both_folders_without_showing_them(tmp_path: Path) -> None:
    path = starter(tmp_path)
    out = tmp_path / "out"
    code, _, err = run("network", "write", str(path), "--out", str(out))
    assert code == 0, err
    code, text, _ = run("network", "explain", str(path), "--out", str(out))
    assert code == 0
    assert text.count("credentials match") == 15 and "BLOCKED" not in text
    secrets_file = out / "ingen" / "secrets" / "substra-backend-secrets.yaml"
    docs = list(yaml.safe_load_all(secrets_file.read_text(encoding="utf-8")))
    accounts = next(d for d in docs if d and d["metadata"]["name"].endswith("-accounts"))
    lines = base64.b64decode(accounts["data"]["incoming_organizations"]).decode().splitlines()
    secrets = [line.rsplit(" ", 1)[1] for line in lines]
    lines = [line for line in lines if not line.startswith("ArasakaMSP ")]
    accounts["data"]["incoming_organizations"] = base64.b64encode(("\n".join(lines) + "\n").encode()).decode()
    secrets_file.write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    code, text, _ = run("network", "explain", str(path), "--out", str(out), "--format", "json")
    assert code == 0
    report = json.loads(text)
    missing = {(p["caller"], p["pod"], p["callee"]) for p in report["paths"] if p["credentials"] == "missing"}
    assert missing == {("arasaka", "backend-server", "ingen"), ("arasaka", "backend-worker", "ingen")}
    assert any("arasaka backend-server -> ingen backend-server: the two sides hold no secret" in f["message"]
               for f in report["findings"] if f["severity"] == "danger")
    assert not [s for s in secrets if s in text]


def test_before_writing_the_credentials_are_said_to_come_with_the_write(tmp_path: Path) -> None:
    code, text, _ = run("network", "explain", str(starter(tmp_path)))
    assert code == 0
    assert "credentials not written yet" in text and text.count("credentials made on write") == 15
    assert "WARNING: calls to arasaka, biotechnica, ingen use http" in text


def test_https_ingresses_take_the_clear_text_warning_away(tmp_path: Path) -> None:
    text = STARTER.replace("      preset: minimal\n", "      preset: minimal\n      plan: {ingress: {tls: true}}\n", 1)
    code, out, err = run("network", "explain", str(starter(tmp_path, text)))
    assert code == 0, err
    assert "(https://api.ingen.example.com)" in out
    assert "calls to arasaka, biotechnica use http" in out


def test_pair_credentials_compare_both_sides() -> None:
    network = model.parse(yaml.safe_load(STARTER), "starter")
    ingen, biotech, _ = network.organisations
    held = {"ingen": {"substra-backend/incoming/IngenMSP": "a", "substra-backend/outgoing/BiotechnicaMSP": "s1",
                      "substra-backend/incoming/BiotechnicaMSP": "s2"},
            "biotechnica": {"substra-backend/incoming/IngenMSP": "s1", "substra-backend/outgoing/IngenMSP": "other"}}
    found = pair_credentials([ingen, biotech], held, written=True)
    assert found == {("ingen", "ingen"): "match", ("ingen", "biotechnica"): "match",
                     ("biotechnica", "ingen"): "differ", ("biotechnica", "biotechnica"): "missing"}


def test_wizard_explain_network_reads_the_credentials_beside_the_copy(tmp_path: Path) -> None:
    path = starter(tmp_path)
    out = tmp_path / "out"
    assert run("network", "write", str(path), "--out", str(out))[0] == 0
    code, text, _ = run("explain", "--network", str(out / "network.yaml"))
    assert code == 0 and text.count("credentials match") == 15
    code, text, _ = run("explain", "--network", str(path), "--format", "json")
    assert code == 0 and {p["credentials"] for p in json.loads(text)["paths"]} == {None, "made on write"}
    code, _, err = run("explain", "--network", str(path), "--preset", "minimal")
    assert code == 2 and "give --network alone" in err
