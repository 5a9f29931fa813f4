"""YAML for the values files Helm reads, and for answers files; the only module that configures ruamel.yaml.

Helm parses values with YAML 1.1 rules (go-yaml v2), so a string such as `yes`, `0777` or `12:30` written plain would
come back as a bool or a number: every string that some YAML 1.1 or 1.2 reader could misread is written double-quoted
(see needs_quotes). Every loader runs under yamlguard's Guard (alias bombs, nesting after aliases, recursive aliases,
tags, surrogates, documents), refusing with the line and column. Plain data (answers files, presets, values files,
manifests) is read as Helm and Kubernetes read it, by helmyaml (libyaml); this module reads operator-edited values
files to merge into (ruamel round trip, comments and merge keys kept) and writes every file.
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import CommentMark, MarkedYAMLError, YAMLError
from ruamel.yaml.events import MappingEndEvent, SequenceEndEvent
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    ScalarString,
)
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import CommentToken

from wizard.core.errors import OutputError
from wizard.core.files import comment_lines
from wizard.yamlkit.yamlguard import MAX_DEPTH, MAX_DOCUMENTS, MAX_EXPANDED_NODES, Guard, invalid

MAX_ROUNDTRIP_CHARS = 512 * 1024
"""An operator-edited values file the wizard merges into (--force) is read by ruamel's pure-Python round-trip loader
(about 250 KB a second) and written back: at this size the merge takes about 3 s."""
MAX_MANIFEST_BYTES = 1024 * 1024
"""Rendered manifests (wizard pss, netpol, explain --manifests): `helm template` of the three charts writes about
300 KB; at this size an analysis takes about 2 s."""
MAX_MANIFEST_NODES = 200_000
"""Nodes in a manifest stream, aliases expanded (1 MB of rendered charts holds about 120,000)."""

__all__ = ["MAX_DEPTH", "MAX_EXPANDED_NODES", "dumps", "helm_items", "load_documents", "load_plain",
           "MAX_MANIFEST_BYTES", "load_roundtrip", "needs_quotes", "safe_str", "yaml_safe"]

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
_DIGIT = re.compile(r"\d")
_NOT_NUMERIC = re.compile(r"[^\d\s_+\-.a-fA-FxXoOpPiInNtTyY]")  # a character no int()/float()/fromhex() text has
_WORD_NUMBER = re.compile(r"inf|nan", re.IGNORECASE)
_TIMESTAMP_START = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", re.ASCII)
BLOCK_STRINGS = (LiteralScalarString, FoldedScalarString)

# --- quoting -------------------------------------------------------------------------------------


def _python_number(text: str) -> bool:
    """Python reads it as a number (int(x, 0), float, float.fromhex): go-yaml v2 hands such strings
    to Go's strconv, which accepts similar forms (1e3, +Inf, 0x1p-2), so they are quoted."""
    if _NOT_NUMERIC.search(text) or not (_DIGIT.search(text) or _WORD_NUMBER.search(text)):
        return False  # int() and float() need digits (or inf/nan) and nothing else: most strings end here
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


_TAGS: dict[str, Tag] = {}


def _shared_tag(tag: Any) -> Any:
    """One Tag object per tag text: ruamel makes a new Tag per scalar (two or three when dumping) and decodes its
    text character by character on first use, a fifth of the time spent writing a large file."""
    if isinstance(tag, Tag) and isinstance(tag.suffix, str) and tag.handle is None:
        return _TAGS.setdefault(tag.suffix, tag)
    return _TAGS.setdefault(tag, Tag(suffix=tag)) if isinstance(tag, str) else tag


class _Resolver(VersionedResolver):
    """ruamel's resolver, with shared tags and the YAML version looked up once (directives are refused, so it never
    changes within a file; ruamel's own lookup costs an exception per scalar)."""

    @property
    def processing_version(self) -> Any:
        try:
            return self._wizard_version
        except AttributeError:
            self._wizard_version: Any = VersionedResolver.processing_version.fget(self)  # type: ignore[attr-defined]
            return self._wizard_version

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        return _shared_tag(super().resolve(kind, value, implicit))


class _Representer(RoundTripRepresenter):
    def represent_scalar(self, tag: Any, value: Any, style: Any = None, anchor: Any = None) -> Any:
        return super().represent_scalar(_shared_tag(tag), value, style, anchor)


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


def load_roundtrip(text: str, source: str) -> CommentedMap | None:
    """Load an existing values file keeping comments, quotes and key order; None when it is empty.

    Strings the operator wrote plain stay plain when dumped (see _keep_plain), so an untouched key
    reads the same for Helm as before. Merge keys stay as written (`<<: *a`); their maps are CommentedMaps
    shared with the anchor: see helm_items for what Helm reads from a map with a merge.
    """
    if len(text) > MAX_ROUNDTRIP_CHARS:
        raise OutputError(f"{source} is {len(text) // 1024} KB; the wizard merges its keys into an edited values file "
                          f"of at most {MAX_ROUNDTRIP_CHARS // 1024} KB: move the file away to write a fresh one, then "
                          "carry your edits over by hand.", title="File too large to merge into")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.Constructor = _RoundTripConstructor
    yaml.Resolver = _Resolver
    data = _walk_strings(_load(yaml, text, source), _keep_plain, set())
    if data is not None and not isinstance(data, CommentedMap):
        raise invalid(source, f"{source}: the top level is a {type(data).__name__}, not a map of keys.")
    return data


def load_plain(text: str, source: str, *, nodes: int = MAX_EXPANDED_NODES, what: str = "this file") -> object:
    """Load answers files, presets, --set values and Helm's own files (index.yaml) as plain dict/list/str/int/float/
    bool/None, one document, read as Helm reads YAML (helmyaml: libyaml, go-yaml v2's rules, keys as text, dates as
    text). The wizard writes its files so that YAML 1.1 and 1.2 read them alike (see needs_quotes); for the
    verbatim values keys of an answers file (extras), Helm's reading is the one that counts."""
    from wizard.yamlkit import helmyaml

    found = helmyaml.documents(text, source, limit=1, nodes=nodes, what=what)
    return found[0] if found else None


def load_documents(text: str, source: str) -> list[object]:
    """Every document of a multi-document stream (rendered manifests), as plain data; empty documents are None.

    Read as Kubernetes reads a manifest (sigs.k8s.io/yaml over go-yaml v2: `runAsNonRoot: yes` is true, keys are
    text) through libyaml: see helmyaml. At most MAX_DOCUMENTS documents.
    """
    from wizard.yamlkit import helmyaml

    return helmyaml.documents(text, source, limit=MAX_DOCUMENTS, nodes=MAX_MANIFEST_NODES, what="manifests")


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
    yaml.Representer = _Representer
    yaml.Resolver = _Resolver
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1 << 30
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(yaml_safe(doc), out)
    return comment_lines(header) + out.getvalue()


