"""Editing ruamel documents without losing comments: build a commented document from entries, merge entries into an
operator's file key by key, and find the keys the wizard wrote (their end-of-line comment starts with MARKER).

How ruamel keeps comments (what the helpers below work around): the comment at the end of a key's line AND the
full-line comments below it, up to the next key, are one token stored on that key (for a map or list value, on its
last item, at any depth). So "the comment above key B" lives on key A. Whenever a key is removed, replaced or
appended after, those "following lines" are moved, so that a comment written above a key stays above that key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from wizard.yamlkit.yamlio import BLOCK_STRINGS, assign, safe_str, yaml_safe
from wizard.yamlkit.yamlsharing import Sharing, delete_own, is_container, own, settle

MARKER = "wizard:"
_MARKER_RE = re.compile(r"\s*#\s*" + re.escape(MARKER))


def _commented(data: Any) -> Any:
    """Plain dicts/lists become ruamel containers, so comments can be attached to them."""
    if isinstance(data, Mapping) and not isinstance(data, CommentedMap):
        return CommentedMap((k, _commented(v)) for k, v in data.items())
    if isinstance(data, list) and not isinstance(data, CommentedSeq):
        return CommentedSeq(_commented(v) for v in data)
    return data


@dataclass(frozen=True)
class Entry:
    """One key to write: map keys from the root, the value, and an end-of-line comment (no '# ')."""

    path: tuple[str, ...]
    value: object
    comment: str | None = None

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("Entry.path must name at least one key")


# --- comment tokens (see the module docstring) ---------------------------------------------------


def _index(c: Any) -> int:
    """Where an entry's line token sits in its ca.items list: 2 in a map, 0 in a list."""
    return 2 if isinstance(c, CommentedMap) else 0


def _slot(c: Any, key: Any) -> list[Any]:
    """The ca.items list of one entry, created on demand (sharing a container value's line token)."""
    slot = c.ca.items.get(key)
    if slot is None:
        slot = c.ca.items[key] = [None, None, None, None]
        if is_container(c[key]) and c[key].ca.comment:
            slot[_index(c)] = c[key].ca.comment[0]
    return slot


def _line_token(c: Any, key: Any) -> CommentToken | None:
    """The token with the comment on the line of `key` (plus, for a scalar, the lines after it)."""
    slot = c.ca.items.get(key)
    token = slot[_index(c)] if slot else None
    if token is None and is_container(c[key]) and c[key].ca.comment:
        token = c[key].ca.comment[0]
    return token


def _set_line_token(c: Any, key: Any, token: CommentToken) -> None:
    """Store a line token in both places the emitter reads it from (entry, and a container value)."""
    _slot(c, key)[_index(c)] = token
    if is_container(c[key]):
        c[key].ca.comment = [token, c[key].ca.comment[1] if c[key].ca.comment else None]


def _tail(c: Any, key: Any) -> tuple[Any, Any]:
    """The (container, key) whose token holds the comment lines written after the whole entry."""
    while is_container(c[key]) and len(c[key]):
        last = _last_key(c[key]) if isinstance(c[key], CommentedMap) else len(c[key]) - 1
        if last is None:
            break
        c, key = c[key], last
    return c, key


def _last_key(m: CommentedMap) -> Any:
    """The last key written in `m` (keys merged in with `<<` are not written there), without copying the keys."""
    return next((key for key in reversed(m) if m._unmerged_contains(key)), None)




def _block_header(m: CommentedMap, key: Any) -> list[Any] | None:
    """For a `|`/`>` value ruamel keeps the comment written after the indicator as text in slot 3."""
    slot = m.ca.items.get(key)
    extra = slot[3] if slot else None
    return extra if isinstance(extra, list) and extra and isinstance(extra[0], str) else None


def _eol_text(m: CommentedMap, key: Any) -> str:
    """The end-of-line comment of `key` as written ('# ...'), or ''."""
    header, token = _block_header(m, key), _line_token(m, key)
    if header:
        return str(header[0]).strip()
    return token.value.partition("\n")[0].strip() if token else ""


