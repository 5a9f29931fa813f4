"""Every image a Plan runs (writing/images.py), `wizard images`, the findings on images outside the mirror and the
install.sh comment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.reporting.image_findings import mirror_findings
from wizard.writing.images import plan_images, references
from wizard.writing.install_script import script
from wizard.writing.values import render

M = "mirror.example:5000/substra"
# The images the charts hard-code (FACTS_ACCOUNTS_NETWORK_IMAGES §4.3): no key moves them.
HARD_CODED = {"busybox", "amazon/aws-cli", "gcr.io/google-containers/pause:3.2"}


def plan_of(preset: str, **features: object) -> Plan:
    layers = [Layer(preset, presets.load(preset).plan)]
    if features:
        layers.append(Layer("--set", {"features": features}))
    return build_plan(layers)


def test_minimal_runs_the_public_images_of_every_chart_and_runtime_pod() -> None:
    uses = plan_images(plan_of("minimal"))
    refs = references(uses)
    assert "ghcr.io/substra/substra-backend:1.0.1" in refs
    assert "ghcr.io/substra/orchestrator-server:1.0.0" in refs
    assert "docker.io/bitnami/postgresql:16.3.0-debian-12-r9" in refs
    assert "gcr.io/kaniko-project/executor:v1.23.2" in refs  # the run-time Kaniko build pod
    assert refs == sorted(set(refs))
    assert {u.component for u in uses} >= {"backend-task-build", "backend-task-execution", "backend-server"}
    compute = [u for u in uses if u.component == "backend-task-execution"]
    assert compute and all(u.built_here and u.image not in refs for u in compute)
    assert all(u.in_mirror(None) is None for u in uses)


def test_without_runtime_pods_the_kaniko_executor_is_gone() -> None:
    refs = references(plan_images(plan_of("minimal"), runtime_pods=False))
    assert "gcr.io/kaniko-project/executor:v1.23.2" not in refs


def test_with_a_mirror_every_image_but_the_hard_coded_ones_is_inside_and_keeps_its_source() -> None:
    uses = plan_images(plan_of("minimal", image_mirror=M, private_ca=True, add_cert_image_tag="1.0.1",
                               prepopulate=[{"image": "substra/tools:1"}]))
    outside = {u.upstream for u in uses if u.in_mirror(M) is False}
    assert outside == {"busybox", "gcr.io/google-containers/pause:3.2"}
    by_container = {u.container: u for u in uses}
    assert by_container["add-cert"].image == f"{M}/substra/substra-backend-ca-cert-injector:1.0.1"
    assert by_container["add-cert"].upstream == "ghcr.io/substra/substra-backend-ca-cert-injector:1.0.1"
    assert by_container["docker-registry"].image == f"{M}/registry:2.8.1"
    assert by_container["docker-registry"].upstream == "registry:2.8.1"
    pulled = [u for u in uses if u.pulled]
    assert [(u.image, u.upstream, u.values_key) for u in pulled] == [
        (f"{M}/substra/tools:1", "substra/tools:1", "containerRegistry.prepopulate")]


def test_the_airgapped_preset_pulls_only_from_its_mirror_but_what_no_key_can_move() -> None:
    plan = plan_of("airgapped")
    mirror = plan.features.image_mirror
    assert mirror
    uses = plan_images(plan)
    assert {u.image for u in uses if u.in_mirror(mirror) is False} <= HARD_CODED
    findings = mirror_findings(uses, mirror)
    assert findings and all(f.severity == "warning" and f.area == "security" for f in findings)
    assert all(f.values_key is None and "no values key" in f.message for f in findings)


def test_images_outside_the_mirror_are_findings_with_the_key_to_set() -> None:
    plan = plan_of("minimal", image_mirror=M, kaniko_cached_images=["docker.io/python:3.11"])
    inputs = plan_inputs(plan)
    backend = next(i for i in inputs if i.release.chart == "substra-backend")
    backend.values["server"]["image"]["registry"] = "ghcr.io"  # undo one key, as a hand edit would
    report = explain(inputs, version=plan_version(plan), plan=plan)
    mirror = {f.values_key: f.message for f in report.findings if "outside the mirror" in f.message}
    assert "server.image.registry" in mirror and "ghcr.io/substra/substra-backend:1.0.1" in mirror[
        "server.image.registry"]
    assert "write it as" in mirror["kaniko.cache.warmer.cachedImages"]
    assert None in mirror and "helm test" in mirror[None]


def test_no_mirror_no_new_finding() -> None:
    for name in presets.names():
        plan = build_plan([Layer(name, presets.load(name).plan)])
        if plan.features.image_mirror:
            continue
        report = explain(plan_inputs(plan), version=plan_version(plan), plan=plan)
        assert not [f for f in report.findings if "mirror" in f.message], name
        assert mirror_findings(plan_images(plan), None) == []


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["images", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_images_text_is_one_reference_per_line(capsys) -> None:
    code, out, err = run(capsys, "--preset", "minimal")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines == references(plan_images(plan_of("minimal")))
    assert all(line and " " not in line for line in lines)


def test_images_json_says_where_each_runs_and_whether_it_is_inside(capsys) -> None:
    code, out, err = run(capsys, "--preset", "airgapped", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "substra-wizard/images@1" and data["mirror"] == "registry.internal.example:5000/substra"
    entries = {e["image"]: e for e in data["images"]}
    backend = entries["registry.internal.example:5000/substra/substra/substra-backend:1.0.1"]
    assert backend["in_mirror"] is True and backend["upstream"] == "ghcr.io/substra/substra-backend:1.0.1"
    assert {"chart": "substra-backend", "release": "backend", "component": "backend-server",
            "object": "Deployment/backend-substra-backend-server", "container": "server", "runtime": False,
            "helm_test": False, "pulled": False} in backend["uses"]
    assert entries["busybox"]["in_mirror"] is False and entries["busybox"]["uses"][0]["helm_test"] is True
    assert "busybox" in err  # what stays outside is said on standard error


def test_images_copy_pairs_sources_with_their_mirrored_names(capsys) -> None:
    code, out, _ = run(capsys, "--preset", "airgapped", "--format", "copy")
    assert code == 0
    pairs = dict(line.split(" ") for line in out.splitlines())
    assert pairs["docker.io/postgres:17"] == "registry.internal.example:5000/substra/postgres:17"
    assert "busybox" not in pairs


@pytest.mark.parametrize(("argv", "message"), [
    (["--set", "features.image_mirror=https://r.example.com"], "features.image_mirror"),
    (["--preset", "minimal", "--format", "copy"], "--format copy needs an image mirror"),
    (["--preset", "no-such-preset"], "no-such-preset"),
])
def test_bad_input_is_exit_2_with_a_message(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in err


def test_install_script_lists_every_image_in_a_comment() -> None:
    plan = plan_of("airgapped")
    text = script(plan, render(plan))
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# Images this plan pulls"))
    block = lines[start + 2: lines.index("", start)]
    listed = [line.removeprefix("#   ") for line in block]
    assert listed == references(plan_images(plan))
    assert f"copy them into {plan.features.image_mirror} first" in text


def test_the_top_level_help_mentions_wizard_images(capsys) -> None:
    assert main(["--help"]) == 0
    assert "wizard images" in capsys.readouterr().out.replace("\n", " ")


def test_the_mirror_is_decided_on_the_features_step(tmp_path: Path) -> None:
    from wizard.frontend.steps import STEPS_BY_ID, fields, step_for_values_key

    plan = plan_of("minimal")
    assert "features.image_mirror" in [d.path for d in fields(STEPS_BY_ID["features"], plan)]
    assert step_for_values_key("global.imageRegistry").id == "features"
