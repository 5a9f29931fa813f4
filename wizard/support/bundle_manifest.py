"""A bundle's manifest.json: its schema (substra-wizard/bundle@1) as a pydantic model, and reading it with bounds.

Every field is checked once, when the bundle is opened, so no command meets a manifest of the wrong shape later. JSON
is read with limits first (size, nesting, number length, no NaN, no key twice in an object), because json.loads
recurses on nesting and reads numbers of any length. A refusal is one line naming the field.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from wizard.core.names import label_problem
from wizard.core.untrusted import shown
from wizard.support.side import CHARTS, KINDS

SCHEMA = "substra-wizard/bundle@1"
MAX_BYTES = 1 << 20
"""A manifest is a few KB (versions, charts, notes, one line per file); 1 MB is far beyond any real one."""
MAX_DEPTH = 8
"""Nesting of JSON arrays and objects; the schema needs 3."""
MAX_NUMBER_CHARS = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_PAIR = re.compile(r"\[\]|\{\}")
_KUBE_VERSION = re.compile(r"1\.(0|[1-9][0-9]{0,3})")
_CHART_VERSION = re.compile(r"[0-9]{1,6}\.[0-9]{1,6}\.[0-9]{1,6}(-[0-9A-Za-z.-]{1,40})?(\+[0-9A-Za-z.-]{1,40})?")
_WIZARD_VERSION = re.compile(r"[0-9][0-9A-Za-z.+!_-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MEMBER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}(/[a-z0-9][a-z0-9._-]{0,99})?")


_TYPES = {"string_type": "a string", "list_type": "a list", "dict_type": "an object", "bool_type": "true or false",
          "model_type": "an object", "model_attributes_type": "an object"}


class ManifestError(ValueError):
    """Why manifest.json cannot be used: one line, safe to show."""


def _matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{shown(value, 40)} is not {what}")
        return value
    return AfterValidator(check)


def _chart(value: str) -> str:
    if value not in CHARTS:
        raise ValueError(f"{shown(value, 40)} is not a chart this wizard knows ({', '.join(CHARTS)})")
    return value


def _dns_label(max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(f"{shown(value, 40)} is longer than {max_length} characters")
        problem = label_problem(value, max_length=max_length)
        if problem:
            raise ValueError(problem)
        return value
    return AfterValidator(check)


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode (it holds a lone surrogate)") from None
    return value


Chart = Annotated[str, AfterValidator(_chart)]
ChartVersion = Annotated[str, _matching(_CHART_VERSION, "a chart version (e.g. 26.15.3)")]
Text = Annotated[str, AfterValidator(_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ChartEntry(_Strict):
    """One release the bundle's input installs."""

    chart: Chart
    version: ChartVersion
    release: Annotated[str, _dns_label(53)]
    namespace: Annotated[str, _dns_label(63)]


class Input(_Strict):
    """What the bundle was made from, as given on the command line (secrets redacted)."""

    kind: Literal[KINDS]  # type: ignore[valid-type]
    label: Text
    sets: list[Text]


class FileEntry(_Strict):
    """A member of the bundle and the sha256 of its bytes."""

    name: Annotated[str, _matching(_MEMBER_NAME, "a bundle member's name")]
    sha256: Annotated[str, _matching(_SHA256, "a sha256 (64 lower-case hex digits)")]


class Manifest(_Strict):
    """manifest.json of a bundle; field by field what wizard bundle writes."""

    schema_: Literal["substra-wizard/bundle@1"] = Field(alias="schema")
    wizard_version: Annotated[str, _matching(_WIZARD_VERSION, "a version (e.g. 0.1.0)")]
    supported_charts: dict[Chart, ChartVersion]
    charts: list[ChartEntry] = Field(max_length=len(CHARTS))
    input: Input
    primary: Literal["values", "plan"]
    """Which the bundle stands for: the values files as given, or the Plan (its answers file)."""
    k8s_version: Annotated[str, _matching(_KUBE_VERSION, "a Kubernetes version written 1.N (e.g. 1.31)")]
    """The version its explain report was made for; newer than this wizard's rules reads as its newest."""
    runtime_pods: bool
    notes: list[Text]
    files: list[FileEntry]
    """Every member but manifest.json itself, each once."""

    @model_validator(mode="after")
    def _each_once(self) -> Manifest:
        charts = [entry.chart for entry in self.charts]
        for chart in charts:
            if charts.count(chart) > 1:
                raise ValueError(f"charts: {chart} is listed twice")
        names = [entry.name for entry in self.files]
        for name in names:
            if names.count(name) > 1 or name == "manifest.json":
                raise ValueError(f"files: {name} is listed twice" if name != "manifest.json" else
                                 "files: manifest.json does not list itself")
        return self


