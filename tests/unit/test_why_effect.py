"""`wizard why FIELD` says what the value does, not only who set it (issue 16): the chart default an empty field
leaves in effect, and that a size or class has no effect with an existing claim or with the volume's feature off."""

from __future__ import annotations

from wizard.cli import main


def why(capsys, *argv: str) -> str:
    assert main(["why", *argv]) == 0
    return capsys.readouterr().out


def test_an_empty_size_names_the_chart_default_that_will_be_used(capsys) -> None:
    out = why(capsys, "storage.worker.size", "--preset", "minimal")
    assert out.startswith("storage.worker.size = null\n  set by the Plan's default\n")
    assert 'empty, so the chart\'s default is used: substra-backend:worker.persistence.size = "10Gi"' in out


def test_a_size_with_an_existing_claim_is_said_to_have_no_effect(capsys) -> None:
    out = why(capsys, "storage.backend_database.size", "--preset", "production")
    assert "has no effect: storage.backend_database.existing_claim reuses the claim" in out
    assert "keeps its own size" in out and "chart's default is used" not in out


def test_a_size_of_a_volume_the_plan_does_not_create_carries_the_rule_that_says_so(capsys) -> None:
    out = why(capsys, "storage.builder.size", "--preset", "minimal", "--set", "features.builder=false",
              "--set", "storage.builder.size=5Gi")
    assert 'storage.builder.size = "5Gi"\n  set by --set' in out
    assert "warning: has no effect: the image builder is off (features.builder)" in out
