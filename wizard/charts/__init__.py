"""What the wizard knows of each supported chart version: the default values and which keys a values file may
set, the embedded models that render objects from values as the charts' templates do, Helm's naming rules, the claims
each chart creates, the image mirror keys, and the component each rendered object belongs to. Values in, objects
out: nothing here knows the Plan.

May import: core, yamlkit, analysis.
"""

from __future__ import annotations

SUPPORTED_VERSIONS: dict[str, str] = {
    "orchestrator": "8.8.0",
    "substra-backend": "26.15.3",
    "substra-frontend": "1.2.3",
}
