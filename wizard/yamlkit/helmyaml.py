"""YAML as Helm and Kubernetes read it: go-yaml v2's rules (YAML 1.1 scalars, merge keys in the order written) and
sigs.k8s.io/yaml's JSON keys (`1:` is "1", a null or list key is refused), for values files (importing.reading) and
rendered manifests (yamlio.load_documents).

The text is parsed by libyaml, which go-yaml v2 is a port of, through PyYAML (its C loader when present: about twenty
times faster than ruamel's pure-Python parser; comments are not needed here). yamlguard's Guard sees every event
first (alias bombs, nesting after expansion, recursive aliases, tags, surrogates, documents), so nothing hostile is
composed; the node graph is then turned into plain data: dict, list, str, int, float, bool, None, nothing shared.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from wizard.core.errors import OutputError
from wizard.yamlkit import yamlguard

KeyPath = tuple[str, ...]


_said_slow = False


def safe_loader() -> type:
    """PyYAML's C loader (libyaml), or its pure-Python loader where this PyYAML was built without libyaml (a source
    build without its headers): then said once on stderr, since reading a big render becomes about 20 times slower."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        return loader
    global _said_slow
    if not _said_slow:
        _said_slow = True
        import sys

        print("wizard: note: this PyYAML has no libyaml, so YAML is read by its pure-Python loader (about 20 times "
              "slower on big files); reinstall PyYAML from a wheel (pip install --force-reinstall --only-binary "
              ":all: pyyaml) to read at full speed", file=sys.stderr)
    return yaml.SafeLoader


