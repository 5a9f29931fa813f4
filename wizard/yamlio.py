"""YAML reading and writing for the values files Helm reads; the only module that configures ruamel.yaml.

Helm parses values with YAML 1.1 rules (go-yaml v2), so a string such as `yes`, `0777` or `12:30`
written plain would come back as a bool or a number: every string that some YAML 1.1 or 1.2 reader
could misread is written double-quoted (see needs_quotes).

How ruamel keeps comments (what the merge helpers below work around): the comment at the end of a
key's line AND the full-line comments below it, up to the next key, are one token stored on that
key (for a map or list value, on its last item, at any depth). So "the comment above key B" lives on
key A. Whenever a key is removed, replaced or appended after, those "following lines" are moved, so
that a comment written above a key stays above that key.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import CommentMark, MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
)
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    ScalarString,
)
from ruamel.yaml.tokens import CommentToken

from wizard.errors import OutputError

MARKER = "wizard:"
FINGERPRINT_PREFIX = "# wizard-fingerprint: sha256:"
MAX_READ_BYTES = 20 * 1024 * 1024
MAX_EXPANDED_NODES = 1_000_000  # aliases expanding beyond this: a "billion laughs" bomb
MAX_DEPTH = 100  # deeper nesting would exhaust ruamel's recursive composer; no values file is this deep

_BOOL_NULL_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"})
_NUMERIC_SHAPES = re.compile(
    r"""[-+]?(?:
        [0-9_]+                                   # decimal, legacy octal 0777, 1_000
      | 0[box][0-9a-f_]*                          # 0b101, 0o17, 0x1F (also malformed '0x_')
      | [0-9_]*\.[0-9_]*(?:e[-+]?[0-9_]*)?        # 1.5, .5, 1., 1.e3, '._'
      | [0-9_]+e[-+]?[0-9_]*                      # 1e3 (YAML 1.2 and Go)
      | [0-9_]+(?::[0-9_]*)+(?:\.[0-9_]*)?        # sexagesimal 12:30, 1:20.5 (YAML 1.1)
      | \.?(?:inf|infinity|nan)                   # .inf, +.Inf, .NaN, Go's +Inf
    )""",
    re.ASCII | re.IGNORECASE | re.VERBOSE,
)
_TIMESTAMP_START = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", re.ASCII)
_MARKER_RE = re.compile(r"\s*#\s*" + re.escape(MARKER))
_BLOCK_STR = (LiteralScalarString, FoldedScalarString)


# --- quoting -------------------------------------------------------------------------------------


def _python_number(text: str) -> bool:
    """Python reads it as a number (int(x, 0), float, float.fromhex): go-yaml v2 hands such strings
    to Go's strconv, which accepts similar forms (1e3, +Inf, 0x1p-2), so they are quoted."""
    plain = text.replace("_", "")
    parsers: list[Any] = [lambda: int(plain, 0), lambda: float(plain)]
    if text[:1] in "+-.0123456789":
        parsers.append(lambda: float.fromhex(plain))
    for parse in parsers:
        with suppress(ValueError, OverflowError):
            parse()
            return True
    return False


def _syntax_unsafe(text: str) -> bool:
    """Strings that cannot be a plain scalar at all (indicators, edge spaces, control characters)."""
    if not text.isprintable() or text[0] in "!&*[]{}|>'\"%@`#,?:" or " " in (text[0], text[-1]):
        return True
    if text[0] == "-" and (len(text) == 1 or text[1] == " "):
        return True
    return ": " in text or " #" in text or text.endswith(":") or text.startswith(("---", "..."))


def needs_quotes(text: str) -> bool:
    """True when a YAML 1.1 (Helm) or 1.2 reader could read plain `text` as anything but that string."""
    if not text or _syntax_unsafe(text) or text.lower() in _BOOL_NULL_WORDS or text in ("<<", "="):
        return True
    if _TIMESTAMP_START.match(text) or _NUMERIC_SHAPES.fullmatch(text):
        return True
    return _python_number(text)


