"""`wizard why KEY` with every form of KEY a hand can type: each ends in an answer (exit 0) or one clear line
(exit 2), never in exit 70, with the minimal preset, another preset, and an answers file with two channels."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.cli import main

KEYS_REFUSED = [
    "channels[1].name",  # past the end of a one-channel list
    "channels.5.name", "channels[1]", "channels[0].organizations[0]",
    "channels[-1].name", "channels[x].name", "channels[].name", "channels[99999999999999999999].name",
    "storage[0]", "storage.worker[0]", "storage.worker.size[0]", "channels[0][0]", "channels.name",
    "", " ", ".", "..", "[", "]", "[0]", "channels[", "channels]", "channels[[0]]", "channels[0", "channels[0]]",
    "a..b", ".storage.worker.size", "storage.worker.size.", "storage..worker.size",
    ":", ":x", "substra-backend:", "x:y:z", "substra-backend:a..b", "nosuchchart:x",
    "\x1b[2J", "storage\n.worker", "a" * 400, "störage.worker", "channels.0000000000001.name",
]


def why(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["why", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def two_channels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An answers file (written by the wizard itself) whose plan has two channels, the first with two members."""
    out = tmp_path / "out"
    assert main(["--preset", "production", "--non-interactive", "--out", str(out)]) == 0
    capsys.readouterr()
    text = (out / "wizard-answers.yaml").read_text()
    first = text.index("    - name: production")
    end = text.index("restricted:", first)
    text = text[:first] + ("    - name: production\n      organizations: [Org1MSP, Org2MSP]\n"
                           "    - name: second\n      organizations: []\n      ") + text[end:]
    answers = tmp_path / "answers.yaml"
    answers.write_text(text)
    return answers


@pytest.mark.parametrize("key", KEYS_REFUSED)
@pytest.mark.parametrize("source", [[], ["--preset", "production"]])
def test_every_odd_key_is_one_clear_line(key: str, source: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = why(capsys, key, *source)
    assert code == 2 and not out, err
    assert err.startswith("wizard: ") and err.count("\n") == 1 and "\x1b" not in err and len(err) < 400, err


@pytest.mark.parametrize(("key", "words"), [
    ("channels[1].name", "there is no channels[1] in this Plan: channels has 1 item ([0] to [0])"),
    ("channels[0].organizations[0]", "channels[0].organizations is empty"),
    ("storage[0]", "storage is not a list, so [0] names nothing"),
    ("channels.name", "channels is a list; name one item, e.g. channels[0].name"),
    ("channels[x].name", "a list index is written [N]"),
    ("a..b", "no empty parts"),
    ("substra-backend:", "write CHART:KEY"),
    ("a" * 400, "is 400 characters long; keys are at most 300"),
    ("channels[99999999999999999999].name", "larger than any Plan list"),
])
def test_the_line_says_what_is_wrong(key: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = why(capsys, key)
    assert code == 2 and words in err, err


@pytest.mark.parametrize(("key", "first_line"), [
    ("channels[1].name", 'channels[1].name = "second"'),
    ("channels.1.name", 'channels.1.name = "second"'),
    ("channels[0].organizations[1]", 'channels[0].organizations[1] = "Org2MSP"'),
    ("channels[00].name", 'channels[00].name = "production"'),
])
def test_indexes_inside_the_answers_lists_are_answered(key: str, first_line: str, two_channels: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = why(capsys, key, "--answers", str(two_channels))
    assert code == 0, err
    assert out.splitlines()[0] == first_line and "set by answers file" in out


@pytest.mark.parametrize("key", ["channels[2].name", "channels[0].organizations[2]", "channels[1].organizations[0]"])
def test_indexes_past_the_answers_lists_are_refused(key: str, two_channels: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = why(capsys, key, "--answers", str(two_channels))
    assert code == 2 and not out and "in this Plan" in err and err.count("\n") == 1