def compose(text: str, source: str, *, documents: int = 1, nodes: int = yamlguard.MAX_EXPANDED_NODES,
            what: str = "this file") -> tuple[list[Any], Reader]:
    """The root node of each document (None for an empty one), and the Reader that turns nodes into data.

    Raises:
        OutputError: invalid YAML (with line and column) or anything the Guard refuses.
    """
    import yaml  # PyYAML (also a dependency of kubernetes)

    loader = safe_loader()
    guard = yamlguard.Guard(source, documents=documents, nodes=nodes, what=what)
    try:
        for event in yaml.parse(text, Loader=loader):
            guard(event)
        roots = list(yaml.compose_all(text, Loader=loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source} line {mark.line + 1}, column {mark.column + 1}" if mark else source
        raise yamlguard.invalid(source, f"{where}: {exc.problem or exc.context or 'invalid YAML'}") from None
    except yaml.reader.ReaderError as exc:  # NUL and other control characters
        before = text.encode("utf-8")[: exc.position] if loader is not yaml.SafeLoader else text[: exc.position]
        line = before.count(b"\n" if isinstance(before, bytes) else "\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise yamlguard.invalid(source, f"{source} line {line}: the character U+{code:04X} is not allowed in YAML "
                                        f"({exc.reason}): remove it") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise yamlguard.invalid(source, f"{source}: {str(exc).strip() or type(exc).__name__}") from None
    return roots, Reader(source, guard.tagged, guard.total)


def documents(text: str, source: str, *, limit: int, nodes: int = yamlguard.MAX_EXPANDED_NODES,
              what: str = "this file") -> list[Any]:
    """Every document of a stream as plain data (None for an empty one), at most `limit` documents and `nodes`
    nodes (see yamlguard.Guard)."""
    roots, reader = compose(text, source, documents=limit, nodes=nodes, what=what)
    return [None if root is None else reader.plain(root, (), {}) for root in roots]


@dataclass
class Reader:
    """Turns one stream's nodes into plain data; remembers each map's keys (a map merged many times is read once)."""

    source: str
    tagged: dict[tuple[int, int], str] = field(default_factory=dict)
    nodes: int = 0
    """The stream's nodes, aliases expanded (as the Guard counted them)."""
    pairs: dict[int, dict[str, tuple[Any, Any]]] = field(default_factory=dict)

    def plain(self, node: Any, at: KeyPath, lines: dict[KeyPath, int]) -> Any:
        """Plain data as Helm gets it (scalars by go-yaml v2's rules, merge keys applied, keys as JSON text);
        records the line of each map key (not inside lists). Aliases become copies, so nothing is shared."""
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for name, (key_node, value_node) in self.helm_pairs(node, at).items():
                where = (*at, name)
                lines.setdefault(where, key_node.start_mark.line + 1)
                result[name] = self.plain(value_node, where, lines)
            return result
        if isinstance(node, SequenceNode):
            return [self.plain(item, _indexed(at, index), {}) for index, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: ScalarNode) -> Any:
        """go-yaml v2: a plain scalar is resolved (bool, null, int, float, else text); quoted and block ones are
        text; an explicit core tag decides (`!!str 5432` is text, `!!int "12"` is 12)."""
        tag = self.tagged.get((node.start_mark.line, node.start_mark.column)) if self.tagged else None
        if tag is None or tag.endswith((":map", ":seq")):
            return node.value if node.style else resolve_plain(node.value)
        if tag.endswith(":str"):
            return node.value
        value = resolve_plain(node.value)
        wanted = {":int": int, ":float": (int, float), ":bool": bool, ":null": type(None)}[tag[tag.rindex(":"):]]
        if not isinstance(value, wanted) or (isinstance(value, bool) and not tag.endswith(":bool")):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise self.refused(node, f"{node.value!r} is not what its tag {shown} says")
        return float(value) if tag.endswith(":float") else value

    def helm_pairs(self, node: MappingNode, at: KeyPath) -> dict[str, tuple[Any, Any]]:
        """Key text -> (key node, value node) as go-yaml v2 sets them: in the order written, each `<<` setting the
        keys of its map (or of its list of maps, the earlier map winning) over the keys before it; keys written
        twice (also as 1 and "1", or y and true, which Helm cannot tell apart) are refused."""
        if id(node) in self.pairs:
            return self.pairs[id(node)]
        result: dict[str, tuple[Any, Any]] = {}
        own: set[str] = set()
        for key_node, value_node in node.value:
            if _is_merge(key_node):
                for source in _merge_sources(value_node):
                    if not isinstance(source, MappingNode):
                        raise self.refused(source, "a merge key (<<) takes a map or a list of maps")
                    result.update(self.helm_pairs(source, at))
                continue
            name = self.key_text(key_node, at)
            if name in own:
                raise self.refused(key_node, f'found duplicate key "{name}" in {".".join(at) or "the top level"} '
                                             "(1 and \"1\", or y and true, are one key for Helm): keep one")
            own.add(name)
            result[name] = (key_node, value_node)
        self.pairs[id(node)] = result
        return result

    def key_text(self, key_node: Any, at: KeyPath) -> str:
        """sigs.k8s.io/yaml turns a bool or number key into its text, and refuses a list or map key (go-yaml v2:
        "invalid map key"), a null key and an integer beyond 64 bits (unsupported map key)."""
        inside = ".".join(at) or "the top level"
        if not isinstance(key_node, ScalarNode):
            raise self.refused(key_node, f"a key in {inside} is a list or map; Helm and Kubernetes refuse such keys "
                                         "(invalid map key): write it as text")
        value = self.scalar(key_node)
        if value is None or (isinstance(value, int) and not -(1 << 63) <= value < (1 << 63)):
            what = "null (~, null or nothing)" if value is None else f"the number {value}, beyond 64-bit integers"
            raise self.refused(key_node, f"a key in {inside} is {what}; Helm and Kubernetes refuse it (unsupported "
                                         "map key): write the key as quoted text")
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return go_float_key(value)
        return str(value)

    def refused(self, node: Any, what: str) -> OutputError:
        mark = node.start_mark
        return yamlguard.invalid(self.source, f"{self.source} line {mark.line + 1}, column {mark.column + 1}: {what}.")


def _indexed(at: KeyPath, index: int) -> KeyPath:
    """The path of a list item, for messages (`channels[0]`); lines are not kept inside lists."""
    return (*at[:-1], f"{at[-1]}[{index}]") if at else (f"[{index}]",)


def _is_merge(key: Any) -> bool:
    """go-yaml v2's isMerge: a plain `<<` (a quoted "<<" is an ordinary key)."""
    return isinstance(key, ScalarNode) and not key.style and key.value == "<<"


def _merge_sources(value: Any) -> list[Any]:
    """The maps one `<<` merges, the one that wins last (go-yaml v2 steps backwards through a list)."""
    return list(reversed(value.value)) if isinstance(value, SequenceNode) else [value]


def go_float_key(value: float) -> str:
    """A float key as sigs.k8s.io/yaml writes it: Go's strconv.FormatFloat(k, 'g', -1, 32), i.e. the shortest text
    of the float32 value, in exponent form below 1e-4 or from 1e6 (1.5 -> "1.5", 1e6 -> "1e+06"); .inf, .nan."""
    try:
        single = _as_single(value)
    except OverflowError:  # beyond float32: Go rounds it to an infinity
        single = math.copysign(math.inf, value)
    if math.isinf(single) or math.isnan(single):
        return ".nan" if math.isnan(single) else ".inf" if single > 0 else "-.inf"
    if single == 0:
        return "-0" if math.copysign(1, single) < 0 else "0"
    text = next(t for p in range(9) if _as_single(float(t := f"{single:.{p}e}")) == single)
    mantissa, _, exponent = text.partition("e")
    digits, power = mantissa.replace(".", "").lstrip("-").rstrip("0") or "0", int(exponent)
    sign = "-" if single < 0 else ""
    if power < -4 or power >= 6:
        body = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if power < 0:
        return f"{sign}0.{'0' * (-power - 1)}{digits}"
    whole = digits.ljust(power + 1, "0")
    return f"{sign}{whole[: power + 1]}" + (f".{digits[power + 1:]}" if len(digits) > power + 1 else "")


def _as_single(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


_V2_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_V2_FALSE = frozenset({"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
_V2_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_V2_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_V2_SPECIAL = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf,
               "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
               ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}


def resolve_plain(text: str) -> Any:
    """go-yaml v2's resolve() for a plain scalar: bool, null, int (any Go base), float, else the text."""
    if text in _V2_TRUE:
        return True
    if text in _V2_FALSE:
        return False
    if text in _V2_NULL:
        return None
    if text in _V2_SPECIAL:
        return _V2_SPECIAL[text]
    plain = text.replace("_", "")
    try:
        number = int(plain, 0) if not re.fullmatch(r"[-+]?0[0-7]+", plain) else int(plain, 8)
    except ValueError:
        number = None
    if number is not None and plain.isascii() and -(1 << 63) <= number < (1 << 64):
        return number
    if plain.isascii() and _V2_FLOAT.match(plain):
        return float(plain)
    return text
