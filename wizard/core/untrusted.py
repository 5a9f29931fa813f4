"""How text taken from a file someone else made (a bundle's member names, its manifest's keys) appears in an error
line: non-printable characters escaped, and cut, so a crafted name can neither flood the terminal nor drive it."""

from __future__ import annotations

SHOWN_CHARS = 100
"""At most this many characters of untrusted text appear in one message (escapes included)."""


def shown(text: str | bytes, limit: int = SHOWN_CHARS) -> str:
    """`text` quoted for an error line: control and other non-printable characters (ANSI escapes, bidi overrides,
    lone surrogates, bytes that are not UTF-8) written as escapes, at most `limit` characters, and said when cut."""
    whole, unit = len(text), "characters"
    complete = whole <= limit
    if isinstance(text, bytes):
        unit, text = "bytes", text[: limit * 4].decode("utf-8", "backslashreplace")
        complete = complete and len(text) <= limit
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                      for c in text[: limit + 1])
    if complete and len(escaped) <= limit:
        return f'"{escaped}"'
    return f'"{escaped[:limit]}..." (cut: {whole:,} {unit} in all)'
