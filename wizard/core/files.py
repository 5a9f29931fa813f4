"""Files the wizard writes and reads: atomic writes of private files (0600 whatever the umask), fingerprints that
tell an untouched generated file from an edited one, and reading text with clear errors. Nothing here knows YAML."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import secrets
import stat
from collections.abc import Collection, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Literal

from wizard.core.errors import OutputError
from wizard.core.refusals import WRITE_REASONS, describe, write_reason

FINGERPRINT_PREFIX = "# wizard-fingerprint: sha256:"
MAX_READ_BYTES = 20 * 1024 * 1024
PRIVATE_FILE = 0o600
"""Every file the wizard writes: values and answers files can carry imported credentials."""
PRIVATE_DIR = 0o700
"""Every folder the wizard creates (folders that were there keep their mode)."""
EXECUTABLE = 0o700
"""install.sh: run by its owner only (it reads the values files beside it)."""


def read_bytes(path: Path, *, limit: int = MAX_READ_BYTES, what: str = "a values file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; each refusal names the file and the fix.

    Only regular files: a FIFO would block for ever and /dev/zero never ends (its size from stat is 0, so a size
    check alone lets it through). The file is opened non-blocking, checked with fstat on the open descriptor (no
    race with a swap between check and open), then read at most `limit` + 1 bytes.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise OutputError(f"{path} does not exist; check the path.") from None
    except IsADirectoryError:
        raise OutputError(f"{path} is a directory, not a file; give the path of {what}.") from None
    except PermissionError:
        raise OutputError(f"Permission denied reading {path}; check the file's permissions.") from None
    except OSError as exc:
        raise OutputError(describe(exc).capitalize()) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path} is a directory, not a file; give the path of {what}.")
        raise OutputError(f"{path} is {_special_kind(info.st_mode)}, not a regular file; the wizard reads only "
                          f"regular files: save {what} to a file and give its path.", title="Not a file")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise OutputError(f"{path} is {_size(info.st_size)}; the wizard reads {what} up to {_size(limit)}: give "
                              f"{what} itself.", title="File too large")
        try:
            os.set_blocking(fd, True)
            data = handle.read(limit + 1)
        except OSError as exc:
            raise OutputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if len(data) > limit:  # it grew while being read
        raise OutputError(f"{path} is larger than {_size(limit)}; the wizard reads {what} up to {_size(limit)}: "
                          f"give {what} itself.", title="File too large")
    return data


def read_text(path: Path, *, limit: int = MAX_READ_BYTES, what: str = "a values file") -> str:
    """Read a UTF-8 regular file of at most `limit` bytes (a leading BOM is dropped); see read_bytes."""
    data = read_bytes(path, limit=limit, what=what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OutputError(f"{path} is not valid UTF-8 (byte offset {exc.start}); save it as UTF-8.") from None


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _size(count: int) -> str:
    """1 KB, 512 KB, 20 MB: the units the caps are documented in."""
    if count >= 1 << 20:
        return f"{count / (1 << 20):.3g} MB"
    return f"{count / 1024:.3g} KB" if count >= 1024 else f"{count} bytes"


def comment_lines(header: Sequence[str]) -> str:
    """Header strings (each may hold several lines) as '# ' comment lines."""
    lines = [line for item in header for line in str(item).split("\n")]
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)



def _split_shebang(text: str) -> tuple[str, str]:
    """('#!...\\n', rest) when text starts with a shebang line, else ('', text)."""
    if not text.startswith("#!"):
        return "", text
    end = text.find("\n")
    return (text + "\n", "") if end < 0 else (text[: end + 1], text[end + 1 :])


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def with_fingerprint(header: Sequence[str], body: str) -> str:
    """Header comments, the fingerprint line, then body. A '#!' first line of body stays the first
    line of the output: shebang + header + fingerprint + rest. The hash covers the whole body,
    shebang included (a body that is only a shebang without newline gains the newline)."""
    shebang, rest = _split_shebang(body)
    return f"{shebang}{comment_lines(header)}{FINGERPRINT_PREFIX}{_digest(shebang + rest)}\n{rest}"


def fingerprint_state(text: str) -> Literal["unedited", "edited", "foreign"]:
    """Inverse of with_fingerprint: look for the fingerprint among the leading comment lines (after a
    shebang) and hash shebang + everything after the fingerprint line. Header lines are not hashed."""
    shebang, rest = _split_shebang(text)
    pos = 0
    while rest.startswith("#", pos):
        end = rest.find("\n", pos)
        line = rest[pos:] if end < 0 else rest[pos:end]
        if line.startswith(FINGERPRINT_PREFIX):
            body = shebang + ("" if end < 0 else rest[end + 1 :])
            return "unedited" if line[len(FINGERPRINT_PREFIX) :] == _digest(body) else "edited"
        if end < 0:
            break
        pos = end + 1
    return "foreign"


def atomic_write(path: Path, text: str, *, mode: int = PRIVATE_FILE) -> None:
    """Replace one file atomically (see `replace_file`): a reader never sees half a file. The file is `mode` (0600
    by default) whatever the umask, also when it was there before with another mode.

    Raises:
        OutputError: naming the file and what to do.
    """
    if path.is_dir():
        raise OutputError(f"Cannot write {path}: {WRITE_REASONS[errno.EISDIR]}.", title="Cannot write file")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OutputError(f"Cannot write {path}: unencodable text at position {exc.start}.") from None
    try:
        replace_file(path, data, mode)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {write_reason(exc)}.", title="Cannot write file") from None


# --- write-side building blocks: private modes whatever the umask, temporary files nobody leaves behind -------------

_TEMP = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}\.tmp\Z")
"""`.NAME.1a2b3c4d.tmp`: the temporary file of a write in progress (or of one a SIGKILL stopped)."""


def replace_file(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write `data` to a temporary file beside `path`, fsync, rename it over `path`, fsync the folder.

    The temporary file is created `mode` (never wider, whatever the umask) and holds an flock while it lives, so that
    `remove_stale_temps` (called first, here) removes only those of runs that were killed, never a live one.

    Raises:
        OSError: the temporary file is removed first.
    """
    remove_stale_temps(path.parent, (path.name,))
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, PRIVATE_FILE)
    try:
        _flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _fill(fd, data, mode)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    fsync_dir(path.parent)


