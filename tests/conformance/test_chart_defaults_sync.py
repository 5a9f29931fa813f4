"""The shipped defaults JSON must be exactly what scripts/sync_chart_defaults.py makes from the reference."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCE = PROJECT_ROOT.parent / "shared" / "reference" / "substra-charts"
SCRIPT = PROJECT_ROOT / "scripts" / "sync_chart_defaults.py"


@pytest.fixture(scope="module")
def sync() -> ModuleType:
    """Import the script as a module, so its functions run in-process (no subprocess)."""
    if not SOURCE.is_dir():
        pytest.skip(f"../shared/reference/substra-charts is absent: nothing to regenerate from ({SOURCE})")
    spec = importlib.util.spec_from_file_location("sync_chart_defaults", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(sync: ModuleType) -> dict[str, str]:
    return sync.generate(SOURCE)


def test_shipped_json_matches_a_fresh_generation(sync: ModuleType, generated: dict[str, str]) -> None:
    assert sync.out_of_date(sync.OUTPUT_DIR, generated) == []
    for name, text in generated.items():
        assert (sync.OUTPUT_DIR / name).read_text(encoding="utf-8") == text, name


def test_check_mode_passes_on_the_shipped_files(sync: ModuleType) -> None:
    assert sync.main([str(SOURCE), "--check"]) == 0


def test_check_reports_a_changed_missing_or_stale_file(
    sync: ModuleType, generated: dict[str, str], tmp_path: Path
) -> None:
    names = sorted(generated)
    for name in names[1:]:
        (tmp_path / name).write_text(generated[name], encoding="utf-8")
    changed = names[1]
    (tmp_path / changed).write_text(generated[changed].replace('"', "'", 2), encoding="utf-8")
    (tmp_path / "old-chart-0.0.1.json").write_text("{}\n", encoding="utf-8")
    problems = "\n".join(sync.out_of_date(tmp_path, generated))
    assert f"{names[0]}: missing" in problems
    assert f"{changed}: differs" in problems
    assert "old-chart-0.0.1.json: no supported chart version produces it" in problems
    assert names[2] not in problems


def test_generation_covers_every_supported_version(sync: ModuleType, generated: dict[str, str]) -> None:
    from wizard.charts import SUPPORTED_VERSIONS

    assert sorted(generated) == sorted(f"{c}-{v}.json" for c, v in SUPPORTED_VERSIONS.items())


def test_a_version_mismatch_in_the_source_is_refused(sync: ModuleType) -> None:
    with pytest.raises(sync.SourceError, match="expected 9.9.9"):
        sync.build_tree(SOURCE / "orchestrator", "9.9.9")
