"""Answers files: the whole Plan round-trips exactly; presets are answers files."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.core.errors import ConfigError
from wizard.planning import answers, presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan


@pytest.mark.parametrize("name", presets.names())
def test_every_preset_builds_and_round_trips_through_an_answers_file(name: str, tmp_path: Path) -> None:
    plan = build_plan([Layer(name, presets.load(name).plan)])
    path = tmp_path / "answers.yaml"
    path.write_text(answers.dumps(plan))
    assert build_plan([Layer(str(path), answers.load(path))]) == plan


def test_a_plan_with_every_kind_of_value_round_trips(tmp_path: Path) -> None:
    plan = build_plan([Layer("test", {
        "channels": [{"name": "yes", "organizations": ["on", "1e3"], "restricted": True}],
        "features": {"kaniko_cached_images": ["python:3.11"], "registry": "remote", "registry_host": "no.example",
                     "registry_port": 8443},
        "storage": {"worker": {"size": "1.5Gi", "access_mode": "ReadWriteMany"}},
        "ingress": {"allowed_hosts": [".example.com", "0777"]},
        "target": {"kubernetes_version": "1.30"},
    })])
    path = tmp_path / "answers.yaml"
    path.write_text(answers.dumps(plan))
    assert build_plan([Layer(str(path), answers.load(path))]) == plan


def test_presets_are_described() -> None:
    assert {"minimal", "production", "airgapped", "localstack-dev"} <= set(presets.names())
    for name in presets.names():
        assert len(presets.load(name).description) > 40, name


def test_minimal_preset_is_the_smallest_single_organisation_deployment() -> None:
    plan = build_plan([Layer("minimal", presets.load("minimal").plan)])
    assert plan.target.orchestrator.enabled and plan.target.backend.enabled and not plan.target.frontend.enabled
    assert plan.ingress.backend_host is None


def test_unknown_top_level_keys_and_schemas_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        answers.parse({"schema": "substra-wizard/answers@9", "plans": {}}, "a.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "plans: unknown key; an answers file has only schema, description, plan",
        'schema: "substra-wizard/answers@9" is not a schema this wizard reads (substra-wizard/answers@1); it may come '
        "from a newer wizard: upgrade substra-wizard",
    ]
    assert "in a.yaml" in caught.value.title


def test_the_default_plan_dump_has_every_field() -> None:
    text = answers.dumps(Plan())
    for field in ("kubernetes_version", "existing_claim", "allowed_hosts", "add_cert_image_tag"):
        assert f"{field}:" in text
    assert text.endswith("\n")
