"""Reading a .tar.gz as the wizard writes one, and nothing else: a single gzip stream, inflated up to a bound and
checked to its end (CRC-32 and length), then plain USTAR headers walked by hand.

Why not tarfile: it reads a GNU long name or a pax header whole, whatever its size, before a caller can look at it
(a 300 KB file carrying a 300 MB name cost 1.27 GB and seconds), and it stops reading at the end of the archive, so
the gzip checksum is never checked. Here every size is checked before anything is read, every header type the
wizard never writes is refused by its type, and names are only ever shown through `untrusted.shown`.
Knows nothing of bundles: the caller gives the limits and judges the names.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from wizard.core.untrusted import shown

BLOCK = 512
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
_ZERO_BLOCK = bytes(BLOCK)
_USTAR_MAGICS = (b"ustar\x0000", b"ustar  \x00")  # POSIX, and GNU tar's (same layout for short names)
_REGULAR, _DIRECTORY = (b"0", b"\x00"), b"5"
_REFUSED_TYPES = {
    b"1": "a hard link", b"2": "a symbolic link", b"3": "a character device", b"4": "a block device",
    b"6": "a FIFO", b"7": "a contiguous file", b"L": "a GNU long-name header", b"K": "a GNU long-link header",
    b"N": "an old GNU long-name header", b"x": "a pax extended header", b"g": "a pax global header",
    b"X": "a Solaris extended header", b"S": "a GNU sparse file", b"V": "a volume label",
    b"M": "a multi-volume continuation", b"D": "a GNU dump directory",
}
_OTHER_MAGICS = (
    (b"PK\x03\x04", "a zip file"), (b"PK\x05\x06", "an empty zip file"), (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"), (b"\x28\xb5\x2f\xfd", "zstd-compressed"), (b"7z\xbc\xaf\x27\x1c", "a 7z file"),
)


class ArchiveError(ValueError):
    """Why the bytes are not a .tar.gz this module reads: one line, safe to show (no untrusted text unescaped)."""


@dataclass(frozen=True)
class Member:
    """A regular file or a folder of the archive; `data` is a view into the archive's bytes (empty for a folder)."""

    name: str
    data: memoryview
    folder: bool = False


def gunzip(data: bytes, *, limit: int) -> bytearray:
    """The content of exactly one gzip stream of at most `limit` bytes, its CRC-32 and length checked.

    Raises:
        ArchiveError: empty, another format, corrupt, truncated, larger than `limit`, more than one stream or
            anything after it, or compressed twice.
    """
    if not data:
        raise ArchiveError("it is empty (0 bytes)")
    if not data.startswith(GZIP_MAGIC):
        raise ArchiveError(_not_gzip(data))
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip only: zlib checks the header, CRC and length
    out, rest, view = bytearray(), b"", memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):  # pieces in, bounded pieces out: memory stays near `limit`
            pending: bytes | memoryview = view[start:start + _CHUNK]
            while pending and not inflater.eof:
                out += inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                _check_size(out, limit)
            if inflater.eof:
                rest = inflater.unused_data + view[start + _CHUNK:]
                break
        else:
            out += inflater.flush()  # output zlib still holds for the last piece (less than a block)
            _check_size(out, limit)
    except zlib.error as error:
        raise ArchiveError(_zlib_reason(str(error))) from None
    if not inflater.eof:
        raise ArchiveError("its gzip stream is truncated: the file is incomplete (copy it again)")
    if rest.startswith(GZIP_MAGIC):
        raise ArchiveError("it holds more than one gzip stream; a bundle is exactly one")
    if rest:
        raise ArchiveError(f"it has {len(rest):,} bytes after the end of its gzip stream (refused)")
    if out.startswith(GZIP_MAGIC):
        raise ArchiveError("it is compressed twice (a gzip inside the gzip); give the bundle wizard bundle wrote")
    return out


def _check_size(out: bytearray, limit: int) -> None:
    if len(out) > limit:
        raise ArchiveError(f"it decompresses to more than {_size(limit)}, more than any bundle holds (refused)")


def _not_gzip(data: bytes) -> str:
    for magic, what in _OTHER_MAGICS:
        if data.startswith(magic):
            return f"it is {what}, not a .tar.gz"
    if data[257:262] == b"ustar":
        return "it is a tar archive without gzip compression, not a .tar.gz"
    return "it is not gzip-compressed (a bundle is the .tar.gz wizard bundle writes)"


def _zlib_reason(message: str) -> str:
    if "incorrect data check" in message:
        return "its gzip checksum (CRC-32) does not match its content: the file is corrupt or was altered"
    if "incorrect length check" in message:
        return "its gzip length field does not match its content: the file is corrupt or was altered"
    return f"its gzip data is corrupt (zlib: {message.rpartition(': ')[2][:80]})"