def _put_eol(m: CommentedMap, key: Any, line: str) -> None:
    """Make `line` ('# ...') the end-of-line comment of `key`, keeping the lines that follow it."""
    header, token = _block_header(m, key), _line_token(m, key)
    first, _, rest = token.value.partition("\n") if token else ("", "", "")
    if header:
        header[0] = "  " + line
    elif token and first.strip():
        token.value = f"{first[: len(first) - len(first.lstrip())]}{line}\n{rest}"
    elif isinstance(m[key], BLOCK_STRINGS):
        _slot(m, key)[3] = ["  " + line]
    elif token:
        token.value = f" {line}\n{rest}"
    else:
        _set_line_token(m, key, CommentToken(f" {line}\n", CommentMark(0)))


def _take_following(c: Any, key: Any) -> str:
    """Detach and return the full-line comments after entry `key` (they belong to what comes next)."""
    token = _line_token(*_tail(c, key))
    if token is None:
        return ""
    first, _, rest = token.value.partition("\n")
    token.value = first + "\n"
    return rest


def _append_following(c: Any, key: Any, text: str) -> None:
    """Put full-line comments right after entry `key` (after its whole subtree)."""
    if text:
        tc, tk = _tail(c, key)
        token = _line_token(tc, tk)
        if token is None:
            _set_line_token(tc, tk, CommentToken("\n" + text, CommentMark(0)))
        else:
            token.value += ("" if token.value.endswith("\n") else "\n") + text


def _before_text(m: CommentedMap, key: Any) -> str:
    """Full-line comments stored as 'before key' (set by ruamel's API or by _remove), as text."""
    slot = m.ca.items.get(key)
    tokens = (slot[1] or []) if slot else []
    return "".join(
        " " * (0 if t.value.startswith("\n") else t.column) + t.value.rstrip("\n") + "\n" for t in tokens
    )


def _outer_lines(m: CommentedMap, key: Any, text: str) -> str:
    """Drop leading comment lines indented deeper than `key`: they ended its removed subtree."""
    columns = m.lc.data or {}
    col = next((columns[k][1] for k in (key, *columns) if k in columns), None)
    lines = text.splitlines(keepends=True)
    while col is not None and lines and lines[0].lstrip().startswith("#"):
        if len(lines[0]) - len(lines[0].lstrip()) <= col:
            break
        lines.pop(0)
    return "".join(lines)


# --- building and merging ------------------------------------------------------------------------


def _add_key(m: CommentedMap, key: str, value: Any) -> None:
    """Append a key (after any `<<`, so that it wins for Helm); comment lines that followed the old last entry now
    follow the new one."""
    last = _last_key(m)
    following = _take_following(m, last) if last is not None else ""
    m[safe_str(key, key=True)] = value
    _append_following(m, key, following)


def _replace(m: CommentedMap, key: Any, value: Any) -> None:
    """Replace a value; the key's line comment and the comment lines after the entry stay put."""
    old = m[key]
    if not isinstance(old, BLOCK_STRINGS) and not is_container(old):
        if not isinstance(value, BLOCK_STRINGS) and not is_container(value):
            assign(m, key, value)  # scalar to scalar: the comment token (and its column) stays
            return
    eol, following = _eol_text(m, key), _take_following(m, key)
    if is_container(old):
        following = _outer_lines(m, key, following)
    slot = m.ca.items.pop(key, None)
    assign(m, key, value)
    if slot and slot[1]:
        _slot(m, key)[1] = slot[1]
    if eol:
        _put_eol(m, key, eol)
    _append_following(m, key, following)


def _set_path(doc: CommentedMap, entry: Entry, *, force: bool, sharing: Sharing) -> None:
    """Set one entry. Missing or non-map intermediate keys become maps, built whole before they are
    inserted so that comments following the old last key land after the complete new subtree."""
    m, depth, path = doc, 0, entry.path
    while depth < len(path) - 1:
        settle(m, path[depth], sharing)
        if not (own(m, path[depth]) and isinstance(m[path[depth]], Mapping)):
            break
        if not isinstance(m[path[depth]], CommentedMap):
            assign(m, path[depth], _commented(m[path[depth]]))
        m, depth = m[path[depth]], depth + 1
    settle(m, path[depth], sharing)
    value = _commented(yaml_safe(entry.value))
    for key in reversed(path[depth + 1 :]):
        value = CommentedMap([(safe_str(key, key=True), value)])
    (_replace if own(m, path[depth]) else _add_key)(m, path[depth], value)
    for key in path[depth:-1]:
        m = m[key]
    current = _eol_text(m, path[-1])
    if entry.comment is not None and (force or not current or _MARKER_RE.match(current)):
        _put_eol(m, path[-1], f"# {entry.comment}")


