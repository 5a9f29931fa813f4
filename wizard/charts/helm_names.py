"""Helm's naming conventions the chart templates share (`fullname`, the 63-character limit)."""

from __future__ import annotations


def trunc(name: str) -> str:
    """Helm's `trunc 63 | trimSuffix "-"`: Kubernetes names are DNS labels."""
    return name[:63].removesuffix("-")


def uncut(release: str, name: str) -> str:
    """The standard Helm fullname before its cut to 63: the release alone if it already contains the name."""
    return release if name in release else f"{release}-{name}"


def fullname(release: str, chart: str, name_override: str = "", fullname_override: str = "") -> str:
    """The standard Helm fullname: the override, or `uncut(...)` cut to 63 characters."""
    if fullname_override:
        return trunc(fullname_override)
    return trunc(uncut(release, name_override or chart))
