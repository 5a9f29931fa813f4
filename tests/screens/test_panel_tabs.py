"""The implications panel driven as an operator would: keys that bring each tab forward while the focus stays in the
field being typed, and say so; a pod picked in the Network matrix with its lists and ports; a new way in when the
backend's ingress is turned on; root containers named whole at 80x24."""

from __future__ import annotations

import io
import re

from rich.console import Console
from test_app import minimal, settle  # noqa: E402,I001 - the Pilot helpers every TUI test shares
from textual.widgets import Footer, Input, Static, TabbedContent

from screens.app import WizardApp, make_app
from screens.panel_table import PanelTable
from screens.panel_view import ImplicationsPanel
from screens.widgets import field_id
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, apply_sets, build_plan

ROOTED = ["features.private_ca=true", "features.add_cert_image_tag=1.0.1", "features.object_store=localstack"]


def screen_text(app: WizardApp) -> str:
    """What the terminal shows, line by line."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(strip.text for strip in line) for line in update.strips)


def text_of(app: WizardApp, selector: str) -> str:
    """A text of the panel as printed at its width (a pod's lists are a Rich grid), its lines joined."""
    shown = app.query_one(selector, Static)
    console = Console(width=shown.size.width, file=io.StringIO(), record=True)
    console.print(shown.content)
    return " ".join(console.export_text().split())  # wrapped to the panel's width: read as one text


def footer_keys(app: WizardApp) -> dict[str, str]:
    """The keys the footer shows, by description (a key hidden for lack of room is left out)."""
    return {key.description: key.key for key in app.query_one(Footer).children  # type: ignore[attr-defined]
            if hasattr(key, "description") and key.display}


def active(app: WizardApp) -> str:
    return app.query_one("#panel-tabs", TabbedContent).active


async def test_the_tab_keys_bring_each_tab_forward_and_leave_the_focus_in_the_field() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        typing = app.focused
        assert isinstance(typing, Input)
        keys = footer_keys(app)
        assert (keys["Security"], keys["Network"], keys["Volumes"], keys["Next tab"]) == ("f5", "f6", "f7", "f4")
        for key, tab in (("f6", "tab-network"), ("f7", "tab-volumes"), ("f5", "tab-security")):
            await pilot.press(key)
            await pilot.pause()
            assert active(app) == tab and app.focused is typing
        for tab in ("tab-network", "tab-volumes", "tab-security"):
            await pilot.press("f4")
            await pilot.pause()
            assert active(app) == tab and app.focused is typing
        await pilot.press(*"2")  # the operator keeps typing where they were
        assert typing.value.endswith("2")


async def test_at_80_columns_the_footer_fits_and_the_tab_titles_name_their_keys() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = footer_keys(app)
        assert "Security" not in keys and keys["Next tab"] == "f4" and keys["Quit"] == "ctrl+q"
        shown = [key for key in app.query_one(Footer).children if key.display]
        assert sum(key.outer_size.width for key in shown) <= 80
        lines = screen_text(app).splitlines()
        assert "f5 Security  f6 Network  f7 Volumes" in lines[1]
        assert "f4 Next tab" in lines[-1]
        await pilot.press("f6")
        await pilot.pause()
        assert active(app) == "tab-network"


async def test_a_pod_picked_in_the_matrix_shows_who_reaches_it_and_whom_it_reaches_with_ports() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        table = app.query_one("#table-network", PanelTable)
        table.focus()
        await pilot.pause()
        panel = app.query_one(ImplicationsPanel)
        assert panel.selected("network") == "orchestrator-server"  # it opens on the first pod open to the internet
        assert "internet: TCP 80, 443, 9000 (NetworkPolicy orchestrator-server)" in text_of(app, "#network-detail")
        keys = [row.key for row in table.rows]
        for _ in range(keys.index("backend-server") - table.cursor_row):
            await pilot.press("down")
        await pilot.pause()
        assert panel.selected("network") == "backend-server"
        detail = text_of(app, "#network-detail")
        assert "who may connect to backend-server:" in detail
        assert "backend-builder, backend-worker: TCP 8000" in detail and "backend-database: TCP 5432" in detail
        await pilot.press("down")
        await pilot.pause()
        assert f"who may connect to {keys[keys.index('backend-server') + 1]}:" in text_of(app, "#network-detail")


async def test_turning_the_backend_ingress_on_shows_its_way_in_on_the_network_tab() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        step = next(index for index, s in enumerate(STEPS) if s.sections and "ingress.backend_host".startswith(
            s.sections))
        for _ in range(step):
            await pilot.press("ctrl+n")
            await settle(app, pilot)
        assert "ingress" not in text_of(app, "#ways-in")
        app.query_one(f"#{field_id('ingress.backend_host')} Input", Input).value = "backend.example.com"
        await settle(app, pilot)
        assert "f6 Network ~" in screen_text(app)  # the tab says the last change touched it
        await pilot.press("f6")
        await pilot.pause()
        screen = " ".join(screen_text(app).split())
        assert "+ ingress backend.example.com -> backend-server" in screen
        assert isinstance(app.focused, Input)  # still in the host name field


async def test_root_containers_are_named_whole_at_80x24() -> None:
    preset = Layer("preset minimal", presets.load("minimal").plan, kind="preset")
    layers = [preset, apply_sets(preset.data, ROOTED)]
    app = make_app(build_plan(layers), layers=layers)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = screen_text(app)
        for name in ("add-cert", "kaniko", "localstack"):
            assert re.search(rf"(?<![\w-]){name}(?![\w-])", screen), name  # the whole name, not "kanik" nor "add-"
        table = app.query_one("#table-security", PanelTable)
        assert list(table.labels) == ["", "Pod", "Level", "Root"]
        assert "Root" in screen and "backend-object-storage: baseline" in screen  # the first root pod, selected


async def test_the_key_of_the_tab_shown_moves_into_its_table_and_back() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        typing = app.focused
        panel = app.query_one(ImplicationsPanel)
        await pilot.press("f5")  # Security is shown: into its table
        await pilot.pause()
        table = app.query_one("#table-security", PanelTable)
        assert app.focused is table and panel.selected("security") == "backend-task-build"  # the root pod
        await pilot.press("up")
        await pilot.pause()
        assert panel.selected("security") == "backend-worker"
        assert text_of(app, "#security-detail").startswith("backend-worker: restricted")
        await pilot.press("f4")  # the next tab, the focus following
        await pilot.pause()
        assert active(app) == "tab-network" and app.focused is app.query_one("#table-network")
        await pilot.press("f6")  # and back to the field being edited
        await pilot.pause()
        assert app.focused is typing
