"""Provenance: which layer set each Plan field and each written values key, and `wizard why`."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.cli import main
from wizard.frontend.provenance import edit_layer, field_origin, history, value_origin
from wizard.planning.layers import Layer, apply_sets, build_plan, plan_layers
from wizard.support.importing import import_values

BACKEND = "substra-backend"


@pytest.fixture
def customer(tmp_path: Path) -> Path:
    path = tmp_path / "customer.yaml"
    path.write_text("# theirs\nworker:\n  replicaCount: 2\n  persistence:\n    size: 20Gi\noidc:\n  enabled: true\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text("schema: substra-wizard/answers@1\nplan:\n  storage:\n    worker:\n      size: 30Gi\n",
                    encoding="utf-8")
    return path


def test_a_field_nobody_set_has_the_plan_default() -> None:
    origin = field_origin([], "storage.worker.size")
    assert origin.kind == "default" and origin.value is None and history([], "storage.worker.size") == []


def test_each_layer_kind_is_named_and_the_last_one_wins(answers_file: Path) -> None:
    layers = plan_layers("minimal", answers_file, ["storage.worker.size=40Gi"])
    found = history(layers, "storage.worker.size")
    assert [(o.kind, o.value) for o in found] == [("answers", "30Gi"), ("set", "40Gi")]
    assert found[0].source == str(answers_file)
    assert field_origin(layers, "storage.worker.size").kind == "set"
    preset = field_origin(layers, "organisation.msp_id")
    assert (preset.kind, preset.source, preset.value) == ("preset", "preset minimal", "Org1MSP")


def test_an_imported_field_names_its_file_and_line(customer: Path) -> None:
    layers = [import_values([(BACKEND, customer)]).layer]
    origin = field_origin(layers, "scale.worker_replicas")
    assert (origin.kind, origin.value, origin.where) == ("import", 2, f"{customer}:3")
    assert str(origin) == f"imported {customer} ({customer}:3)"
    untouched = field_origin(layers, "scale.server_replicas")
    assert untouched.kind == "import" and untouched.where is None and "chart's default" in str(untouched)


def test_an_interactive_edit_is_a_layer_of_the_changed_fields_only() -> None:
    layers = plan_layers("minimal", None, [])
    before = build_plan(layers)
    after = build_plan([*layers, apply_sets(before.model_dump(mode="json"), ["scale.worker_replicas=5"])])
    edit = edit_layer(before, after)
    assert edit.paths == ("scale.worker_replicas",)
    origin = field_origin([*layers, edit], "scale.worker_replicas")
    assert (origin.kind, origin.value) == ("edit", 5)
    assert field_origin([*layers, edit], "organisation.msp_id").kind == "preset"


def test_list_items_take_the_origin_of_the_list() -> None:
    layers = [Layer("preset p", {"channels": [{"name": "a"}]}, kind="preset")]
    assert field_origin(layers, "channels[0].name").source == "preset p"
    with pytest.raises(KeyError):
        history(layers, "channels[0].nmae")


def test_values_keys_are_decided_imported_verbatim_or_chart_defaults(customer: Path) -> None:
    layers = [import_values([(BACKEND, customer)]).layer]
    plan = build_plan(layers)
    decided = value_origin(layers, plan, BACKEND, "worker.persistence.size")
    assert (decided.value, decided.decided_by, decided.verbatim) == ("20Gi", "storage.worker.size", None)
    verbatim = value_origin(layers, plan, BACKEND, "oidc.enabled")
    assert verbatim.value is True and verbatim.verbatim is not None and verbatim.verbatim.where == f"{customer}:7"
    default = value_origin(layers, plan, BACKEND, "redis.master.persistence.size")
    assert default.summary == "chart default" and default.default == "8Gi"


def why(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["why", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_why_a_field_prints_the_winner_the_overridden_and_the_keys_it_writes(answers_file: Path, capsys) -> None:
    code, out, _ = why(capsys, "storage.worker.size", "--answers", str(answers_file), "--set",
                       "storage.worker.size=40Gi")
    assert code == 0
    assert out.splitlines() == [
        'storage.worker.size = "40Gi"',
        "  set by --set",
        f'  overrides answers file {answers_file}: "30Gi"',
        "  writes substra-backend:worker.persistence.size",
    ]


def test_why_a_values_key_names_the_decision_and_its_layer(customer: Path, capsys) -> None:
    code, out, _ = why(capsys, "substra-backend:worker.persistence.size", "--import", f"{BACKEND}={customer}")
    assert code == 0
    assert out.splitlines()[:2] == ['substra-backend:worker.persistence.size = "20Gi"',
                                    f"  written by the decision storage.worker.size, set by imported {customer} "
                                    f"({customer}:5)"]


def test_why_a_bare_key_guesses_the_chart_and_says_imported_verbatim(customer: Path, capsys) -> None:
    code, out, _ = why(capsys, "oidc.enabled", "--import", f"{BACKEND}={customer}")
    assert code == 0
    assert out.splitlines() == ["substra-backend:oidc.enabled = true",
                                f"  imported verbatim from imported {customer} ({customer}:7) (no wizard decision "
                                "writes it)"]


def test_why_a_chart_default(capsys) -> None:
    code, out, _ = why(capsys, "substra-backend:redis.master.persistence.size")
    assert code == 0 and out.splitlines() == ['substra-backend:redis.master.persistence.size = "8Gi"',
                                              "  chart default (no decision and no imported key writes it)"]


@pytest.mark.parametrize(("key", "words"), [
    ("storage.redis.sizee", "did you mean storage.redis.size?"),
    ("postgresql.primary.persistence.size", "several charts have the key postgresql.primary.persistence.size "
                                            "(orchestrator, substra-backend); write it as CHART:KEY"),
    ("substra-backend:worker.persistance.size", "did you mean worker.persistence.size"),
    ("backend:worker.replicaCount", '"backend" is not a chart'),
])
def test_why_refuses_unknown_keys_with_a_suggestion(key: str, words: str, capsys) -> None:
    code, out, err = why(capsys, key)
    assert code == 2 and not out and words in err and "Traceback" not in err
