"""What both front ends show and ask in network mode: the organisations of a network file at a glance, the paths
between them (open or blocked, and whether each pair's two sides hold the same secret), and the questions that add
an organisation, each answer checked as the network file will check it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.network.model import Network, Organisation

QUESTIONS = (
    ("name", "Organisation name", "The backend's organizationName, and its folder in the output (letters, digits "
                                  "and '-', e.g. org-4)."),
    ("msp_id", "MSP id", "Its id on the orchestrator and for the other organisations (e.g. Org4MSP)."),
    ("context", "Kube context", "The context of its cluster in your kubeconfig (kubectl config get-contexts)."),
    ("namespace", "Namespace", "Empty: the organisation's name."),
    ("host", "Public host of its backend", "The other organisations download assets from it (e.g. "
                                           "api.org-4.example.com)."),
)
"""(key in the network file, question, help) of a new organisation, in the order they are asked."""


@dataclass(frozen=True)
class Overview:
    title: str
    orchestrator: str
    channels: str
    organisations: list[tuple[str, ...]]
    """Name, MSP id, kube context, namespace, public host, channels."""
    paths: list[tuple[str, ...]]
    """State (ok / BLOCKED), from, to, credentials."""
    findings: list[str]


def overview(network: Network, source: Path, out_dir: Path | None) -> Overview:
    """The network at a glance, its paths judged as `wizard network explain` judges them."""
    from wizard.network.paths_format import findings
    from wizard.network.preview import preview

    orchestrator = network.orchestrator
    security = "mTLS" if network.mtls else "TLS" if network.tls else "no TLS"
    paths, _ = preview(network, source, out_dir)
    return Overview(
        title=f"{source}: the orchestrator and {len(network.organisations)} organisations",
        orchestrator=f"Orchestrator: context {orchestrator.context}, namespace {orchestrator.namespace}, host "
                     f"{orchestrator.host or '(none: every organisation is in its cluster)'}, {security}",
        channels="Channels: " + "; ".join(f"{c.name}: {', '.join(o.name for o in network.members(c))}"
                                          for c in network.channels),
        organisations=[(o.name, o.msp_id, o.context, o.where, o.host,
                        ", ".join(c.name for c in network.channels_of(o))) for o in network.organisations],
        paths=[("ok" if p.open else "BLOCKED", f"{p.caller} {p.pod.removeprefix('backend-')}",
                "orchestrator" if p.callee == "orchestrator" else p.callee, p.credentials or "-") for p in paths],
        findings=[f"{severity}: {message}" for severity, message in findings(paths)],
    )


def answer_problem(network: Network, key: str, answer: str) -> str | None:
    """Why `answer` cannot be a new organisation's `key` (None: it can), as the network file would refuse it."""
    from pydantic import ValidationError

    if not answer:
        return None if key == "namespace" else "an answer is needed"
    probe = {"name": "probe", "msp_id": "ProbeMSP", "context": "probe", "host": "probe.example.com", key: answer}
    try:
        Organisation.model_validate(probe)
    except ValidationError as error:
        return str(error.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
    if key in ("name", "msp_id", "host") and any(getattr(o, key).lower() == answer.lower()
                                                 for o in network.organisations):
        return f"another organisation already has {answer} as its {key}"
    return None


def new_organisation(network: Network, answers: dict[str, str]) -> dict[str, Any]:
    """The new organisation's entry of the network file (an empty namespace left out: the name is used)."""
    return {key: answers[key] for key, _, _ in QUESTIONS if answers.get(key)}


def channel_choices(network: Network) -> Sequence[tuple[str, str]]:
    """(channel, its members in words) for the question of which channels a new organisation joins."""
    return [(c.name, ", ".join(o.name for o in network.members(c))) for c in network.channels]
