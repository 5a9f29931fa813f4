"""Deliberately odd customer files (tests/data/customer): each gets a clear report or a clear one-message error naming
the file, never a traceback. Driven through cli.main, as an operator runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.support.importing import reading
from wizard.support.importing.reading import MAX_BYTES

CORPUS = Path(__file__).resolve().parents[1] / "data" / "customer"
FILES = sorted(CORPUS.glob("*.yaml"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["import", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def notes(capsys, name: str) -> list[dict]:
    code, out, _ = run(capsys, "--values", f"substra-backend={CORPUS / name}", "--format", "json")
    assert code == 0
    return json.loads(out)["notes"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_corpus_file_gets_a_report_or_a_clear_error(path: Path, capsys) -> None:
    code, out, err = run(capsys, "--values", f"substra-backend={path}")
    assert "Traceback" not in out + err and "internal error" not in err
    if code == 0:
        assert out.startswith(f"Imported {path}.")
    else:
        assert code == 2 and not out
        assert err.startswith("wizard: ") and str(path) in err


def test_comments_everywhere_are_read_like_helm_with_the_line_of_each_decision(capsys) -> None:
    code, out, _ = run(capsys, "--values", f"substra-backend={CORPUS / 'comments-everywhere.yaml'}",
                       "--format", "json")
    assert code == 0
    report = json.loads(out)
    decisions = {d["field"]: (d["value"], d["from"]) for d in report["decisions"]}
    assert decisions["organisation.name"] == ("acme", f"{CORPUS / 'comments-everywhere.yaml'}:4 organizationName")
    assert decisions["scale.worker_replicas"][0] == 2
    assert decisions["channels"][0] == [{"name": "consortium", "organizations": [], "restricted": False,
                                         "model_export_enabled": True}]
    assert report["extras"] == {"substra-backend": {"database": {"host": "pg.acme.internal"}}}


def test_anchors_aliases_and_merge_keys_are_expanded(capsys) -> None:
    code, out, _ = run(capsys, "--values", f"substra-backend={CORPUS / 'anchors-and-aliases.yaml'}",
                       "--format", "json")
    assert code == 0
    storage = json.loads(out)["plan"]["storage"]
    assert storage["builder"]["size"] == "30Gi" and storage["builder"]["storage_class"] == "fast-ssd"
    assert storage["kaniko_cache"]["size"] == "40Gi"  # the key after `<<: *disk` wins
    assert storage["kaniko_cache"]["storage_class"] == "fast-ssd"


def test_typos_are_reported_with_the_nearest_real_key(capsys) -> None:
    found = {n["key"]: n for n in notes(capsys, "typos.yaml") if n["kind"] == "unknown-key"}
    assert set(found) == {"organisationName", "worker.replicaCont", "worker.persistance", "server.ingress.enabeld"}
    assert "did you mean organizationName" in found["organisationName"]["message"]
    assert "did you mean worker.replicaCount" in found["worker.replicaCont"]["message"]
    assert "did you mean server.ingress.enabled" in found["server.ingress.enabeld"]["message"]
    assert found["worker.replicaCont"]["line"] == 3


def test_keys_of_other_chart_versions_are_unknown_or_without_effect_with_the_reason(capsys) -> None:
    found = notes(capsys, "other-chart-version.yaml")
    unknown = {n["key"] for n in found if n["kind"] == "unknown-key"}
    assert unknown == {"celeryworker", "registry"}
    no_effect = {n["key"]: n["message"] for n in found if n["kind"] == "no-effect"}
    assert set(no_effect) == {"server.persistence.storageClass", "postgresql.primary.persistence.storageClass"}
    assert "servermedias.storageClass" in no_effect["server.persistence.storageClass"]
    assert "Bitnami" in no_effect["postgresql.primary.persistence.storageClass"]


CREDENTIAL_KINDS = {"default-credential", "account", "storage-open", "own-pair"}


@pytest.mark.parametrize("name", ["empty.yaml", "only-comments.yaml"])
def test_an_empty_file_is_no_overrides_and_says_so(name: str, capsys) -> None:
    """An empty file is the chart's defaults: apart from "empty", only what those defaults leave open is said."""
    kinds = [n["kind"] for n in notes(capsys, name)]
    assert [kind for kind in kinds if kind not in CREDENTIAL_KINDS] == ["empty"]
    assert {"default-credential", "account", "storage-open"} <= set(kinds)


def test_yaml_1_1_scalars_are_read_as_helm_reads_them(capsys) -> None:
    code, out, _ = run(capsys, "--values", f"substra-backend={CORPUS / 'yaml-1.1-scalars.yaml'}",
                       "--format", "json")
    report = json.loads(out)
    assert report["plan"]["features"]["builder"] is False  # `no`
    # `on` turns the private CA on, but the tag `1.0` is the number 1.0 for Helm: the Plan cannot hold that tag,
    # says so, and keeps both keys verbatim.
    tag_notes = [n for n in report["notes"] if n["key"] == "features.add_cert_image_tag"]
    assert any("put quotes around it" in n["message"] for n in tag_notes)
    assert report["extras"]["substra-backend"]["privateCa"] == {"enabled": True, "image": {"tag": 1.0}}


@pytest.mark.parametrize(("name", "words"), [
    ("yaml-bomb.yaml", "billion laughs"),
    ("latin1.yaml", "not valid UTF-8 (byte offset 22)"),
    ("duplicate-keys.yaml", 'line 3, column 1: found duplicate key "worker"'),
    ("syntax-error.yaml", "line 4, column 8"),
    ("top-level-list.yaml", "not a map of keys"),
])
def test_unreadable_files_are_refused_with_what_is_wrong_and_where(name: str, words: str, capsys) -> None:
    code, out, err = run(capsys, "--values", f"substra-backend={CORPUS / name}")
    assert code == 2 and not out
    assert words in err and str(CORPUS / name) in err


def test_a_10_mb_file_is_refused_before_parsing_naming_the_limit(tmp_path: Path, capsys, monkeypatch) -> None:
    big = tmp_path / "huge-values.yaml"
    line = "  KEY_{}: value number {} with some padding text to make the line longer\n"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("config:\n")
        written, index = 0, 0
        while written < 10 * 1024 * 1024:
            written += handle.write(line.format(index, index))
            index += 1

    def never(*_: object) -> None:
        raise AssertionError("a file over the limit must be refused before it is parsed")

    monkeypatch.setattr(reading.helmyaml, "compose", never)
    code, out, err = run(capsys, "--values", f"substra-backend={big}")
    assert code == 2 and not out
    assert f"up to {MAX_BYTES // 1024} KB" in err and str(big) in err and "10 MB" in err


def test_a_missing_file_and_an_unknown_chart_are_clear(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "--values", f"substra-backend={tmp_path / 'nope.yaml'}")
    assert code == 2 and f"{tmp_path / 'nope.yaml'} does not exist" in err
    code, _, err = run(capsys, "--values", f"substra-backnd={CORPUS / 'empty.yaml'}")
    assert code == 2
    assert "'substra-backnd' is not a chart the wizard knows; use one of orchestrator, substra-backend, " \
           "substra-frontend" in err
