"""Tests for wizard.yamlio: quoting that survives YAML 1.1 (Helm), comment-preserving merges,
fingerprints, safe loading and atomic writes."""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml as pyyaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from wizard import yamlio
from wizard.errors import OutputError
from wizard.yamlio import (
    FINGERPRINT_PREFIX,
    Entry,
    atomic_write,
    build_document,
    dumps,
    fingerprint_state,
    load_plain,
    load_roundtrip,
    marked_paths,
    merge_entries,
    needs_quotes,
    read_text,
    with_fingerprint,
    yaml_safe,
)

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


# --- build_document ------------------------------------------------------------------------------


def test_build_document_puts_each_comment_on_its_key_line() -> None:
    doc = build_document(
        [
            Entry(("server", "persistence", "servermedias", "size"), "10Gi", "wizard: media size"),
            Entry(("server", "enabled"), "on"),
            Entry(("server", "hosts"), ["a.example", "0777"], "wizard: hosts"),
            Entry(("server", "resources"), {"cpu": "1", "memory": "1Gi"}, "wizard: resources"),
            Entry(("script",), "echo 1\necho 2\n", "wizard: script"),
            Entry(("empty",), {}, "nothing"),
        ]
    )
    assert dumps(doc) == (
        "server:\n"
        "  persistence:\n"
        "    servermedias:\n"
        "      size: 10Gi  # wizard: media size\n"
        '  enabled: "on"\n'
        "  hosts:  # wizard: hosts\n"
        "    - a.example\n"
        '    - "0777"\n'
        "  resources:  # wizard: resources\n"
        '    cpu: "1"\n'
        "    memory: 1Gi\n"
        "script: |  # wizard: script\n"
        "  echo 1\n"
        "  echo 2\n"
        "empty: {}  # nothing\n"
    )


def test_build_document_reads_back_and_marks_round_trip() -> None:
    entries = [Entry(("a", "b"), "yes", "wizard: b"), Entry(("a", "c"), [1, "2"], "wizard: c")]
    entries.append(Entry(("d",), 1))
    text = dumps(build_document(entries))
    assert pyyaml.safe_load(text) == {"a": {"b": "yes", "c": [1, "2"]}, "d": 1}
    doc = load_roundtrip(text, "values.yaml")
    assert doc is not None
    assert marked_paths(doc) == [("a", "b"), ("a", "c")]


# --- merge_entries -------------------------------------------------------------------------------

OPERATOR_FILE = """\
# Values for org-1, maintained by ops.

server:  # the backend
  # storage for uploaded assets
  persistence:
    servermedias:
      size: 5Gi  # wizard: media size
  replicas: 2  # ops: do not lower
  # image comes from our mirror
  image:
    repository: mirror.local/substra-backend  # wizard: image
    tag: 1.0.0
  # end of server section
# worker settings below
worker:
  concurrency: 1  # wizard: concurrency
  # keep this comment above extra
  extra: keep-me
# this comment is above orchestrator
orchestrator:
  host: orch.local  # wizard: orchestrator host
# trailing comment of the file
"""


def _merged(entries: list[Entry], remove: Sequence[tuple[str, ...]] = ()) -> str:
    doc = load_roundtrip(OPERATOR_FILE, "values.yaml")
    assert doc is not None
    merge_entries(doc, entries, remove)
    return dumps(doc)


def test_merge_updates_values_and_keeps_every_operator_comment_and_key() -> None:
    out = _merged(
        [
            Entry(("server", "persistence", "servermedias", "size"), "20Gi", "wizard: media size (new)"),
            Entry(("server", "replicas"), 3, "wizard: replicas"),
            Entry(("worker", "concurrency"), 4, "wizard: concurrency"),
            Entry(("worker", "new"), "value", "wizard: added"),
        ]
    )
    expected = (
        OPERATOR_FILE.replace("size: 5Gi  # wizard: media size", "size: 20Gi  # wizard: media size (new)")
        .replace("replicas: 2  #", "replicas: 3  #")  # the operator's own comment is kept
        .replace("concurrency: 1", "concurrency: 4")
        .replace("  extra: keep-me\n", "  extra: keep-me\n  new: value  # wizard: added\n")
    )
    assert out == expected


