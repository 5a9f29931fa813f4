"""Paths given on the command line (--out, --answers, --bundle, --values, --manifests, FILE..., dir:, bundle: ...):
checked before any file is opened, and the operating system's refusals said in words.

A path that cannot work is refused at once, naming the option: empty (`--out ""` would write into the current
folder), holding a NUL character, or longer than file systems allow. Whatever the system refuses later (a loop of
symbolic links, a file where a folder is needed, a full disk ...) reaches `cli.main` as an OSError naming the
file; `refusals.describe` turns it into one line. Long paths are shown cut (`shown`), so a message stays one line.
"""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Callable
from pathlib import Path

from wizard.core.refusals import MAX_NAME_BYTES, MAX_PATH_BYTES
from wizard.core.shown import shown

MAX_OUTPUT_NAME_BYTES = 200
"""Bytes of the last name of a path the wizard writes (--out): it writes through a temporary file or folder named
after it (`.NAME.1a2b3c4d.tmp`), which must fit in MAX_NAME_BYTES too."""
STDIN = "-"


def problem(text: str, *, output: bool = False) -> str | None:
    """Why `text` cannot be a path on this system, before anything is opened; None when it may be one. `output`: a
    path the wizard writes, whose last name leaves room for its temporary file's."""
    if text == "":
        return "the path is empty"
    if "\x00" in text:
        return "the path holds a NUL character"
    try:
        raw = os.fsencode(text)
    except UnicodeError:
        return "the path holds characters the file system cannot store (an unpaired surrogate)"
    if len(raw) > MAX_PATH_BYTES:
        return f"the path is {len(raw)} bytes long; paths are at most {MAX_PATH_BYTES} bytes"
    longest = max(raw.split(b"/"), key=len)
    if len(longest) > MAX_NAME_BYTES:
        name = "" if longest == raw else f' "{shown(os.fsdecode(longest))}"'
        return f"the name{name} is {len(longest)} bytes long; names are at most {MAX_NAME_BYTES} bytes"
    last = os.path.basename(raw.rstrip(b"/"))
    if output and len(last) > MAX_OUTPUT_NAME_BYTES:
        return (f"the name is {len(last)} bytes long; the wizard writes names of at most {MAX_OUTPUT_NAME_BYTES} bytes "
                "(it writes through a temporary file named after it)")
    return None


def check(text: str, option: str, *, stdin: bool = False) -> Path:
    """`text` as a Path, or a WizardError naming `option` and the path (cut when long).

    Raises:
        WizardError: the path cannot work (see `problem`).
    """
    from wizard.core.errors import WizardError

    if stdin and text == STDIN:
        return Path(text)
    reason = problem(text)
    if reason:
        shown_path = f' "{shown(text)}"' if text else ""
        raise WizardError(f"{option}{shown_path}: {reason}; give another path.")
    return Path(text)


def argument(*, stdin: bool = False, output: bool = False) -> Callable[[str], Path]:
    """An argparse `type=` for a path option: argparse names the option in its message. `stdin`: `-` is standard
    input; `output`: a path the wizard writes (see MAX_OUTPUT_NAME_BYTES)."""
    def parse(text: str) -> Path:
        reason = None if stdin and text == STDIN else problem(text, output=output)
        if reason:
            shown_path = f'"{shown(text)}": ' if text else ""
            raise argparse.ArgumentTypeError(f"{shown_path}{reason}; give another path")
        return Path(text)

    parse.__name__ = "path"  # argparse says "invalid path value" when it has nothing better to say
    return parse


def output_file() -> Callable[[str], Path]:
    """An argparse `type=` for a file the command writes whole (bundle --out): besides `argument`'s checks, what is
    already there must be a regular file, since the new file replaces it (as root, a device such as /dev/full would be
    replaced by a file; a symbolic link would be replaced, not followed)."""
    check_text = argument(output=True)

    def parse(text: str) -> Path:
        path = check_text(text)
        try:
            info = os.lstat(path)
        except OSError:
            return path  # nothing there yet (or unreachable: writing it says why)
        if stat.S_ISLNK(info.st_mode):
            raise argparse.ArgumentTypeError(f'"{shown(text)}" is a symbolic link; give the path of the file itself')
        if stat.S_ISDIR(info.st_mode):
            raise argparse.ArgumentTypeError(f'"{shown(text)}" is a folder; give a file name in it, e.g. '
                                             f"{shown(os.path.join(text, 'bundle.tar.gz'))}")
        if not stat.S_ISREG(info.st_mode):
            raise argparse.ArgumentTypeError(f'"{shown(text)}" is {_kind(info.st_mode)}, not a regular file; give '
                                             "the path of a new or regular file")
        return path

    parse.__name__ = "path"
    return parse


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "a special file"
