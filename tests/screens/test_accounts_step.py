"""The Accounts and secrets step of the full-screen wizard: masked passwords checked with the backend's rules off the
UI thread, the reveal key, what each secret is for, and typed passwords reaching secrets/ and nothing else."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import threading
from pathlib import Path

from test_app import go_to, minimal, settle  # noqa: E402,I001 - the Pilot helpers every TUI test shares
from textual.widgets import Button, Footer, Input, Static

from screens.accounts import PasswordRow
from screens.app import WizardApp, make_app
from screens.widgets import FieldRow, field_id
from wizard.frontend import resume
from wizard.frontend.steps import STEPS
from wizard.planning.passwords import password_problems
from wizard.planning.plan import Plan
from wizard.writing import output
from wizard.writing.credentials import admin_id
from wizard.writing.secret_files import read_existing

GOOD = "Quiet7Lantern-Ox-Maple-22"
ADMIN = admin_id("admin")


async def type_password(app: WizardApp, pilot, text: str, index: int = 0) -> Input:  # type: ignore[no-untyped-def]
    control = app.query_one(f"#password-{index}", PasswordRow).query_one(Input)
    control.focus()
    await pilot.pause()
    await pilot.press("ctrl+u", *text)
    await settle(app, pilot)
    return control


def listed(app: WizardApp) -> str:
    return str(app.query_one("#secrets-list", Static).render())


def footer_text(app: WizardApp) -> str:
    return " ".join(str(key.render()) for key in app.query_one(Footer).children)


async def test_a_typed_password_reaches_secrets_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    app = make_app(minimal(), out_dir=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        control = await type_password(app, pilot, GOOD)
        assert control.password and app.given_secrets == {ADMIN: GOOD}
        masked = app.export_screenshot()
        await pilot.press("f3")
        await settle(app, pilot)
        assert GOOD not in masked and GOOD in app.export_screenshot()  # the same screen, revealed: the check can fail
        await pilot.press("f3")
        app.query_one(f"#{field_id('accounts.users[0].channel')}", FieldRow).post_message(
            FieldRow.Edited("accounts.users[0].channel", "mychannel"))  # an edit after the password: the draft is saved
        await settle(app, pilot)
        draft = resume.draft_path().read_text()
        assert "mychannel" in draft.split("users:", 1)[1] and GOOD not in draft
        await go_to(app, pilot, "review")
        await pilot.press("ctrl+n", "enter")  # asked first: Enter confirms
        await settle(app, pilot)
    plan = app.return_value
    assert plan is not None and app.given_secrets == {ADMIN: GOOD}
    output.write_files(output.plan_files(plan, out, given_secrets=app.given_secrets))
    assert read_existing(plan, out)[ADMIN] == GOOD
    encoded = base64.b64encode(GOOD.encode()).decode()
    others = [p for p in out.rglob("*") if p.is_file() and p.parent.name != "secrets"]
    assert {p.name for p in others} >= {"substra-backend-values.yaml", "wizard-answers.yaml", "install.sh"}
    for path in others:
        text = path.read_text()
        assert GOOD not in text and encoded not in text, path


async def test_a_weak_password_is_refused_under_the_field_and_blocks_writing() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        await type_password(app, pilot, "short")
        row = app.query_one(PasswordRow)
        assert not row.has_class("-invalid")  # typing is not judged yet...
        await pilot.press("tab")  # ...leaving the field is
        await settle(app, pilot)
        reasons = password_problems("short", "admin")
        assert reasons and row.has_class("-invalid")
        assert str(row.query_one(".field-error", Static).render()) == "\n".join(
            f"The backend would refuse it: {reason}." for reason in reasons)
        assert "it has 5 characters; the backend needs at least 20" in reasons[0]
        assert app.given_secrets == {}
        assert "typed: refused (reasons above)" in listed(app)
        await go_to(app, pilot, "review")
        await pilot.press("ctrl+n", "enter")  # asked first: Enter confirms
        await settle(app, pilot)
        assert app.is_running and STEPS[app.index].id == "accounts"  # back to the step, with the reasons
        assert app.query_one(PasswordRow).has_class("-invalid")
        await type_password(app, pilot, GOOD)
        assert not app.query_one(PasswordRow).has_class("-invalid")  # a fix is accepted as it is typed
        await go_to(app, pilot, "review")
        await pilot.press("ctrl+n", "enter")  # asked first: Enter confirms
        await settle(app, pilot)
    assert app.return_value is not None and app.given_secrets == {ADMIN: GOOD}


async def test_every_reason_is_shown_django_s_similarity_included() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        await type_password(app, pilot, "admin12")
        await pilot.press("tab")
        await settle(app, pilot)
        error = str(app.query_one(PasswordRow).query_one(".field-error", Static).render()).splitlines()
        assert error == ["The backend would refuse it: it has 7 characters; the backend needs at least 20.",
                         "The backend would refuse it: the password is too similar to the username."]
        assert app.given_secrets == {}


async def test_f3_reveals_and_hides_on_the_accounts_step_only() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "Reveal" not in footer_text(app)
        await pilot.press("f3")
        assert not app.revealed
        await go_to(app, pilot, "accounts")
        control = await type_password(app, pilot, GOOD)
        assert "Reveal" in footer_text(app) and "typed: •••••••• (25 characters)" in listed(app)
        await pilot.press("f3")
        await settle(app, pilot)
        assert not control.password and f"typed: {GOOD}" in listed(app) and "Hide" in footer_text(app)
        await pilot.press("f3")
        await settle(app, pilot)
        assert control.password and GOOD not in listed(app) and "Reveal" in footer_text(app)
        await pilot.press("f3")
        await go_to(app, pilot, "review")
        assert not app.revealed  # hidden again once the operator moves on
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.query_one(PasswordRow).query_one(Input).password


async def test_an_empty_password_is_generated(tmp_path: Path) -> None:
    app = make_app(minimal(), out_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        assert app.query_one(PasswordRow).query_one(Input).placeholder == "(empty: generated)"
        assert "admin user admin (channel mychannel)\n  to be generated" in listed(app)
        await go_to(app, pilot, "review")
        await pilot.press("ctrl+n", "enter")  # asked first: Enter confirms
        await settle(app, pilot)
    plan = app.return_value
    assert plan is not None and app.given_secrets == {}
    planned = output.plan_files(plan, tmp_path, given_secrets=app.given_secrets)
    assert ADMIN in planned.vault.generated and ADMIN not in planned.vault.given
    output.write_files(planned)
    generated = read_existing(plan, tmp_path)[ADMIN]
    assert password_problems(generated, "admin") == []


async def test_renaming_or_removing_a_user_drops_its_typed_password() -> None:
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        await type_password(app, pilot, GOOD)
        name = app.query_one(f"#{field_id('accounts.users[0].name')} Input", Input)
        name.value = "alice"
        await settle(app, pilot)
        control = app.query_one(PasswordRow).query_one(Input)
        assert app.given_secrets == {} and app.passwords.typed == {} and control.value == ""
        await type_password(app, pilot, GOOD)
        app.query_one(f"#add-{field_id('accounts.users')}", Button).press()
        await settle(app, pilot)
        assert app.query_one("#password-1", PasswordRow).query_one(Input).disabled  # no name yet
        await pilot.press(*"bob")
        await settle(app, pilot)
        other = "Velvet-Harbor-93-Cinder-Fox"
        await type_password(app, pilot, other, index=1)
        assert app.given_secrets == {admin_id("alice"): GOOD, admin_id("bob"): other}
        app.query_one(f"#remove-0-{field_id('accounts.users')}", Button).press()
        await settle(app, pilot)
        assert app.given_secrets == {admin_id("bob"): other}
        assert app.query_one("#password-0", PasswordRow).query_one(Input).value == other  # bob is user 1 now


async def test_secrets_kept_in_the_output_folder_are_listed_masked_and_revealed(tmp_path: Path) -> None:
    output.write_files(output.plan_files(minimal(), tmp_path))
    redis = read_existing(minimal(), tmp_path)["substra-backend/redis"]
    app = make_app(minimal(), out_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        await settle(app, pilot)
        assert "Redis password\n  kept: •••••••• (32 characters)" in listed(app) and redis not in listed(app)
        await pilot.press("f3")
        await settle(app, pilot)
        assert f"Redis password\n  kept: {redis}" in listed(app)


async def test_a_broken_secrets_folder_is_said_in_the_list(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "substra-backend-secrets.yaml").write_text("kind: ConfigMap\n")
    app = make_app(minimal(), out_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        await settle(app, pilot)
        assert "secrets/ could not be read:" in listed(app) and "is not a Secret" in listed(app)


async def test_the_backend_s_rules_run_off_the_ui_thread(monkeypatch) -> None:
    import wizard.planning.passwords

    seen: list[bool] = []

    def judged(password: str, username: str) -> list[str]:
        seen.append(threading.current_thread() is threading.main_thread())
        return []

    monkeypatch.setattr(wizard.planning.passwords, "password_problems", judged)
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        await type_password(app, pilot, "any")
    assert seen and not any(seen)


def test_the_password_rules_are_not_loaded_before_a_password_is_typed(tmp_path: Path) -> None:
    script = """
