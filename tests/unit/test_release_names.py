"""A backend release name long enough that the chart's names pass Kubernetes' 63 characters is a problem naming the
limit, checked against the real renders under other release names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wizard.charts.release_names import (
    LIMIT,
    STATEFULSET_LIMIT,
    cut_names,
    longest_orchestrator_release,
    longest_release,
    statefulsets_too_long,
    too_long,
)
from wizard.cli import main
from wizard.planning.layers import build_plan, plan_layers
from wizard.planning.rules import notes
from wizard.reporting.explain import release_manifests
from wizard.writing.chart_inputs import plan_inputs

RELEASES = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders-releases" / \
    "substra-backend"


def test_the_longest_release_that_fits_is_accepted_and_one_more_is_refused(tmp_path: Path, capsys) -> None:
    fits = "b" * longest_release()
    assert main(["--preset", "minimal", "--non-interactive", "--out", str(tmp_path / "ok"),
                 "--set", f"target.backend.release={fits}"]) == 0
    capsys.readouterr()
    assert main(["--preset", "minimal", "--non-interactive", "--out", str(tmp_path / "no"),
                 "--set", f"target.backend.release={fits}b"]) == 2
    said = capsys.readouterr().err
    assert "target.backend.release" in said and f"use at most {len(fits)} characters" in said
    assert f"more than {LIMIT}" in said and not (tmp_path / "no").exists()


@pytest.mark.skipif(not RELEASES.is_dir(), reason=f"no renders under {RELEASES} (the shared reference is not "
                                                  "checked out next to this repository)")
@pytest.mark.parametrize("render", sorted(RELEASES.glob("*.yaml")) if RELEASES.is_dir() else [],
                         ids=lambda path: path.stem)
def test_the_names_judged_are_those_the_real_chart_renders(render: Path) -> None:
    """Every name too_long() speaks of is in the real render of that release, and it flags exactly the renders whose
    migrations label or server/worker/builder Service the API server would refuse."""
    docs = [d for d in yaml.safe_load_all(render.read_text()) if isinstance(d, dict)]
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    labels = {d["metadata"]["labels"].get("app.kubernetes.io/name") for d in docs if d["kind"] == "Job"}
    refused = sorted(n for n in services | labels if n and len(n) > LIMIT)
    flagged = sorted(name for _, name in too_long(render.stem))
    assert flagged == refused


@pytest.mark.skipif(not RELEASES.is_dir(), reason=f"no renders under {RELEASES} (the shared reference is not "
                                                  "checked out next to this repository)")
@pytest.mark.parametrize("render", sorted(RELEASES.glob("*.yaml")) if RELEASES.is_dir() else [],
                         ids=lambda path: path.stem)
def test_the_statefulsets_judged_are_those_of_the_real_render_whose_pods_are_refused(render: Path) -> None:
    """statefulsets_too_long flags exactly the real render's StatefulSets over 52 characters."""
    docs = [d for d in yaml.safe_load_all(render.read_text()) if isinstance(d, dict)]
    statefulsets = {d["metadata"]["name"] for d in docs if d["kind"] == "StatefulSet"}
    builder = any(name.endswith("-builder") for name in statefulsets)
    judged = {name for _, name in statefulsets_too_long(render.stem, builder=builder)}
    assert judged <= statefulsets
    assert judged == {name for name in statefulsets if len(name) > STATEFULSET_LIMIT}


def _write(tmp_path: Path, name: str, *sets: str) -> int:
    return main(["--preset", "minimal", "--non-interactive", "--out", str(tmp_path / name),
                 *(arg for item in sets for arg in ("--set", item))])


def test_a_backend_release_whose_statefulsets_lose_their_pods_is_refused_with_the_limit(tmp_path: Path,
                                                                                       capsys) -> None:
    """The worker and builder StatefulSets bind first: 28 characters with the builder, 29 without."""
    assert (longest_release(), longest_release(builder=False)) == (28, 29)
    assert _write(tmp_path, "ok", f"target.backend.release={'b' * 29}", "features.builder=false") == 0
    capsys.readouterr()
    assert _write(tmp_path, "no", f"target.backend.release={'b' * 29}") == 2
    said = capsys.readouterr().err
    assert "target.backend.release" in said and f"{'b' * 29}-substra-backend-builder (53 characters)" in said
    assert "controller-revision-hash" in said and "use at most 28 characters" in said
    assert not (tmp_path / "no").exists()


def test_an_orchestrator_release_whose_postgresql_loses_its_pods_is_refused(tmp_path: Path, capsys) -> None:
    fits = "o" * longest_orchestrator_release()
    assert len(fits) == 41
    assert _write(tmp_path, "ok", f"target.orchestrator.release={fits}") == 0
    capsys.readouterr()
    assert _write(tmp_path, "no", f"target.orchestrator.release={fits}o") == 2
    said = capsys.readouterr().err
    assert "target.orchestrator.release" in said and f"{fits}o-postgresql (53 characters)" in said
    assert "use at most 41 characters" in said and not (tmp_path / "no").exists()


@pytest.mark.parametrize(("field", "chart", "release", "sets"), [
    ("orchestrator", "orchestrator", "o" * 40, ()),
    ("frontend", "substra-frontend", "f" * 50, ("target.frontend.enabled=true", "ingress.backend_host=b.example.com")),
])
def test_a_name_the_chart_cuts_is_a_warning_naming_what_the_model_renders(field: str, chart: str, release: str,
                                                                          sets: tuple[str, ...]) -> None:
    """A name cut to 63 is written (Kubernetes takes it) with a warning; the cut name is the one the embedded model
    renders, and no warning comes with the default release names."""
    plan = build_plan(plan_layers("minimal", None, [f"target.{field}.release={release}", *sets]))
    warnings = [note for note in notes(plan) if note.path == f"target.{field}.release"]
    cut = cut_names(chart, release)
    assert cut and len(warnings) == len(cut)
    rendered = {m.name for item in plan_inputs(plan) if item.release.chart == chart
                for m in release_manifests(item, runtime_pods=False)}
    for name, warning in zip(cut, warnings, strict=True):
        assert len(name.cut) == LIMIT and name.cut in rendered and name.whole not in rendered
        assert name.cut in warning.message and warning.severity == "warning"
    default = build_plan(plan_layers("minimal", None, list(sets)))
    assert not [note for note in notes(default) if note.path.endswith(".release")]
