"""YAML for the values files Helm reads, and for answers files; the only module that configures ruamel.yaml.

Helm parses values with YAML 1.1 rules (go-yaml v2), so a string such as `yes`, `0777` or `12:30` written plain would
come back as a bool or a number: every string that some YAML 1.1 or 1.2 reader could misread is written double-quoted
(see needs_quotes). Loading refuses alias bombs, deep nesting and several documents, with the line and column.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

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
from wizard.files import comment_lines

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
BLOCK_STRINGS = (LiteralScalarString, FoldedScalarString)

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


def safe_str(text: str, *, key: bool) -> str:
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


def assign(c: Any, key: Any, value: Any) -> None:
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
                assign(data, key, new_value)
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
    return _walk_strings(data, safe_str, set())


# --- loading -------------------------------------------------------------------------------------


def _where(source: str, mark: Any) -> str:
    """'source line L, column C' (1-based) when the position is known."""
    return f"{source} line {mark.line + 1}, column {mark.column + 1}" if mark is not None else source


def _invalid(source: str, msg: str) -> OutputError:
    return OutputError(f"{msg}\nFix {source} and run the wizard again.", title="Invalid YAML")


def _check_events(yaml: YAML, text: str, source: str, *, many: bool = False) -> None:
    """Refuse a second document (unless `many`), deep nesting and alias bombs before anything is built.

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
            if documents > 1 and not many:
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


def _load(yaml: YAML, text: str, source: str, *, many: bool = False) -> Any:
    """Check, then load; every reader error becomes an OutputError naming source, line and column."""
    try:
        _check_events(yaml, text, source, many=many)
        return list(yaml.load_all(text)) if many else yaml.load(text)
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


def load_documents(text: str, source: str) -> list[object]:
    """Every document of a multi-document stream (rendered manifests), as plain data; empty documents are None."""
    return _load(YAML(typ="safe"), text, source, many=True)  # type: ignore[no-any-return]


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
    return comment_lines(header) + out.getvalue()


