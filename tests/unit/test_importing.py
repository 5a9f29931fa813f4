"""wizard import: Helm's reading of scalars, the Plan read back from values, extras written back, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from wizard.charts.chart_defaults import coalesce, load_defaults
from wizard.cli import main
from wizard.core.errors import WizardError
from wizard.planning import answers
from wizard.planning.layers import Layer, build_plan, extras_of, plan_layers
from wizard.support.importing import import_values
from wizard.support.importing.credentials import without_credentials
from wizard.support.importing.extras import check_round_trip, same
from wizard.support.importing.reading import read_values_file, resolve_plain
from wizard.writing.output import plan_files, write_files
from wizard.writing.values import render

BACKEND = "substra-backend"


def values_of(path: Path) -> dict:
    """A written values file apart from its credential keys (they name the wizard's Secrets: test_secrets_import)."""
    return without_credentials(BACKEND, yaml.safe_load(path.read_text()))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "value"), [
    ("yes", True), ("Y", True), ("off", False), ("NO", False), ("~", None), ("Null", None),
    ("0777", 511), ("0x1F", 31), ("1_000", 1000), ("1e3", 1000.0), ("12:30", "12:30"), ("yEs", "yEs"),
])
def test_plain_scalars_resolve_like_go_yaml_v2(text: str, value: object) -> None:
    assert same(resolve_plain(text), value)


def test_a_values_file_is_read_with_helm_types_and_key_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "v.yaml", "# head\nbuilder:\n  enabled: off\nserver:\n  replicaCount: 010\n"
                                     "when: 2024-01-05\nquoted: \"yes\"\n")
    read = read_values_file(path)
    assert read.data == {"builder": {"enabled": False}, "server": {"replicaCount": 8}, "when": "2024-01-05",
                         "quoted": "yes"}
    assert read.lines[("builder", "enabled")] == 3 and read.lines[("server", "replicaCount")] == 5


def test_decisions_are_read_back_from_every_chart(tmp_path: Path) -> None:
    backend = write(tmp_path, "b.yaml", """
organizationName: acme
orchestrator: {mspID: AcmeMSP, channels: [{ch1: {restricted: true, model_export_enabled: false}}]}
features: {}
builder: {enabled: false}
minio: {enabled: false}
localstack: {enabled: true, persistence: {size: 20Gi}}
docker-registry: {enabled: false}
containerRegistry: {local: false, host: registry.acme.com, port: 443, scheme: https, pullDomain: registry.acme.com}
server:
  ingress: {enabled: true, hostname: api.acme.com, ingressClassName: nginx}
""")
    orchestrator = write(tmp_path, "o.yaml", "channels: [{name: ch1, organizations: [AcmeMSP, OtherMSP]}]\n")
    result = import_values([(BACKEND, backend), ("orchestrator", orchestrator)])
    plan = build_plan([result.layer])
    assert plan.organisation.name == "acme" and plan.organisation.msp_id == "AcmeMSP"
    assert [(c.name, c.organizations, c.restricted) for c in plan.channels] == [("ch1", ("OtherMSP",), True)]
    assert not plan.features.builder and plan.features.object_store == "localstack"
    assert plan.features.registry == "remote" and plan.features.registry_host == "registry.acme.com"
    assert plan.features.registry_pull_domain is None  # derived from the host: left empty
    assert plan.storage.localstack.size == "20Gi"
    assert plan.ingress.backend_host == "api.acme.com" and plan.ingress.class_name == "nginx"
    assert plan.target.orchestrator.enabled and plan.target.backend.enabled and not plan.target.frontend.enabled
    assert check_round_trip(plan, result.extras, {BACKEND: yaml.safe_load(backend.read_text()),
                                                  "orchestrator": yaml.safe_load(orchestrator.read_text())}) == []
    assert "features" in [n.key for n in result.notes if n.kind == "unknown-key"]


