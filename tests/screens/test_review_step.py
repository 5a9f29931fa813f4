"""The review step (issue 16): findings sorted, grouped and whole; quick fixes that land on their field; the rules'
notes before anything is written; the values files in a full-width viewer; a confirmation before writing or
installing; and a resume that is focused and goes back to the step that was left."""

from __future__ import annotations

import re
from pathlib import Path

from test_app import settle  # noqa: E402,I001 - the Pilot helpers every TUI test shares
from textual.widgets import Button, Input, Switch

from screens.app import WizardApp, make_app
from screens.modals import ConfirmWrite, ResumeModal
from screens.review import ReviewList
from screens.viewer import ValuesViewer
from screens.widgets import field_id
from wizard.frontend import resume
from wizard.frontend.draft import Draft, edit
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, apply_sets, build_plan
from wizard.planning.plan import Plan
from wizard.reporting.report_format import HEADINGS

SEVERITIES = ("DANGER", "WARNING", "INFO")


def plan_with(*sets: str) -> Plan:
    preset = Layer("preset minimal", presets.load("minimal").plan, kind="preset")
    return build_plan([preset, apply_sets(preset.data, list(sets))])


async def to_review(app: WizardApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    for _ in range(len(STEPS)):  # bounded: a broken Next must fail the test, not hang it
        if STEPS[app.index].id == "review":
            return
        await pilot.press("ctrl+n")
        await settle(app, pilot)
    raise AssertionError(f"stuck at {STEPS[app.index].id}")


def shown_text(review_list: ReviewList) -> str:
    """Every line the list draws (it is as tall as its items), joined, spaces normalised (a long word may wrap
    anywhere: compare with `squeezed`)."""
    lines = [review_list.render_line(y).text for y in range(review_list.scrollable_content_region.height)]
    assert review_list.max_scroll_y == 0  # no scroll of its own: the lines drawn above are all there is
    return " ".join(" ".join(lines).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def highlight(review_list: ReviewList, words: str) -> None:
    review_list.highlighted = next(i for i, option in enumerate(review_list.options)
                                   if (item := review_list.item_of(option)) is not None and words in item.text)


async def test_findings_are_sorted_grouped_under_what_they_mean_and_drawn_whole() -> None:
    app = make_app(plan_with())
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        findings = app.query_one("#findings", ReviewList)
        headings = [str(o.prompt) for o in findings.options if o.disabled]
        assert [h.split(":")[0] for h in headings] == ["DANGER", "WARNING", "INFO"]
        assert headings[0].startswith(HEADINGS["danger"]) and headings[2].startswith(HEADINGS["info"])
        order = [SEVERITIES.index(item.severity.upper()) for item in findings.items.values()]
        assert order == sorted(order) and len(set(order)) == 3
        drawn = shown_text(findings)
        for item in findings.items.values():  # each one whole: wrapped over as many lines as it needs
            assert squeezed(item.text) in squeezed(drawn)
        assert "runs as root: kaniko (runAsUser: 0 (container securityContext))" in drawn  # cut here before
        assert "f: turn the image builder off" in drawn and "Enter: go to Features, Image builder (Kaniko)" in drawn


async def test_a_quick_fix_sets_the_field_and_lands_on_it() -> None:
    app = make_app(plan_with())
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        findings = app.query_one("#findings", ReviewList)
        findings.focus()
        highlight(findings, "backend-task-build runs as root")
        await pilot.press("f")
        await settle(app, pilot)
        assert STEPS[app.index].id == "features" and app.draft.plan.features.builder is False
        switch = app.focused
        assert isinstance(switch, Switch) and switch.value is False
        assert switch.parent is app.query_one(f"#{field_id('features.builder')}")
        assert not any("kaniko" in f.message for f in app.findings)  # the panel and findings were recomputed
        await to_review(app, pilot)
        assert "kaniko" not in shown_text(app.query_one("#findings", ReviewList))


async def test_a_note_s_quick_fix_lands_on_its_own_field() -> None:
    app = make_app(plan_with("orchestrator.ca_secret=orchestrator-ca"))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        notes = app.query_one("#notes", ReviewList)
        assert app.focused is notes  # the review opens on its first list, never on a button that writes
        highlight(notes, "orchestrator.ca_secret: has no effect without orchestrator.tls")
        assert "f: clear Orchestrator CA secret" in shown_text(notes)
        await pilot.press("f")
        await settle(app, pilot)
        assert STEPS[app.index].id == "organisation" and app.draft.plan.orchestrator.ca_secret is None
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == ""
        assert focused.parent is app.query_one(f"#{field_id('orchestrator.ca_secret')}")
        await to_review(app, pilot)
        assert "orchestrator.ca_secret" not in shown_text(app.query_one("#notes", ReviewList))


async def test_enter_on_a_finding_goes_to_the_step_that_decides_it_and_writes_nothing() -> None:
    app = make_app(plan_with())
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        findings = app.query_one("#findings", ReviewList)
        findings.focus()
        highlight(findings, "backend-docker-registry accepts connections from the internet")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running and STEPS[app.index].id == "features"
        assert app.focused is not None and app.focused.parent is app.query_one(  # type: ignore[union-attr]
            f"#{field_id('features.registry')}")


async def test_the_rules_notes_are_shown_before_the_files_each_whole() -> None:
    app = make_app(plan_with("features.registry=remote", "features.registry_host=registry.example.com",
                             "features.prepopulate=[]", "features.private_ca=true",
                             "features.add_cert_image_tag=1.0.1"))
    async with app.run_test(size=(120, 40)) as pilot:
        await to_review(app, pilot)
        page = list(app.query_one("#review").children)
        notes = app.query_one("#notes", ReviewList)
        assert page.index(notes) < page.index(app.query_one("#files-summary"))
        drawn = shown_text(notes)
        assert "WARNING features.registry: the chart's NetworkPolicies" in drawn
        assert "a registry on a private address is blocked until you adapt the networkpolicy templates" in drawn
        assert 'INFO features.private_ca_secret: the Secret "substra-private-ca" must exist in namespace org-1' in drawn
        assert "a registry on a private address" not in shown_text(app.query_one("#findings", ReviewList))  # once


async def test_the_values_files_open_over_the_whole_width() -> None:
    app = make_app(plan_with(), out_dir=Path("/srv/org-1"))
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        viewer = app.screen
        assert isinstance(viewer, ValuesViewer)
        files = viewer.query_one("#viewer-files")
        assert files.outer_size.width == 80 and files.has_focus
        assert [name for name, _ in viewer.files] == ["orchestrator-values.yaml", "substra-backend-values.yaml"]
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "into /srv/org-1/" in shown and "orchestrator-values.yaml" in shown and "mychannel" in shown
        assert any("organizationName: org-1" in text for _, text in viewer.files)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ValuesViewer) and STEPS[app.index].id == "review"
        app.query_one("#view-files", Button).press()  # the button does the same
        await settle(app, pilot)
        assert isinstance(app.screen, ValuesViewer)


async def test_writing_is_asked_first_and_cancelling_writes_nothing(tmp_path: Path) -> None:
    app = make_app(plan_with(), out_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmWrite)
        assert app.focused is modal.query_one("#confirm-yes")  # Enter writes...
        assert f"into {tmp_path}/" in modal.question and "install from" not in modal.question
        await pilot.press("ctrl+n")  # ...the step keys do not reach past the question...
        await pilot.press("escape")  # ...and Esc goes back
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, ConfirmWrite) and app.return_value is None
        assert list(tmp_path.iterdir()) == []
        app.query_one("#next", Button).press()
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.return_value == plan_with() and not app.install_requested