def build_document(entries: Iterable[Entry]) -> CommentedMap:
    """A new document with the entries in the given order, each comment at the end of its key's line."""
    doc = CommentedMap()
    sharing = Sharing(None)
    for entry in entries:
        _set_path(doc, entry, force=True, sharing=sharing)
    return doc


def _remove(m: CommentedMap, paths: list[tuple[Any, ...]], sharing: Sharing) -> tuple[bool, str]:
    """Delete the paths below `m`, and maps this leaves empty, in one pass over `m`'s keys; returns (removed,
    comment lines to re-home when `m` itself became empty). Comment lines that followed a removed entry move to the
    entry after it."""
    leaves = {path[0] for path in paths if len(path) == 1}
    deeper: dict[Any, list[tuple[Any, ...]]] = {}
    for path in paths:
        if len(path) > 1 and path[0] not in leaves:
            deeper.setdefault(path[0], []).append(path[1:])
    removed, carried = False, {}
    for key, below in deeper.items():
        if not own(m, key) or not isinstance(m[key], CommentedMap):
            continue
        settle(m, key, sharing)
        gone, lines = _remove(m[key], below, sharing)
        removed = removed or gone
        if gone and not len(m[key]):
            leaves.add(key)
            carried[key] = lines
    doomed = [key for key, _ in m.non_merged_items() if key in leaves]
    if not doomed:
        return removed, ""
    moved: dict[Any, str] = {}
    for key in doomed:
        following = carried[key] if key in carried else _take_following(m, key)
        moved[key] = _before_text(m, key) + _outer_lines(m, key, following)
    pending, last = "", None
    for key, _ in m.non_merged_items():
        if key in moved:
            pending += moved[key]
        else:
            if pending:
                slot = _slot(m, key)
                slot[1] = [CommentToken(pending, CommentMark(0)), *(slot[1] or [])]
                pending = ""
            last = key
    delete_own(m, doomed)
    if pending and last is not None:
        _append_following(m, last, pending)
        pending = ""
    return True, pending


def merge_entries(
    doc: CommentedMap, entries: Iterable[Entry], remove: Iterable[tuple[str, ...]] = ()
) -> None:
    """Update an operator's document in place, key by key; untouched keys and every comment survive.

    A map or list value replaces the old value as a whole. An entry's comment replaces the key's
    end-of-line comment only when there was none or it starts with the wizard MARKER; comment=None
    leaves the comment alone. A comment line written directly above a removed key is kept. Keys set
    through a merge key or an alias are written where they are set, never into the anchor (see Sharing).
    """
    sharing = Sharing(doc)
    for entry in entries:
        _set_path(doc, entry, force=False, sharing=sharing)
    removed, carried = _remove(doc, [tuple(path) for path in remove if path], sharing)
    if removed and carried:  # the whole document became empty: keep the lines as a header
        head = doc.ca.comment or [None, None]
        doc.ca.comment = [head[0], [*(head[1] or []), CommentToken(carried, CommentMark(0))]]


def marked_paths(doc: CommentedMap) -> list[tuple[str, ...]]:
    """Key paths (any depth, through maps) whose end-of-line comment starts with '# wizard:'."""
    found: list[tuple[str, ...]] = []

    def walk(m: CommentedMap, prefix: tuple[str, ...]) -> None:
        for key, value in list(m.non_merged_items()):
            if isinstance(key, str):
                if _MARKER_RE.match(_eol_text(m, key)):
                    found.append((*prefix, str(key)))
                if isinstance(value, CommentedMap):
                    walk(value, (*prefix, str(key)))

    walk(doc, ())
    return found
