"""Hostile YAML against every loader (answers files, imported values files, bundles, diff, manifests, --set): each
class of input ends in one clear exit-2 message naming the file (line and column where it has them), or is read
exactly as Helm and Kubernetes read it. Driven through cli.main, as an operator runs it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.support.importing.reading import go_float_key, read_values_file
from wizard.support.sources import read_values_file as side_values
from wizard.yamlkit.yamlio import load_plain

ANSWERS_HEAD = "schema: substra-wizard/answers@1\n"
DEEP_ALIASES = "a0: &a0 [x]\n" + "".join(
    f"a{i}: &a{i} " + "[" * 90 + f"*a{i - 1}" + "]" * 90 + "\n" for i in range(1, 13))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(code: int, err: str, *words: str) -> bool:
    """One clear operator message (exit 2), never the 'internal error' of a bug, holding each of `words`."""
    return code == 2 and "internal error" not in err and all(word in err for word in words)


# --- merge keys (<<) as Helm (go-yaml v2) applies them --------------------------------------------------------------

MERGES = """\
a: &a {x: 1, w: 1}
b: &b {x: 2, z: 2}
server: {x: 0, <<: [*a, *b], w: 9}
"""
HELM_SERVER = {"x": 1, "w": 9, "z": 2}  # x before << is overridden, the earlier map wins, w after << wins


def test_a_merge_list_is_imported_as_helm_reads_it(tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "values.yaml", MERGES)
    code, out, err = run(capsys, "import", "--values", f"substra-backend={values}", "--format", "json")
    assert code == 0, err
    assert read_values_file(values).data["server"] == HELM_SERVER  # type: ignore[index]
    assert json.loads(out)["extras"]["substra-backend"]["server"] == HELM_SERVER


def test_a_merge_list_makes_a_bundle_and_a_diff(tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "values.yaml", MERGES)
    code, _, err = run(capsys, "bundle", "--values", f"substra-backend={values}", "--out", str(tmp_path / "b.tgz"))
    assert code == 0, err
    assert side_values(values)["server"] == HELM_SERVER
    code, _, err = run(capsys, "diff", "minimal", f"substra-backend={values}")
    assert code == 0, err


def test_answers_and_manifests_apply_merges_in_the_order_written(tmp_path: Path) -> None:
    assert load_plain(MERGES, "answers.yaml")["server"] == HELM_SERVER  # type: ignore[index]
    twice = load_plain("a: &a {k: 1}\nb: {<<: *a, <<: {k: 2, j: 3}}\n", "x.yaml")  # several <<, as Helm allows
    assert twice["b"] == {"k": 2, "j": 3}  # type: ignore[index]


# --- keys that are not text -----------------------------------------------------------------------------------------


def test_answers_extras_with_number_keys_are_written_back_as_helm_reads_them(tmp_path: Path, capsys) -> None:
    answers = write(tmp_path, "a.yaml", ANSWERS_HEAD + "extras: {substra-backend: {server: {1: 2, true: x, 1.5: w}}}\n")
    code, _, err = run(capsys, "--answers", str(answers), "--non-interactive", "--out", str(tmp_path / "out"))
    assert code == 0, err
    written = read_values_file(tmp_path / "out" / "substra-backend-values.yaml").data
    assert written["server"] == {"1": 2, "true": "x", "1.5": "w"}  # type: ignore[index]


@pytest.mark.parametrize(("key", "words"), [
    ("~", "is null"), ("null", "is null"), ("[a, b]", "is a list or map"), ("{a: b}", "is a list or map"),
    ("9223372036854775808", "beyond 64-bit"),
])
def test_keys_helm_refuses_are_refused_in_values_and_answers(key: str, words: str, tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "values.yaml", f"server:\n  ok: 1\n  ? {key}\n  : 1\n")
    code, _, err = run(capsys, "import", "--values", f"substra-backend={values}")
    assert refused(code, err, str(values), "line 3", words)
    answers = write(tmp_path, "a.yaml", ANSWERS_HEAD + f"extras:\n  substra-backend:\n    ? {key}\n    : 1\n")
    code, _, err = run(capsys, "--answers", str(answers), "--non-interactive", "--out", str(tmp_path / "o"))
    assert refused(code, err, str(answers), words)


@pytest.mark.parametrize("keys", ["1: a\n'1': b\n", "y: a\ntrue: b\n", "1.5: a\n'1.5': b\n"])
def test_keys_that_are_one_key_for_helm_are_refused(keys: str, tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "values.yaml", keys)
    code, _, err = run(capsys, "import", "--values", f"substra-backend={values}")
    assert refused(code, err, str(values), "line 2", "duplicate key")


def test_float_keys_are_the_text_go_writes() -> None:
    cases = {1.5: "1.5", 1e6: "1e+06", 100000.0: "100000", 3.14159265358979: "3.1415927", 1e-5: "1e-05",
             float("inf"): ".inf", -1e40: "-.inf", float("nan"): ".nan", 0.0: "0"}
    assert {value: go_float_key(value) for value in cases} == cases


def test_manifest_keys_are_text_as_kubernetes_reads_them(tmp_path: Path, capsys) -> None:
    pod = write(tmp_path, "pod.yaml", "kind: Pod\nmetadata: {name: p, labels: {1: a, true: b, app: c}}\n"
                                      "spec: {containers: [{name: c, image: i}]}\n")
    code, _, err = run(capsys, "pss", str(pod))
    assert code in (0, 1) and "internal error" not in err
    labels = load_plain(pod.read_text(), "pod.yaml")["metadata"]["labels"]  # type: ignore[index]
    assert labels == {"1": "a", "true": "b", "app": "c"}


# --- lone surrogates and other characters no file can hold ----------------------------------------------------------


def test_a_lone_surrogate_is_refused_in_every_file_kind(tmp_path: Path, capsys) -> None:
    answers = write(tmp_path, "a.yaml", ANSWERS_HEAD + 'plan:\n  organisation: {name: "\\ud800"}\n')
    code, _, err = run(capsys, "--answers", str(answers), "--non-interactive", "--out", str(tmp_path / "o"))
    assert refused(code, err, str(answers), "line 3", "surrogate")
    values = write(tmp_path, "v.yaml", 'server:\n  "\\udfff": x\n')
    code, _, err = run(capsys, "import", "--values", f"substra-backend={values}", "--out", str(tmp_path / "o2"))
    assert refused(code, err, str(values), "line 2", "surrogate")
    pod = write(tmp_path, "pod.yaml", 'kind: Pod\nmetadata: {name: "\\ud83d"}\n')
    code, _, err = run(capsys, "pss", str(pod))
    assert refused(code, err, str(pod), "surrogate")
    assert not (tmp_path / "o").exists() and not (tmp_path / "o2").exists()


def test_undecodable_bytes_in_a_set_value_are_refused_naming_the_field(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "--set", "organisation.name=a\udcff", "--non-interactive", "--out", str(tmp_path / "o"))
    assert refused(code, err, "organisation.name", "not UTF-8")
    assert not (tmp_path / "o").exists()


def test_a_path_with_undecodable_bytes_is_printed_escaped(tmp_path: Path) -> None:
    out = os.fsencode(tmp_path) + b"/out-\xff"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    done = subprocess.run([sys.executable, "-m", "wizard", "--non-interactive", "--out", out], env=env,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    assert b"out-\\udcff" in done.stdout


@pytest.mark.parametrize(("text", "line"), [("a: 1\x00\n", 1), ("a: 1\nb: \x01\n", 2)])
def test_control_characters_are_refused_with_their_line(text: str, line: int, tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "v.yaml", text)
    code, _, err = run(capsys, "import", "--values", f"substra-backend={values}")
    assert refused(code, err, str(values), f"line {line}", "is not allowed in YAML")


# --- aliases: nesting after expansion, recursion ----------------------------------------------------------------------


def test_aliases_nested_past_the_limit_once_expanded_are_refused(tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "v.yaml", DEEP_ALIASES)
    for argv in (["import", "--values", f"substra-backend={values}"], ["diff", "minimal", f"substra-backend={values}"],
                 ["bundle", "--values", f"substra-backend={values}", "--out", str(tmp_path / "b.tgz")]):
        code, _, err = run(capsys, *argv)
        assert refused(code, err, str(values), "nested more than 100 levels deep once it is expanded"), argv
    extras = "".join(f"    {line}\n" for line in DEEP_ALIASES.splitlines())
    answers = write(tmp_path, "a.yaml", ANSWERS_HEAD + "extras:\n  substra-backend:\n" + extras)
    code, _, err = run(capsys, "--answers", str(answers), "--non-interactive", "--out", str(tmp_path / "o"))
    assert refused(code, err, str(answers), "nested more than 100 levels")


@pytest.mark.parametrize("text", ["b: &b {c: *b}\n", "a: &a [1, [2, *a]]\n", "m: &m {<<: *m}\n"])
def test_an_alias_inside_its_own_anchor_is_refused(text: str, tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "v.yaml", text)
    code, _, err = run(capsys, "import", "--values", f"substra-backend={values}", "--out", str(tmp_path / "o"))
    assert refused(code, err, str(values), "line 1", "would contain itself")
    code, _, err = run(capsys, "bundle", "--values", f"substra-backend={values}", "--out", str(tmp_path / "b.tgz"))
    assert refused(code, err, "would contain itself")
    assert not (tmp_path / "o").exists()


# --- tags and directives --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!python/object:os.system x", "!!set {x, y}",
                                 "!!omap [x: 1]", "!foo bar", "! x", "!!timestamp 2024-01-01"])
def test_tags_the_wizard_does_not_read_are_refused_in_every_file_kind(tag: str, tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "v.yaml", f"server:\n  a: {tag}\n")
    code, _, err = run(capsys, "import", "--values", f"substra-backend={values}")
    assert refused(code, err, str(values), "line 2", "the tag")
    answers = write(tmp_path, "a.yaml", ANSWERS_HEAD + f"extras:\n  substra-backend:\n    a: {tag}\n")
    code, _, err = run(capsys, "--answers", str(answers), "--non-interactive", "--out", str(tmp_path / "o"))
    assert refused(code, err, str(answers), "line 4", "the tag")


def test_core_tags_are_read_as_written(tmp_path: Path) -> None:
    values = write(tmp_path, "v.yaml", 'a: !!str 5432\nb: !!int "12"\nc: !!float 1\nd: !!str yes\n')
    assert read_values_file(values).data == {"a": "5432", "b": 12, "c": 1.0, "d": "yes"}


def test_directives_are_refused(tmp_path: Path, capsys) -> None:
    values = write(tmp_path, "v.yaml", "%YAML 1.1\n---\na: yes\n")
    code, _, err = run(capsys, "import", "--values", f"substra-backend={values}")
    assert refused(code, err, str(values), "directive")


# --- caps -------------------------------------------------------------------------------------------------------------


def test_an_answers_file_over_its_caps_is_refused_at_once(tmp_path: Path, capsys) -> None:
    keys = write(tmp_path, "keys.yaml", ANSWERS_HEAD + "extras:\n  substra-backend:\n"
                 + "".join(f"    k{i}: {i}\n" for i in range(20_000)))
    code, _, err = run(capsys, "--answers", str(keys), "--non-interactive", "--out", str(tmp_path / "o"))
    assert refused(code, err, str(keys), "12,000 keys, values and list items")
    big = write(tmp_path, "big.yaml", ANSWERS_HEAD + "description: \"" + "x" * (1 << 20) + "\"\n")
    code, _, err = run(capsys, "--answers", str(big), "--non-interactive", "--out", str(tmp_path / "o"))
    assert refused(code, err, str(big), "1 MB")


def test_an_import_over_the_node_cap_is_refused_over_all_its_files(tmp_path: Path, capsys) -> None:
    half = "".join(f"k{i}: {i}\n" for i in range(3_000))
    files = [write(tmp_path, f"{name}.yaml", half) for name in ("a", "b")]
    code, _, err = run(capsys, "import", "--values", f"substra-backend={files[0]}", "--values",
                       f"substra-frontend={files[1]}")
    assert refused(code, err, "10,000 keys, values and list items together")


def test_manifests_over_the_cap_are_refused_also_on_standard_input(tmp_path: Path, capsys, monkeypatch) -> None:
    text = "kind: ConfigMap\nmetadata: {name: c}\ndata:\n" + "  k: v\n" * 200_000
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code, _, err = run(capsys, "pss", "-")
    assert refused(code, err, "standard input", "1 MB")
    big = write(tmp_path, "m.yaml", text)
    code, _, err = run(capsys, "netpol", str(big))
    assert refused(code, err, str(big), "1 MB")


def test_too_many_documents_are_refused(tmp_path: Path, capsys) -> None:
    stream = write(tmp_path, "m.yaml",
                   "".join(f"---\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(6000)))
    code, _, err = run(capsys, "pss", str(stream))
    assert refused(code, err, str(stream), "more than 5,000 YAML documents")


# --- layout tricks: CRLF, tabs, a BOM in the middle, very long keys -------------------------------------------------


def test_crlf_reads_like_lf_and_layout_tricks_are_refused_with_their_line(tmp_path: Path, capsys) -> None:
    crlf = write(tmp_path, "crlf.yaml", "server:\r\n  a: yes\r\n  b: \"x\"\r\n")
    assert read_values_file(crlf).data == {"server": {"a": True, "b": "x"}}
    for name, text, line in [("tab.yaml", "server:\n\ta: 1\n", 2), ("bom.yaml", "a: 1\n\ufeffb: 2\n", 2),
                             ("long.yaml", "k" * 2000 + ": 1\n", 1)]:
        path = write(tmp_path, name, text)
        code, _, err = run(capsys, "import", "--values", f"substra-backend={path}")
        assert refused(code, err, str(path), f"line {line}"), name