def write_new(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Create `path` (it must not exist; a symlink there is refused) as `mode` whatever the umask, write, fsync.

    Raises:
        OSError
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, PRIVATE_FILE)
    try:
        _fill(fd, data, mode)
    finally:
        os.close(fd)


def _fill(fd: int, data: bytes, mode: int) -> None:
    os.fchmod(fd, mode)  # the umask narrows the mode given to open; fchmod sets exactly this one
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def make_dirs(path: Path) -> list[Path]:
    """Create `path` and its missing parents, each 0700 whatever the umask; folders already there keep their mode.

    Returns:
        The folders created, outermost first.

    Raises:
        OSError
    """
    missing: list[Path] = []
    folder = path
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    created = []
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:  # made meanwhile by someone else: theirs, its mode stays
            continue
        os.chmod(folder, PRIVATE_DIR)  # the umask may have taken bits away (umask 0277 would leave it unwritable)
        created.append(folder)
    if not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    return created


def remove_stale_temps(folder: Path, names: Collection[str]) -> list[str]:
    """Remove the temporary files of `names` in `folder` that a killed run left (`.NAME.xxxxxxxx.tmp`): those of
    this version hold no lock any more, those of older versions never had one. A live write's file is kept.

    Returns:
        The names removed.
    """
    removed: list[str] = []
    try:
        entries = os.listdir(folder)
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry)
        if not match or match["name"] not in names:
            continue
        path = folder / entry
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode) or not _flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB):
                continue
            os.unlink(path)
            removed.append(entry)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def fsync_dir(folder: Path) -> None:
    """Make the renames in `folder` durable (a power cut after this keeps them); best effort."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _flock(fd: int, operation: int) -> bool:
    """flock; False when another process holds the lock. A file system without locks (some network mounts) counts
    as locked by us: there is nothing better to do there."""
    try:
        fcntl.flock(fd, operation)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return True


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
