"""One generation per folder: the files of a run all land, or none does, even when the run is killed.

A run's files are first written complete (fsync) into a staging folder inside the target, `.wizard-write/` (0700).
One rename then commits them: `committed`, the list of their names, appears in the staging folder. Only then is each
file renamed into place, and the staging folder removed. Whatever a killed run left is settled by the next run, and
before any command reads such a folder: a committed staging folder is rolled forward (its renames finished), an
uncommitted one is removed (the folder still holds the previous generation whole), and the `.NAME.xxxxxxxx.tmp`
files of older versions are removed.

Why a journal inside the folder rather than a swap of the whole folder: `--out .` would leave the operator's shell in
a deleted folder, and a swap would have to carry the operator's other files across. Concurrent runs on one folder
are kept apart by an flock on the folder itself (no lock file is left behind): a second writer is refused at once,
a reader that finds leftovers waits for the writer (a write takes milliseconds).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from wizard.core import files
from wizard.core.errors import OutputError

STAGING = ".wizard-write"
COMMITTED = "committed"
"""In the staging folder: the JSON list of the staged names; its presence makes the generation complete."""
_LISTING = "committed.partial"
VALUES_FILES = ("orchestrator-values.yaml", "substra-backend-values.yaml", "substra-frontend-values.yaml")
SECRET_FILES = tuple(f"{chart}-{kind}" for chart in ("orchestrator", "substra-backend")
                     for kind in ("secrets.yaml", "credentials.values"))
"""The files of a run's secrets/ folder, its own generation (see secret_files)."""
RUN_FILES = frozenset(
    [name + suffix for name in (*VALUES_FILES, "wizard-answers.yaml", "install.sh", "network.yaml")
     for suffix in ("", ".bak")]
    + list(SECRET_FILES))
"""Every name a run writes into a folder; recovery moves or removes nothing else (a crafted staging folder cannot
place any other file)."""
READER_WAIT_SECONDS = 10.0
"""How long a command that reads a folder waits for a wizard writing it (a write takes milliseconds)."""
_MAX_LISTING = 64 * 1024

Say = Callable[[str], None]


@dataclass(frozen=True)
class NewFile:
    """One file of the generation being written: its name in the folder, its bytes, its mode."""

    name: str
    data: bytes
    mode: int = files.PRIVATE_FILE


def say_on_stderr(note: str) -> None:
    print(f"wizard: {note}", file=sys.stderr)


@contextmanager
def writing(folder: Path, say: Say = say_on_stderr) -> Iterator[None]:
    """Hold `folder` for writing: create it if missing (0700), take its lock, settle what a killed run left.

    Raises:
        OutputError: the folder cannot be created, or another wizard is writing it (nothing is written then).
    """
    try:
        files.make_dirs(folder)
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise OutputError(f"Cannot create the folder {folder}: {files.write_reason(error)}; choose another --out "
                          "folder.", title="Cannot write file") from None
    try:
        if not _lock(fd, wait=0):
            raise OutputError(f"Another wizard is writing {folder} right now; nothing was written. Wait for it to "
                              "finish, then run again.", title="Folder busy")
        for note in recover(folder):
            say(note)
        yield
    finally:
        os.close(fd)  # releases the lock


def commit(folder: Path, new: Sequence[NewFile]) -> None:
    """Write `new` as one generation of `folder` (held with `writing`): staged, committed, then moved into place.

    Raises:
        OutputError: naming the file; before the commit nothing changed in the folder, after it the next run (or
            reader) finishes the move.
    """
    unknown = [item.name for item in new if item.name not in RUN_FILES]
    if unknown:
        raise ValueError(f"not a file of a run: {unknown}")
    staging = folder / STAGING
    done = False
    target = staging
    try:
        os.mkdir(staging, files.PRIVATE_DIR)
        os.chmod(staging, files.PRIVATE_DIR)
        for item in new:
            target = folder / item.name
            files.write_new(staging / item.name, item.data, item.mode)
        target = staging
        files.write_new(staging / _LISTING, json.dumps([item.name for item in new]).encode())
        os.rename(staging / _LISTING, staging / COMMITTED)
        done = True
        files.fsync_dir(staging)
        files.fsync_dir(folder)
    except OSError as error:
        if not done:  # only the fsyncs come after the commit: the files still go in place below
            with suppress(OSError):
                _discard(staging)
            raise OutputError(f"Cannot write {target}: {files.write_reason(error)}. Nothing was written.",
                              title="Cannot write file") from None
    except BaseException:  # Ctrl+C: before the commit nothing of this run stays, after it the next run finishes it
        if not done:
            with suppress(OSError):
                _discard(staging)
        raise
    _roll_forward(folder, staging, [item.name for item in new])


