"""Steps' pages are kept once built, and built ahead while the operator reads: going to a step shows its page
instead of building some 250 widgets, and a kept page always shows the answers as they are now."""

from __future__ import annotations

import asyncio
import gc

from textual.widgets import Button, Switch

from screens import page_building
from screens.app import make_app
from screens.step_pages import StepPage, StepPages, signature
from screens.widgets import FieldRow, field_id
from wizard.frontend.draft import edit
from wizard.frontend.lists import add_item
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


def _app():  # type: ignore[no-untyped-def]
    return make_app(build_plan([Layer("minimal", presets.load("minimal").plan)]))


def _index(step_id: str) -> int:
    return next(i for i, s in enumerate(STEPS) if s.id == step_id)


async def test_a_step_seen_before_shows_its_kept_page() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(_index("storage")):
            await pilot.press("ctrl+n")
        await pilot.pause()
        storage = app.current_page()
        assert storage.step_id == "storage"
        await pilot.press("escape")
        await pilot.pause()
        assert not storage.display  # hidden, kept
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_page() is storage and storage.display  # shown again, not built again
        assert app.focused is not None and storage in app.focused.ancestors  # on the step's first field


async def test_a_kept_page_shows_answers_changed_elsewhere() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")  # the features step
        await pilot.pause()
        features = app.current_page()
        builder = app.query_one(f"#{field_id('features.builder')}", FieldRow)
        assert builder.query_one(Switch).value is True
        await pilot.press("ctrl+n")
        await pilot.pause()
        app.draft = edit(app.draft, "features.builder", "false")  # as a quick fix or a resume changes the answers
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_page() is features  # kept
        assert builder.query_one(Switch).value is False  # and up to date
        await pilot.pause()
        assert app.draft.text("features.builder") == "false"  # showing it changed no answer


async def test_a_page_whose_fields_changed_is_built_again_and_only_one_next_button_exists() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        organisation = app.current_page()
        assert not app.query(f"#{field_id('channels[1].name')}")
        await pilot.press("escape")
        await pilot.pause()
        app.draft = add_item(app.draft, "channels")  # the organisation step now asks for a second channel
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_page() is not organisation and not organisation.is_attached  # built again, old one gone
        assert app.query_one(f"#{field_id('channels[1].name')}", FieldRow) in app.current_page().query(FieldRow)
        assert len(list(app.query("#next").results(Button))) == 1  # the buttons live under the pages, not in them
        assert len(app.query(StepPage)) == len({page.step_id for page in app.query(StepPage).results(StepPage)})


async def test_the_next_page_is_built_while_the_operator_reads() -> None:
    gc.unfreeze()  # what an earlier test froze must not answer for this one
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(page_building.AHEAD_PAUSE + 0.1)
        await app.workers.wait_for_complete()
        ahead = app.query_one(StepPages).page(STEPS[1])
        assert ahead is not None and not ahead.display and not ahead.pending and ahead.in_flight is None
        assert [row.decl.path for row in ahead.query(FieldRow)] == list(signature(STEPS[1], app.draft))
        assert gc.get_freeze_count() > 0  # what is built is out of the collector's full passes
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_page() is ahead and ahead.display


async def test_a_key_during_a_build_ahead_finishes_the_page_whole(monkeypatch) -> None:
    monkeypatch.setattr(page_building, "BATCH", 1)  # many small steps: the key lands in the middle
    monkeypatch.setattr(page_building, "AHEAD_PAUSE", 60)  # none but the one started here
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")  # features: storage, its biggest neighbour, is next
        await pilot.pause()
        storage = next(step for step in STEPS if step.id == "storage")
        app._build_ahead()
        for _ in range(40):
            await asyncio.sleep(0)
        started = app.query_one(StepPages).page(storage)
        assert started is not None and started.pending  # half built
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_page() is started and not started.pending
        assert [row.decl.path for row in started.query(FieldRow)] == list(signature(storage, app.draft))
        assert app.focused is not None and started in app.focused.ancestors  # on its first field
        assert len(app.query(StepPage)) == len({page.step_id for page in app.query(StepPage).results(StepPage)})


