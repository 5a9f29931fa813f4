"""What the review says (wizard.frontend.review) and the quick fixes it offers (wizard.frontend.fixes): every fix in
the tables is offered where its finding or note appears, and making it removes that finding or note."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from wizard.frontend import fixes, review
from wizard.frontend.draft import Draft, edit
from wizard.planning import presets
from wizard.planning.layers import Layer, apply_sets, build_plan
from wizard.planning.plan import Plan
from wizard.planning.rules import notes
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.reporting.report import Finding
from wizard.reporting.report_format import HEADINGS


def plan_with(*sets: str) -> Plan:
    preset = Layer("preset minimal", presets.load("minimal").plan, kind="preset")
    return build_plan([preset, apply_sets(preset.data, list(sets))])


def findings_of(plan: Plan) -> list[Finding]:
    return explain(plan_inputs(plan), version=plan_version(plan), plan=plan).findings


def items(plan: Plan) -> list[review.ReviewItem]:
    """The findings' items of the review, in the order shown."""
    draft = Draft.start(plan)
    return [item for group in review.finding_groups(findings_of(plan), notes(plan), draft) for item in group.items]


FINDING_CASES = [  # (answers that cause the finding, words of it, the field and value its fix sets)
    ((), "backend-task-build runs as root: kaniko", "features.builder", False),
    (("features.private_ca=true", "features.add_cert_image_tag=1.0.1"), "backend-server runs as root: add-cert",
     "features.private_ca", False),
    (("features.close_storage=false",), "backend-database accepts connections from the internet",
     "features.close_storage", True),
    (("features.close_storage=false",), "backend-redis may open connections to any address;",
     "features.close_storage", True),
    (("features.object_store=localstack",), "backend-object-storage may run as root", "features.object_store",
     "minio"),
]


@pytest.mark.parametrize(("sets", "words", "field", "value"), FINDING_CASES)
def test_a_finding_s_quick_fix_removes_it(sets: tuple[str, ...], words: str, field: str, value: object) -> None:
    plan = plan_with(*sets)
    item = next(i for i in items(plan) if words in i.text)
    assert item.fix is not None and item.fix.field == field
    fixed = edit(Draft.start(plan), item.fix.field, item.fix.value)
    assert fixed.valid
    node: object = fixed.plan
    for part in field.split("."):
        node = getattr(node, part)
    assert node == value
    assert not [i for i in items(fixed.plan) if words in i.text]


NOTE_CASES = [  # (answers that cause the note, its field, what the field holds after the fix)
    (("features.builder=false", "features.kaniko_cached_images=a/b:1"), "features.kaniko_cached_images", ()),
    (("features.builder=false", "scale.builder_replicas=3"), "scale.builder_replicas", 1),
    (("features.add_cert_image_tag=1.0.1",), "features.private_ca", True),
    (("orchestrator.ca_secret=orchestrator-ca",), "orchestrator.ca_secret", None),
    (("orchestrator.same_cluster=false",), "orchestrator.same_cluster", None),
    (("ingress.cluster_issuer=letsencrypt",), "ingress.cluster_issuer", None),
    (("storage.redis.storage_class=fast",), "storage.redis.storage_class", None),
]


@pytest.mark.parametrize(("sets", "path", "after"), NOTE_CASES)
def test_a_note_s_quick_fix_sets_its_field_and_removes_it(sets: tuple[str, ...], path: str, after: object) -> None:
    plan = plan_with(*sets)
    draft = Draft.start(plan)
    item = next(i for i in review.note_items(notes(plan), draft) if i.text.startswith(f"{path}:"))
    assert item.fix is not None and item.fix.field == path and item.field == path
    fixed = edit(draft, path, item.fix.value)
    node: object = fixed.plan
    for part in path.split("."):
        node = getattr(node, part)
    assert fixed.valid and node == after
    assert not [n for n in notes(fixed.plan) if n.path == path and n.severity == "warning"]


def test_every_fix_of_the_tables_is_tried_above() -> None:
    fields = {case[2] for case in FINDING_CASES}
    assert {fix.field for _, _, fix in fixes.FINDING_FIXES} <= fields
    for pattern, _, _ in fixes.NOTE_FIXES:
        assert any(fnmatchcase(case[1], pattern) for case in NOTE_CASES), pattern


def test_a_fix_that_changes_nothing_is_not_offered() -> None:
    plan = plan_with()  # the minimal preset closes the storage pods: their DNS findings stay, with no fix
    dns = [i for i in items(plan) if "port 53 only" in i.text]
    assert dns and all(i.fix is None and i.step == "features" for i in dns)


def test_findings_are_grouped_most_severe_first_under_the_report_s_headings() -> None:
    plan = plan_with()
    groups = review.finding_groups(findings_of(plan), notes(plan), Draft.start(plan))
    assert [g.severity for g in groups] == ["danger", "warning", "info"]
    assert [g.heading for g in groups] == [HEADINGS["danger"], HEADINGS["warning"], HEADINGS["info"]]
    unordered = list(reversed(findings_of(plan)))  # whatever order the report gives, the review sorts
    again = review.finding_groups(unordered, notes(plan), Draft.start(plan))
    assert [g.severity for g in again] == ["danger", "warning", "info"]
    assert [set(g.items) for g in again] == [set(g.items) for g in groups]


def test_the_notes_the_report_repeats_as_findings_are_listed_once() -> None:
    plan = plan_with("features.registry=remote", "features.registry_host=registry.example.com",
                     "features.prepopulate=[]")
    said = [str(n) for n in notes(plan) if n.path == "features.registry"]
    assert said and any(f.message == said[0] for f in findings_of(plan))  # the report has it too...
    assert not [i for i in items(plan) if said[0] in i.text]  # ...the review lists it among the notes only
    assert [i.severity for i in review.note_items(notes(plan), Draft.start(plan))][0] == "warning"


def test_what_to_do_is_said_for_every_finding() -> None:
    for item in items(plan_with()):
        assert item.todo
        if item.step is None:
            assert item.todo == review.ADVICE[item.severity]
        else:
            assert item.todo.startswith("decided in ") and item.where


def test_the_question_before_writing_names_the_files_the_folder_and_the_install() -> None:
    plan = plan_with()
    asked = review.write_question(plan, Path("/srv/org-1"), install=False)
    names = "orchestrator-values.yaml, substra-backend-values.yaml, wizard-answers.yaml, install.sh and secrets/"
    assert names in asked and names in review.files_summary(plan, None)
    assert "into /srv/org-1/" in asked and "install from the terminal" not in asked
    assert "into the --out folder" in review.write_question(plan, None, install=True)
    assert "install from the terminal" in review.write_question(plan, None, install=True)
    assert [name for name, _ in review.values_files(plan)] == ["orchestrator-values.yaml",
                                                               "substra-backend-values.yaml"]
