"""The wizard's knowledge of each supported chart version."""

from __future__ import annotations

SUPPORTED_VERSIONS: dict[str, str] = {
    "orchestrator": "8.8.0",
    "substra-backend": "26.15.3",
    "substra-frontend": "1.2.3",
}