def _safe_str(text: str, *, key: bool) -> str:
    """Style for one string; a style already chosen (quoted, block, or an operator's plain string
    kept by load_roundtrip) is left alone. Multi-line values become `|` blocks when a block can carry
    every character (the emitter falls back to double quotes otherwise)."""
    if isinstance(text, ScalarString):
        return text
    if not key and "\n" in text and all(ch == "\n" or ch.isprintable() for ch in text):
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text) if needs_quotes(text) else text


def _keep_plain(text: str, *, key: bool) -> str:
    """An operator's plain `enabled: yes` must stay plain: Helm reads a bool there, quoting would not."""
    ambiguous = type(text) is str and "\n" not in text and needs_quotes(text)
    return PlainScalarString(text) if ambiguous else text


def _assign(c: Any, key: Any, value: Any) -> None:
    """c[key] = value; ruamel would otherwise give a plain str the old value's quoting/block style."""
    if type(value) is str and isinstance(c[key], ScalarString):
        value = PlainScalarString(value)
    c[key] = value


def _walk_strings(data: Any, fix: Any, seen: set[int]) -> Any:
    """Apply fix(text, key=bool) to every string; ruamel containers are changed in place (keeping
    comments, anchors and order; `seen` skips aliased ones already done), plain ones are copied."""
    if isinstance(data, str):
        return fix(data, key=False)
    if isinstance(data, (CommentedMap, CommentedSeq)):
        if id(data) in seen:
            return data
        seen.add(id(data))
        is_map = isinstance(data, CommentedMap)
        for pos, (key, value) in enumerate(list(data.non_merged_items() if is_map else enumerate(data))):
            new_value = _walk_strings(value, fix, seen)
            new_key = fix(key, key=True) if is_map and isinstance(key, str) else key
            if new_key is not key:
                data.insert(pos, new_key, new_value)  # same place; ca.items still match (equal str)
            elif new_value is not value:
                _assign(data, key, new_value)
        return data
    if isinstance(data, Mapping):
        fixed = ((fix(k, key=True) if isinstance(k, str) else k, v) for k, v in data.items())
        return {k: _walk_strings(v, fix, seen) for k, v in fixed}
    if isinstance(data, (list, tuple)):
        return [_walk_strings(v, fix, seen) for v in data]
    return data


def yaml_safe(data: object) -> object:
    """Make every ambiguous string (value or key) double-quoted and every multi-line value a `|` block.

    Plain dicts/lists are copied; ruamel CommentedMap/CommentedSeq are updated in place and returned,
    so their comments, anchors and key order survive.
    """
    return _walk_strings(data, _safe_str, set())


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


def _is_container(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq))


def _index(c: Any) -> int:
    """Where an entry's line token sits in its ca.items list: 2 in a map, 0 in a list."""
    return 2 if isinstance(c, CommentedMap) else 0


def _slot(c: Any, key: Any) -> list[Any]:
    """The ca.items list of one entry, created on demand (sharing a container value's line token)."""
    slot = c.ca.items.get(key)
    if slot is None:
        slot = c.ca.items[key] = [None, None, None, None]
        if _is_container(c[key]) and c[key].ca.comment:
            slot[_index(c)] = c[key].ca.comment[0]
    return slot


def _line_token(c: Any, key: Any) -> CommentToken | None:
    """The token with the comment on the line of `key` (plus, for a scalar, the lines after it)."""
    slot = c.ca.items.get(key)
    token = slot[_index(c)] if slot else None
    if token is None and _is_container(c[key]) and c[key].ca.comment:
        token = c[key].ca.comment[0]
    return token


def _set_line_token(c: Any, key: Any, token: CommentToken) -> None:
    """Store a line token in both places the emitter reads it from (entry, and a container value)."""
    _slot(c, key)[_index(c)] = token
    if _is_container(c[key]):
        c[key].ca.comment = [token, c[key].ca.comment[1] if c[key].ca.comment else None]


