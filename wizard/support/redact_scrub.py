"""Finding known secrets in a text in every form they take there, in time linear in the text (redact.py's last net).

The forms of a secret: itself; JSON-escaped (ASCII or not) and as Python writes it; URL-encoded (quote, quote with
`/` safe, quote_plus); base64 (standard and URL-safe, at the three byte offsets it can start at inside a longer
blob, padded or not); hex (lower and upper case). A form shorter than MIN_FORM chars is not searched: it would cut
ordinary words. Plain forms of 4 or 5 characters match only as a whole token (not inside a longer word).

The search does not loop over the secrets (a values file may hold thousands): each form is indexed by its first
characters, the text's substrings of that length are collected in C (re.findall over a look-ahead) and intersected
with the index, and only the forms whose prefix is there are looked for (see Index).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

MIN_FORM = 3
"""Shortest form searched (a quoted short value such as "ab")."""
MIN_PLAIN = 6
"""Shortest plain form searched anywhere inside a word; 4-5 characters only as a whole token."""
MIN_TOKEN = 4
"""Shortest plain form searched at all (shorter secrets are found only where their place tells)."""
MAX_ENCODED = 16 * 1024
"""A longer secret (a blob, not a password) is searched as it is and escaped, not URL-, base64- or hex-encoded."""
_CHUNK = 1 << 18
_FEW = 64
_WORD_CHAR = re.compile(r"\w")
_ESCAPED = re.compile(r"[\"'\\]")


ANY, TOKEN, QUOTED = "any", "token", "quoted"
"""Where a form counts: anywhere; only as a whole token (short secrets); only between two equal quotes."""


def forms(secret: str) -> list[tuple[str, str]]:
    """(form, where it counts) for every encoding of `secret` worth searching."""
    found: dict[str, str] = {}
    if len(secret) >= MIN_TOKEN:
        where = TOKEN if len(secret) < MIN_PLAIN else ANY
        for form in (secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
                     repr(secret)[1:-1]):
            found.setdefault(form, where)
    if len(secret) > MAX_ENCODED:
        return list(found.items())
    raw = secret.encode("utf-8", "surrogatepass")  # a lone surrogate from a YAML escape is still a secret
    for form in (quote(raw, safe=""), quote(raw), quote_plus(raw)):
        found.setdefault(form, TOKEN if len(secret) < MIN_PLAIN else ANY)
    encoded = [base64.b64encode(raw).decode("ascii"), raw.hex(), raw.hex().upper()]
    for offset in range(3):
        core = base64.b64encode(b"\0" * offset + raw).decode("ascii")
        start, end = -(-8 * offset // 6), 8 * (offset + len(raw)) // 6
        encoded.append(core[start:end])
    encoded += [form.replace("+", "-").replace("/", "_") for form in encoded]
    for form in encoded:
        if len(form) >= MIN_PLAIN:
            found.setdefault(form, ANY)
    return list(found.items())


def quoted_forms(value: str) -> list[tuple[str, str]]:
    """A value as messages quote it ("x", 'x', JSON, Python repr): found at any length, between equal quotes."""
    inner = [value] if value.isascii() and value.isprintable() and not _ESCAPED.search(value) else list(
        dict.fromkeys((value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1])))
    return [(form, QUOTED) if len(form) >= MIN_FORM else (f'{q}{form}{q}', ANY) for form in inner for q in
            ('"', "'")[:1 if len(form) >= MIN_FORM else 2]]


class Index:
    """Forms to find (form -> marker number), searched all at once.

    A form is indexed by its q-grams at the first `step` offsets (tiers by length: the longer the forms, the longer
    the grams and the wider the step). The text's q-grams are taken only every `step` characters, in C, and met
    with the index: any occurrence of a form holds one of its indexed grams at such a place. Each form so found is
    then looked for with str.find from left to right (its matches do not overlap), so a periodic text cannot make a
    form be compared at every position.
    """

    def __init__(self) -> None:
        self._forms: dict[str, tuple[int, str]] = {}
        self._grams: tuple[dict[str, str | list[str]], ...] = tuple({} for _ in _TIERS)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def add(self, entries: Iterable[tuple[str, str]], number: int) -> None:
        forms, grams = self._forms, self._grams
        for form, where in entries:
            if len(form) < MIN_FORM or form in forms:
                continue
            forms[form] = (number, where)
            tier = 2 if len(form) >= _TIERS[2][0] else 1 if len(form) >= _TIERS[1][0] else 0
            _, gram, step = _TIERS[tier]
            table = grams[tier]
            for offset in range(step):
                key = form[offset:offset + gram]
                held = table.get(key)  # one form (most grams), else a list: sets would cost 200 bytes a gram
                if held is None:
                    table[key] = form
                elif isinstance(held, str):
                    if held != form:
                        table[key] = [held, form]
                else:
                    held.append(form)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, number) of every form in `text`, disjoint (the longest wins where two overlap)."""
        if not self._forms or len(text) < MIN_FORM:
            return []
        candidates: set[str] = set()
        for (shortest, gram, step), table in zip(_TIERS, self._grams, strict=True):
            if table and len(text) >= shortest:
                for found in _present(text, gram, step, table):
                    held = table[found]
                    candidates.update((held,) if isinstance(held, str) else held)
        hits: list[tuple[int, int, int]] = []
        for form in candidates:
            number, where = self._forms[form]
            if where == QUOTED:  # the form between two equal quotes: found with them, so matches never overlap
                for quote_mark in "\"'":
                    needle = f"{quote_mark}{form}{quote_mark}"
                    position = text.find(needle)
                    while position >= 0:
                        hits.append((position + 1, position + 1 + len(form), number))
                        position = text.find(needle, position + len(needle) - 1)
                continue
            position = text.find(form)
            while position >= 0:
                if where == TOKEN and not _whole_token(text, position, len(form)):
                    position = text.find(form, position + 1)  # a short form: at most its length apart
                    continue
                hits.append((position, position + len(form), number))
                position = text.find(form, position + len(form))
        return _disjoint(hits)


