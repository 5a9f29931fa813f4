"""One preflight finding: blocking (the install would fail or do harm) or a warning, always with its fix. Its own
module so that each check's module (preflight, admission_report) can make findings without importing the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["blocking", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    check: str
    """storage-class, existing-claim, pod-security, admission, release, ingress-class, kubernetes-version, access,
    chart-source, secret, accounts."""
    message: str
    fix: str
    field: str | None = None
    """The Plan field to change, when the fix is in the Plan."""

    def __str__(self) -> str:
        return f"{self.message}\n    fix: {self.fix}"
