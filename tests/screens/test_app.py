"""The full-screen wizard driven with Textual's Pilot: steps, the live panel, refusal of bad input, finishing."""

from __future__ import annotations

from textual.widgets import Button, Footer, Input, Static, Switch

from screens.app import WizardApp, make_app
from screens.panel_table import PanelTable
from screens.widgets import FieldRow, field_id
from wizard.frontend.placeholders import WIDEST
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan


def minimal() -> Plan:
    return build_plan([Layer("minimal", presets.load("minimal").plan)])


async def settle(app: WizardApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def rows(app: WizardApp, section: str) -> dict[str, list[str]]:
    table = app.query_one(f"#table-{section}", PanelTable)
    return {row.key: table.cells(row.key) for row in table.rows}


async def go_to(app: WizardApp, pilot, step_id: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(len(STEPS)):  # bounded: a broken Next must fail the test, not hang it
        if STEPS[app.index].id == step_id:
            return
        await pilot.press("ctrl+n")
        await settle(app, pilot)
    raise AssertionError(f"could not reach step {step_id}; stuck at {STEPS[app.index].id}")


async def test_a_full_run_with_the_minimal_preset_returns_its_plan() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "backend-server" in rows(app, "security")
        await go_to(app, pilot, "review")
        await pilot.press("v")  # the values files as they will be written, in the full-width viewer
        await settle(app, pilot)
        assert any("organizationName: org-1" in text for _, text in app.screen.files)  # type: ignore[attr-defined]
        await pilot.press("escape", "ctrl+n", "enter")  # asked first: Enter confirms
        await settle(app, pilot)
    assert app.return_value == minimal()


async def test_turning_the_builder_off_updates_the_panel() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "backend-builder" in rows(app, "security")
        await go_to(app, pilot, "features")
        app.query_one(f"#{field_id('features.builder')} Switch", Switch).value = False
        await settle(app, pilot)
        security = rows(app, "security")
        assert "backend-builder" not in security and "backend-task-build" not in security
        assert "removed: " in str(app.query_one("#removed", Static).render())
        assert not app.draft.plan.features.builder


async def test_turning_the_private_ca_on_marks_the_six_add_cert_pods() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "features")
        app.query_one(f"#{field_id('features.private_ca')} Switch", Switch).value = True
        await settle(app, pilot)
        assert app.draft.problem("features.add_cert_image_tag")  # required: the panel keeps the last valid plan
        stale = app.query_one("#stale", Static)
        assert stale.display and str(stale.render()) == (
            "Shown for your last valid answers. To update it, fix: add-cert image tag.")
        app.query_one(f"#{field_id('features.add_cert_image_tag')} Input", Input).value = "1.0.1"
        await settle(app, pilot)
        assert not stale.display
        marked = {key for key, cells in rows(app, "security").items() if cells[0].startswith("~")}
        assert marked == {"backend-server", "backend-worker", "backend-builder", "backend-api-events",
                          "backend-worker-events", "backend-scheduler-worker"}


async def test_the_first_screen_has_its_panel_and_opens_on_the_first_field(monkeypatch) -> None:
    monkeypatch.setattr(WizardApp, "recompute", lambda self, plan: None)  # no worker: the panel comes with the screen
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "backend-server" in rows(app, "security")
        assert "org-1: baseline" in str(app.query_one("#namespace-levels", Static).render())
        focused = app.focused
        assert isinstance(focused, Input) and focused.parent is app.query_one(  # type: ignore[union-attr]
            f"#{field_id('target.kubernetes_version')}")
        assert app.query_one("#step").scroll_y == 0  # the step's title and help still in view
        version = app.query_one(f"#{field_id('target.backend.version')}", FieldRow)  # one choice: shown, not asked
        assert str(version.query_one(".field-fixed", Static).render()) == "26.15.3 (the only choice)"
        assert not version.query(".field-control")
        await pilot.press("enter")  # in a text field: on to the next field, as Tab
        assert app.focused is not None and app.focused.parent.decl.path == "target.charts"  # type: ignore[union-attr]
        await go_to(app, pilot, "features")
        assert app.focused is not None and app.focused.parent.decl.path == "features.builder"  # type: ignore[union-attr]


async def test_fields_that_do_not_matter_are_built_only_when_they_first_do() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        namespace = app.query_one(f"#{field_id('target.frontend.namespace')}", FieldRow)
        assert not namespace.display and not namespace.children  # the minimal preset runs no frontend
        enabled = app.query_one(f"#{field_id('target.frontend.enabled')} Switch", Switch)
        enabled.value = True
        await settle(app, pilot)
        assert namespace.display
        assert namespace.query_one(Input).value == app.draft.text("target.frontend.namespace") != ""
        enabled.value = False
        await settle(app, pilot)
        assert not namespace.display and namespace.children  # hidden again, kept for the next time


async def test_the_footer_shows_the_keys_and_is_not_rebuilt_as_the_focus_moves() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        keys = list(app.query_one(Footer).children)
        shown = " ".join(str(key.render()) for key in keys)
        for description in ("Next", "Back", "Help", "Wide", "Quit", "Next tab", "Security", "Network", "Volumes"):
            assert description in shown
        for key in ("tab", "tab", "ctrl+n", "escape"):
            await pilot.press(key)
            await settle(app, pilot)
        assert list(app.query_one(Footer).children) == keys  # the same widgets: never rebuilt


async def test_bad_input_is_refused_at_the_field_with_the_same_message() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "storage")
        app.query_one(f"#{field_id('storage.worker.size')} Input", Input).value = "10GB"
        await settle(app, pilot)
        row = app.query_one(f"#{field_id('storage.worker.size')}", FieldRow)
        assert row.has_class("-invalid")
        assert str(row.query_one(".field-error", Static).render()) == (
            '"10GB" is not a Kubernetes quantity; did you mean 10Gi?')
        assert app.draft.plan.storage.worker.size is None
        await go_to(app, pilot, "review")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.is_running  # refused to finish with a problem