def test_several_files_of_one_chart_merge_in_order_like_helm(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", "worker: {replicaCount: 2, persistence: {size: 20Gi}}\n")
    second = write(tmp_path, "b.yaml", "worker: {replicaCount: 3}\n")
    result = import_values([(BACKEND, first), (BACKEND, second)])
    plan = build_plan([result.layer])
    assert plan.scale.worker_replicas == 3 and plan.storage.worker.size == "20Gi"
    assert result.layer.origins["scale.worker_replicas"] == f"{second}:1"
    assert result.layer.origins["storage.worker.size"] == f"{first}:1"


def test_contradictions_are_noted_and_the_customers_values_win_in_the_written_file(tmp_path: Path) -> None:
    path = write(tmp_path, "v.yaml", "docker-registry: {enabled: false}\nminio: {enabled: false}\n")
    result = import_values([(BACKEND, path)])
    kinds = {(n.kind, n.key) for n in result.notes}
    assert ("contradiction", "containerRegistry.local") in kinds and ("contradiction", "minio.enabled") in kinds
    assert result.extras[BACKEND] == {"docker-registry": {"enabled": False}, "minio": {"enabled": False}}
    out = tmp_path / "out"
    write_files(plan_files(build_plan([result.layer]), out, extras=result.extras))
    written = values_of(out / "substra-backend-values.yaml")
    assert written == {"docker-registry": {"enabled": False}, "minio": {"enabled": False}}
    assert "# wizard: imported as is (not a wizard decision)" in (out / "substra-backend-values.yaml").read_text()


def test_a_value_the_plan_cannot_hold_goes_to_extras_not_lost(tmp_path: Path) -> None:
    path = write(tmp_path, "v.yaml", "worker:\n  persistence:\n    size: 20 gigs\n")
    result = import_values([(BACKEND, path)])
    assert build_plan([result.layer]).storage.worker.size is None
    assert result.extras[BACKEND] == {"worker": {"persistence": {"size": "20 gigs"}}}
    note = next(n for n in result.notes if n.key == "storage.worker.size")
    assert note.kind == "unrepresentable" and note.line == 3 and note.file == str(path)


def test_extras_survive_the_answers_file_and_a_later_run(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "v.yaml", "oidc: {enabled: true}\nworker: {replicaCount: 2}\n")
    out = tmp_path / "out"
    assert main(["import", "--values", f"{BACKEND}={path}", "--out", str(out)]) == 0
    plan_data, extras = answers.load_with_extras(out / answers.FILE_NAME)
    assert extras == {BACKEND: {"oidc": {"enabled": True}}}
    layers = plan_layers(None, out / answers.FILE_NAME, ["scale.worker_replicas=4"])
    assert extras_of(layers) == extras
    again = tmp_path / "again"
    assert main(["--answers", str(out / answers.FILE_NAME), "--set", "scale.worker_replicas=4", "--non-interactive",
                 "--out", str(again)]) == 0
    assert values_of(again / "substra-backend-values.yaml") == {"oidc": {"enabled": True},
                                                                 "worker": {"replicaCount": 4}}
    capsys.readouterr()


def test_wizard_import_flag_writes_the_imported_plan_non_interactively(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "v.yaml", "settings: dev\nbuilder: {enabled: false}\n")
    out = tmp_path / "out"
    assert main(["--import", f"{BACKEND}={path}", "--non-interactive", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["install.sh", "secrets", "substra-backend-values.yaml",
                                                      "wizard-answers.yaml"]
    written = yaml.safe_load((out / "substra-backend-values.yaml").read_text())
    defaults = load_defaults(BACKEND, "26.15.3")
    assert same(without_credentials(BACKEND, coalesce(defaults, written)),
                without_credentials(BACKEND, coalesce(defaults, {"settings": "dev", "builder": {"enabled": False}})))
    assert f"Plan from imported {path}" in capsys.readouterr().out


def test_the_report_lists_decisions_then_notes(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "v.yaml", "builder:\n  enabled: false\nworkr: {}\n")
    assert main(["import", "--values", f"{BACKEND}={path}"]) == 0
    out = capsys.readouterr().out
    assert f"features.builder = false  ({path}:2 builder.enabled)" in out
    assert f"warning: unknown-key: {path}:3 workr: substra-backend 26.15.3 has no such key" in out
    assert out.index("Decisions read") < out.index("Notes:")
    assert main(["import", "--values", f"{BACKEND}={path}", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["schema"] == "substra-wizard/import@1" and report["extras"] == {BACKEND: {"workr": {}}}


def test_no_file_and_unknown_chart_raise_wizard_errors(tmp_path: Path) -> None:
    with pytest.raises(WizardError, match="use one of orchestrator, substra-backend, substra-frontend"):
        import_values([("substra", tmp_path / "v.yaml")])
    with pytest.raises(WizardError, match="does not exist"):
        import_values([(BACKEND, tmp_path / "v.yaml")])


def test_an_import_layer_builds_under_set_and_renders_the_plan_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "v.yaml", "worker: {replicaCount: 2}\n")
    layer = import_values([(BACKEND, path)]).layer
    assert layer.kind_of == "import"
    plan = build_plan([Layer("preset x", {"features": {"builder": False}}, kind="preset"), layer])
    assert plan.features.builder  # the import says everything: the chart's default builder is on
    settings = {s.path: s.value for v in render(plan) for s in v.settings}
    assert settings[("worker", "replicaCount")] == 2


def test_the_text_report_caps_each_kind_of_note_but_json_keeps_them_all(tmp_path: Path, capsys) -> None:
    from wizard.support.importing.report import MAX_PER_KIND

    path = write(tmp_path, "v.yaml", "".join(f"key{i}: x\n" for i in range(MAX_PER_KIND + 5)))
    assert main(["import", "--values", f"{BACKEND}={path}"]) == 0
    out = capsys.readouterr().out
    assert out.count("unknown-key:") == MAX_PER_KIND and "... and 5 more unknown-key notes" in out
    assert main(["import", "--values", f"{BACKEND}={path}", "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert len([n for n in notes if n["kind"] == "unknown-key"]) == MAX_PER_KIND + 5


def test_a_plan_key_overridden_by_an_extra_is_written_once(tmp_path: Path) -> None:
    path = write(tmp_path, "v.yaml", "docker-registry: {enabled: false}\n")
    result = import_values([(BACKEND, path)])
    out = tmp_path / "out"
    write_files(plan_files(build_plan([result.layer]), out, extras=result.extras))
    text = (out / "substra-backend-values.yaml").read_text()
    assert text.count("docker-registry:") == 1 and text.count("enabled:") == 1


def test_force_merge_into_an_edited_file_keeps_the_extras(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, "v.yaml", "oidc: {enabled: true}\nworker: {replicaCount: 2}\n")
    out = tmp_path / "out"
    assert main(["import", "--values", f"{BACKEND}={path}", "--out", str(out)]) == 0
    values = out / "substra-backend-values.yaml"
    values.write_text(values.read_text() + "# my note\nmine: 1\n")
    assert main(["import", "--values", f"{BACKEND}={path}", "--out", str(out)]) == 2  # edited: refused
    assert main(["import", "--values", f"{BACKEND}={path}", "--out", str(out), "--force"]) == 0
    assert values_of(values) == {"oidc": {"enabled": True}, "worker": {"replicaCount": 2}, "mine": 1}
    assert "# my note" in values.read_text()
    capsys.readouterr()
