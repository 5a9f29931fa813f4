"""Which containers of a pod run as root, or may: the question operators ask, which Pod Security levels only answer
indirectly (baseline allows root; restricted forbids it only through runAsNonRoot)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IMAGE_DEFAULT = "image-default"


@dataclass(frozen=True)
class RootContainer:
    """A container that runs as uid 0 (`reason` says which setting makes it so) or may (`image-default`: nothing
    forbids the image's own user from being root)."""

    container: str
    reason: str


def root_containers(pod: dict[str, Any]) -> list[RootContainer]:
    """Every init, regular and ephemeral container of a pod object ({"metadata", "spec"}) that runs as root or may.

    The container's securityContext wins over the pod's, field by field, as the kubelet applies them. Windows pods
    have no uid 0 and are skipped.
    """
    spec = pod.get("spec") or {}
    if ((spec.get("os") or {}).get("name")) == "windows":
        return []
    pod_context = spec.get("securityContext") or {}
    found = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(key) or []:
            reason = _root_reason(container.get("securityContext") or {}, pod_context)
            if reason:
                found.append(RootContainer(str(container.get("name", "")), reason))
    return found


def _root_reason(container: dict[str, Any], pod: dict[str, Any]) -> str | None:
    user = container.get("runAsUser", pod.get("runAsUser"))
    if user == 0:
        where = "container" if "runAsUser" in container else "pod"
        return f"runAsUser: 0 ({where} securityContext)"
    if user is not None:
        return None
    if container.get("runAsNonRoot", pod.get("runAsNonRoot")) is True:
        return None  # the kubelet refuses to start the container if the image's user is root
    return IMAGE_DEFAULT
