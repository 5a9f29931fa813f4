"""--plain with piped answers (issue 16): a refused answer used to be asked again, which read the next line, so every
later answer landed on the wrong question and the run still exited 0. Now it stops at once with exit 2, naming the
field, and writes nothing; the steps are numbered as in the full-screen wizard."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from plain_lines import answer_lines

from wizard.cli import main
from wizard.frontend.steps import STEPS
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan

GOOD = "Correct-Horse-Battery-Staple-42"


def minimal():
    return build_plan([Layer("minimal", presets.load("minimal").plan)])


def piped(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path, lines: list[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code = main(["--preset", "minimal", "--plain", "--out", str(tmp_path / "out")])
    printed = capsys.readouterr()
    return code, printed.out, printed.err


@pytest.mark.parametrize(("answers", "field", "said"), [
    ({"storage.worker.size": ["10GB", "10Gi"]}, "storage.worker.size", "did you mean 10Gi?"),
    ({"features.object_store": ["s3", "minio"]}, "Object storage", '"s3" is not one of the choices'),
    ({"password:admin": ["short", GOOD]}, "the password of admin user admin", "it has 5 characters"),
])
def test_a_refused_piped_answer_stops_the_run_naming_the_field(answers, field: str, said: str, monkeypatch,
                                                               capsys, tmp_path: Path) -> None:
    code, out, err = piped(monkeypatch, capsys, tmp_path, answer_lines(minimal(), answers))
    assert code == 2 and not (tmp_path / "out").exists()
    assert err.startswith(f"wizard: {field}") and said in err and "Piped answers stop" in err
    assert "Traceback" not in err and GOOD not in out + err


def test_a_piped_run_with_good_answers_still_writes(monkeypatch, capsys, tmp_path: Path) -> None:
    code, out, _ = piped(monkeypatch, capsys, tmp_path, answer_lines(minimal(), {"storage.worker.size": "20Gi"}))
    assert code == 0 and (tmp_path / "out" / "substra-backend-values.yaml").is_file()


def test_the_steps_are_numbered_as_in_the_full_screen_wizard(monkeypatch, capsys, tmp_path: Path) -> None:
    _, out, _ = piped(monkeypatch, capsys, tmp_path, answer_lines(minimal()))
    for number, step in enumerate(STEPS, start=1):
        assert f"== Step {number} of {len(STEPS)}: {step.title} ==" in out
