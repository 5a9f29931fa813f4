"""The resume draft keeps the step that was shown (issue 16), beside the answers, without breaking older drafts."""

from __future__ import annotations

from wizard.frontend import resume
from wizard.frontend.draft import Draft, edit
from wizard.frontend.steps import STEPS
from wizard.planning import answers
from wizard.planning.plan import Plan
from wizard.yamlkit import yamlio


def test_the_step_is_saved_beside_the_plan_and_read_back() -> None:
    draft = edit(Draft.start(Plan()), "storage.worker.size", "70Gi")
    resume.save(draft.data, "storage")
    document = answers.read(resume.draft_path())
    assert document["step"] == "storage" and document["plan"] == draft.data  # not inside the plan
    saved = resume.load()
    assert saved is not None and saved.step == "storage" and saved.data == draft.data
    assert STEPS[saved.step_index].id == "storage"


def test_a_draft_without_a_step_resumes_on_the_first_one() -> None:
    resume.save(edit(Draft.start(Plan()), "storage.worker.size", "70Gi").data)
    saved = resume.load()
    assert saved is not None and saved.step is None and saved.step_index == 0


def test_a_step_this_wizard_does_not_have_starts_at_the_first_one_and_keeps_the_answers() -> None:
    path = resume.draft_path()
    for step in ("a-step-of-a-newer-wizard", 3):
        resume.save(edit(Draft.start(Plan()), "storage.worker.size", "70Gi").data)
        document = answers.read(path)
        path.write_text(yamlio.dumps({"schema": document["schema"], "step": step, "plan": document["plan"]}))
        saved = resume.load()
        assert saved is not None and saved.step_index == 0
        assert saved.data["storage"]["worker"]["size"] == "70Gi"


def test_other_unknown_keys_still_make_the_draft_unreadable() -> None:
    resume.save(Draft.start(Plan()).data, "storage")
    path = resume.draft_path()
    path.write_text(path.read_text() + "surprise: 1\n")
    assert resume.load() is None and not path.exists()