def walk(data: bytes | bytearray, *, max_members: int, max_member_bytes: int) -> list[Member]:
    """The members of a USTAR archive, in order, up to its end-of-archive block (after which only zeros may follow).

    Only regular files and folders; names printable ASCII. Each header is checked (checksum, magic, type, name, size)
    before its data is looked at, and no size is trusted beyond the bytes there are.

    Raises:
        ArchiveError: naming the member (cut and escaped) and what is wrong.
    """
    view, members, pos = memoryview(data), [], 0
    while True:
        if pos + BLOCK > len(data):
            raise ArchiveError("its tar data ends without the end-of-archive block: the file is truncated")
        header = bytes(data[pos:pos + BLOCK])
        if header == _ZERO_BLOCK:
            if data.count(0, pos) != len(data) - pos:
                raise ArchiveError("it has data after the end of its tar archive (refused)")
            return members
        if len(members) == max_members:
            raise ArchiveError(f"it has more than {max_members} members")
        name, size, folder = _header(header, len(members) + 1, max_member_bytes)
        start = pos + BLOCK
        if start + size > len(data):
            raise ArchiveError(f"member {shown(name)} is cut short: the file is truncated")
        members.append(Member(name, view[start:start + size], folder))
        pos = start + -(-size // BLOCK) * BLOCK


def _header(header: bytes, index: int, max_member_bytes: int) -> tuple[str, int, bool]:
    """(name, size, is a folder) of one header, every field checked in the order a reader would trust it."""
    where = f"tar header {index}"
    if _number(header[148:156], where, "checksum") not in _checksums(header):
        raise ArchiveError(f"{where} is corrupt (its checksum does not match)")
    magic = header[257:265]
    if magic not in _USTAR_MAGICS:
        raise ArchiveError(f"{where} is not a USTAR header (an old or foreign tar format); a bundle is plain USTAR")
    name = _name(header, magic, where)
    kind = header[156:157]
    if kind in _REFUSED_TYPES:
        raise ArchiveError(f"member {shown(name)} is {_REFUSED_TYPES[kind]}, not a regular file (refused: a bundle "
                           "holds only regular files, no links or special files)")
    if kind not in (*_REGULAR, _DIRECTORY):
        raise ArchiveError(f"member {shown(name)} has the unknown tar type {shown(kind)} (refused)")
    size = _number(header[124:136], f"member {shown(name)}", "size")
    if kind == _DIRECTORY and size:
        raise ArchiveError(f"member {shown(name)} is a folder with {size:,} bytes of data (refused)")
    if size > max_member_bytes:
        raise ArchiveError(f"member {shown(name)} is too large ({_size(size)}; a bundle's file is at most "
                           f"{_size(max_member_bytes)})")
    return name, size, kind == _DIRECTORY


def _name(header: bytes, magic: bytes, where: str) -> str:
    """prefix/name (GNU tar keeps other fields where POSIX has the prefix); printable ASCII only."""
    parts = [header[0:100]] if magic != _USTAR_MAGICS[0] or not header[345] else [header[345:500], header[0:100]]
    names = []
    for field in parts:
        text, _, rest = field.partition(b"\x00")
        if rest.strip(b"\x00"):
            raise ArchiveError(f"{where} has bytes after the end of its name {shown(text)} (refused)")
        names.append(text)
    raw = b"/".join(names)
    if not raw:
        raise ArchiveError(f"{where} has an empty name (refused)")
    if any(byte < 0x20 or byte > 0x7E for byte in raw):
        raise ArchiveError(f"member {shown(raw)} has a name with non-ASCII or control characters (refused: a "
                           "bundle's names are plain ASCII)")
    return raw.decode("ascii")


def _number(field: bytes, where: str, what: str) -> int:
    """An octal header field (NULs and spaces around it); GNU's base-256 form is refused."""
    if field[:1] in (b"\x80", b"\xff"):
        raise ArchiveError(f"{where} has its {what} in GNU base-256 form, which a bundle never uses (refused)")
    digits = field.strip(b"\x00 ")
    if not digits or digits.strip(b"01234567"):
        raise ArchiveError(f"{where} has an invalid {what} field (the file is corrupt)")
    return int(digits, 8)


def _checksums(header: bytes) -> tuple[int, int]:
    """The header's sum with the checksum field as spaces, bytes unsigned and signed (old tars used either)."""
    unsigned = sum(header[:148]) + 8 * 0x20 + sum(header[156:])
    high = sum(1 for byte in header[:148] + header[156:] if byte > 0x7F)
    return unsigned, unsigned - 256 * high


def _size(count: int) -> str:
    """32 MB, 8,192 MB, 1.5 MB, 900 bytes."""
    if count < 1 << 20:
        return f"{count:,} bytes"
    return f"{count / (1 << 20):,.1f}".removesuffix(".0") + " MB"