def _tail(c: Any, key: Any) -> tuple[Any, Any]:
    """The (container, key) whose token holds the comment lines written after the whole entry."""
    while _is_container(c[key]) and len(c[key]):
        c, key = c[key], (list(c[key])[-1] if isinstance(c[key], CommentedMap) else len(c[key]) - 1)
    return c, key


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
    elif isinstance(m[key], _BLOCK_STR):
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
    """Append a key; comment lines that followed the old last entry now follow the new one."""
    following = _take_following(m, list(m)[-1]) if len(m) else ""
    m[_safe_str(key, key=True)] = value
    _append_following(m, key, following)


def _replace(m: CommentedMap, key: Any, value: Any) -> None:
    """Replace a value; the key's line comment and the comment lines after the entry stay put."""
    old = m[key]
    if not isinstance(old, _BLOCK_STR) and not _is_container(old):
        if not isinstance(value, _BLOCK_STR) and not _is_container(value):
            _assign(m, key, value)  # scalar to scalar: the comment token (and its column) stays
            return
    eol, following = _eol_text(m, key), _take_following(m, key)
    if _is_container(old):
        following = _outer_lines(m, key, following)
    slot = m.ca.items.pop(key, None)
    _assign(m, key, value)
    if slot and slot[1]:
        _slot(m, key)[1] = slot[1]
    if eol:
        _put_eol(m, key, eol)
    _append_following(m, key, following)


def _set_path(doc: CommentedMap, entry: Entry, *, force: bool) -> None:
    """Set one entry. Missing or non-map intermediate keys become maps, built whole before they are
    inserted so that comments following the old last key land after the complete new subtree."""
    m, depth, path = doc, 0, entry.path
    while depth < len(path) - 1 and isinstance(m.get(path[depth]), Mapping):
        if not isinstance(m[path[depth]], CommentedMap):
            _assign(m, path[depth], _commented(m[path[depth]]))
        m, depth = m[path[depth]], depth + 1
    value = _commented(yaml_safe(entry.value))
    for key in reversed(path[depth + 1 :]):
        value = CommentedMap([(_safe_str(key, key=True), value)])
    (_replace if path[depth] in m else _add_key)(m, path[depth], value)
    for key in path[depth:-1]:
        m = m[key]
    current = _eol_text(m, path[-1])
    if entry.comment is not None and (force or not current or _MARKER_RE.match(current)):
        _put_eol(m, path[-1], f"# {entry.comment}")


def build_document(entries: Iterable[Entry]) -> CommentedMap:
    """A new document with the entries in the given order, each comment at the end of its key's line."""
    doc = CommentedMap()
    for entry in entries:
        _set_path(doc, entry, force=True)
    return doc


def _remove(m: CommentedMap, path: tuple[str, ...]) -> tuple[bool, str]:
    """Delete path, and maps this leaves empty; returns (removed, comment lines to re-home when `m`
    itself became empty). Comment lines that followed the removed entry move to what came next."""
    key = path[0]
    if key not in m:
        return False, ""
    if len(path) > 1:
        if not isinstance(m[key], CommentedMap):
            return False, ""
        removed, following = _remove(m[key], path[1:])
        if not removed or len(m[key]):
            return removed, ""
    else:
        following = _take_following(m, key)
    moved = _before_text(m, key) + _outer_lines(m, key, following)
    pos = list(m).index(key)
    del m[key]
    m.ca.items.pop(key, None)
    if not moved or not len(m):
        return True, moved
    keys = list(m)
    if pos < len(keys):
        slot = _slot(m, keys[pos])
        slot[1] = [CommentToken(moved, CommentMark(0)), *(slot[1] or [])]
    else:
        _append_following(m, keys[-1], moved)
    return True, ""


