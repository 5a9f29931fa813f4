"""Every shipped preset leaves no credential open and no storage pod reachable from outside: no DANGER finding about
credentials or storage exposure, and the production panel shows the storage pods closed to the internet and to other
namespaces while the backend still reaches its database. The DANGERs that remain are the known, documented ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wizard.frontend.panel import panel
from wizard.frontend.panel_network import BOTH, IN, OUT
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.reporting.findings import STORAGE
from wizard.reporting.report import Finding, Report

PRESETS = sorted(path.stem for path in (Path(__file__).resolve().parents[2] / "presets").glob("*.yaml"))
CREDENTIAL_KEYS = ("database.auth.", "postgresql.auth.", "redis.auth.", "minio.auth.", "localstack.environment",
                   "addAccountOperator.")
STORAGE_POLICY_KEYS = ("postgresql.primary.networkPolicy.", "redis.networkPolicy.", "minio.networkPolicy.")
CREDENTIAL_WORDS = ("password", "credential", "admin user", "secret", "log in")
KNOWN_DANGERS = {"builder.enabled", "privateCa.enabled"}
"""What the presets still show as DANGER, explained in the README: Kaniko build pods run as root (the builder), and
so does the add-cert init container that installs a private CA (privateCa.enabled)."""


def plan_of(name: str, *sets: tuple[str, object]) -> Plan:
    data = presets.load(name).plan
    for path, value in sets:
        section, field = path.split(".")
        data = {**data, section: {**data.get(section, {}), field: value}}
    return build_plan([Layer(f"preset {name}", data, kind="preset")])


def report_of(plan: Plan) -> Report:
    return explain(plan_inputs(plan), version=plan_version(plan), plan=plan)


def about_credentials_or_storage(finding: Finding) -> bool:
    key, text = finding.values_key or "", finding.message.lower()
    return (key.startswith(CREDENTIAL_KEYS + STORAGE_POLICY_KEYS) or any(word in text for word in CREDENTIAL_WORDS)
            or any(text.startswith(component) and "internet" in text for component in STORAGE))


def test_the_presets_folder_is_what_the_wizard_ships() -> None:
    assert PRESETS and PRESETS == presets.names()
    assert {"minimal", "production", "airgapped", "localstack-dev"} <= set(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_a_preset_has_no_danger_about_credentials_or_storage_exposure(name: str) -> None:
    dangers = [f for f in report_of(plan_of(name)).findings if f.severity == "danger"]
    assert [f.message for f in dangers if about_credentials_or_storage(f)] == []
    assert {f.values_key for f in dangers} <= KNOWN_DANGERS, [f.message for f in dangers]


def test_the_classifier_sees_the_dangers_a_preset_would_have_with_storage_open_and_chart_credentials() -> None:
    """The test above could fail: storage left open, or a chart's default credentials, are caught by it."""
    opened = report_of(plan_of("production", ("features.close_storage", False)))
    caught = {f.values_key for f in opened.findings if f.severity == "danger" and about_credentials_or_storage(f)}
    assert caught == {"postgresql.primary.networkPolicy.allowExternal", "redis.networkPolicy.allowExternal",
                      "minio.networkPolicy.allowExternal"}
    from wizard.reporting.findings import values_findings

    defaults = [f for f in values_findings("substra-backend", {}) if f.severity == "danger"]
    assert defaults and all(about_credentials_or_storage(f) for f in defaults)


def reached(plan: Plan) -> Callable[[str, str], str]:
    """The panel's reachability matrix: `reach(pod, peer)` is its cell (IN: the peer may connect to the pod)."""
    return panel(report_of(plan)).reach


def test_the_production_panel_shows_no_storage_pod_reachable_from_outside() -> None:
    found = panel(report_of(plan_of("production")))
    reach = found.reach
    pods = {row.key for row in found.network}
    storage = [component for component in STORAGE if component in pods and component != "backend-docker-registry"]
    assert {"backend-database", "backend-redis", "backend-object-storage"} <= set(storage)
    for component in storage:
        for outside in ("internet", "other-namespaces"):
            assert reach(component, outside) not in (IN, BOTH), (component, outside)
    assert reach("backend-server", "backend-database") in (OUT, BOTH)
    assert reach("backend-database", "backend-server") in (IN, BOTH)


def test_with_the_storage_left_open_the_panel_says_what_opens_and_the_finding_names_the_decision() -> None:
    plan = plan_of("production", ("features.close_storage", False))
    reach = reached(plan)
    for component in ("backend-database", "backend-redis", "backend-object-storage"):
        assert reach(component, "internet") in (IN, BOTH) and reach(component, "other-namespaces") in (IN, BOTH), \
            component
    opened = [f for f in report_of(plan).findings if f.severity == "danger" and f.area == "network"]
    assert len(opened) == 3 and all("features.close_storage" in f.message for f in opened)
