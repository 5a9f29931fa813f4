"""Names Kubernetes and Helm accept (namespaces, releases, claims, storage classes, host names), checked with messages
that say what to type instead."""

from __future__ import annotations

import re

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_RULE = "use lower-case letters, digits and '-', starting and ending with a letter or digit"


def _label_problem(value: str) -> str | None:
    if value != value.lower() and _LABEL.match(value.lower()):
        return f"use lower case: {value.lower()}"
    if not _LABEL.match(value):
        return _RULE
    return None


def label_problem(value: str, *, max_length: int = 63) -> str | None:
    """A DNS-1123 label (namespaces; Helm release names with max_length=53): why `value` is not one, or None."""
    if not value:
        return "must not be empty"
    if len(value) > max_length:
        return f'"{value}" is {len(value)} characters long; at most {max_length} are allowed'
    reason = _label_problem(value)
    return f'"{value}" is not a valid name: {reason}' if reason else None


def subdomain_problem(value: str) -> str | None:
    """A DNS-1123 subdomain (claim and storage class names, host names): why `value` is not one, or None."""
    if not value:
        return "must not be empty"
    if "://" in value or "/" in value or ":" in value:
        bare = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f'"{value}" is not a bare name: write the host name only, e.g. {bare}'
    if len(value) > 253:
        return f'"{value}" is {len(value)} characters long; at most 253 are allowed'
    for part in value.split("."):
        if not part:
            return f'"{value}" is not a valid name: it has an empty part (two dots in a row, or a dot at an end)'
        reason = _label_problem(part)
        if reason and reason.startswith("use lower case"):
            return f'"{value}" is not a valid name: use lower case: {value.lower()}'
        if reason:
            return f'"{value}" is not a valid name: {reason} (dots may separate parts)'
    return None


def chart_source_problem(text: str) -> str | None:
    """Why a `target.charts` value cannot be a chart source, or None."""
    if text != text.strip() or any(c in text for c in "\n\r\t\0"):
        return f'"{text}" is not a chart source: no spaces around it, no control characters'
    if "://" in text and not text.startswith(("oci://", "https://", "http://")):
        return (f'"{text}" is not a chart source: use https:// (a chart repository), oci:// (a registry) or a '
                "folder path")
    if text.startswith(("oci://", "https://", "http://")) and len(text.split("://", 1)[1].strip("/")) == 0:
        return f'"{text}" names no host: write it like oci://registry.internal:5000/charts'
    return None
