"""The analysis against the Kubernetes e2e NetworkPolicy scenarios (one probe step per file, read from ../shared).

Every file in the folder runs, whatever its name: more scenarios may be added there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard.analysis.netpol import Connectivity, analyze
from wizard.analysis.netpol_model import ContainerPort, Namespace, Pod
from wizard.analysis.netpol_policies import parse_policy

E2E_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "k8s" / "netpol-e2e"
FILES = sorted(E2E_DIR.glob("*.yaml")) if E2E_DIR.is_dir() else []
NAMESPACES, PODS = ("x", "y", "z"), ("a", "b", "c")
PORTS = tuple(ContainerPort(f"serve-{port}-{proto.lower()}", port, proto)
              for port in (80, 81) for proto in ("TCP", "UDP", "SCTP"))
PLACEHOLDER = re.compile(r"\{\{ip:([a-z]+)/([a-z]+)\}\}")

needs_files = pytest.mark.skipif(not FILES, reason=f"no e2e scenario files in {E2E_DIR} (the shared reference is "
                                                   "not checked out next to this repository)")


def pod_ip(namespace: str, name: str) -> str:
    """Distinct private IPs, all inside one /4 as the except-clause scenario assumes."""
    return f"10.{NAMESPACES.index(namespace) + 1}.{PODS.index(name) + 1}.10"


def load(path: Path) -> dict[str, Any]:
    text = path.read_text()
    if "{{ip:" in text:
        text = PLACEHOLDER.sub(lambda m: pod_ip(m.group(1), m.group(2)), text)
    return yaml.safe_load(text)


def build(case: dict[str, Any]) -> Connectivity:
    pod_labels = case.get("extra_pod_labels") or {}
    ns_labels = case.get("extra_namespace_labels") or {}
    with_ips = bool(case.get("needs_pod_ips"))
    pods = [Pod(ns, name, {"pod": name, **pod_labels.get(f"{ns}/{name}", {})}, PORTS,
                pod_ip(ns, name) if with_ips else None)
            for ns in NAMESPACES for name in PODS]
    namespaces = [Namespace(ns, dict(ns_labels.get(ns, {}))) for ns in NAMESPACES]
    policies = [parse_policy(p, "default") for p in case.get("policies") or []]
    return analyze(pods, policies, namespaces)


def table(text: str) -> dict[tuple[str, str], str]:
    """`reachability: |4` rows: header of destinations, then a source per row with '.', 'X' or '-' per column."""
    lines = [line.split() for line in text.splitlines() if line.strip()]
    header = lines[0]
    return {(row[0], dst): cell for row in lines[1:] for dst, cell in zip(header, row[1:], strict=True)}


def mismatches(path: Path) -> list[str]:
    case = load(path)
    result = build(case)
    port, protocol = int(case["probe"]["port"]), str(case["probe"]["protocol"])
    wrong = []
    for (src, dst), cell in table(case["reachability"]).items():
        if src == dst:
            continue
        expected = cell == "."
        if result.allowed(src, dst, port, protocol) != expected:
            wrong.append(f"{src} -> {dst} on {protocol} {port}: expected {'allowed' if expected else 'blocked'}")
    return wrong


@needs_files
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_reachability_matches_the_e2e_table(path: Path) -> None:
    wrong = mismatches(path)
    assert not wrong, f"{path.name}: {len(wrong)} cells differ:\n" + "\n".join(wrong)


@needs_files
def test_every_file_in_the_folder_is_a_case(request: pytest.FixtureRequest) -> None:
    found = sorted(E2E_DIR.glob("*.yaml"))
    assert found == FILES
    cases = [i for i in request.session.items if i.originalname == "test_scenario_reachability_matches_the_e2e_table"]
    if cases:  # when the whole module runs; a single selected test cannot see its siblings
        assert len(cases) == len(found)
    assert all(len(table(load(p)["reachability"])) == 81 for p in found)


@needs_files
def test_the_harness_notices_a_wrong_expectation(tmp_path: Path) -> None:
    """A deny-all file with its table flipped to all-allowed must report cells: the comparison can fail."""
    source = next(p for p in FILES if "deny" in p.stem)
    flipped = source.read_text().replace(" X ", " . ")
    path = tmp_path / source.name
    path.write_text(flipped)
    assert mismatches(path)
