"""Path options against hostile paths: every path option of every command refuses an empty path, a NUL and a name
too long for the file system in one message naming the option (exit 2, nothing written); every OSError the system
raises on a path ends in one line that names the path, cut when long, and says what to do, never in exit 70."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.yamlkit.yamlio import MAX_MANIFEST_BYTES

LONG = "n" * 300
# Every path option, as (argv before the path, argv after it): the path goes in between.
PATH_OPTIONS = {
    "wizard --out": (["--non-interactive", "--out"], []),
    "wizard --answers": (["--non-interactive", "--out", "o", "--answers"], []),
    "wizard --bundle": (["--non-interactive", "--out", "o", "--bundle"], []),
    "wizard --import": (["--non-interactive", "--out", "o", "--import"], []),
    "wizard --kubeconfig": (["--non-interactive", "--out", "o", "--kubeconfig"], []),
    "wizard --charts": (["--non-interactive", "--out", "o", "--charts"], []),
    "import --values": (["import", "--values"], []),
    "import --out": (["import", "--values", "substra-backend=v.yaml", "--out"], []),
    "bundle --out": (["bundle", "--preset", "minimal", "--out"], []),
    "bundle --values": (["bundle", "--out", "b.tgz", "--values"], []),
    "bundle --answers": (["bundle", "--out", "b.tgz", "--answers"], []),
    "explain --values": (["explain", "--values"], []),
    "explain --manifests": (["explain", "--manifests"], []),
    "explain --bundle": (["explain", "--bundle"], []),
    "explain --answers": (["explain", "--answers"], []),
    "why --answers": (["why", "storage.worker.size", "--answers"], []),
    "why --import": (["why", "storage.worker.size", "--import"], []),
    "pss FILE": (["pss"], []),
    "netpol FILE": (["netpol"], []),
    "preflight --kubeconfig": (["preflight", "--kubeconfig"], []),
    "diff A": (["diff"], ["minimal"]),
    "diff answers:": (["diff"], ["minimal"]),
    "diff dir:": (["diff"], ["minimal"]),
    "diff bundle:": (["diff"], ["minimal"]),
    "diff values:": (["diff"], ["minimal"]),
}
_CHART_PAIR = {"wizard --import", "import --values", "bundle --values", "explain --values", "why --import"}


def argv_for(option: str, path: str) -> list[str]:
    before, after = PATH_OPTIONS[option]
    if option in _CHART_PAIR:
        path = f"substra-backend={path}"
    elif option.startswith("diff ") and option.endswith(":"):
        path = f"{option.split()[1]}{path}" if option != "diff values:" else f"values:substra-backend={path}"
    return [*before, path, *after]


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in an empty folder holding only v.yaml (a values file), so a write into the current folder
    shows."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v.yaml").write_text("server: {}\n")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("option", PATH_OPTIONS)
@pytest.mark.parametrize(("path", "words"), [
    ("", "empty"),
    (LONG, "300 bytes long"),
    (f"dir/{LONG}/file.yaml", "300 bytes long"),
    ("a/" * 2100, "bytes long; paths are at most 4095 bytes"),
    ("nul\x00byte", "NUL"),
], ids=["empty", "long-name", "long-name-inside", "long-path", "nul"])
def test_a_path_that_cannot_work_is_refused_naming_the_option(option: str, path: str, words: str,
                                                              capsys: pytest.CaptureFixture[str],
                                                              in_empty_folder: Path) -> None:
    code, err = run(capsys, argv_for(option, path))
    assert code == 2, err
    if not path and (option in _CHART_PAIR or option == "diff values:"):
        words = "CHART=FILE"  # `substra-backend=` with nothing after it: the pair's own message
    elif not path and option.startswith("diff ") and option.endswith(":"):
        words = "nothing follows"
    elif not path and option == "diff A":
        words = "the configuration is empty"
    assert words in err and "Traceback" not in err and "internal error" not in err
    last = err.strip().splitlines()[-1]
    assert len(last) < 400 and LONG not in last, last  # the path is cut (first and last 40 characters)
    if not option.startswith("diff"):
        assert option.split()[-1].lstrip("-").split(":")[0] in err or option.endswith("FILE")
    assert sorted(p.name for p in in_empty_folder.iterdir()) == ["v.yaml"]  # nothing written, nowhere


@pytest.mark.parametrize("code", [errno.ENAMETOOLONG, errno.ELOOP, errno.EINVAL, errno.ENOTDIR, errno.EEXIST,
                                  errno.EMLINK, errno.EFBIG, errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO,
                                  errno.EXDEV, errno.ETXTBSY, errno.EBUSY])
@pytest.mark.parametrize("command", [["--non-interactive", "--out", "deploy"],
                                     ["import", "--values", "substra-backend=v.yaml", "--out", "deploy"],
                                     ["bundle", "--preset", "minimal", "--out", "b.tgz"]])
def test_every_system_refusal_while_writing_is_one_line(code: int, command: list[str], monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever layer the OSError escapes from (the writers turn most into messages themselves), cli.main says it."""
    where = "deploy/" + "d" * 100 + "/substra-backend-values.yaml"

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), where)

    monkeypatch.setattr("wizard.writing.output.write_files", refuse)
    monkeypatch.setattr("wizard.support.bundle.write", refuse)
    status, err = run(capsys, command)
    assert status == 2, err
    lines = [line for line in err.splitlines() if line.startswith("wizard: ")]
    assert lines and "internal error" not in err and "…" in lines[-1] and "substra-backend-values.yaml" in lines[-1]
    assert lines[-1].endswith(".") and "; " in lines[-1] or ": " in lines[-1]


