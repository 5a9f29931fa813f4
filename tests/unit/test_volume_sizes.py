"""A size without a unit is bytes to Kubernetes: `10` typed for `10Gi` asks for a ten-byte volume, which no chart's
volume can use (issue 16). Sizes under a mebibyte are refused, a bare number with the likely unit suggested."""

from __future__ import annotations

import pytest

from wizard.cli import main
from wizard.core.quantity import MIN_SIZE, size_problem


@pytest.mark.parametrize(("text", "said"), [
    ("10", '"10" is 10 bytes, too small for any volume (at least 1Mi); did you mean 10Gi?'),
    ("1", '"1" is 1 byte, too small for any volume (at least 1Mi); did you mean 1Gi?'),
    ("500k", '"500k" is 500000 bytes, too small for any volume (at least 1Mi)'),
    (str(MIN_SIZE - 1), f'"{MIN_SIZE - 1}" is {MIN_SIZE - 1} bytes, too small for any volume (at least 1Mi); did you '
                        f"mean {MIN_SIZE - 1}Gi?"),
])
def test_sizes_under_a_mebibyte_are_refused(text: str, said: str) -> None:
    assert size_problem(text) == said


@pytest.mark.parametrize("text", ["1Mi", str(MIN_SIZE), "10Gi", "1.5Ti", "8e9"])
def test_real_sizes_are_taken(text: str) -> None:
    assert size_problem(text) is None


def test_a_bare_number_is_refused_on_the_command_line_naming_the_field(tmp_path, capsys) -> None:
    code = main(["--preset", "minimal", "--non-interactive", "--out", str(tmp_path / "out"),
                 "--set", "storage.worker.size=10"])
    assert code == 2 and not (tmp_path / "out").exists()
    assert "storage.worker.size: \"10\" is 10 bytes" in capsys.readouterr().err