def merge_entries(
    doc: CommentedMap, entries: Iterable[Entry], remove: Iterable[tuple[str, ...]] = ()
) -> None:
    """Update an operator's document in place, key by key; untouched keys and every comment survive.

    A map or list value replaces the old value as a whole. An entry's comment replaces the key's
    end-of-line comment only when there was none or it starts with the wizard MARKER; comment=None
    leaves the comment alone. A comment line written directly above a removed key is kept.
    """
    for entry in entries:
        _set_path(doc, entry, force=False)
    for path in remove:
        removed, carried = _remove(doc, tuple(path)) if path else (False, "")
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


# --- loading -------------------------------------------------------------------------------------


def _where(source: str, mark: Any) -> str:
    """'source line L, column C' (1-based) when the position is known."""
    return f"{source} line {mark.line + 1}, column {mark.column + 1}" if mark is not None else source


def _invalid(source: str, msg: str) -> OutputError:
    return OutputError(f"{msg}\nFix {source} and run the wizard again.", title="Invalid YAML")


def _check_events(yaml: YAML, text: str, source: str) -> None:
    """Refuse a second document, deep nesting and alias bombs before anything is built.

    The expanded size of each node (1 + its children; an alias counts its anchor's whole size) is
    summed while streaming parser events, so a bomb is caught in time linear in the text.
    """
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = []  # [expanded size so far, anchor] per open collection
    documents = 0
    for event in yaml.parse(text):
        where = _where(source, event.start_mark)
        size, anchor = 0, getattr(event, "anchor", None)
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _invalid(source, f"{where}: a second YAML document starts here; keep only one.")
        elif isinstance(event, CollectionStartEvent):
            stack.append([1, anchor])
            if len(stack) > MAX_DEPTH:
                raise _invalid(source, f"{where}: nested more than {MAX_DEPTH} levels deep.")
        elif isinstance(event, CollectionEndEvent):
            size, anchor = stack.pop()
        elif isinstance(event, ScalarEvent):
            size = 1
        elif isinstance(event, AliasEvent):
            size, anchor = sizes.get(event.anchor, 1), None
        if size and anchor:
            sizes[anchor] = size
        if size and stack:
            stack[-1][0] += size
            if stack[-1][0] > MAX_EXPANDED_NODES:
                raise OutputError(
                    f"{where}: aliases expand to more than {MAX_EXPANDED_NODES:,} nodes; this looks "
                    f"like a 'billion laughs' attack, so {source} was not read.",
                    title="Unsafe YAML",
                )


def _load(yaml: YAML, text: str, source: str) -> Any:
    """Check, then load; every reader error becomes an OutputError naming source, line and column."""
    try:
        _check_events(yaml, text, source)
        return yaml.load(text)
    except OutputError:
        raise
    except MarkedYAMLError as exc:
        where = _where(source, exc.problem_mark or exc.context_mark)
        raise _invalid(source, f"{where}: {exc.problem or exc.context or 'invalid YAML'}") from None
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:  # e.g. a date like 2024-13-45
        raise _invalid(source, f"{source}: {str(exc).strip() or type(exc).__name__}") from None


def load_roundtrip(text: str, source: str) -> CommentedMap | None:
    """Load an existing values file keeping comments, quotes and key order; None when it is empty.

    Strings the operator wrote plain stay plain when dumped (see _keep_plain), so an untouched key
    reads the same for Helm as before.
    """
    yaml = YAML()
    yaml.preserve_quotes = True
    data = _walk_strings(_load(yaml, text, source), _keep_plain, set())
    if data is not None and not isinstance(data, CommentedMap):
        raise _invalid(source, f"{source}: the top level is a {type(data).__name__}, not a map of keys.")
    return data


