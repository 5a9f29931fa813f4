"""A backend release name long enough that the chart's names pass Kubernetes' 63 characters is a problem naming the
limit, checked against the real renders under other release names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wizard.charts.release_names import LIMIT, longest_release, too_long
from wizard.cli import main

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