_TIERS = ((MIN_FORM, 3, 1), (6, 4, 3), (12, 8, 5))
"""(shortest form, gram length, step): step = shortest - gram + 1, so that every form holds a sampled gram."""


def _present(text: str, length: int, step: int, table: dict[str, Any]) -> set[str]:
    """The grams of `table` found in `text` at places that are multiples of `step`: a few are each looked for
    (str.find, in C; anywhere, which is more), many are met with the text's grams at those places."""
    if len(table) <= _FEW:
        return {gram for gram in table if gram in text}
    pattern, found, chunk = _gram(length, step), set(), _CHUNK - _CHUNK % step
    for start in range(0, len(text), chunk):
        found |= table.keys() & set(pattern.findall(text, start, start + chunk + length - 1))
    return found


@lru_cache(maxsize=None)
def _gram(length: int, step: int) -> re.Pattern[str]:
    return re.compile(r"(?=(.{%d})).{1,%d}" % (length, step), re.DOTALL)


def _whole_token(text: str, start: int, length: int) -> bool:
    end = start + length
    before = start > 0 and _WORD_CHAR.match(text[start - 1]) and _WORD_CHAR.match(text[start])
    after = end < len(text) and _WORD_CHAR.match(text[end]) and _WORD_CHAR.match(text[end - 1])
    return not (before or after)


def _disjoint(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    chosen: list[tuple[int, int, int]] = []
    for start, end, number in sorted(hits, key=lambda hit: (hit[0], -hit[1])):
        if chosen and start < chosen[-1][1]:
            if end > chosen[-1][1]:
                chosen[-1] = (chosen[-1][0], end, chosen[-1][2])
            continue
        chosen.append((start, end, number))
    return chosen
