"""The PSS evaluator against the upstream PodSecurity fixtures (kubernetes/pod-security-admission test/testdata).

Every row of INDEX.tsv whose file exists is a case (the truth set grows; nothing here is a fixed list). One test per
(level, version) folder keeps 3,700 files fast; each reports all its disagreements at once.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from wizard.analysis import pss

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "k8s" / "pss-fixtures"
COLUMNS = ("path", "level", "policy_version", "expected", "fixture_name", "kind", "check_id", "case_index",
           "effective_check", "expect_substring", "git_blob_sha1")


def _rows() -> list[dict[str, str]]:
    index = FIXTURES / "INDEX.tsv"
    if not index.is_file():
        return []
    lines = [line for line in index.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [row for row in reader if row["path"] != "path"]


ROWS = _rows()
PRESENT = [row for row in ROWS if (FIXTURES / row["path"]).is_file()]
GROUPS: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
for _row in PRESENT:
    GROUPS[(_row["level"], _row["policy_version"])].append(_row)


def _load(row: dict[str, str]) -> dict:
    return yaml.load((FIXTURES / row["path"]).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _disagreement(row: dict[str, str], pod: dict) -> str | None:
    """What is wrong with our verdict for this row (None when it agrees), with the implied expectations."""
    version = pss.parse_version(row["policy_version"])
    violations = pss.evaluate(pod, row["level"], version)
    text = pss.message(violations, row["level"], version)
    if row["expected"] == "pass":
        implied = pss.evaluate(pod, "baseline", version) if row["level"] == "restricted" else []
        if violations or implied or pss.evaluate(pod, "privileged", version):
            return f"{row['path']}: expected allowed, got {text}"
        return None
    if not violations or row["expect_substring"] not in text:
        return f"{row['path']}: expected a denial containing {row['expect_substring']!r}, got {text!r}"
    if row["effective_check"] not in {violation.check for violation in violations}:
        return f"{row['path']}: {row['effective_check']} did not report; got {text}"
    return None


def test_the_fixture_folder_is_present_and_complete() -> None:
    """Rows whose file is absent are not cases; say how many rather than pass silently."""
    if not FIXTURES.is_dir():
        pytest.skip(f"{FIXTURES} is absent: the upstream PodSecurity fixtures are not on this machine")
    assert PRESENT, f"{FIXTURES / 'INDEX.tsv'} lists no fixture file that exists"
    present = {row["path"] for row in PRESENT}
    missing = [row["path"] for row in ROWS if row["path"] not in present]
    if missing:
        pytest.skip(f"{len(missing)} of {len(ROWS)} INDEX.tsv rows point at absent files and are NOT tested "
                    f"(only the {len(PRESENT)} present are), e.g. {missing[:3]}")


def test_every_yaml_file_is_indexed() -> None:
    if not FIXTURES.is_dir():
        pytest.skip(f"{FIXTURES} is absent: the upstream PodSecurity fixtures are not on this machine")
    on_disk = {str(path.relative_to(FIXTURES)) for path in FIXTURES.rglob("*.yaml")}
    assert on_disk - {row["path"] for row in ROWS} == set()


@pytest.mark.parametrize("level, version", sorted(GROUPS) or [pytest.param("-", "-", marks=pytest.mark.skip(
    reason=f"{FIXTURES} is absent or lists no fixture files"))])
def test_fixture_folder_agrees(level: str, version: str) -> None:
    rows = GROUPS[(level, version)]
    problems = [problem for row in rows if (problem := _disagreement(row, _load(row)))]
    assert not problems, f"{len(problems)} of {len(rows)} fixtures disagree:\n" + "\n".join(problems)


def test_baseline_failures_also_fail_restricted() -> None:
    """A pod the baseline level denies is denied by restricted too (restricted is strictly stronger)."""
    rows = [row for row in PRESENT if row["level"] == "baseline" and row["expected"] == "fail"]
    if not rows:
        pytest.skip(f"{FIXTURES} is absent or has no baseline failures")
    allowed = [row["path"] for row in rows
               if not pss.evaluate(_load(row), "restricted", pss.parse_version(row["policy_version"]))]
    assert not allowed
