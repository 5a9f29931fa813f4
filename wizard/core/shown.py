"""How text the user gave (a path, a key) appears in a message: on one line, readable, and short.

A 300-character file name or a key holding escape sequences would otherwise fill the terminal or rewrite it.
"""

from __future__ import annotations

KEEP = 40
"""Characters kept at each end of a long text (`first 40…last 40`)."""


def shown(text: object, keep: int = KEEP) -> str:
    """`text` with control and other unprintable characters escaped (\\n, \\x1b, \\u200b ...), cut to its first and
    last `keep` characters around `…` when longer than 2 * keep + 1."""
    value = str(text)
    if len(value) > 2 * keep + 1:
        value = f"{value[:keep]}…{value[-keep:]}"
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in value)
