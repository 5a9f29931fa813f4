"""Reading a customer's values file the way Helm reads it, with the line of every key.

Helm reads values with go-yaml v2 (YAML 1.1 rules): `enabled: yes` is true, `0777` is 511, a date stays text.
yamlio loads with YAML 1.2 rules but marks every plain string a YAML 1.1 reader could read otherwise
(PlainScalarString), so those are resolved again here with go-yaml v2's rules. yamlio already refuses alias bombs,
deep nesting, duplicate keys and syntax errors (with line and column); this module adds the size limit and the
"top level is a map" rule, and turns the ruamel tree into plain data.
"""

from __future__ import annotations

import datetime
import math
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarint import ScalarInt
from ruamel.yaml.scalarstring import PlainScalarString

from wizard import files, yamlio
from wizard.errors import OutputError

MAX_BYTES = 512 * 1024
"""Real values files are a few KB. ruamel (pure Python) reads 100 to 250 KB a second, so a file at this limit takes
2 to 6 seconds and a 10 MB one over a minute: refused at once instead."""

KeyPath = tuple[str, ...]


@dataclass
class ValuesFile:
    """One customer file as Helm sees it: plain data, and the 1-based line of each key path in it."""

    path: Path
    data: dict[str, Any] | None
    """None when the file holds no document at all (an empty file: no overrides)."""
    lines: dict[KeyPath, int] = field(default_factory=dict)


def read_values_file(path: Path) -> ValuesFile:
    """Read one values file.

    Raises:
        OutputError: missing, unreadable, not UTF-8 (with the byte offset), larger than MAX_BYTES, invalid YAML
            (with line and column), an alias bomb, duplicate keys, or a top level that is not a map.
    """
    text = files.read_text(path, limit=MAX_BYTES, what="a values file (the output of helm get values RELEASE)")
    try:
        doc = yamlio.load_roundtrip(text, str(path))
    except OutputError as error:
        if "the top level is a" not in error.msg:
            raise
        raise OutputError(f"{path}: the top level is not a map of keys (key: value), so it is not a values file; "
                          "give the file you pass to helm -f, or the output of helm get values RELEASE.",
                          title="Not a values file") from None
    if doc is None:
        return ValuesFile(path, None)
    lines: dict[KeyPath, int] = {}
    data = _plain(doc, (), lines, path)
    return ValuesFile(path, data, lines)


def _plain(node: Any, at: KeyPath, lines: dict[KeyPath, int], path: Path) -> Any:
    """Plain data with Helm's scalar types and merge keys (yamlio.helm_items); records the line of each map key
    (also inside maps in lists). Aliases become copies, so nothing in the result is shared."""
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key, value in yamlio.helm_items(node):
            name = _key_text(key, at, node, path)
            where = (*at, name)
            if name in result:
                raise OutputError(f"{path} line {_line_of(node, key)}: two keys of {'.'.join(at) or 'the top level'} "
                                  f"are both {name!r} for Helm (e.g. 1 and \"1\", or y and true); Helm would keep "
                                  "either one at random: keep one.", title="Not a values file")
            line = _line_of(node, key)
            if line is not None and where not in lines:
                lines[where] = line
            result[name] = _plain(value, where, lines, path)
        return result
    if isinstance(node, CommentedSeq):
        return [_plain(item, at, {}, path) for item in node]
    return helm_scalar(node)


def _line_of(node: CommentedMap, key: Any) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (KeyError, TypeError, AttributeError, IndexError):
        return int(node.lc.line) + 1 if getattr(node.lc, "line", None) is not None else None


def _key_text(key: Any, at: KeyPath, node: CommentedMap, path: Path) -> str:
    """Helm's values are JSON objects: sigs.k8s.io/yaml turns a bool or number key into its text, and refuses a list
    or map as a key (go-yaml v2: "invalid map key")."""
    if isinstance(key, tuple | list | dict):
        line = _line_of(node, key)
        where = f"{path} line {line}" if line else str(path)
        inside = ".".join(at) or "the top level"
        raise OutputError(f"{where}: a key in {inside} is a list or map; Helm refuses such keys (invalid map key): "
                          "write it as text.", title="Not a values file")
    value = helm_scalar(key)
    if value is None or (isinstance(value, int) and not -(1 << 63) <= value < (1 << 63)):
        line = _line_of(node, key)
        where = f"{path} line {line}" if line else str(path)
        what = "null (~, null or nothing)" if value is None else f"the number {value}, beyond 64-bit integers"
        raise OutputError(f"{where}: a key in {'.'.join(at) or 'the top level'} is {what}; Helm refuses the file "
                          "(unsupported map key): write the key as quoted text.", title="Not a values file")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float_key(value)
    return str(value)


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


def helm_scalar(value: Any) -> Any:
    """A scalar as go-yaml v2 (Helm) reads it, from what yamlio's YAML 1.2 load made of it."""
    if isinstance(value, PlainScalarString):
        return resolve_plain(str(value))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, ScalarInt):
        return _legacy_octal(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()  # go-yaml v2 hands timestamps to Helm as the text written
    return value


def _legacy_octal(value: ScalarInt) -> int | float:
    """YAML 1.2 reads `0777` as 777; go-yaml v2 as octal 511 (and `0789`, not octal, as the float 789)."""
    width = getattr(value, "_width", None)
    digits = str(abs(int(value)))
    if type(value) is ScalarInt and width and width > len(digits) + (int(value) < 0):
        text = digits.rjust(width - (int(value) < 0), "0")
        sign = -1 if int(value) < 0 else 1
        return sign * int(text, 8) if set(text) <= set("01234567") else float(sign * int(text))
    return int(value)


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
    if number is not None and -(1 << 63) <= number < (1 << 64):
        return number
    if _V2_FLOAT.match(plain):
        return float(plain)
    return text
