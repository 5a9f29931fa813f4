"""The Report as text for a terminal and as markdown, in the reference page's three tables (Pod Security, Network
Policies with incoming and outgoing per pod, Volumes), then the findings."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from wizard.reporting.report import SEVERITIES, Finding, PodReport, Report, VolumeReport

_NONE = "NONE"
WIDTH = 100
"""Columns of the text report's findings (wrapped, never cut)."""
REFERENCE_PAGE = ("\"The reference page\" is Substra's \"Kubernetes deployment reference\" (its Pod Security, Network "
                  "Policies and Volumes tables), which operators plan firewalls and audits from. Where the charts "
                  "differ from it, the charts are what runs: each such finding says how.")
HEADINGS = {"danger": "DANGER: fix before installing", "warning": "WARNING: likely not what you want",
            "info": "INFO: how the charts behave"}
"""What each severity means, as every front end heads its group of findings."""


def _root(pod: PodReport) -> str:
    return ", ".join(f"{r.container} ({r.reason})" for r in pod.root_containers) or "no"


def _charts(report: Report) -> str:
    charts = ", ".join(f"{c.chart} {c.version} (release {c.release}, namespace {c.namespace})" for c in report.charts)
    return charts or "no Substra chart recognised"


def _volume_row(volume: VolumeReport) -> list[str]:
    claim = volume.claim
    return [claim.name, volume.component or "-", "created" if claim.created else "reused", claim.size or "-",
            claim.class_text, ", ".join(claim.access_modes) or "-", volume.existing_claim_key or "no"]


def _finding(finding: Finding) -> str:
    key = f" [values: {finding.values_key}]" if finding.values_key else ""
    return f"{finding.severity.upper()} {finding.area}: {finding.message}{key}"


def markdown(report: Report) -> str:
    """Markdown tables, ready for a ticket or a pull request."""
    lines = [f"# What this deployment does (Kubernetes {report.k8s_version}, from {report.source})", "",
             f"Charts: {_charts(report)}.", "", "## Pod Security Standards", ""]
    lines += _table(["Pod", "Object", "Level", "Runs as root", "Fails restricted because"],
                    [[p.component + (" (runtime)" if p.runtime else ""), p.object, p.pss_level, _root(p),
                      "; ".join(p.violations["restricted"]) or "-"] for p in report.pods])
    lines += ["", "## Network Policies", "", "All pods may also reach kube-dns when listed.", ""]
    lines += _table(["Pod", "Incoming", "Outgoing"],
                    [[p.component, ", ".join(p.ingress_from) or _NONE, ", ".join(p.egress_to) or _NONE]
                     for p in report.pods])
    lines += ["", "## Volumes", ""]
    lines += _table(["Claim", "Component", "Created or reused", "Size", "Storage class", "Access modes",
                     "Reuse with"], [_volume_row(v) for v in report.volumes])
    lines += ["", "## Findings", ""] + ([REFERENCE_PAGE, ""] if mentions_page(report.findings) else [])
    for severity, group in groups(report.findings):
        lines += [f"### {HEADINGS[severity]} ({len(group)})", ""] + [f"- {_finding(f)}" for f in group] + [""]
    return "\n".join(lines)


def groups(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """The findings by severity, most severe first (only the severities present)."""
    found: dict[str, list[Finding]] = {}
    for finding in findings:
        found.setdefault(finding.severity, []).append(finding)
    return [(severity, found[severity]) for severity in SEVERITIES if severity in found]


def mentions_page(findings: Sequence[Finding]) -> bool:
    return any("reference page" in f.message for f in findings)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]


def text(report: Report) -> str:
    """Plain text for a terminal: one block per table, aligned, then the findings."""
    lines = [f"What this deployment does (Kubernetes {report.k8s_version}, from {report.source})",
             f"Charts: {_charts(report)}", "", "Pod Security Standards (the strictest level each pod passes)"]
    width = max((len(p.component) for p in report.pods), default=10) + 2
    for pod in report.pods:
        runtime = "  (created at run time)" if pod.runtime else ""
        lines.append(f"  {pod.component:<{width}}{pod.pss_level:<11} root: {_root(pod)}{runtime}")
    lines += ["", "Network Policies (who may open connections to whom)"]
    for pod in report.pods:
        lines.append(f"  {pod.component}")
        lines.append(f"    in:  {', '.join(pod.ingress_from) or _NONE}")
        lines.append(f"    out: {', '.join(pod.egress_to) or _NONE}")
    lines += ["", "Volumes"]
    rows = [_volume_row(v) for v in report.volumes]
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(6)] if rows else []
    for row in rows:
        lines.append("  " + "".join(f"{c:<{w}}" for c, w in zip(row[:6], widths, strict=False)) + f"reuse: {row[6]}")
    counts = ", ".join(f"{len(group)} {severity}{'s' if len(group) > 1 and severity == 'warning' else ''}"
                       for severity, group in groups(report.findings))
    lines += ["", f"Findings ({len(report.findings)}{': ' + counts if counts else ''})"]
    if mentions_page(report.findings):
        lines += textwrap.wrap(REFERENCE_PAGE, WIDTH, initial_indent="  ", subsequent_indent="  ")
    for severity, group in groups(report.findings):
        lines += ["", f"  {HEADINGS[severity]}"]
        for finding in group:
            lines += textwrap.wrap(_finding(finding), WIDTH, initial_indent="  - ", subsequent_indent="    ",
                                   break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) + "\n"
