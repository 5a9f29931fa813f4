"""The Security tab's content: per pod its Pod Security level and how many containers run as root; which
containers run as root, named whole, and why; and, for a selected pod, what keeps it from the restricted level.

Counts in the table and names in wrapped lines: a container name in a table column is cut as soon as the panel is
narrow ("kanik", "add-"), and the panel is 42 columns wide at 80x24.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard.analysis.root import IMAGE_DEFAULT, RootContainer
from wizard.frontend.panel_rows import Row, listed
from wizard.reporting.report import PodReport


def security_rows(pods: Sequence[tuple[str, PodReport]]) -> tuple[Row, ...]:
    """Pod, level, and how many of its containers run as root ("no" when none)."""
    return tuple(Row(key, (key, pod.pss_level, str(len(pod.root_containers)) if pod.root_containers else "no"),
                     pod.pss_level != "restricted" or bool(pod.root_containers)) for key, pod in pods)


def root_summary(pods: Sequence[tuple[str, PodReport]]) -> str:
    """Which containers run as root, in how many pods: `Run as root: add-cert in 6 pods; kaniko in
    backend-task-build.`"""
    where: dict[tuple[str, bool], list[str]] = {}
    for key, pod in pods:
        for root in pod.root_containers:
            where.setdefault((root.container, root.reason == IMAGE_DEFAULT), []).append(key)
    if not where:
        return "No container runs as root."
    parts = [f"{container} in {listed(keys)}{' (may: its image decides)' if may else ''}"
             for (container, may), keys in where.items()]
    return "Run as root: " + "; ".join(parts) + "."


def security_detail(key: str, pod: PodReport) -> tuple[str, ...]:
    """The selected pod: its level, each root container with its reason, and the checks it fails."""
    lines = [f"{key}: {pod.pss_level}"]
    lines += [_root_line(root) for root in pod.root_containers]
    for level in ("restricted", "baseline"):
        checks = list(dict.fromkeys(_check(v) for v in pod.violations.get(level, ())))
        if checks:
            lines.append(f"Fails {level}: {'; '.join(checks)}.")
    if pod.pss_level == "restricted" and not pod.root_containers:
        lines.append("Passes restricted; no container runs as root.")
    return tuple(lines)


def _root_line(root: RootContainer) -> str:
    if root.reason == IMAGE_DEFAULT:
        return (f"Root: {root.container} may run as root: nothing sets runAsUser or runAsNonRoot, so its image's "
                "user applies.")
    return f"Root: {root.container}, because {root.reason}."


def _check(violation: str) -> str:
    """The check's name without the long how-to-fix (`runAsUser=0 (container "x" must not ...)` -> `runAsUser=0`)."""
    return violation.split(" (", 1)[0]