import asyncio, sys
from screens.app import make_app
from screens.accounts import PasswordRow
from textual.widgets import Input
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan

async def main():
    app = make_app(build_plan([Layer("minimal", presets.load("minimal").plan)]))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = [name for name in ("zxcvbn", "django") if name in sys.modules]
        app.query_one(PasswordRow).query_one(Input).focus()
        await pilot.press(*"Quiet7Lantern-Ox-Maple-22")
        await pilot.pause()
        await app.workers.wait_for_complete()
        print(before, "zxcvbn" in sys.modules and "django" in sys.modules)

asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).parents[2], env={"XDG_STATE_HOME": str(tmp_path), "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] True"


def test_cli_hands_the_tui_s_passwords_to_the_writer(tmp_path: Path, monkeypatch, capsys) -> None:
    import screens.app
    from wizard.cli import main

    made: list[Path | None] = []

    class FakeApp:
        install_requested = False
        given_secrets = {ADMIN: GOOD}

        def __init__(self, plan: Plan) -> None:
            self.plan = plan

        def run(self) -> Plan:
            return self.plan

    def fake_make_app(plan: Plan, *args: object, out_dir: Path | None = None, **kwargs: object) -> FakeApp:
        made.append(out_dir)
        return FakeApp(plan)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(screens.app, "make_app", fake_make_app)
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    out = tmp_path / "out"
    assert main(["--preset", "minimal", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert made == [out]
    assert read_existing(minimal(), out)[ADMIN] == GOOD
    assert GOOD not in printed.out + printed.err
    assert GOOD not in (out / "wizard-answers.yaml").read_text()


async def test_writing_waits_for_a_password_still_being_checked(monkeypatch) -> None:
    import wizard.planning.passwords

    gate = threading.Event()

    def slow(password: str, username: str) -> list[str]:
        gate.wait(10)
        return []

    monkeypatch.setattr(wizard.planning.passwords, "password_problems", slow)
    app = make_app(minimal())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        app.query_one(PasswordRow).query_one(Input).focus()
        await pilot.press(*GOOD)
        await pilot.pause()
        app.finish()  # "Write the files" while the backend's rules are still judging it
        await pilot.pause(0.1)
        assert app.is_running and app.given_secrets == {}
        gate.set()
        await settle(app, pilot)
    assert app.return_value == minimal() and app.given_secrets == {ADMIN: GOOD}


async def test_the_kept_accounts_page_reads_secrets_again_only_after_other_answers(tmp_path: Path, monkeypatch) -> None:
    reads: list[Plan] = []
    real = WizardApp.read_secrets
    monkeypatch.setattr(WizardApp, "read_secrets", lambda self, plan, out_dir: reads.append(plan) or real(
        self, plan, out_dir))
    app = make_app(minimal(), out_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, "review")
        await pilot.press("escape")  # Accounts again, nothing answered since: its page as it was
        await settle(app, pilot)
        assert STEPS[app.index].id == "accounts" and len(reads) == 1
        app.index = next(i for i, step in enumerate(STEPS) if step.id == "features")
        await app.show_step()
        app.query_one(f"#{field_id('features.builder')}", FieldRow).post_message(
            FieldRow.Edited("features.builder", "false"))
        await settle(app, pilot)
        await go_to(app, pilot, "accounts")
        assert len(reads) == 2 and reads[-1] == app.draft.plan  # read again, for the Plan the answers make now
