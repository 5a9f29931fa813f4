"""Helm behind one interface (`base.Helm`): the helm binary on PATH when present, else Helm's Go SDK through the
helm-python-sdk extra. `choose()` picks one; the install and the tests only see the interface.

May import: core, yamlkit.
"""

from wizard.helm.base import ChartSource, Helm, HelmFailure, ReleaseInfo
from wizard.helm.choose import choose

__all__ = ["ChartSource", "Helm", "HelmFailure", "ReleaseInfo", "choose"]
