"""YAML for the values files Helm reads, and for answers files; the only module that configures ruamel.yaml.

Helm parses values with YAML 1.1 rules (go-yaml v2), so a string such as `yes`, `0777` or `12:30` written plain would
come back as a bool or a number: every string that some YAML 1.1 or 1.2 reader could misread is written double-quoted
(see needs_quotes). Every loader runs under yamlguard's Guard (alias bombs, nesting after aliases, recursive aliases,
tags, surrogates, documents), refusing with the line and column. Values files and manifests are read as Helm and
Kubernetes read them by helmyaml (libyaml); this module reads answers files and presets (ruamel, YAML 1.2) and
operator-edited values files to merge into (round trip, comments kept).
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from contextlib import suppress
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor, SafeConstructor
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import CommentMark, MarkedYAMLError, YAMLError
from ruamel.yaml.events import MappingEndEvent, SequenceEndEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode
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
from wizard.yamlguard import MAX_DEPTH, MAX_DOCUMENTS, MAX_EXPANDED_NODES, Guard, invalid

__all__ = ["MAX_DEPTH", "MAX_EXPANDED_NODES", "dumps", "helm_items", "load_documents", "load_plain",
           "load_roundtrip", "needs_quotes", "safe_str", "yaml_safe"]

MERGE_TAG = "tag:yaml.org,2002:merge"
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
    comments, anchors, merges and order; `seen` skips aliased ones already done), plain ones are copied.
    A map's own keys are walked, then the maps it merges (`<<`), which may be written nowhere else."""
    if isinstance(data, str):
        return fix(data, key=False)
    if isinstance(data, CommentedMap):
        if id(data) not in seen:
            seen.add(id(data))
            renamed = {}
            for key, value in list(data.non_merged_items()):
                new_value = _walk_strings(value, fix, seen)
                if new_value is not value:
                    assign(data, key, new_value)
                new_key = fix(key, key=True) if isinstance(key, str) else key
                if new_key is not key:
                    renamed[key] = new_key
            if renamed:
                _rekey(data, renamed)
            for source in getattr(data, merge_attrib, None) or ():
                _walk_strings(source, fix, seen)
        return data
    if isinstance(data, CommentedSeq):
        if id(data) not in seen:
            seen.add(id(data))
            for index, value in enumerate(data):
                new_value = _walk_strings(value, fix, seen)
                if new_value is not value:
                    assign(data, index, new_value)
        return data
    if isinstance(data, Mapping):
        fixed = ((fix(k, key=True) if isinstance(k, str) else k, v) for k, v in data.items())
        return {k: _walk_strings(v, fix, seen) for k, v in fixed}
    if isinstance(data, (list, tuple)):
        return [_walk_strings(v, fix, seen) for v in data]
    return data


def _rekey(data: CommentedMap, renamed: dict[Any, Any]) -> None:
    """Swap key objects for equal ones (the same text in another style), order kept, in one pass. Plain dict
    operations: CommentedMap's own delete/insert keep merge bookkeeping that breaks on maps merged elsewhere and
    moves the `<<` among the keys; comments and line numbers are keyed by the (equal) text, so they stay."""
    items = list(OrderedDict.items(data))
    OrderedDict.clear(data)
    for key, value in items:
        OrderedDict.__setitem__(data, renamed.get(key, key), value)


def helm_items(m: CommentedMap, memo: dict[int, list[tuple[Any, Any]]] | None = None) -> list[tuple[Any, Any]]:
    """(key, value) of a round-trip map as Helm's go-yaml v2 reads it, merge keys applied.

    go-yaml v2 sets keys in the order written: own keys before `<<` are overridden by the merged maps, own keys
    after it win, and in `<<: [*a, *b]` the earlier map wins; each merged map is read the same way (its own `<<`
    included). ruamel's own view (own keys always win) differs, so readers of Helm's data use this.
    """
    own = list(m.non_merged_items())
    merge = getattr(m, merge_attrib, None)
    if not merge:
        return own
    memo = {} if memo is None else memo
    if id(m) in memo:
        return memo[id(m)]
    at = merge.merge_pos if isinstance(getattr(merge, "merge_pos", None), int) else len(own)
    result = dict(own[:at])
    for source in reversed(list(merge)):
        result.update(helm_items(source, memo))
    result.update(own[at:])
    memo[id(m)] = list(result.items())
    return memo[id(m)]


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


