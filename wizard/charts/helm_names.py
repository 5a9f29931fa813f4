"""Helm's naming conventions the chart templates share (`fullname`, the 63-character limit)."""

from __future__ import annotations


def trunc(name: str) -> str:
    """Helm's `trunc 63 | trimSuffix "-"`: Kubernetes names are DNS labels."""
    return name[:63].removesuffix("-")


def fullname(release: str, chart: str, name_override: str = "", fullname_override: str = "") -> str:
    """The standard Helm fullname: the override, or the release alone if it already contains the chart name."""
    if fullname_override:
        return trunc(fullname_override)
    name = name_override or chart
    return trunc(release if name in release else f"{release}-{name}")