def recover(folder: Path, *, reading: bool = False) -> list[str]:
    """Finish or undo the write a killed run left in `folder` (the caller holds its lock); notes saying what was done.

    `reading`: for a command that only reads the folder; what cannot be cleaned (no write permission) and does not
    change what is read is left alone.

    Raises:
        OutputError: a committed write cannot be finished (the folder would mix two runs), or the staging name is
            taken by something else.
    """
    notes: list[str] = []
    staging = folder / STAGING
    info = _lstat(staging)
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{staging} is in the way: the wizard stages its writes there. Move it away, then run "
                              "again.", title="Cannot write file")
        names = _committed_names(staging)
        if names is not None:
            moved = _roll_forward(folder, staging, names)
            notes.append(f"{folder}: finished the write of an interrupted run (it was complete, not yet in place): "
                         f"moved {', '.join(moved)} into place." if moved else
                         f"{folder}: removed what an interrupted run left of its write ({STAGING}/; its files were "
                         "already in place).")
        else:
            try:
                _discard(staging)
            except OSError as error:
                if not reading:
                    raise OutputError(f"Cannot remove {staging}, the unfinished write of an interrupted run: "
                                      f"{files.write_reason(error)}.", title="Cannot write file") from None
            else:
                notes.append(f"{folder}: removed the unfinished write of an interrupted run ({STAGING}/); the files "
                             "there are still those of the run before it.")
    stray = files.remove_stale_temps(folder, RUN_FILES)
    if stray:
        notes.append(f"{folder}: removed {len(stray)} temporary file(s) left by an interrupted run: "
                     f"{', '.join(sorted(stray))}.")
    return notes


def settle(folder: Path, say: Say = say_on_stderr) -> None:
    """Before reading a folder the wizard wrote: finish or undo an interrupted write there (see the module). Costs one
    listing of the folder when there is nothing to do; waits up to READER_WAIT_SECONDS for a wizard writing it.

    Raises:
        OutputError: another wizard keeps the folder longer than that, or a committed write cannot be finished.
    """
    if not _leftovers(folder):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return  # reading it will say what is wrong
    try:
        if not _lock(fd, wait=READER_WAIT_SECONDS):
            raise OutputError(f"Another wizard has been writing {folder} for {READER_WAIT_SECONDS:g} s; wait for "
                              "it to finish, then run again.", title="Folder busy")
        notes = recover(folder, reading=True)
    finally:
        os.close(fd)
    for note in notes:
        say(note)


def _leftovers(folder: Path) -> bool:
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(name == STAGING or (name.endswith(".tmp") and name.startswith(".")) for name in names)


def _committed_names(staging: Path) -> list[str] | None:
    """The names a committed staging folder holds; None when it was never committed."""
    listing = staging / COMMITTED
    if _lstat(listing) is None:
        return None
    text = files.read_text(listing, limit=_MAX_LISTING, what="the wizard's list of staged files")
    try:
        names = json.loads(text)
    except ValueError:
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) and n in RUN_FILES for n in names):
        raise OutputError(f"{listing} is not a list the wizard wrote (it names files a run does not write). Look at "
                          f"{staging}, move it away, then run again.", title="Cannot finish an interrupted write")
    return names


def _roll_forward(folder: Path, staging: Path, names: Sequence[str]) -> list[str]:
    """Move each staged file into place (those already moved are skipped), then remove the staging folder."""
    moved = []
    for name in names:
        source = staging / name
        info = _lstat(source)
        if info is None or not stat.S_ISREG(info.st_mode):
            continue
        try:
            os.replace(source, folder / name)
        except OSError as error:
            reason = files.write_reason(error)
            if error.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
                reason = "a directory is in the way; move it away"
            raise OutputError(f"Cannot put {folder / name} in place: {reason}. The files of the interrupted write "
                              f"wait in {staging}; the next run puts them in place.",
                              title="Cannot finish an interrupted write") from None
        moved.append(name)
    files.fsync_dir(folder)
    try:
        _discard(staging)
    except OSError:
        pass  # committed and moved: what is left is empty or already in place; the next run removes it
    files.fsync_dir(folder)
    return moved


def _discard(staging: Path) -> None:
    """Remove the staging folder and what is in it (only ever the wizard's files; links are removed, not followed)."""
    try:
        entries = list(os.scandir(staging))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            import shutil

            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    os.rmdir(staging)


def _lock(fd: int, *, wait: float) -> bool:
    """The exclusive lock of the folder open as `fd`, waiting up to `wait` seconds; False when it stays taken."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        except OSError:
            return True  # a file system without locks (some network mounts): nothing better to do than go on


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