def test_merge_removes_keys_without_moving_neighbour_comments() -> None:
    removed = [("server", "image"), ("worker", "concurrency"), ("worker", "extra"), ("absent",), ("a", "b")]
    out = _merged([], remove=removed)
    assert out == (
        "# Values for org-1, maintained by ops.\n\n"
        "server:  # the backend\n"
        "  # storage for uploaded assets\n"
        "  persistence:\n"
        "    servermedias:\n"
        "      size: 5Gi  # wizard: media size\n"
        "  replicas: 2  # ops: do not lower\n"
        "  # image comes from our mirror\n"
        "  # end of server section\n"
        "# worker settings below\n"
        "# this comment is above orchestrator\n"
        "orchestrator:\n"
        "  host: orch.local  # wizard: orchestrator host\n"
        "# trailing comment of the file\n"
    )


def test_merge_remove_last_key_keeps_comment_above_next_top_level_key() -> None:
    out = _merged([], remove=[("orchestrator", "host"), ("server", "persistence", "servermedias", "size")])
    assert "persistence:" not in out and "orchestrator:" not in out
    tail = "  extra: keep-me\n# this comment is above orchestrator\n# trailing comment of the file\n"
    assert out.endswith(tail)
    assert "server:  # the backend\n  # storage for uploaded assets\n  replicas: 2" in out


NEIGHBOURS = (
    "a: 1  # a\n# above b\nb: 2  # b\n# above c\nc:\n  x: 1  # x\n  # end of c\n# above d\nd: 4  # d\n"
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("a",), "# above b\nb: 2  # b\n# above c\nc:\n  x: 1  # x\n  # end of c\n# above d\nd: 4  # d\n"),
        (("b",), "a: 1  # a\n# above b\n# above c\nc:\n  x: 1  # x\n  # end of c\n# above d\nd: 4  # d\n"),
        (("c",), "a: 1  # a\n# above b\nb: 2  # b\n# above c\n# above d\nd: 4  # d\n"),
        (("c", "x"), "a: 1  # a\n# above b\nb: 2  # b\n# above c\n# above d\nd: 4  # d\n"),
        (("d",), "a: 1  # a\n# above b\nb: 2  # b\n# above c\nc:\n  x: 1  # x\n  # end of c\n# above d\n"),
    ],
)
def test_removing_a_key_keeps_neighbour_comments_in_place(path: tuple[str, ...], expected: str) -> None:
    doc = load_roundtrip(NEIGHBOURS, "v.yaml")
    assert doc is not None
    merge_entries(doc, [], remove=[path])
    assert dumps(doc) == expected


def test_adding_a_key_keeps_end_of_map_comments_below_it() -> None:
    doc = load_roundtrip(NEIGHBOURS, "v.yaml")
    assert doc is not None
    merge_entries(doc, [Entry(("c", "y"), 2, "wizard: y"), Entry(("e",), 5)])
    added = '  x: 1  # x\n  "y": 2  # wizard: y\n'  # "y" is a YAML 1.1 bool: quoted
    assert dumps(doc) == NEIGHBOURS.replace("  x: 1  # x\n", added) + "e: 5\n"


def test_merge_replaces_non_map_intermediate_and_keeps_operator_comment() -> None:
    doc = load_roundtrip("server: null  # set by ops\n# above worker\nworker: 3\n", "v.yaml")
    assert doc is not None
    merge_entries(doc, [Entry(("server", "size"), "1Gi", "wizard: size"), Entry(("worker", "a", "b"), "yes")])
    assert dumps(doc) == (
        "server:  # set by ops\n  size: 1Gi  # wizard: size\n# above worker\nworker:\n  a:\n    b: \"yes\"\n"
    )