def _guarded(yaml: YAML, guard: Guard) -> YAML:
    """`yaml` with a parser that shows every event to `guard` as the composer takes it (one pass over the text)."""

    def get_event(parser: Any) -> Any:
        event = parent.get_event(parser)
        guard(event)
        return event

    parent = yaml.Parser
    yaml.Parser = type("GuardedParser", (parent,), {"get_event": get_event})
    return yaml


def _load(yaml: YAML, text: str, source: str) -> Any:
    """Load one document under a Guard; every reader error becomes an OutputError naming source, line and column."""
    _guarded(yaml, Guard(source))
    try:
        return yaml.load(text)
    except OutputError:
        raise
    except MarkedYAMLError as exc:
        where = _where(source, exc.problem_mark or exc.context_mark)
        raise invalid(source, f"{where}: {exc.problem or exc.context or 'invalid YAML'}") from None
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise invalid(source, f"{source}: {str(exc).strip() or type(exc).__name__}") from None


class _RoundTripConstructor(RoundTripConstructor):
    """Timestamps stay the text written: go-yaml v2 hands them to Helm as text (and `2024-13-45` is text, not an
    error); the plain string is then kept plain like any other (see _keep_plain)."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return str(self.construct_scalar(node))


_RoundTripConstructor.add_constructor("tag:yaml.org,2002:timestamp", _RoundTripConstructor.construct_yaml_timestamp)


class _SafeConstructor(SafeConstructor):
    """Merge keys (`<<`) as Helm's go-yaml v2 applies them: in the order written, so a key before `<<` is
    overridden by the merged maps and a key after it wins; in `<<: [*a, *b]` the earlier map wins."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, f"expected a mapping node, but found {node.id!s}", node.start_mark)
        result: dict[Any, Any] = {}
        own: dict[Any, Any] = {}
        merged = False
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                if merged:
                    raise ConstructorError("while constructing a mapping", node.start_mark,
                                           'found a second merge key "<<"; merge several maps with <<: [*a, *b]',
                                           key_node.start_mark)
                merged = True
                result.update(self._merged(node, value_node))
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list):
                key = tuple(key)
            if not isinstance(key, Hashable):
                raise ConstructorError("while constructing a mapping", node.start_mark, "found unhashable key",
                                       key_node.start_mark)
            if key in own:
                why = "" if type(own[key]) is type(key) else f" (this reader takes {own[key]!r} and {key!r} for one " \
                                                             "key: write keys as text)"
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       f'found duplicate key "{key}"{why}', key_node.start_mark)
            own[key] = key
            result[key] = self.construct_object(value_node, deep=deep)
        return result

    def _merged(self, node: Any, value_node: Any) -> dict[Any, Any]:
        sources = [value_node] if isinstance(value_node, MappingNode) else \
            list(reversed(value_node.value)) if isinstance(value_node, SequenceNode) else None
        if sources is None or not all(isinstance(source, MappingNode) for source in sources):
            raise ConstructorError("while constructing a mapping", node.start_mark,
                                   "a merge key (<<) takes a map or a list of maps", value_node.start_mark)
        result: dict[Any, Any] = {}
        for source in sources:
            result.update(self.construct_object(source, deep=True))
        return result


def load_roundtrip(text: str, source: str) -> CommentedMap | None:
    """Load an existing values file keeping comments, quotes and key order; None when it is empty.

    Strings the operator wrote plain stay plain when dumped (see _keep_plain), so an untouched key
    reads the same for Helm as before. Merge keys stay as written (`<<: *a`); their maps are CommentedMaps
    shared with the anchor: see helm_items for what Helm reads from a map with a merge.
    """
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.Constructor = _RoundTripConstructor
    data = _walk_strings(_load(yaml, text, source), _keep_plain, set())
    if data is not None and not isinstance(data, CommentedMap):
        raise invalid(source, f"{source}: the top level is a {type(data).__name__}, not a map of keys.")
    return data


def _safe() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _SafeConstructor
    return yaml


def load_plain(text: str, source: str) -> object:
    """Load answers files and presets as plain dict/list/str/int/float/bool/None (YAML 1.2 rules;
    dates become datetime.date; merge keys as Helm applies them)."""
    return _load(_safe(), text, source)


def load_documents(text: str, source: str) -> list[object]:
    """Every document of a multi-document stream (rendered manifests), as plain data; empty documents are None.

    Read as Kubernetes reads a manifest (sigs.k8s.io/yaml over go-yaml v2: `runAsNonRoot: yes` is true, keys are
    text) through libyaml: see helmyaml. At most MAX_DOCUMENTS documents.
    """
    from wizard import helmyaml

    return helmyaml.documents(text, source, limit=MAX_DOCUMENTS)


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


