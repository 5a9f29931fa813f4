"""The resume draft: saved as the operator goes, offered back, forgotten when done."""

from __future__ import annotations

from wizard.frontend import resume
from wizard.frontend.draft import Draft, edit
from wizard.planning.plan import Plan


def test_a_saved_draft_comes_back_even_when_not_valid_yet() -> None:
    draft = edit(Draft.start(Plan()), "target.frontend.enabled", "true")  # needs a backend host: not valid
    resume.save(draft.data)
    saved = resume.load()
    assert saved is not None and resume.age(saved) == "just now"
    again = Draft.resume(saved.data, Plan())
    assert again.data == draft.data and again.problem("ingress.backend_host")
    resume.clear()
    assert resume.load() is None


def test_a_valid_draft_resumes_as_its_plan() -> None:
    draft = edit(Draft.start(Plan()), "storage.worker.size", "70Gi")
    resume.save(draft.data)
    saved = resume.load()
    assert saved is not None
    assert Draft.resume(saved.data, Plan()).plan.storage.worker.size == "70Gi"


def test_an_unreadable_draft_is_discarded() -> None:
    path = resume.draft_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("schema: something-else\n")
    assert resume.load() is None and not path.exists()


def test_the_draft_lives_in_the_state_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert resume.draft_path() == tmp_path / "substra-wizard" / "draft-answers.yaml"