async def test_choosing_a_remote_registry_asks_for_its_host() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "features")
        host = app.query_one(f"#{field_id('features.registry_host')}", FieldRow)
        assert not host.display  # a bundled registry has no host to ask for
        app.query_one(f"#{field_id('features.registry')}", FieldRow).post_message(
            FieldRow.Edited("features.registry", "remote"))  # as the Select posts an operator's choice
        await settle(app, pilot)
        assert host.display
        assert app.draft.problem("features.registry_host")
        assert host.has_class("-invalid")  # built now, with the problem it has now
        assert str(host.query_one(".field-error", Static).render()) == app.draft.problem("features.registry_host")
        assert host.query_one(Input).placeholder == "required"  # not a default empty does not have


async def test_a_required_field_and_an_empty_size_say_so_in_their_placeholders() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "features")
        tag = app.query_one(f"#{field_id('features.add_cert_image_tag')}", FieldRow)
        app.query_one(f"#{field_id('features.private_ca')} Switch", Switch).value = True
        await settle(app, pilot)
        assert tag.display and tag.query_one(Input).placeholder == "required"
        await go_to(app, pilot, "storage")
        size = app.query_one(f"#{field_id('storage.backend_database.size')}", FieldRow)
        assert size.query_one(Input).placeholder == "empty: the chart's 8Gi"
        assert size.query_one(Input).content_size.width >= WIDEST  # what every placeholder is held to, at 80x24


async def test_quitting_with_unsaved_decisions_asks_first() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "storage")
        app.query_one(f"#{field_id('storage.worker.size')} Input", Input).value = "20Gi"
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    assert app.return_value is None


async def test_an_answer_that_adds_fields_keeps_the_focus_on_it() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "features")
        assert app.focused is not None and app.focused.parent.decl.path == "features.builder"  # type: ignore[union-attr]
        for _ in range(2):
            await pilot.press("tab")
        assert app.focused is not None and app.focused.parent.decl.path == "features.private_ca"  # type: ignore[union-attr]
        assert not app.query_one(f"#{field_id('features.private_ca_secret')}", FieldRow).children  # not built yet
        await pilot.press("space")
        await settle(app, pilot)
        assert app.draft.shown.features.private_ca
        assert app.focused is not None and app.focused.parent.decl.path == "features.private_ca"  # type: ignore[union-attr]
        await pilot.press("tab")
        assert app.focused.parent.decl.path == "features.private_ca_secret"  # type: ignore[union-attr]


async def test_an_interrupted_run_is_offered_back_and_resumed() -> None:
    from wizard.frontend import resume

    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "storage")
        app.query_one(f"#{field_id('storage.worker.size')} Input", Input).value = "33Gi"
        await settle(app, pilot)
    saved = resume.load()  # the app was closed without writing: its answers were kept
    assert saved is not None and saved.data["storage"]["worker"]["size"] == "33Gi"
    again = make_app(minimal(), saved)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(again, pilot)
        await pilot.click("#resume-yes")
        await settle(again, pilot)
        assert again.draft.plan.storage.worker.size == "33Gi"


