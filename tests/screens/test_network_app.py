"""Issue 17's network mode in the full-screen wizard: the organisations and the paths between them at a glance;
`a` adds an organisation through a form whose every answer is checked as the network file checks it; Enter opens an
organisation's steps and `w` writes the network (the app returns the choice to the command). Snapshots at 80x24 and
120x40 were looked at."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from screens.network_app import AddOrganisation, NetworkApp
from wizard.frontend.network_overview import overview
from wizard.network import model
from wizard.network.starter import STARTER

SIZES = ((80, 24), (120, 40))


def app_for(tmp_path: Path) -> NetworkApp:
    path = tmp_path / "network.yaml"
    path.write_text(STARTER, encoding="utf-8")
    network = model.load(path)
    return NetworkApp(overview(network, Path("network.yaml"), None), network)


async def test_the_overview_lists_the_organisations_and_every_path(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        organisations = app.query_one("#organisations", DataTable)
        assert [organisations.get_row_at(i)[0] for i in range(organisations.row_count)] == [
            "ingen", "biotechnica", "arasaka"]
        assert organisations.get_row_at(2)[2] == "cluster-2"
        paths = app.query_one("#paths", DataTable)
        assert paths.row_count == 6 + 15
        assert {paths.get_row_at(i)[0] for i in range(paths.row_count)} == {"ok"}
        assert "made on write" in {paths.get_row_at(i)[3] for i in range(paths.row_count)}
        assert app.focused is organisations


async def test_enter_opens_the_organisation_and_w_writes(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "down", "enter")
    assert app.return_value == ("edit", "arasaka", {}, [])
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("w")
    assert app.return_value == ("write", "", {}, [])


async def test_add_checks_every_answer_then_returns_the_organisation(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddOrganisation)
        app.screen.query_one("#answer-name", Input).value = "ingen"
        await pilot.click("#add-yes")
        await pilot.pause()
        problem = app.screen.query_one("#add-problem", Static)
        assert "Organisation name: another organisation already has ingen as its name" in str(problem.render())
        assert isinstance(app.screen, AddOrganisation)
        for key, value in (("name", "militech"), ("msp_id", "MilitechMSP"), ("context", "cluster-2"),
                           ("host", "api.militech.example.com")):
            app.screen.query_one(f"#answer-{key}", Input).value = value
        app.screen.query_one("#channel-pilot").value = False
        await pilot.click("#add-yes")
        await pilot.pause()
    assert app.return_value == ("add", "militech", {"name": "militech", "msp_id": "MilitechMSP",
                                                    "context": "cluster-2", "host": "api.militech.example.com"},
                                ["research"])


async def test_letters_typed_in_the_form_are_answers_not_the_app_s_keys(tmp_path: Path) -> None:
    """q quits and w writes on the overview: typed into the form (an organisation named "qw"), they must not."""
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("q", "w", "a")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, AddOrganisation)
        assert app.screen.query_one("#answer-name", Input).value == "qwa"


async def test_escape_leaves_the_form_without_adding(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AddOrganisation)
        await pilot.press("q")
    assert app.return_value is None


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("then", ["overview", "add"])
def test_the_network_mode_looks_as_accepted(snap_compare, tmp_path: Path, then: str, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        if then == "add":
            await pilot.press("a")
        await pilot.pause()

    assert snap_compare(app_for(tmp_path), terminal_size=size, run_before=run_before)