def test_an_oserror_without_a_file_is_still_a_bug(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "boom")

    monkeypatch.setattr("wizard.writing.output.write_files", fail)
    status, err = run(capsys, ["--non-interactive", "--out", "deploy"])
    assert status == 70 and "internal error" in err


def test_paths_the_system_refuses_on_reading(in_empty_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_empty_folder / "loop1").symlink_to("loop2")
    (in_empty_folder / "loop2").symlink_to("loop1")
    for argv, words in [
        (["--non-interactive", "--out", "o", "--answers", "loop1"], "loop of symbolic links"),
        (["explain", "--manifests", "loop1"], "loop of symbolic links"),
        (["pss", "v.yaml/x"], "part of the path is a file"),
        (["explain", "--values", "substra-backend=v.yaml/x"], "part of the path is a file"),
        (["--non-interactive", "--out", "v.yaml/sub"], "v.yaml/sub"),
        (["diff", "dir:loop1", "minimal"], "loop1"),
    ]:
        status, err = run(capsys, argv)
        assert status == 2 and words in err and "internal error" not in err, (argv, err)


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_bundle_out_is_never_written_over_something_that_is_not_a_regular_file(
        kind: str, in_empty_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = in_empty_folder / "b.tgz"
    if kind == "symlink":
        (in_empty_folder / "real.tgz").write_bytes(b"keep")
        target.symlink_to("real.tgz")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    status, err = run(capsys, ["bundle", "--preset", "minimal", "--out", str(target)])
    assert status == 2 and "--out" in err and {"symlink": "symbolic link", "fifo": "pipe (FIFO)",
                                               "folder": "is a folder"}[kind] in err
    assert target.is_symlink() if kind == "symlink" else (target.is_fifo() if kind == "fifo" else target.is_dir())


@pytest.mark.parametrize("option", ["wizard --out", "import --out", "bundle --out"])
def test_an_output_name_leaves_room_for_its_temporary_file(option: str, capsys: pytest.CaptureFixture[str],
                                                           in_empty_folder: Path) -> None:
    status, err = run(capsys, argv_for(option, "o" * 250))
    assert status == 2 and "at most 200 bytes" in err
    assert sorted(p.name for p in in_empty_folder.iterdir()) == ["v.yaml"]
    status, _ = run(capsys, argv_for(option, "o" * 200))
    assert status == 0


@pytest.mark.parametrize(("content", "words"), [
    (b"\x8b\x00\xff binary", "not valid UTF-8"),
    (b"a: [\n", "not a kubeconfig the client can read"),
    (b"contexts: x\ncurrent-context: a\n", "cannot use the kubeconfig"),
    (b"- 1\n- 2\n", "cannot use the kubeconfig"),
])
def test_a_kubeconfig_that_is_not_one_is_refused_in_words(content: bytes, words: str, in_empty_folder: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (in_empty_folder / "kc").write_bytes(content)
    status, err = run(capsys, ["preflight", "--kubeconfig", "kc"])
    assert status == 2 and words in err and "internal error" not in err, err


def test_a_kubeconfig_fifo_or_device_does_not_hang(in_empty_folder: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(in_empty_folder / "kc")
    for path in ("kc", "/dev/zero"):
        status, err = run(capsys, ["preflight", "--kubeconfig", path])
        assert status == 2 and "internal error" not in err
        monkeypatch.setenv("KUBECONFIG", f"{path}{os.pathsep}v.yaml")
        status, err = run(capsys, ["preflight"])
        assert status == 2 and "internal error" not in err


def test_a_private_ca_path_that_cannot_work_is_a_plan_problem(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run(capsys, ["--non-interactive", "--out", "o", "--set", "features.private_ca=true",
                               "--set", "features.add_cert_image_tag=1.0.1", "--set",
                               f"features.private_ca_file={LONG}"])
    assert status == 2 and "features.private_ca_file: the name is 300 bytes long" in err and LONG not in err


@pytest.mark.parametrize("argv", [["--non-interactive", "--out", "o", "--preset", ""], ["explain", "--preset", ""],
                                  ["why", "storage.worker.size", "--preset", ""]])
def test_an_empty_preset_name_is_refused_not_taken_for_the_default(argv: list[str], in_empty_folder: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run(capsys, argv)
    assert status == 2 and "the preset name is empty" in err
    assert sorted(p.name for p in in_empty_folder.iterdir()) == ["v.yaml"]


@pytest.mark.parametrize("argv", [["--non-interactive", "--out", "o", "--preset", LONG],
                                  ["diff", f"preset:{LONG}", "x"]])
def test_an_unknown_preset_name_is_shown_cut(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run(capsys, argv)
    assert status == 2 and "no preset" in err and "…" in err and LONG not in err


class _Endless:
    """Standard input that never ends (`wizard pss - < /dev/zero`): each read returns as much as asked."""

    class buffer:  # noqa: N801 - the attribute name sys.stdin has
        @staticmethod
        def read(size: int = -1) -> bytes:
            assert size > 0, "an unbounded read of standard input"
            return b"\0" * size


@pytest.mark.parametrize("command", [["pss", "-"], ["netpol", "-"], ["explain", "--manifests", "-"]])
def test_standard_input_is_read_within_the_cap(command: list[str], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", _Endless())
    status, err = run(capsys, command)
    assert status == 2 and f"standard input holds more than {MAX_MANIFEST_BYTES >> 20} MB" in err