async def test_installing_is_asked_first_and_says_that_install_follows() -> None:
    app = make_app(plan_with())
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review(app, pilot)
        app.query_one("#install", Button).press()
        await settle(app, pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmWrite) and "into the --out folder" in modal.question
        assert "install from the terminal" in modal.question
        modal.query_one("#confirm-no", Button).press()
        await settle(app, pilot)
        assert app.is_running and not app.install_requested
        app.query_one("#install", Button).press()
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.return_value == plan_with() and app.install_requested


async def test_a_resumed_run_is_focused_on_resume_and_goes_back_to_the_step_left() -> None:
    app = make_app(plan_with())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            await pilot.press("ctrl+n")
            await settle(app, pilot)
        app.query_one(f"#{field_id('storage.worker.size')} Input", Input).value = "33Gi"
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # on to Network and ingress, then the run is closed
        await settle(app, pilot)
    saved = resume.load()
    assert saved is not None and saved.step == "network"
    again = make_app(plan_with(), saved)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(again, pilot)
        assert isinstance(again.screen, ResumeModal) and again.focused is again.screen.query_one("#resume-yes")
        await pilot.press("enter")
        await settle(again, pilot)
        assert STEPS[again.index].id == "network" and again.draft.plan.storage.worker.size == "33Gi"
        assert again.focused is not None and re.match(r"f-ingress-", again.focused.parent.id or "")  # type: ignore[union-attr]


async def test_a_draft_saved_without_a_step_still_resumes_on_the_first_step() -> None:
    path = resume.draft_path()
    resume.save(edit(Draft.start(plan_with()), "storage.worker.size", "44Gi").data)
    assert "step:" not in path.read_text()  # as a wizard before the step was kept wrote it
    saved = resume.load()
    assert saved is not None and saved.step is None
    app = make_app(plan_with(), saved)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.index == 0 and app.draft.plan.storage.worker.size == "44Gi"