def parse(data: bytes) -> Manifest:
    """The manifest in `data` (the bytes of manifest.json), validated.

    Raises:
        ManifestError: too large, nested too deep, not JSON, not the bundle@1 schema, or a field of the wrong shape.
    """
    if len(data) > MAX_BYTES:
        raise ManifestError(f"its manifest.json is {len(data):,} bytes; a manifest is at most {MAX_BYTES:,}")
    try:
        text = str(data, "utf-8")
    except UnicodeDecodeError as error:
        raise ManifestError(f"its manifest.json is not UTF-8 text (byte {error.start})") from None
    _check_nesting(text)
    try:
        manifest = json.loads(text, object_pairs_hook=_object, parse_constant=_constant, parse_int=_int,
                              parse_float=_float)
    except ManifestError:
        raise
    except ValueError as error:
        raise ManifestError(f"its manifest.json is not JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"its manifest.json is a JSON {type(manifest).__name__}, not an object")
    if manifest.get("schema") != SCHEMA:
        raise ManifestError(f"its schema is {shown(str(manifest.get('schema')), 60)}, not {SCHEMA}; a newer wizard "
                            "may have written it: upgrade substra-wizard")
    try:
        return Manifest.model_validate(manifest)
    except ValidationError as error:
        raise ManifestError(_first_problem(error)) from None


def _check_nesting(text: str) -> None:
    """Refuse nesting past MAX_DEPTH before json.loads recurses into it: strings out, then the innermost bracket pairs
    taken out up to MAX_DEPTH times; what is left is deeper, or unmatched (json.loads says where, when few are open).
    """
    brackets, progress = _NOT_BRACKET.sub("", _STRING.sub("", text)), True
    for _ in range(MAX_DEPTH):
        brackets, count = _PAIR.subn("", brackets)
        if not count:
            progress = False
            break
    if brackets and (progress or brackets.count("[") + brackets.count("{") > MAX_DEPTH):
        raise ManifestError(f"its manifest.json nests arrays and objects more than {MAX_DEPTH} deep, or its "
                            "brackets do not match")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ManifestError(f"its manifest.json has the key {shown(key, 40)} twice in one object")
        found[key] = value
    return found


def _constant(name: str) -> None:
    raise ManifestError(f"its manifest.json holds {name}, which JSON does not allow")


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ManifestError(f"its manifest.json holds a number of {len(text):,} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text) if len(text) <= MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(value):
        raise ManifestError(f"its manifest.json holds a number out of range ({shown(text, 40)})")
    return value


def _first_problem(error: ValidationError) -> str:
    """The first problem as one line, `manifest.json field charts[0].release: ...` (and how many more)."""
    problems = error.errors(include_url=False)
    first = problems[0]
    where = "".join(f"[{part}]" if isinstance(part, int) else " key" if part == "[key]" else f".{part}"
                    if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", part) else f"[{shown(part, 40)}]"
                    for part in first["loc"]).lstrip(".")
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = f"unknown field (a {SCHEMA} manifest has only {', '.join(Manifest.model_fields)})".replace(
            "schema_", "schema") if len(first["loc"]) == 1 else "unknown field"
    elif first["type"] == "missing":
        message = "missing"
    elif first["type"] in _TYPES:
        message = f"must be {_TYPES[first['type']]}, not {_json_type(first.get('input'))}"
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    field = f"field {where}: " if where else ""
    return f"its manifest.json {field}{message}{more}"


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, as the manifest's author wrote it."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    names = {int: "a number", float: "a number", str: "a string", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)
