"""Tests for wizard.yamlkit.yamlio: quoting that survives YAML 1.1 (Helm) and 1.2, dumping, and safe loading."""

from __future__ import annotations

import time

import pytest
import yaml as pyyaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from wizard.core.errors import OutputError
from wizard.yamlkit.yamledit import Entry, build_document, merge_entries
from wizard.yamlkit.yamlio import dumps, load_plain, load_roundtrip, needs_quotes, yaml_safe

# --- independent readers -------------------------------------------------------------------------


def _ruamel_safe(version: tuple[int, int] | None) -> YAML:
    reader = YAML(typ="safe", pure=True)
    if version is not None:
        reader.version = version
    return reader


def read_back(text: str) -> dict[str, object]:
    """Read `text` with PyYAML (YAML 1.1, like Helm), ruamel YAML 1.2 and ruamel forced to 1.1."""
    return {
        "pyyaml-1.1": pyyaml.safe_load(text),
        "ruamel-1.2": _ruamel_safe(None).load(text),
        "ruamel-1.1": _ruamel_safe((1, 1)).load(text),
    }


# --- strategies ----------------------------------------------------------------------------------

# Surrogates (category Cs) cannot be encoded as UTF-8, so no YAML stream can carry them; every other
# code point can be written (non-printable ones as double-quoted escapes), so nothing else is filtered.
yaml_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def _any_case(word: str) -> st.SearchStrategy[str]:
    return st.tuples(*[st.sampled_from([c.lower(), c.upper()]) for c in word]).map("".join)


_bool_words = st.sampled_from(["y", "yes", "n", "no", "true", "false", "on", "off"]).flatmap(_any_case)
_null_words = st.sampled_from(["~", "null", "Null", "NULL", "nUlL", ""])
_sign = st.sampled_from(["", "+", "-"])
_digits = st.from_regex(r"[0-9](?:_?[0-9]){0,5}", fullmatch=True)
_exponents = st.sampled_from(["e", "E", "e+", "e-", ".e", ".5E-"])
_number_bodies = st.one_of(
    _digits,
    _digits.map(lambda d: "0" + d),  # legacy octal 0777 (and 0999)
    st.from_regex(r"0[xX][0-9a-fA-F_]{1,6}", fullmatch=True),
    st.from_regex(r"0[oO][0-7_]{1,6}", fullmatch=True),
    st.from_regex(r"0[bB][01_]{1,6}", fullmatch=True),
    st.builds(lambda a, b: f"{a}.{b}", _digits | st.just(""), _digits | st.just("")),
    st.builds(lambda a, e, b: a + e + b, _digits, _exponents, _digits),
    st.builds(lambda a, b: f"{a}:{b:02d}", _digits, st.integers(0, 99)),
    st.builds(lambda a, b, c: f"{a}:{b}:{c}.5", _digits, st.integers(0, 59), st.integers(0, 59)),
    st.sampled_from([".inf", ".Inf", ".INF", "inf", "Inf", "infinity", "Infinity", ".nan", ".NaN", "NaN"]),
    st.sampled_from(["0x1p-2", "0x1.8p3", "0X1P+4", "1p3", "0x_", "0b_", "._", ".", "1_", "_1", "1__0"]),
)
_numbers = st.builds(lambda s, b: s + b, _sign, _number_bodies)
_timestamps = st.sampled_from(
    ["2024-01-01", "2024-1-1", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2024-13-45",
     "2002-12-14T00:00:00Z", "2024-01-01 backup"]
)
_specials = st.sampled_from(
    ["<<", "=", "-", "?", ":", "#", "---", "...", "- a", "a: b", "a #b", " lead", "trail ", "!tag", "&a",
     "*a", "%x", "@x", "`x", "|", ">", "'", '"', "[a]", "{a}", ",", "a\tb", "\ufeffx", "x\u2028y", "line\n",
     "\n", " \n", "a\n b", "trailing \nspace", "\x85", "tab\tend\n"]
)  # fmt: skip
# Random soup of number-ish characters: finds forms that crash a resolver (e.g. '0x_' in PyYAML).
_numberish_soup = st.from_regex(r"[-+]?[0-9_.:eExXoObBpP]{1,8}", fullmatch=True)
ambiguous = st.one_of(_bool_words, _null_words, _numbers, _timestamps, _specials, _numberish_soup)

_settings = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- quoting -------------------------------------------------------------------------------------


@_settings
@given(st.one_of(yaml_text, ambiguous))
def test_any_string_value_reads_back_identically_under_yaml_1_1_and_1_2(value: str) -> None:
    text = dumps({"k": value})
    for reader, data in read_back(text).items():
        assert data == {"k": value}, f"{reader} misread {text!r}"


@_settings
@given(st.one_of(yaml_text, ambiguous))
def test_any_string_key_reads_back_identically_under_yaml_1_1_and_1_2(key: str) -> None:
    text = dumps({key: "v", "nested": {key: [key]}})
    for reader, data in read_back(text).items():
        assert data == {key: "v", "nested": {key: [key]}}, f"{reader} misread {text!r}"


