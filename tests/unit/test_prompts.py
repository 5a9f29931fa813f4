"""`--plain`: the wizard's questions as line prompts, driven here with piped answers (LineAsker on StringIO)."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from plain_lines import Typed, answer_lines, answer_steps

from wizard.cli import main
from wizard.core.errors import WizardError
from wizard.frontend.draft import Draft, edit
from wizard.frontend.prompts import run
from wizard.frontend.prompts_askers import LineAsker, QuestionaryAsker, terminal_asker
from wizard.frontend.steps import STEPS, fields
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan
from wizard.writing import output


def preset_plan(name: str = "minimal") -> Plan:
    return build_plan([Layer(name, presets.load(name).plan)])


def drive(plan: Plan, lines: Sequence[str], *, typed: bool = False) -> tuple[Plan | None, str]:
    """A --plain run with `lines` piped in, or typed at a terminal (`typed`: refused answers are asked again)."""
    printed = io.StringIO()
    source = (Typed if typed else io.StringIO)("".join(f"{line}\n" for line in lines))
    result = run(plan, ask=LineAsker(source, printed), out=printed)
    return result, printed.getvalue()


def test_all_defaults_give_back_the_preset_plan() -> None:
    plan = preset_plan()
    result, printed = drive(plan, answer_lines(plan))
    assert result == plan
    for step in STEPS[:-1]:  # every question comes from the declarations: each label is asked
        assert f"{step.title} ==" in printed
        for decl in fields(step, plan):
            assert f"\n{decl.label} [" in printed or f"\n{decl.label}: " in printed, decl.path


def test_a_chart_version_with_one_choice_is_said_not_asked() -> None:
    plan = preset_plan()
    lines = answer_lines(plan)
    result, printed = drive(plan, lines)
    assert result == plan
    assert "\n\nOrchestrator - Chart version: 8.8.0 (the only choice)\n" in printed
    assert "\n\nBackend - Chart version: 26.15.3 (the only choice)\n" in printed
    assert "Chart version [" not in printed  # no question, so no piped line is spent on it


def test_changed_answers_write_the_same_files_as_the_non_interactive_run(tmp_path: Path, capsys) -> None:
    plan = preset_plan()
    changes = {"features.builder": "n", "features.object_store": "localstack", "storage.worker.size": "50Gi"}
    result, _ = drive(plan, answer_lines(plan, changes))
    assert result is not None
    assert not result.features.builder and result.features.object_store == "localstack"
    assert result.storage.worker.size == "50Gi"

    plain, scripted = tmp_path / "plain", tmp_path / "scripted"
    output.write_files(output.plan_files(result, plain))
    assert main(["--preset", "minimal", "--set", "features.builder=false", "--set", "features.object_store=localstack",
                 "--set", "storage.worker.size=50Gi", "--non-interactive", "--out", str(scripted)]) == 0
    capsys.readouterr()
    names = sorted(str(p.relative_to(scripted)) for p in scripted.rglob("*"))
    assert sorted(str(p.relative_to(plain)) for p in plain.rglob("*")) == names
    assert "secrets/substra-backend-secrets.yaml" in names
    for name in names:  # the credentials in secrets/ are generated anew by each run: the rest must be the same
        if not name.startswith("secrets"):
            assert (plain / name).read_text() == (scripted / name).read_text(), name


def test_a_choice_by_number_and_a_cleared_text() -> None:
    plan = build_plan([Layer("p", presets.load("minimal").plan),
                       Layer("s", {"storage": {"worker": {"storage_class": "fast"}}})])
    lines = answer_lines(plan, {"features.object_store": "2", "storage.worker.storage_class": "(empty)"})
    result, _ = drive(plan, lines)
    assert result is not None
    assert result.features.object_store == "localstack" and result.storage.worker.storage_class is None


def test_a_bad_size_is_refused_with_the_message_then_a_good_one_accepted() -> None:
    plan = preset_plan()
    result, printed = drive(plan, answer_lines(plan, {"storage.worker.size": ["10GB", "10Gi"]}), typed=True)
    assert '! "10GB" is not a Kubernetes quantity; did you mean 10Gi?' in printed
    assert result is not None and result.storage.worker.size == "10Gi"
    assert printed.count("\nWorker volume - Size: ") == 2  # the same question, asked again


def test_unusable_choice_and_yes_no_answers_are_asked_again() -> None:
    printed = io.StringIO()
    asker = LineAsker(Typed("maybe\nyes\n7\nLocalStack\n"), printed)
    assert asker.confirm("Private CA", False, "") is True
    assert asker.select("Object storage", ("minio", "localstack"), "minio", "") == "localstack"
    assert "answer y or n" in printed.getvalue()
    assert "choose a number from 1 to 2 or one of: minio, localstack" in printed.getvalue()


def test_a_field_another_answer_requires_is_asked_in_its_step() -> None:
    plan = preset_plan()
    lines = answer_lines(plan, {"target.frontend.enabled": "y", "ingress.backend_host": "api.example.com"})
    result, printed = drive(plan, lines)
    assert result is not None
    assert result.target.frontend.enabled and result.ingress.backend_host == "api.example.com"
    assert "note: ingress.backend_host: required when the frontend runs here" in printed
    assert "(asked in the step Network and ingress)" in printed.replace("\n  ", " ")


def test_a_cross_field_problem_left_open_is_asked_again_at_the_end_of_its_step() -> None:
    plan = preset_plan()
    steps = answer_steps(plan, {"target.frontend.enabled": "y"})  # the backend host left empty...
    lines = [line for step, lines in steps  # ...then given when asked again, at the end of its step
             for line in [*lines, *(["api.example.com"] if step == "network" else [])]]
    result, printed = drive(plan, [*lines, "y"], typed=True)
    assert result is not None and result.ingress.backend_host == "api.example.com"
    again = printed.index("Some answers of this step do not fit together yet; asked again:")
    assert "! required when the frontend runs here" in printed[again:]
    assert printed.count("\nBackend host: ") == 2


def test_when_asking_again_changes_nothing_the_operator_goes_back_to_an_earlier_step() -> None:
    plan = preset_plan()
    steps = answer_steps(plan, {"target.frontend.enabled": "y"})  # the backend host left empty...
    first = [line for _, lines in steps[: [s for s, _ in steps].index("network") + 1] for line in lines]
    # ...and again when asked again: then back to step 1, where the frontend is turned off, everything else kept
    frontend_on = edit(Draft.start(plan), "target.frontend.enabled", "true")
    again = answer_lines(frontend_on, {"target.frontend.enabled": "n"})
    result, printed = drive(plan, [*first, "", "1", *again], typed=True)
    assert result == plan
    assert "Go back to which step? [Network and ingress]: " in printed  # typed at a terminal: 1, not echoed by us
    assert printed.count("== Step 1 of 7: Where it runs ==") == 2  # ...and step 1 came again


def test_answers_ending_early_are_a_clear_error() -> None:
    with pytest.raises(WizardError) as error:
        drive(preset_plan(), ["", "", ""])
    assert str(error.value).startswith('the answers ended before the questions did: no answer for '
                                       '"Orchestrator - Namespace".')
    assert "Nothing was written." in str(error.value)


def test_declining_at_the_end_returns_none() -> None:
    plan = preset_plan()
    result, printed = drive(plan, answer_lines(plan, write="n"))
    assert result is None
    assert printed.rstrip().endswith("Nothing was written.")


def test_the_implications_are_printed_before_the_write_question() -> None:
    plan = preset_plan()
    _, printed = drive(plan, answer_lines(plan))
    summary = printed.index("What this deployment does")
    assert summary < printed.index("Pod Security Standards") < printed.index("Network Policies") \
        < printed.index("\nVolumes\n") < printed.index("Findings (") < printed.index("Write the files? [Y/n]")
    assert "Write the files?" not in printed[:summary]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_stdin_is_no_terminal_or_the_terminal_is_dumb(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert isinstance(terminal_asker(io.StringIO()), LineAsker)
    monkeypatch.setattr(sys, "stdin", _Terminal(""))
    assert isinstance(terminal_asker(io.StringIO()), QuestionaryAsker)
    monkeypatch.setenv("TERM", "dumb")
    assert isinstance(terminal_asker(io.StringIO()), LineAsker)


def test_the_terminal_asker_drives_questionary(capsys) -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    def asker(keys: str) -> QuestionaryAsker:
        pipe.send_text(keys)
        return QuestionaryAsker(input=pipe, output=DummyOutput())

    with create_pipe_input() as pipe:
        assert asker("n").confirm("Private CA", True, "  the help") is False
    with create_pipe_input() as pipe:  # arrow down from the default, the empty choice, to the next one
        assert asker("\x1b[B\r").select("Access mode", ("", "ReadWriteOnce"), "", "") == "ReadWriteOnce"
    with create_pipe_input() as pipe:  # the current value is prefilled: erase it, type the new one
        assert asker("\x7f" * 4 + "50Gi\r").text("Size", "10Gi", "") == "50Gi"
    with create_pipe_input() as pipe, pytest.raises(KeyboardInterrupt):  # Ctrl+C: cli.main exits 130
        asker("\x03").text("Size", "10Gi", "")
    assert "  the help" in capsys.readouterr().out


def test_importing_prompts_does_not_import_questionary() -> None:
    code = "import sys, wizard.frontend.prompts; print('questionary' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


class ByLabel:
    """Answers each question from a queue kept per label (the default once it runs dry), and records the labels."""

    def __init__(self, answers: Mapping[str, Sequence[object]]) -> None:
        self.queues = {label: list(queue) for label, queue in answers.items()}
        self.asked: list[str] = []
        self.helps: list[str] = []

    def _next(self, message: str, default: object, help: str) -> object:  # noqa: A002
        self.asked.append(message)
        self.helps.append(help)
        queue = self.queues.get(message)
        return queue.pop(0) if queue else default

    def confirm(self, message: str, default: bool, help: str) -> bool:  # noqa: A002
        return bool(self._next(message, default, help))

    def select(self, message: str, choices: Sequence[str], default: str, help: str) -> str:  # noqa: A002
        answer = str(self._next(message, default, help))
        assert answer in choices, (answer, choices)
        return answer

    def text(self, message: str, default: str, help: str) -> str:  # noqa: A002
        return str(self._next(message, default, help))

    def refused(self, field: str, reason: str) -> None:
        """Asked again, as in a terminal."""

    def password(self, message: str, help: str) -> str:  # noqa: A002
        return str(self._next(message, "", help))


def test_a_channel_is_added_and_the_first_removed_in_plain_mode() -> None:
    asker = ByLabel({"Channels: 1 channel": ["add a channel"],
                     "Channels: 2 channels": ["remove channel 1 (mychannel)"],
                     "Channel name": ["mychannel", "second"]})
    result = run(preset_plan(), ask=asker, out=io.StringIO())
    assert result is not None and [c.name for c in result.channels] == ["second"]
    assert asker.asked.count("Channels: 1 channel") == 2  # asked again after each change, until kept


def test_a_new_image_left_empty_is_asked_again_until_it_is_given() -> None:
    label = "Images to copy into the bundled registry - Image"
    asker = ByLabel({"Images to copy into the bundled registry: 0 images": ["add an image"],
                     label: ["", "substra/tools:1.0"]})
    printed = io.StringIO()
    result = run(preset_plan(), ask=asker, out=printed)
    assert result is not None and [p.image for p in result.features.prepopulate] == ["substra/tools:1.0"]
    second = [h for a, h in zip(asker.asked, asker.helps, strict=True) if a == label][1]
    assert second.endswith("! required")  # asked again, saying why


def test_each_answer_is_kept_and_an_unfinished_run_is_offered_back(monkeypatch) -> None:
    from wizard.frontend import resume

    kept: list[dict] = []
    asker = ByLabel({"Worker volume - Size": ["50Gi"], WRITE_QUESTION_LABEL: [False]})
    run(preset_plan(), ask=asker, out=io.StringIO(), keep=kept.append)
    assert kept and kept[-1]["storage"]["worker"]["size"] == "50Gi"

    resume.save(kept[-1])
    again = ByLabel({})
    result = run(preset_plan(), ask=again, out=io.StringIO(), saved=resume.load())
    assert again.asked[0].startswith("An unfinished run was saved")
    assert result is not None and result.storage.worker.size == "50Gi"

    declined = ByLabel({again.asked[0]: [False]})
    result = run(preset_plan(), ask=declined, out=io.StringIO(), saved=resume.load())
    assert result is not None and result.storage.worker.size is None
    assert resume.load() is None  # starting over forgets it


def test_plain_answers_interrupted_by_the_pipe_running_dry_are_resumed_by_the_next_run(monkeypatch, capsys) -> None:
    from wizard.frontend import resume

    plan = preset_plan()
    lines = answer_lines(plan, {"storage.worker.size": "50Gi"})
    cut = lines[: lines.index("50Gi") + 1]  # the pipe ends right after the size was answered
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in cut)))
    assert main(["--preset", "minimal", "--plain", "--out", "unused"]) == 2
    saved = resume.load()
    assert saved is not None and saved.data["storage"]["worker"]["size"] == "50Gi"
    capsys.readouterr()


WRITE_QUESTION_LABEL = "Write the files?"
