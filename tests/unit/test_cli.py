"""The `wizard` command end to end (in-process through `main`, and as a subprocess where the process matters)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wizard.cli import main
from wizard.planning import presets

FILES = ["orchestrator-values.yaml", "substra-backend-values.yaml", "wizard-answers.yaml", "install.sh"]


def run(*argv: str) -> int:
    return main(list(argv))


def test_minimal_preset_writes_the_values_answers_and_install_script(tmp_path: Path, capsys) -> None:
    out = tmp_path / "deploy"
    assert run("--preset", "minimal", "--non-interactive", "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "secrets"])
    assert sorted(p.name for p in (out / "secrets").iterdir()) == [
        "orchestrator-secrets.yaml", "substra-backend-credentials.values", "substra-backend-secrets.yaml"]
    backend = yaml.safe_load((out / "substra-backend-values.yaml").read_text())
    assert backend["orchestrator"]["host"] == "orchestrator-server.orchestrator"
    assert os.access(out / "install.sh", os.X_OK)
    printed = capsys.readouterr()
    assert "created   substra-backend-values.yaml" in printed.out
    assert f"sh {out / 'install.sh'}" in printed.out


def test_install_script_installs_in_order_with_the_written_files(tmp_path: Path) -> None:
    assert run("--preset", "localstack-dev", "--non-interactive", "--out", str(tmp_path)) == 0
    commands = [line for line in (tmp_path / "install.sh").read_text().splitlines() if line.startswith("helm upgrade")]
    assert [c.split()[3] for c in commands] == ["orchestrator", "backend", "frontend"]
    assert "substra/substra-backend --version 26.15.3 --namespace org-1 --create-namespace -f " \
           "substra-backend-values.yaml" in commands[1]


def test_running_twice_is_idempotent(tmp_path: Path, capsys) -> None:
    assert run("--non-interactive", "--out", str(tmp_path)) == 0
    before = {name: (tmp_path / name).read_text() for name in FILES}
    capsys.readouterr()
    assert run("--non-interactive", "--out", str(tmp_path)) == 0
    assert {name: (tmp_path / name).read_text() for name in FILES} == before
    assert "unchanged" in capsys.readouterr().out


def test_answers_file_reproduces_the_run(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("--preset", "production", "--set", "storage.worker.size=200Gi", "--non-interactive",
               "--out", str(first)) == 0
    assert run("--answers", str(first / "wizard-answers.yaml"), "--non-interactive", "--out", str(second)) == 0
    for name in ("substra-backend-values.yaml", "substra-frontend-values.yaml", "install.sh"):
        assert (first / name).read_text() == (second / name).read_text(), name


def test_set_overrides_a_decision(tmp_path: Path) -> None:
    assert run("--set", "features.builder=false", "--set", "storage.worker.size=50Gi", "--non-interactive",
               "--out", str(tmp_path)) == 0
    backend = yaml.safe_load((tmp_path / "substra-backend-values.yaml").read_text())
    assert backend["builder"]["enabled"] is False
    assert backend["worker"]["persistence"]["size"] == "50Gi"


def test_set_can_add_to_lists_and_clear_fields(tmp_path: Path) -> None:
    assert run("--set", "channels[1].name=second", "--set", "channels[1].organizations=[OrgBMSP]",
               "--set", "ingress.backend_host=api.example.com", "--set", "ingress.backend_host=",
               "--non-interactive", "--out", str(tmp_path)) == 0
    orchestrator = yaml.safe_load((tmp_path / "orchestrator-values.yaml").read_text())
    assert orchestrator["channels"][1] == {"name": "second", "organizations": ["Org1MSP", "OrgBMSP"]}
    assert "server" not in yaml.safe_load((tmp_path / "substra-backend-values.yaml").read_text())


@pytest.mark.parametrize(("argv", "message"), [
    (["--set", "storage.worker.sise=1Gi"], "--set storage.worker.sise: storage.worker has no field sise; did you "
                                           "mean size?"),
    (["--set", "features.builder"], "--set features.builder: write it as path=value, e.g. features.builder=false"),
    (["--set", "storage.worker.size=10GB"], 'storage.worker.size: "10GB" is not a Kubernetes quantity; did you mean '
                                            "10Gi? (from --set)"),
    (["--set", "channels[5].name=x"], "--set channels[5].name: channels has 1 item(s); use an index from 0 to 1"),
    (["--set", "storage=x"], "--set storage: storage is a section; set one of its fields, e.g. "
                             "storage.orchestrator_database"),
    (["--preset", "huge"], '--preset: no preset "huge"; choose one of airgapped, localstack-dev, minimal, production'),
])
def test_bad_input_is_exit_2_with_a_message_and_no_files(tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    out = tmp_path / "out"
    assert run(*argv, "--non-interactive", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_broken_answers_file_is_reported_with_its_name_and_line(tmp_path: Path, capsys) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("schema: substra-wizard/answers@1\nplan:\n  features: [builder\n")
    assert run("--answers", str(answers), "--non-interactive", "--out", str(tmp_path / "out")) == 2
    err = capsys.readouterr().err
    assert str(answers) in err and "line" in err and "Traceback" not in err


def test_answers_file_without_schema_is_refused(tmp_path: Path, capsys) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("plan: {}\n")
    assert run("--answers", str(answers), "--non-interactive", "--out", str(tmp_path / "out")) == 2
    assert "schema: missing: the file should start with `schema: substra-wizard/answers@1`" in capsys.readouterr().err


def test_edited_values_file_is_refused_then_merged_with_force(tmp_path: Path, capsys) -> None:
    assert run("--non-interactive", "--out", str(tmp_path)) == 0
    values = tmp_path / "substra-backend-values.yaml"
    values.write_text(values.read_text() + "# my note about the ingress\nextraThing: 1  # keep me\n")
    capsys.readouterr()
    assert run("--set", "features.builder=false", "--non-interactive", "--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert str(values) in err and "--force" in err
    assert "builder" not in values.read_text()
    assert run("--set", "features.builder=false", "--non-interactive", "--out", str(tmp_path), "--force") == 0
    merged = values.read_text()
    assert "# my note about the ingress" in merged and "extraThing: 1  # keep me" in merged
    assert yaml.safe_load(merged)["builder"]["enabled"] is False


def test_no_terminal_and_no_non_interactive_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "wizard", "--preset", "minimal"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert "--non-interactive" in result.stderr
    assert not (tmp_path / "substra-deploy").exists()


def test_list_presets_describes_every_preset(capsys) -> None:
    assert run("--list-presets") == 0
    out = capsys.readouterr().out
    for name in presets.names():
        assert f"{name}\n    " in out


def test_the_non_interactive_run_loads_neither_textual_nor_kubernetes(tmp_path: Path) -> None:
    code = ("import sys; from wizard.cli import main; "
            f"code = main(['--preset', 'minimal', '--non-interactive', '--out', {str(tmp_path)!r}]); "
            "heavy = [m for m in ('textual', 'kubernetes', 'questionary') if m in sys.modules]; "
            "print(code, heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_ctrl_c_exits_130_and_says_what_happened(monkeypatch, capsys, tmp_path: Path) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("wizard.planning.layers.build_plan", interrupted)
    assert run("--non-interactive", "--out", str(tmp_path / "out")) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_bug_is_one_line_not_a_traceback(monkeypatch, capsys, tmp_path: Path) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("WIZARD_DEBUG", raising=False)
    monkeypatch.setattr("wizard.planning.layers.build_plan", broken)
    assert run("--non-interactive", "--out", str(tmp_path)) == 70
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err and "Traceback" not in err


def test_editing_the_answers_file_and_running_it_again_needs_no_force(tmp_path: Path, capsys) -> None:
    assert run("--non-interactive", "--out", str(tmp_path)) == 0
    answers = tmp_path / "wizard-answers.yaml"
    answers.write_text(answers.read_text().replace("builder: true", "builder: false"))
    assert run("--answers", str(answers), "--non-interactive", "--out", str(tmp_path)) == 0
    assert yaml.safe_load((tmp_path / "substra-backend-values.yaml").read_text())["builder"]["enabled"] is False
    assert "builder: false" in answers.read_text()
    assert (tmp_path / "wizard-answers.yaml.bak").exists()


def test_plain_mode_from_piped_answers_writes_the_same_files_as_non_interactive(tmp_path: Path) -> None:
    plain, batch = tmp_path / "plain", tmp_path / "batch"
    result = subprocess.run([sys.executable, "-m", "wizard", "--preset", "minimal", "--plain", "--out", str(plain)],
                            input="\n" * 400, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Pod Security" in result.stdout  # the implications summary comes before writing
    assert run("--preset", "minimal", "--non-interactive", "--out", str(batch)) == 0
    for name in FILES:
        assert (plain / name).read_text() == (batch / name).read_text(), name


def test_writing_after_answering_forgets_the_resume_draft(tmp_path: Path) -> None:
    from wizard.frontend import resume
    from wizard.planning.plan import Plan

    resume.save(Plan().model_dump(mode="json"))
    result = subprocess.run([sys.executable, "-m", "wizard", "--preset", "minimal", "--plain", "--out",
                             str(tmp_path)], input="\n" * 400, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert resume.load() is None


def test_help_lists_every_command_with_one_line_within_80_columns(capsys) -> None:
    """Issue 16: `wizard --help` named only some commands; now each has a line, and a new command without one fails
    here."""
    from wizard.cli import SUBCOMMANDS, SUMMARIES

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert set(SUMMARIES) == set(SUBCOMMANDS)
    for name, summary in SUMMARIES.items():
        line = next(line for line in out.splitlines() if line.startswith(f"  wizard {name} "))
        assert line.endswith(summary) and len(line) <= 80
