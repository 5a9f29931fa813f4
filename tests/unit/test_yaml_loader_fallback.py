"""Machine-written YAML is read with PyYAML's C loader; where this PyYAML has no libyaml the pure-Python loader reads
the same data with the same line and column in errors, and the operator is told once why it is slow."""

from __future__ import annotations

import pytest
import yaml

from wizard.core.errors import WizardError
from wizard.yamlkit import helmyaml

TEXT = "a: 1\nb: [on, yes, 0x1F, 1_000]\nc: &x {d: 2}\ne: *x\n---\nf: null\n"
BROKEN = "a: 1\nb: [1, 2\nc: 3\n"


@pytest.fixture
def without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    monkeypatch.setattr(helmyaml, "_said_slow", False)


def _error(text: str) -> str:
    with pytest.raises(WizardError) as caught:
        helmyaml.documents(text, "values.yaml", limit=4)
    return str(caught.value)


def test_the_c_loader_is_used_when_present() -> None:
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("this PyYAML has no libyaml")
    assert helmyaml.safe_loader() is yaml.CSafeLoader


def test_the_pure_loader_reads_the_same_data_and_says_why_once(without_libyaml: None, capsys) -> None:
    fast_free = helmyaml.documents(TEXT, "values.yaml", limit=4)
    assert helmyaml.safe_loader() is yaml.SafeLoader
    said = capsys.readouterr().err
    assert said.count("no libyaml") == 1 and "pip install" in said
    assert fast_free == [{"a": 1, "b": [True, True, 31, 1000], "c": {"d": 2}, "e": {"d": 2}}, {"f": None}]


def test_both_loaders_give_the_same_data_and_the_same_error_position(monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("this PyYAML has no libyaml")
    fast_data, fast_error = helmyaml.documents(TEXT, "values.yaml", limit=4), _error(BROKEN)
    monkeypatch.delattr(yaml, "CSafeLoader")
    monkeypatch.setattr(helmyaml, "_said_slow", True)
    assert helmyaml.documents(TEXT, "values.yaml", limit=4) == fast_data
    slow_error = _error(BROKEN)
    assert "values.yaml line 3, column" in fast_error
    assert slow_error.split(":")[0] == fast_error.split(":")[0]  # the same file, line and column
