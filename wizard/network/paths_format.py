"""`wizard network explain` as text and JSON: every path between organisations, open or blocked and why, with what
the two sides hold for it; then what to do, most severe first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wizard.network.paths import CallPath

SCHEMA = "substra-wizard/network-paths@1"


def findings(paths: Sequence[CallPath]) -> list[tuple[str, str]]:
    """(severity, message) for what breaks or weakens the network, DANGER first."""
    found: list[tuple[str, str]] = []
    for path in paths:
        name = _name(path)
        for hop, side in ((path.leaves, "the caller"), (path.arrives, "the callee")):
            if not hop.allowed:
                found.append(("DANGER", f"{name}: blocked by {side}: {hop.how}"))
        if path.credentials in ("missing", "differ"):
            what = "no secret" if path.credentials == "missing" else "different secrets"
            found.append(("DANGER", f"{name}: the two sides hold {what}: the call is refused (401); write the network "
                                    "again (wizard network write) and re-run its install.sh"))
    clear = sorted({p.callee for p in paths if p.clear_text})
    if clear:
        found.append(("WARNING", "calls to " + ", ".join(clear) + " use http: the organisation secret crosses the "
                      "network in clear; set ingress.tls (and a certificate) in their plans"))
    return sorted(found, key=lambda item: ("DANGER", "WARNING", "INFO").index(item[0]))


def text(paths: Sequence[CallPath], header: str) -> str:
    lines = [header, ""]
    for title, group in (("To the orchestrator", [p for p in paths if p.callee == "orchestrator"]),
                         ("Between organisations (assets, and each worker to its own server)",
                          [p for p in paths if p.callee != "orchestrator"])):
        lines.append(title)
        for path in group:
            state = "ok" if path.open else "BLOCKED"
            secret = f"; credentials {path.credentials}" if path.credentials else ""
            lines.append(f"  {state:<8} {_name(path)} ({path.address}){secret}")
            for hop, side in ((path.leaves, "leaves"), (path.arrives, "arrives")):
                if not hop.allowed:
                    lines.append(f"           {side}: {hop.how}")
        lines.append("")
    found = findings(paths)
    lines.append("Findings:" if found else "Findings: none: every path is open and every pair holds the same secret.")
    lines += [f"  {severity}: {message}" for severity, message in found]
    return "\n".join(lines) + "\n"


def as_json(paths: Sequence[CallPath]) -> dict[str, Any]:
    return {"schema": SCHEMA,
            "paths": [{"caller": p.caller, "pod": p.pod, "callee": p.callee, "target": p.target,
                       "address": p.address, "open": p.open,
                       "leaves": {"allowed": p.leaves.allowed, "how": p.leaves.how},
                       "arrives": {"allowed": p.arrives.allowed, "how": p.arrives.how},
                       "credentials": p.credentials, "clear_text": p.clear_text} for p in paths],
            "findings": [{"severity": s.lower(), "message": m} for s, m in findings(paths)]}


def _name(path: CallPath) -> str:
    callee = "orchestrator-server" if path.callee == "orchestrator" else f"{path.callee} {path.target}"
    return f"{path.caller} {path.pod} -> {callee}"
