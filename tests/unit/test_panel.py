"""The implications panel's content, and what the last change marks."""

from __future__ import annotations

from wizard.analysis import pss
from wizard.frontend.draft import Draft, edit
from wizard.frontend.panel import changes, panel, stale_note
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs


def panel_of(plan: Plan):  # type: ignore[no-untyped-def]
    return panel(explain(plan_inputs(plan), version=pss.LATEST, plan=plan))


def minimal() -> Plan:
    return build_plan([Layer("minimal", presets.load("minimal").plan)])


def test_turning_on_the_private_ca_marks_the_six_add_cert_pods() -> None:
    draft = edit(Draft.start(minimal()), "features.private_ca", "true")
    draft = edit(draft, "features.add_cert_image_tag", "1.0.1")
    assert draft.valid
    before, after = panel_of(minimal()), panel_of(draft.plan)
    marked = {key for section, key in changes(before, after).changed if section == "security"}
    assert marked == {"backend-server", "backend-worker", "backend-builder", "backend-api-events",
                      "backend-worker-events", "backend-scheduler-worker"}
    rows = {row.key: row for row in after.security}
    assert rows["backend-server"].cells[1:] == ("baseline", "1") and rows["backend-server"].alert  # 1 root container
    server = after.detail("backend-server")
    assert server is not None and "Root: add-cert, because runAsUser: 0 (container securityContext)." in server.security


def test_turning_off_the_builder_removes_its_pods_and_claims() -> None:
    before = panel_of(minimal())
    after = panel_of(edit(Draft.start(minimal()), "features.builder", "false").plan)
    found = changes(before, after)
    assert {("security", "backend-builder"), ("security", "backend-task-build")} <= found.removed
    assert ("volumes", "docker-cache-backend-substra-backend-builder-0") in found.removed
    assert not found.added


def test_the_namespace_level_is_the_weakest_pod_of_the_namespace() -> None:
    levels = dict(panel_of(minimal()).namespace_levels)
    assert levels == {"orchestrator": "restricted", "org-1": "baseline"}  # Kaniko build pods run as root


def test_the_first_panel_marks_nothing() -> None:
    first = changes(None, panel_of(minimal()))
    assert not (first.added or first.changed or first.removed)
    assert first.marks("security", "backend-server") == ""


def test_a_panel_behind_the_answers_says_which_fields_to_fix() -> None:
    draft = Draft.start(minimal())
    assert stale_note(draft) is None
    draft = edit(edit(draft, "features.private_ca", "true"), "storage.worker.size", "10GB")
    assert stale_note(draft) == ("Shown for your last valid answers. To update it, fix: Worker volume - Size, "
                                 "add-cert image tag.")  # in the order the checks report them
    assert stale_note(edit(edit(draft, "storage.worker.size", "10Gi"), "features.add_cert_image_tag", "1.0.1")) is None