async def test_starting_over_forgets_the_draft() -> None:
    from wizard.frontend import resume
    from wizard.frontend.draft import Draft, edit

    resume.save(edit(Draft.start(minimal()), "storage.worker.size", "44Gi").data)
    app = make_app(minimal(), resume.load())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.click("#resume-no")
        await settle(app, pilot)
        assert app.draft.plan.storage.worker.size is None
    assert resume.load() is None


async def test_channels_are_added_and_removed_from_the_organisation_step() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "organisation")
        app.query_one(f"#add-{field_id('channels')}", Button).press()
        await settle(app, pilot)
        focused = app.focused
        assert isinstance(focused, Input) and focused.parent is app.query_one(f"#{field_id('channels[1].name')}")
        assert app.draft.problem("channels[1].name") == "required"
        await pilot.press(*"second")
        await settle(app, pilot)
        assert [c.name for c in app.draft.plan.channels] == ["mychannel", "second"]
        assert [str(h.render()) for h in app.query(".item-heading").results(Static)] == ["Channel 1", "Channel 2"]
        app.query_one(f"#remove-0-{field_id('channels')}", Button).press()
        await settle(app, pilot)
        assert [c.name for c in app.draft.plan.channels] == ["second"]
        assert app.query_one(f"#{field_id('channels[0].name')} Input", Input).value == "second"


async def test_the_image_list_is_offered_only_with_the_bundled_registry() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "features")
        add = app.query_one(f"#add-{field_id('features.prepopulate')}", Button)
        assert add.display
        app.query_one(f"#{field_id('features.registry')}", FieldRow).post_message(
            FieldRow.Edited("features.registry", "remote"))
        await settle(app, pilot)
        assert not add.display


async def test_f2_gives_the_panel_the_whole_width_at_80_columns() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.has_class("-narrow")
        step = app.query_one("#step")
        assert step.display and step.outer_size.width == 36
        await pilot.press("f2")
        await settle(app, pilot)
        assert not step.display
        assert app.query_one("#panel").outer_size.width == 80
        await pilot.press("f2")
        await settle(app, pilot)
        assert step.display


async def test_the_tui_and_the_plain_prompts_write_the_same_files_for_the_same_answers(tmp_path) -> None:
    import io

    from wizard.frontend.prompts import run
    from wizard.frontend.prompts_askers import LineAsker
    from wizard.writing import output

    answers = {"features.builder": "false", "features.object_store": "localstack", "storage.worker.size": "50Gi"}
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for path, text in answers.items():
            await go_to(app, pilot, next(s.id for s in STEPS if s.sections and path.startswith(s.sections)))
            app.query_one(f"#{field_id(path)}", FieldRow).post_message(FieldRow.Edited(path, text))
            await settle(app, pilot)
        await go_to(app, pilot, "review")
        await pilot.press("ctrl+n", "enter")  # asked first: Enter confirms
        await settle(app, pilot)
    tui_plan = app.return_value
    assert tui_plan is not None

    from plain_lines import answer_lines  # the questions --plain asks, as piped lines

    plain = {"features.builder": "n", "features.object_store": "localstack", "storage.worker.size": "50Gi"}
    lines = answer_lines(minimal(), plain)
    printed = io.StringIO()
    plain_plan = run(minimal(), ask=LineAsker(io.StringIO("".join(f"{line}\n" for line in lines)), printed),
                     out=printed)
    assert plain_plan is not None
    for name, plan in (("tui", tui_plan), ("plain", plain_plan)):
        output.write_files(output.plan_files(plan, tmp_path / name))
    written = sorted(str(p.relative_to(tmp_path / "tui")) for p in (tmp_path / "tui").rglob("*"))
    assert written == sorted(str(p.relative_to(tmp_path / "plain")) for p in (tmp_path / "plain").rglob("*"))
    assert "secrets/substra-backend-secrets.yaml" in written
    for name in written:  # the credentials in secrets/ are generated anew by each run: the rest must be the same
        if not name.startswith("secrets"):
            assert (tmp_path / "tui" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name


async def test_the_cluster_s_storage_classes_and_claims_are_offered_in_the_storage_step() -> None:
    from fake_cluster import FACTS

    from wizard.cluster.facts import Discovery

    looked: list[Plan] = []

    def discover(plan: Plan) -> Discovery:
        looked.append(plan)
        return Discovery(FACTS, context="kind-test", server="https://127.0.0.1:6443")

    app = make_app(minimal(), discover=discover)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)  # the look at the cluster starts once the first panel is up
        assert looked == [minimal()]
        await go_to(app, pilot, "storage")
        row = app.query_one(f"#{field_id('storage.worker.storage_class')}", FieldRow)
        assert str(row.query_one(".field-cluster", Static).render()) == "cluster: standard (default), fast"
        control = row.query_one(Input)
        assert control.suggester is not None
        assert await control.suggester.get_suggestion("sta") == "standard"
        claim = app.query_one(f"#{field_id('storage.backend_database.existing_claim')}", FieldRow)  # reusable
        assert "worker-data (Bound, 20Gi, ReadWriteOnce)" in str(claim.query_one(".field-cluster", Static).render())


