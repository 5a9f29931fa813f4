"""Ctrl+P and a few letters of a field's name go straight to that field, however deep in a long step it is."""

from __future__ import annotations

from textual.command import CommandPalette

from screens.app import make_app
from screens.widgets import FieldRow
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan


def _app():  # type: ignore[no-untyped-def]
    return make_app(build_plan([Layer("minimal", presets.load("minimal").plan)]))


async def _palette_to(pilot, typed: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("ctrl+p")
    for _ in range(100):  # bounded: a palette that never opens must fail, not hang
        if isinstance(app.screen, CommandPalette):
            break
        await pilot.pause(0.01)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*typed)
    await pilot.pause(0.5)  # the palette searches in the background
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    for _ in range(100):
        await pilot.pause(0.01)
        if not isinstance(app.screen, CommandPalette):
            break
    await app.workers.wait_for_complete()
    await pilot.pause()


def _focused_row(app) -> FieldRow | None:  # type: ignore[no-untyped-def]
    node = app.focused
    while node is not None and not isinstance(node, FieldRow):
        node = node.parent
    return node


async def test_the_worker_s_storage_class_is_one_search_away_from_the_first_step() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert STEPS[app.index].id == "target"
        await _palette_to(pilot, "worker storage class")
        assert STEPS[app.index].id == "storage"
        row = _focused_row(app)
        assert row is not None and row.decl.path == "storage.worker.storage_class"
        assert row.region.height and app.query_one("#step").region.contains_region(row.region)  # in view


async def test_a_field_that_does_not_matter_is_not_offered() -> None:
    app = _app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        from screens.field_search import FieldSearch

        provider = FieldSearch(app.screen)
        offered = [path for _, path, _ in provider._targets()]
        assert "storage.worker.storage_class" in offered
        assert "features.registry_host" not in offered  # the minimal preset bundles the registry
        assert "storage.localstack.size" not in offered  # nor runs LocalStack