async def test_a_page_built_ahead_follows_an_answer_given_after_it() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "ctrl+n")  # features
        await pilot.pause(page_building.AHEAD_PAUSE + 0.1)
        await app.workers.wait_for_complete()
        storage = app.query_one(StepPages).page(STEPS[_index("storage")])
        assert storage is not None and not storage.pending
        app.query_one(f"#{field_id('features.object_store')}", FieldRow).query_one("Select").value = "localstack"
        for _ in range(20):  # the answer taken, the panel computed (its findings restart the wait), then the pause
            await pilot.pause(page_building.AHEAD_PAUSE + 0.1)
            await app.workers.wait_for_complete()
            if app.draft.text("features.object_store") == "localstack" and storage.shown_for is app.draft:
                break
        assert storage.shown_for is app.draft  # brought up to date while the operator read on
        await pilot.press("ctrl+n")
        await pilot.pause()
        localstack = app.query_one(f"#{field_id('storage.localstack.size')}", FieldRow)
        minio = app.query_one(f"#{field_id('storage.minio.size')}", FieldRow)
        assert app.current_page() is storage and localstack.display and not minio.display


async def test_a_review_built_ahead_is_built_again_when_the_findings_change() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(_index("accounts")):
            await pilot.press("ctrl+n")
        await pilot.pause(page_building.AHEAD_PAUSE + 0.1)
        await app.workers.wait_for_complete()
        review = app.query_one(StepPages).page(STEPS[_index("review")])
        assert review is not None and review.basis == app.page_basis(STEPS[_index("review")])
        app.findings = app.findings[1:]  # as a panel computed for new answers brings
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.current_page() is not review and not review.is_attached


async def test_a_field_hidden_by_the_answer_that_leads_to_it_leaves_the_operator_just_above_it() -> None:
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.index = _index("storage")
        await app.show_step(focus="storage.localstack.size")  # LocalStack is not used: its fields are hidden
        await pilot.pause()
        rows = [row for row in app.current_page().query(FieldRow).results(FieldRow)]
        hidden = next(i for i, row in enumerate(rows) if row.decl.path == "storage.localstack.size")
        above = next(row for row in reversed(rows[:hidden]) if row.display)
        assert not rows[hidden].display and above.decl.path != rows[0].decl.path
        assert app.focused is not None and above in app.focused.ancestors




async def test_closing_while_a_page_is_built_ahead_ends_cleanly(monkeypatch) -> None:
    monkeypatch.setattr(page_building, "BATCH", 1)
    for pause in (0.001, 0.01, 0.05, 0.1, 0.2):  # the build ahead starts as the wizard closes (nothing mounts then)
        monkeypatch.setattr(page_building, "AHEAD_PAUSE", pause)
        app = _app()
        async with app.run_test(size=(100, 30)):
            pass
        # leaving run_test closes the app; a worker's error would be raised there
        assert app.return_value is None


async def test_removed_pages_are_collected_by_a_full_pass_while_the_operator_reads(monkeypatch) -> None:
    passes: list[int] = []
    real = gc.collect
    monkeypatch.setattr(page_building.gc, "collect", lambda generation=2: passes.append(generation) or real(generation))
    app = _app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(page_building.AHEAD_PAUSE + 0.1)
        await app.workers.wait_for_complete()
        assert passes and 2 not in passes  # nothing removed yet: the young garbage only, then frozen
        app._retired = page_building.FULL_PASS_AFTER - 1
        app.draft = add_item(app.draft, "channels")  # the organisation page built ahead no longer fits: removed
        app.build_ahead_later()
        for _ in range(20):
            await pilot.pause(page_building.AHEAD_PAUSE + 0.1)
            await app.workers.wait_for_complete()
            if 2 in passes:
                break
        assert passes[-1] == 2 and app._retired == 0
