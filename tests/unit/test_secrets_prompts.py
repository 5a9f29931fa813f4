"""`--plain`, the Accounts and secrets step: a hidden password question per admin user, refused with the backend's
reasons and asked again, never echoed, and what each secret is for; typed passwords reach secrets/ and nothing else."""

from __future__ import annotations

import base64
import io
import os
import sys
import threading
from pathlib import Path

from plain_lines import Typed, answer_lines

from wizard.cli import main
from wizard.frontend import resume
from wizard.frontend.prompts import run
from wizard.frontend.prompts_accounts import ask_passwords, keep_users, question
from wizard.frontend.prompts_askers import LineAsker, QuestionaryAsker
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.passwords import password_problems
from wizard.planning.plan import Plan
from wizard.writing import output
from wizard.writing.credentials import admin_id
from wizard.writing.secret_files import read_existing

GOOD = "Quiet7Lantern-Ox-Maple-22"
ADMIN = admin_id("admin")


def minimal() -> Plan:
    return build_plan([Layer("minimal", presets.load("minimal").plan)])


def drive(lines: list[str], typed: bool = False, **options: object) -> tuple[Plan | None, dict[str, str], str]:
    """A --plain run with `lines` piped in, or typed at a terminal (`typed`: refused answers are asked again)."""
    printed = io.StringIO()
    given: dict[str, str] = {}
    source = (Typed if typed else io.StringIO)("".join(f"{line}\n" for line in lines))
    result = run(minimal(), ask=LineAsker(source, printed),
                 out=printed, given_secrets=given, **options)  # type: ignore[arg-type]
    return result, given, printed.getvalue()


def test_the_step_asks_a_hidden_password_and_lists_what_each_secret_is_for() -> None:
    result, given, printed = drive(answer_lines(minimal(), {"password:admin": GOOD}))
    assert result == minimal() and given == {ADMIN: GOOD}
    assert "== Step 6 of 7: Accounts and secrets ==" in printed
    assert f"{question('admin')} (typing is hidden): (hidden)\n" in printed  # piped: the line is never echoed
    assert GOOD not in printed
    listing = printed[printed.index("What each secret is for:"):]
    assert "  admin user admin (channel mychannel)\n    typed: •••••••• (25 characters)\n" in listing
    assert "  Redis password\n    generated, or kept from secrets/\n" in listing  # no output folder known


def test_a_weak_password_is_refused_with_the_backend_s_reasons_and_asked_again() -> None:
    result, given, printed = drive(answer_lines(minimal(), {"password:admin": ["admin12", GOOD]}), typed=True)
    assert result is not None and given == {ADMIN: GOOD}
    reasons = password_problems("admin12", "admin")
    assert "the password is too similar to the username" in reasons
    assert f"! refused: {'; '.join(reasons)}" in printed.replace("\n  ", " ")
    assert printed.count(f"{question('admin')} (typing is hidden)") == 2


def test_an_empty_password_is_generated(tmp_path: Path) -> None:
    result, given, printed = drive(answer_lines(minimal()), out_dir=tmp_path)
    assert result is not None and given == {}
    assert "  admin user admin (channel mychannel)\n    to be generated\n" in printed
    planned = output.plan_files(result, tmp_path, given_secrets=given)
    assert ADMIN in planned.vault.generated
    output.write_files(planned)
    assert password_problems(read_existing(result, tmp_path)[ADMIN], "admin") == []
    _, _, again = drive(answer_lines(minimal()), out_dir=tmp_path)  # a re-run says what it keeps
    assert "  admin user admin (channel mychannel)\n    kept: •••••••• (27 characters)\n" in again


def test_piped_plain_run_writes_the_typed_password_to_secrets_only(tmp_path: Path, monkeypatch, capsys) -> None:
    lines = answer_lines(minimal(), {"password:admin": GOOD})
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    out = tmp_path / "out"
    assert main(["--preset", "minimal", "--plain", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert GOOD not in printed.out + printed.err
    assert read_existing(minimal(), out)[ADMIN] == GOOD
    encoded = base64.b64encode(GOOD.encode()).decode()
    others = [p for p in out.rglob("*") if p.is_file() and p.parent.name != "secrets"]
    assert {p.name for p in others} >= {"substra-backend-values.yaml", "wizard-answers.yaml", "install.sh"}
    for path in others:
        assert GOOD not in path.read_text() and encoded not in path.read_text(), path


def test_a_run_cut_after_the_password_keeps_a_draft_without_it(tmp_path: Path, monkeypatch, capsys) -> None:
    lines = answer_lines(minimal(), {"password:admin": GOOD, "accounts.users[0].channel": "mychannel"})
    cut = lines[: lines.index(GOOD) + 1]  # the pipe ends right after the password
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in cut)))
    assert main(["--preset", "minimal", "--plain", "--out", str(tmp_path / "out")]) == 2
    capsys.readouterr()
    saved = resume.load()
    assert saved is not None and saved.data["accounts"]["users"][0]["channel"] == "mychannel"
    assert GOOD not in resume.draft_path().read_text()
    assert not (tmp_path / "out").exists()


class _Asker:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers, self.asked = answers, []  # type: ignore[var-annotated]

    def password(self, message: str, help: str) -> str:  # noqa: A002
        self.asked.append((message, help))
        queue = self.answers.get(message, [])
        return queue.pop(0) if queue else ""


def test_asked_again_an_empty_answer_keeps_the_password_typed_before_and_renamed_users_lose_theirs() -> None:
    given = {ADMIN: GOOD, admin_id("gone"): "Velvet-Harbor-93-Cinder-Fox"}
    asker = _Asker({})
    ask_passwords(minimal(), asker, given)
    assert given == {ADMIN: GOOD}  # "gone" is no longer a user: its password is not used for anyone
    assert "An empty answer keeps the password typed before." in asker.asked[0][1].replace("\n  ", " ")
    assert keep_users(minimal().model_copy(update={"accounts": minimal().accounts.model_copy(
        update={"users": ()})}), given) == [ADMIN] and given == {}


def test_the_terminal_asker_reads_a_password_with_questionary() -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        pipe.send_text(GOOD + "\r")
        assert QuestionaryAsker(input=pipe, output=DummyOutput()).password("Password", "") == GOOD
    with create_pipe_input() as pipe:
        pipe.send_text("\r")
        assert QuestionaryAsker(input=pipe, output=DummyOutput()).password("Password", "") == ""


def test_on_a_terminal_the_password_is_read_with_echo_off() -> None:
    import select
    import termios

    leader, follower = os.openpty()
    with open(follower, "r", closefd=True) as terminal, open(leader, "rb", buffering=0, closefd=True) as screen:
        printed = io.StringIO()
        asker = LineAsker(terminal, printed)
        got: list[str] = []
        reading = threading.Thread(target=lambda: got.append(asker.password("Password for admin user admin", "")))
        reading.start()
        for _ in range(200):  # until the reader has turned the echo off
            if not termios.tcgetattr(follower)[3] & termios.ECHO:
                break
            threading.Event().wait(0.01)
        os.write(leader, (GOOD + "\n").encode())
        reading.join(5)
        echoed = b""
        while select.select([screen], [], [], 0.2)[0]:
            echoed += os.read(leader, 1024)
        assert got == [GOOD]
        assert GOOD.encode() not in echoed
        assert termios.tcgetattr(follower)[3] & termios.ECHO  # the echo is back on afterwards