def load_plain(text: str, source: str) -> object:
    """Load answers files and presets as plain dict/list/str/int/float/bool/None (YAML 1.2 rules;
    dates become datetime.date)."""
    return _load(YAML(typ="safe"), text, source)


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a leading BOM is dropped); each failure names the file and the fix."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_READ_BYTES + 1)
    except FileNotFoundError:
        raise OutputError(f"{path} does not exist; check the path.") from None
    except IsADirectoryError:
        raise OutputError(f"{path} is a directory, not a file; give the path of a file.") from None
    except PermissionError:
        raise OutputError(f"Permission denied reading {path}; check the file's permissions.") from None
    except OSError as exc:
        raise OutputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if len(data) > MAX_READ_BYTES:
        raise OutputError(f"{path} is larger than {MAX_READ_BYTES >> 20} MB; give the path of a values file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OutputError(f"{path} is not valid UTF-8 (byte offset {exc.start}); save it as UTF-8.") from None


# --- writing -------------------------------------------------------------------------------------


class _Emitter(RoundTripEmitter):
    """Keeps two spaces before an end-of-line comment even when the value got longer (quoted or
    updated) than the column the operator's comment was aligned to."""

    def write_comment(self, comment: Any, pre: bool = False) -> None:
        if not pre and self.column and not comment.value.startswith("\n"):
            want = self.column + 2 - (len(comment.value) - len(comment.value.lstrip(" ")))
            if comment.start_mark.column < want:
                comment = CommentToken(comment.value, CommentMark(want))
        super().write_comment(comment, pre)

    def expect_first_flow_mapping_key(self) -> None:
        """After an empty `{}` that ended a line, the next block line must start on a new line (ruamel
        0.19 keeps a stale 'no newline' flag after `key:  # comment` + `- {}` and joins the keys)."""
        ends = isinstance(self.event, MappingEndEvent)
        super().expect_first_flow_mapping_key()
        if ends and self.flow_level == 0:
            self.no_newline = False

    def expect_first_flow_sequence_item(self) -> None:
        """Same as above, for an empty `[]` carrying a comment."""
        ends = isinstance(self.event, SequenceEndEvent)
        super().expect_first_flow_sequence_item()
        if ends and self.flow_level == 0:
            self.no_newline = False


def _comment_lines(header: Sequence[str]) -> str:
    """Header strings (each may hold several lines) as '# ' comment lines."""
    lines = [line for item in header for line in str(item).split("\n")]
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def dumps(doc: object, header: Sequence[str] = ()) -> str:
    """Block-style YAML, 2-space indentation, no wrapping, key order kept, header lines as comments.

    Runs yaml_safe first, which updates ruamel containers in place.
    """
    yaml = YAML()
    yaml.Emitter = _Emitter
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1 << 30
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(yaml_safe(doc), out)
    return _comment_lines(header) + out.getvalue()


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
    return f"{shebang}{_comment_lines(header)}{FINGERPRINT_PREFIX}{_digest(shebang + rest)}\n{rest}"


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


_WRITE_REASONS = {
    errno.EACCES: "permission denied; check the directory's permissions or choose another output directory",
    errno.EPERM: "permission denied; check the directory's permissions or choose another output directory",
    errno.ENOSPC: "the disk is full; free some space and run again",
    errno.EDQUOT: "the disk quota is exceeded; free some space and run again",
    errno.EROFS: "the file system is read-only; choose another output directory",
    errno.EISDIR: "a directory is in the way; move it or choose another output path",
    errno.ENOENT: "its directory does not exist; create it or choose another output directory",
    errno.ENOTDIR: "part of its directory path is a file; choose another output directory",
}


def atomic_write(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write via a temporary file in the same directory, fsync, then os.replace: a reader never
    sees half a file. Keeps the old file's permission bits unless `mode` is given."""
    if path.is_dir():
        raise OutputError(f"Cannot write {path}: {_WRITE_REASONS[errno.EISDIR]}.", title="Cannot write file")
    with suppress(OSError):
        mode = os.stat(path).st_mode & 0o7777 if mode is None else mode
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    created = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        created = False
    except OSError as exc:
        reason = _WRITE_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        raise OutputError(f"Cannot write {path}: {reason}.", title="Cannot write file") from None
    except UnicodeEncodeError as exc:
        raise OutputError(f"Cannot write {path}: unencodable text at position {exc.start}.") from None
    finally:
        if created:
            with suppress(OSError):
                os.unlink(tmp)
    with suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
