"""Which Helm runs the install: the binary on PATH when there is one (what the operator uses already), else the
SDK extra, else a message saying how to get either."""

from __future__ import annotations

import importlib.util
import os
import shutil

from wizard.helm.base import Helm, HelmFailure

EXTRA = "pip install 'substra-wizard[helm]'"


def choose(kubeconfig: str | os.PathLike[str] | None = None, context: str | None = None) -> Helm:
    """The Helm to use for this cluster.

    Raises:
        HelmFailure: neither the helm binary nor the helm-python-sdk package is available.
    """
    executable = shutil.which("helm")
    if executable:
        from wizard.helm.binary import BinaryHelm

        return BinaryHelm(executable, kubeconfig, context)
    if importlib.util.find_spec("helm_python") is not None:
        from wizard.helm.sdk import SdkHelm

        return SdkHelm(kubeconfig, context)
    raise HelmFailure(f"installing needs Helm: put the helm binary on PATH (https://helm.sh/docs/intro/install/), or "
                      f"install Helm's engine for Python with: {EXTRA}")