def test_merge_replacing_map_by_scalar_keeps_following_comment() -> None:
    doc = load_roundtrip("a:  # wizard: old\n  x: 1\n  # end of a\n# above b\nb: 2\n", "v.yaml")
    assert doc is not None
    merge_entries(doc, [Entry(("a",), "flat", "wizard: new")])
    assert dumps(doc) == "a: flat  # wizard: new\n# above b\nb: 2\n"


def test_empty_flow_map_in_a_commented_list_does_not_join_the_next_lines() -> None:
    # ruamel 0.19 emitted "- a: 0 b: 1" (invalid YAML) here; yamlio's emitter works around it.
    items = [{}, {"a": 0, "b": 1}]
    text = dumps(build_document([Entry(("x",), items, "wizard: x")]))
    assert text == "x:  # wizard: x\n  - {}\n  - a: 0\n    b: 1\n"


_keys = st.sampled_from(["server", "worker", "image", "extra", "c", "x", "yes"])
_values = st.recursive(
    st.one_of(st.integers(0, 3), st.booleans(), st.sampled_from(["v", "on", "two\nlines\n", "10Gi", ""])),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(_keys, inner | st.none(), max_size=2),
    max_leaves=4,
)
_operations = st.lists(
    st.tuples(st.booleans(), st.lists(_keys, min_size=1, max_size=3).map(tuple), _values), max_size=5
)


def _model_set(tree: dict[str, object], path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        if not isinstance(tree.get(key), dict):
            tree[key] = {}
        tree = tree[key]  # type: ignore[assignment]
    tree[path[-1]] = value


def _model_remove(tree: dict[str, object], path: tuple[str, ...]) -> bool:
    """Remove path and the maps this empties; True when tree[path[0]] was deleted."""
    child = tree.get(path[0], tree)
    if child is tree or (len(path) > 1 and not (isinstance(child, dict) and _model_remove(child, path[1:]))):
        return False
    if len(path) == 1 or not child:
        del tree[path[0]]
        return True
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([OPERATOR_FILE, NEIGHBOURS]), _operations)
def test_merge_matches_a_plain_dict_model_and_redumps_stably(text: str, operations: list) -> None:
    doc = load_roundtrip(text, "values.yaml")
    model = load_plain(text, "values.yaml")
    assert doc is not None and isinstance(model, dict)
    for is_set, path, value in operations:
        if is_set:
            merge_entries(doc, [Entry(path, value, "wizard: fuzz")])
            _model_set(model, path, value)
        else:
            merge_entries(doc, [], remove=[path])
            _model_remove(model, path)
    out = dumps(doc)
    assert (load_plain(out, "out") or {}) == model
    again = load_roundtrip(out, "out")
    assert dumps(again if again is not None else {}) == out


# --- marked_paths --------------------------------------------------------------------------------


def test_marked_paths_finds_nested_marks_only() -> None:
    doc = load_roundtrip(OPERATOR_FILE, "values.yaml")
    assert doc is not None
    assert marked_paths(doc) == [
        ("server", "persistence", "servermedias", "size"),
        ("server", "image", "repository"),
        ("worker", "concurrency"),
        ("orchestrator", "host"),
    ]
    text = "a:  #wizard: map\n  b: 1  #  wizard: x\n  c: 2  # not wizard: x\nd: |  # wizard: s\n  t\n"
    doc2 = load_roundtrip(text, "v")
    assert doc2 is not None
    assert marked_paths(doc2) == [("a",), ("a", "b"), ("d",)]


# --- fingerprint ---------------------------------------------------------------------------------


