"""What an import hands back: the ImportResult (the Plan's layer, the extras, the decisions and the secrets) and the
ImportNotes, each one thing the operator must know about the customer's files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.planning.layers import Layer


@dataclass(frozen=True)
class ImportNote:
    """One thing the operator must know about the customer's files."""

    kind: str
    """unmodelled | unknown-key | no-effect | contradiction | unrepresentable | empty, and for credentials:
    secret-moved | default-credential | secret-unknown | account | own-pair | storage-open"""
    chart: str
    key: str | None
    message: str
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if self.file is None:
            return self.chart
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        key = f" {self.key}" if self.key else ""
        return f"{self.kind}: {self.where}{key}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    layer: Layer
    """The reconstructed Plan data, a layer for build_plan (kind "import"; its source names the files)."""
    extras: dict[str, dict]
    """chart -> the customer's keys the Plan does not render as they are, verbatim."""
    notes: tuple[ImportNote, ...]
    decisions: tuple[tuple[str, Any, str], ...] = field(default=())
    """(Plan field, value, "file:line key") for every decision read from a customer key, in Plan order."""
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Credential id -> value found inline in the customer's files: the run's given secrets (secrets/ only)."""