async def test_without_a_cluster_the_wizard_says_so_and_offers_nothing() -> None:
    from wizard.cluster.facts import Discovery

    app = make_app(minimal(), discover=lambda plan: Discovery(None, "no kubeconfig found"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        await go_to(app, pilot, "storage")
        row = app.query_one(f"#{field_id('storage.worker.storage_class')}", FieldRow)
        assert not row.query_one(".field-cluster", Static).display
        assert row.query_one(Input).suggester is None


async def test_write_then_install_leaves_with_the_plan_and_the_request() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "review")
        app.query_one("#install", Button).press()
        await settle(app, pilot)
        await pilot.press("enter")  # asked first: Enter confirms
        await settle(app, pilot)
    assert app.return_value == minimal() and app.install_requested


async def test_each_field_says_which_layer_set_it_and_an_edit_says_so() -> None:
    from wizard.planning.layers import apply_sets

    preset = Layer("preset minimal", presets.load("minimal").plan, kind="preset")
    layers = [preset, apply_sets(preset.data, ["storage.worker.size=30Gi"])]
    app = make_app(build_plan(layers), layers=layers)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)

        def origin(path: str) -> str:
            return str(app.query_one(f"#{field_id(path)} .field-origin", Static).render())

        assert origin("target.backend.namespace") == "set by preset minimal"
        assert origin("target.kubernetes_version") == "set by the Plan's default"
        await go_to(app, pilot, "storage")

        assert origin("storage.worker.size") == "set by --set"
        assert origin("storage.worker.storage_class") == "set by the Plan's default"
        app.query_one(f"#{field_id('storage.builder.size')} Input", Input).value = "5Gi"
        await settle(app, pilot)
        assert origin("storage.builder.size") == "set here (interactive edit)"


async def test_the_review_shows_the_cluster_s_verdict_on_each_pod_asked_in_a_thread_once_per_plan() -> None:
    import threading

    from fake_cluster import FACTS

    from wizard.cluster.admission import Admission, PodAdmission
    from wizard.cluster.facts import Discovery

    asked: list[tuple[Plan, bool]] = []
    refused = PodAdmission("backend-server", "Deployment/backend-substra-backend-server", "org-1", False,
                           "restricted", "restricted", "allowed", "refused",
                           "maximum cpu usage per Pod is 1. No limit is specified",
                           'pods "x" is forbidden: maximum cpu usage per Pod is 1.  No limit is specified')

    def admit(plan: Plan) -> tuple[Admission | None, str]:
        asked.append((plan, threading.current_thread() is threading.main_thread()))
        return Admission((refused,)), "context kind-test (https://127.0.0.1:6443)"

    app = make_app(minimal(), discover=lambda plan: Discovery(FACTS, context="kind-test"), admit=admit)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        await go_to(app, pilot, "review")
        await settle(app, pilot)
        await settle(app, pilot)
        text = str(app.query_one("#admission", Static).render())
        assert text.startswith("Cluster context kind-test (https://127.0.0.1:6443):")
        assert "backend-server: allowed / refused  <- they disagree" in text
        assert "blocking: the cluster refuses backend-server" in text
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert "allowed / refused" in str(app.query_one("#admission", Static).render())
    assert asked == [(minimal(), False)]  # once for this plan, off the UI thread


async def test_without_a_cluster_the_review_has_no_admission_section() -> None:
    app = make_app(minimal(), admit=lambda plan: (None, "should not be asked"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "review")
        assert not app.query("#admission")