def test_fingerprint_round_trip_edit_and_foreign() -> None:
    body = "a: 1\nb: two\n"
    text = with_fingerprint(["Generated by the wizard", "do not edit"], body)
    assert text.startswith("# Generated by the wizard\n# do not edit\n" + FINGERPRINT_PREFIX)
    assert text.endswith("\n" + body)
    assert fingerprint_state(text) == "unedited"
    assert fingerprint_state(text.replace("two", "twO")) == "edited"
    assert fingerprint_state(text + "\n") == "edited"
    assert fingerprint_state(body) == "foreign"
    assert fingerprint_state("") == "foreign"
    assert fingerprint_state(with_fingerprint([], "")) == "unedited"


def test_fingerprint_keeps_shebang_first_and_covers_it() -> None:
    script = "#!/bin/sh\nset -eu\nhelm upgrade x\n"
    text = with_fingerprint(["generated"], script)
    assert text.splitlines()[:2] == ["#!/bin/sh", "# generated"]
    assert fingerprint_state(text) == "unedited"
    assert fingerprint_state(text.replace("#!/bin/sh", "#!/bin/bash", 1)) == "edited"
    assert fingerprint_state(text.replace("set -eu", "set -e")) == "edited"


# --- atomic_write --------------------------------------------------------------------------------


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_writes_and_keeps_permission_bits(tmp_path: Path) -> None:
    target = tmp_path / "values.yaml"
    atomic_write(target, "a: 1\n")
    assert target.read_text(encoding="utf-8") == "a: 1\n"
    target.chmod(0o640)
    atomic_write(target, "a: 2\nü: é\r\n")
    assert target.read_bytes() == "a: 2\nü: é\r\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    atomic_write(target, "#!/bin/sh\n", mode=0o755)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_atomic_write_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            atomic_write(locked / "values.yaml", "a: 1\n")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_atomic_write_permission_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def deny(*_args: object, **_kw: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(yamlio.os, "open", deny)
    with pytest.raises(OutputError, match=r"values\.yaml: permission denied"):
        atomic_write(tmp_path / "values.yaml", "a: 1\n")


def test_atomic_write_disk_full_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "values.yaml"
    target.write_text("old\n", encoding="utf-8")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(yamlio.os, "fsync", full)
    with pytest.raises(OutputError, match="disk is full"):
        atomic_write(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == []


def test_atomic_write_directory_in_the_way_and_missing_parent(tmp_path: Path) -> None:
    (tmp_path / "values.yaml").mkdir()
    with pytest.raises(OutputError, match="directory is in the way"):
        atomic_write(tmp_path / "values.yaml", "a: 1\n")
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write(tmp_path / "missing" / "values.yaml", "a: 1\n")
    assert _leftovers(tmp_path) == []


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
        "answers.yaml line 3, column 5: mapping values are not allowed here"
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
    with pytest.raises(OutputError, match="nested more than"):
        load_plain("[" * 5000 + "]" * 5000, "deep.yaml")


def test_duplicate_keys_and_non_map_top_level() -> None:
    with pytest.raises(OutputError, match=r"v\.yaml line 2, column 1: .*duplicate key"):
        load_roundtrip("a: 1\na: 2\n", "v.yaml")
    with pytest.raises(OutputError, match="not a map"):
        load_roundtrip("- a\n", "v.yaml")


def test_read_text_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_bytes("\ufeffa: é\n".encode())
    assert read_text(good) == "a: é\n"
    with pytest.raises(OutputError, match="does not exist"):
        read_text(tmp_path / "missing.yaml")
    with pytest.raises(OutputError, match="is a directory"):
        read_text(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: ok\nb: \xff\n")
    with pytest.raises(OutputError, match=r"bad\.yaml is not valid UTF-8 \(byte offset 9\)"):
        read_text(bad)
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: no real disk use
    with pytest.raises(OutputError, match="larger than 20 MB"):
        read_text(big)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_read_text_permission_denied(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("a: 1\n", encoding="utf-8")
    secret.chmod(0)
    with pytest.raises(OutputError, match="Permission denied"):
        read_text(secret)