HARMLESS = [
    "10Gi", "500Mi", "100m", "ReadWriteOnce", "org-1", "v1.23.2", "ghcr.io/substra/x", "ghcr.io/x:1.0",
    "substra.backend.local", "mychannel", "1.23.2", "127.0.0.1", "MyOrg1MSP", "http://x.y/z", "a,b", "a#b",
    "-foo", "nginx", "latest", "info", "en_US.UTF-8",
]  # fmt: skip
AMBIGUOUS = [
    "yes", "Yes", "YES", "no", "on", "ON", "off", "Off", "y", "Y", "n", "N", "true", "False", "yEs",
    "~", "null", "Null", "NULL", "", "1e3", "1E-3", "0x1F", "0X1f", "1_000", "0777", "0999", "0o17", "0b101",
    "12:30", "1:20:30.5", ".5", "1.", "+.inf", "-.Inf", ".NaN", "inf", "nan", "-infinity", "+Inf", "0x1p-2",
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "42", "-7", "+3.14", "1_0.5", "0x_", "._",
    " lead", "trail ", "a: b", "a #b", "- a", "-", "#x", "---", "&a", "*a", "!t", "%x", "@x", "'q'",
    "multi\nline", "tab\there",
]  # fmt: skip


@pytest.mark.parametrize("text", HARMLESS)
def test_needs_quotes_false_for_plain_looking_values(text: str) -> None:
    assert needs_quotes(text) is False
    assert f"k: {text}\n" == dumps({"k": text})


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_needs_quotes_true_for_every_ambiguous_form(text: str) -> None:
    assert needs_quotes(text) is True


def test_yaml_safe_copies_plain_data_and_styles_strings() -> None:
    data = {"on": ["yes", "ok", "a\nb"], "n": {"x": 1}}
    safe = yaml_safe(data)
    assert data == {"on": ["yes", "ok", "a\nb"], "n": {"x": 1}}  # input untouched
    assert type(data["on"][0]) is str
    key = next(iter(safe))  # type: ignore[call-overload]
    assert type(key).__name__ == "DoubleQuotedScalarString"
    styles = [type(v).__name__ for v in safe["on"]]  # type: ignore[index]
    assert styles == ["DoubleQuotedScalarString", "str", "LiteralScalarString"]


def test_yaml_safe_quotes_inside_a_commented_map_and_keeps_its_comments() -> None:
    doc = build_document([Entry(("a",), "x", "keep me"), Entry(("b",), "y", "b comment")])
    doc["a"] = "yes"  # plain str set behind yaml_safe's back
    doc.insert(1, "on", "0777")
    doc.yaml_set_comment_before_after_key("b", before="above b")
    assert yaml_safe(doc) is doc
    assert dumps(doc) == 'a: "yes"  # keep me\n"on": "0777"\n# above b\nb: "y"  # b comment\n'


def test_loaded_plain_scalars_keep_their_meaning_for_helm() -> None:
    text = "enabled: yes  # a bool for Helm\nwhen: 12:30\nyes: no\nquoted: 'on'\nport: 0777\nv: 1.0\n"
    doc = load_roundtrip(text, "values.yaml")
    assert doc is not None
    assert dumps(doc) == text
    merge_entries(doc, [Entry(("enabled",), "yes", "wizard: now a string")])
    assert dumps(doc).startswith('enabled: "yes"  # a bool for Helm\n')


def test_dumps_layout_header_empty_and_long_strings() -> None:
    long = "x " * 200 + "end"
    assert dumps({}) == "{}\n"
    assert dumps({"a": {"b": [1, {"c": "d"}]}, "long": long}, header=["one", "", "two\nthree"]) == (
        "# one\n#\n# two\n# three\na:\n  b:\n    - 1\n    - c: d\n" + f"long: {long}\n"
    )


# --- loading -------------------------------------------------------------------------------------


def test_load_plain_and_roundtrip_basic() -> None:
    assert load_plain("a: [1, x, true, null]\n", "answers.yaml") == {"a": [1, "x", True, None]}
    assert load_plain("", "answers.yaml") is None
    assert load_roundtrip("# only a comment\n", "values.yaml") is None
    doc = load_roundtrip("a: 1  # c\n", "values.yaml")
    assert isinstance(doc, CommentedMap) and doc == {"a": 1}


@pytest.mark.parametrize("loader", [load_plain, load_roundtrip])
def test_syntax_error_names_source_line_and_column(loader: object) -> None:
    with pytest.raises(OutputError) as info:
        loader("a: 1\nb: 2\nc: d: e\n", "answers.yaml")  # type: ignore[operator]
    assert str(info.value).splitlines()[1].startswith(
        "answers.yaml line 3, column 5: mapping values are not allowed"
    )


@pytest.mark.parametrize("loader", [load_plain, load_roundtrip])
def test_more_than_one_document_is_refused(loader: object) -> None:
    with pytest.raises(OutputError, match=r"answers\.yaml line 2, column 1: a second YAML document"):
        loader("a: 1\n---\nb: 2\n", "answers.yaml")  # type: ignore[operator]


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


@pytest.mark.parametrize("loader", [load_plain, load_roundtrip])
def test_billion_laughs_is_refused_quickly(loader: object) -> None:
    start = time.perf_counter()
    with pytest.raises(OutputError, match="billion laughs"):
        loader(BOMB, "bomb.yaml")  # type: ignore[operator]
    assert time.perf_counter() - start < 0.5


def test_small_aliases_are_fine_and_deep_nesting_refused() -> None:
    assert load_plain("a: &x [1, 2]\nb: *x\n", "a.yaml") == {"a": [1, 2], "b": [1, 2]}
    with pytest.raises(OutputError, match="nested more than|maximum nesting depth"):
        load_plain("[" * 5000 + "]" * 5000, "deep.yaml")


def test_duplicate_keys_and_non_map_top_level() -> None:
    with pytest.raises(OutputError, match=r"v\.yaml line 2, column 1: .*duplicate key"):
        load_roundtrip("a: 1\na: 2\n", "v.yaml")
    with pytest.raises(OutputError, match="not a map"):
        load_roundtrip("- a\n", "v.yaml")


