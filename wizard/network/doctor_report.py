"""The doctor's Diagnosis for people (text, the house format: findings grouped DANGER, WARNING, INFO, wrapped, never
cut) and for programs (JSON, schema substra-wizard/network-check@1). A consistent set is one line."""

from __future__ import annotations

import textwrap
from typing import Any

from wizard.network.doctor_inputs import shown_path
from wizard.network.doctor_model import Diagnosis, Finding
from wizard.reporting.report import SEVERITIES
from wizard.reporting.report_format import HEADINGS, WIDTH

SCHEMA = "substra-wizard/network-check@1"
_HEADINGS = {**HEADINGS, "info": "INFO: what this set cannot show (nothing to fix in it)"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def scope(diagnosis: Diagnosis) -> str:
    """What was checked: `3 organisations, 2 channels, 7 ordered pairs (self included) and the orchestrator (FILE)`."""
    network = diagnosis.network
    orchestrator = (f"the orchestrator ({shown_path(network.orchestrator.file)})" if network.orchestrator
                    else "no orchestrator")
    return (f"{_plural(len(network.by_msp), 'organisation')}, {_plural(len(diagnosis.channels), 'channel')}, "
            f"{_plural(len(network.pairs), 'ordered pair')} (self included) and {orchestrator}")


def _groups(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """The findings by severity, most severe first (only the severities present)."""
    found = [(severity, [f for f in findings if f.severity == severity]) for severity in SEVERITIES]
    return [(severity, group) for severity, group in found if group]


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False)


def text(diagnosis: Diagnosis) -> str:
    """The one line of a consistent set, else the findings under their severity's heading (info may follow the
    consistent line: what the set could not show)."""
    findings = diagnosis.findings
    if diagnosis.consistent:
        head = f"Consistent: checked {scope(diagnosis)}; nothing disagrees."
    else:
        counts = ", ".join(f"{len(group)} {severity}" for severity, group in _groups(findings))
        head = f"Inconsistent: checked {scope(diagnosis)}; {_plural(len(findings), 'finding')} ({counts})."
    if not findings:
        return head + "\n"
    lines = _wrap(head, "", "")
    for severity, group in _groups(findings):
        lines += ["", f"  {_HEADINGS[severity]}"]
        for finding in group:
            lines += _finding(finding)
    return "\n".join(lines) + "\n"


def _finding(finding: Finding) -> list[str]:
    lines = _wrap(f"[{finding.code}] {finding.message}", "  - ", "    ")
    for place in finding.places:
        lines += _wrap(str(place), "      at ", "         ")
    return lines + _wrap(f"Fix: {finding.fix}", "    ", "      ")


def as_json(diagnosis: Diagnosis) -> dict[str, Any]:
    network = diagnosis.network
    return {
        "schema": SCHEMA,
        "consistent": diagnosis.consistent,
        "organisations": [{"msp_id": b.msp_id, "organization_name": b.organization_name, "file": b.file,
                           "lists_checked": b.lists is not None} for b in network.backends],
        "orchestrator": network.orchestrator.file if network.orchestrator else None,
        "channels": {channel: sorted(network.channel_members[channel]) for channel in diagnosis.channels},
        "pairs": len(network.pairs),
        "findings": [f.as_json() for f in diagnosis.findings],
    }
