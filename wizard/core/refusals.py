"""What the operating system refused, in words that say what to do: one line for an OSError that names a file,
whether the wizard was reading or writing it, and the limits file systems put on names and paths."""

from __future__ import annotations

import errno

from wizard.core.shown import shown

MAX_NAME_BYTES = 255
"""Bytes of one name in a path (NAME_MAX on Linux and macOS file systems)."""
MAX_PATH_BYTES = 4095
"""Bytes of a whole path (PATH_MAX, 4096 with its terminating NUL, on Linux)."""

READ_REASONS = {
    errno.ENOENT: "it does not exist; check the path",
    errno.EACCES: "permission denied; check its permissions and those of its folders",
    errno.EPERM: "permission denied; check its permissions and those of its folders",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "part of the path is a file, not a folder; check the path",
    errno.ENAMETOOLONG: f"a name in it is longer than the file system allows ({MAX_NAME_BYTES} bytes a name, "
                        f"{MAX_PATH_BYTES} the whole path); choose a shorter path",
    errno.ELOOP: "it goes through a loop of symbolic links; fix the links or give the real path",
    errno.EINVAL: "the file system refuses this name; choose another one",
    errno.EIO: "the disk reported an input/output error; check the disk",
    errno.ENXIO: "it is a device or socket with nothing behind it; give a regular file",
    errno.EMFILE: "too many files are open; close some programs and run again",
    errno.ENFILE: "too many files are open on this system; run again later",
}


WRITE_REASONS = {
    errno.EACCES: "permission denied; check the directory's permissions or choose another output directory",
    errno.EPERM: "permission denied; check the directory's permissions or choose another output directory",
    errno.ENOSPC: "the disk is full; free some space and run again",
    errno.EDQUOT: "the disk quota is exceeded; free some space and run again",
    errno.EROFS: "the file system is read-only; choose another output directory",
    errno.EISDIR: "a directory is in the way; move it or choose another output path",
    errno.ENOENT: "its directory does not exist; create it or choose another output directory",
    errno.ENOTDIR: "part of its directory path is a file; choose another output directory",
    errno.ENAMETOOLONG: "a name in the path is longer than the file system allows (255 bytes a name, 4095 the whole "
                        "path); choose a shorter path",
    errno.ELOOP: "the path goes through a loop of symbolic links; fix the links or choose another path",
    errno.EINVAL: "the file system refuses this name; choose another name",
    errno.EEXIST: "something already exists there; move it or choose another path",
    errno.EMLINK: "the folder holds too many links or entries; choose another folder",
    errno.EFBIG: "the file would be larger than the file system or a limit allows; choose another place",
    errno.ETXTBSY: "the file is in use by a running program; choose another path",
    errno.EBUSY: "the file or folder is busy (a mount point?); choose another path",
    errno.EXDEV: "the move crosses file systems; choose a folder on the same file system",
    errno.ENOTEMPTY: "a folder that is not empty is in the way; move it or choose another path",
    errno.EIO: "the disk reported an input/output error; check the disk",
}


def write_reason(error: OSError) -> str:
    """Why a write failed, in words that say what to do."""
    return WRITE_REASONS.get(error.errno or 0, error.strerror or str(error))


def describe(error: OSError) -> str:
    """One line for an OSError that names a file: what the system refused, on which path, and what to do."""
    code = error.errno or 0
    reason = READ_REASONS.get(code) or WRITE_REASONS.get(code) or (error.strerror or str(error)).lower()
    where = f'"{shown(error.filename)}"' if error.filename is not None else "a file"
    if error.filename2 is not None:
        where += f' (to "{shown(error.filename2)}")'
    return f"cannot use {where}: {reason}."
