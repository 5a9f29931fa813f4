"""The consistency doctor behind `wizard network check`: a set of values files (one per organisation, plus the
orchestrator's) read into a small model of the network, then every way the files disagree named as a Finding, with
the file and values key on each side and what to do. Pure: nothing is printed, nothing written.

Substra is federated: what ties organisations together lives in files kept by different people, and is where
deployments fail. A key a file leaves out counts as its chart's default, as Helm renders it. What is checked, by module:

- doctor_credentials: every ordered pair that shares a channel has credentials on both sides, with one secret; each
  backend lists itself; no two backends share an MSP id; list entries name MSP ids (1, 2, 3, 5)
- doctor_channels: the channels the backends declare and the orchestrator's members agree (4)
- doctor_transport: orchestrator host and port, TLS and mTLS on both sides, client CAs per MSP id,
  server.defaultDomain (6, 7, 8)
- doctor_lists: the organisation lists as the backend reads them, with their line-format pitfalls (8)

Info findings say what the set cannot show (an organisation without a file, lists in a Secret outside the set); a set
with nothing worse is consistent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wizard.core.errors import WizardError
from wizard.network.doctor_channels import channel_findings, declared_channels, orchestrator_channels
from wizard.network.doctor_credentials import credential_findings
from wizard.network.doctor_inputs import BACKEND, ORCHESTRATOR, ValuesInput, read_set, shown_path
from wizard.network.doctor_lists import secret_lists, values_lists
from wizard.network.doctor_model import (
    Backend,
    Diagnosis,
    Finding,
    NetworkSet,
    Orchestrator,
    Settings,
)
from wizard.network.doctor_transport import transport_findings
from wizard.reporting.report import SEVERITIES

__all__ = ["Diagnosis", "Finding", "build", "check", "diagnose"]


def diagnose(specs: Sequence[tuple[str | None, Path]]) -> Diagnosis:
    """Read the files the command line names ((chart or None to guess, path)) and check them.

    Raises:
        WizardError: a file cannot be read or is not a values file of these charts, or the set has two
            orchestrators (each message names the files and what to do).
    """
    network, findings = build(read_set(list(specs)))
    return check(network, findings)


def build(inputs: Sequence[ValuesInput]) -> tuple[NetworkSet, list[Finding]]:
    """The model of a set of values files, and what reading it found wrong in single files (lists, channels)."""
    orchestrators = [item for item in inputs if item.chart == ORCHESTRATOR]
    if len(orchestrators) > 1:
        raise WizardError(f"{' and '.join(shown_path(o.file) for o in orchestrators)} are all orchestrator values: a "
                          "network has one orchestrator. Check each network on its own (if one file overrides the "
                          "other, as helm -f a -f b, merge them first).", title="Two orchestrators in one set")
    findings: list[Finding] = []
    orchestrator = None
    if orchestrators:
        values = Settings(orchestrators[0])
        channels, flaws = orchestrator_channels(values)
        orchestrator = Orchestrator(values, channels)
        findings += flaws
    backends = []
    for item in inputs:
        if item.chart == BACKEND:
            backend, flaws = _backend(Settings(item))
            backends.append(backend)
            findings += flaws
    return NetworkSet(backends, orchestrator), findings


def _backend(values: Settings) -> tuple[Backend, list[Finding]]:
    owner = str(values.get("orchestrator.mspID"))
    channels, findings = declared_channels(values, owner)
    accounts, note = values.input.accounts, values.input.accounts_note
    inline = [key for key in ("incomingOrganizations", "outgoingOrganizations")
              if values.get(f"addAccountOperator.{key}")]
    secret = values.get("addAccountOperator.existingSecret")
    if secret and isinstance(secret, str):
        if inline:
            findings.append(Finding("lists-ignored", "warning",
                                    f"{owner}'s values list {' and '.join(inline)} inline, but "
                                    "addAccountOperator.existingSecret is set: the chart then reads only that "
                                    "Secret, and the inline lists have no effect.",
                                    "keep the lists in one place: in the Secret (remove them from the values), or "
                                    "inline (unset existingSecret).",
                                    (values.shown_at("addAccountOperator.existingSecret"),
                                     *(values.place(f"addAccountOperator.{key}") for key in inline)), (owner,)))
        if accounts is None:
            findings.append(Finding("lists-in-secret", "info",
                                    f"{owner}: {note}; pairs with it were checked from the other side only.",
                                    "to check them, give the folder the wizard wrote for this organisation (with its "
                                    "secrets/), or compare the Secret's lines by hand.",
                                    (values.shown_at("addAccountOperator.existingSecret"),), (owner,)))
            return Backend(values, None, channels), findings
        lists, flaws = secret_lists(accounts, owner)
    else:
        lists, flaws = values_lists(values, owner)
    return Backend(values, lists, channels), findings + flaws


def check(network: NetworkSet, findings: Sequence[Finding] = ()) -> Diagnosis:
    """Every check of the doctor over a model (with the findings of reading it), most severe first."""
    found = list(findings)
    if network.orchestrator is None:
        found.append(Finding("no-orchestrator", "info",
                             "no orchestrator values in the set: channels, the orchestrator's address, TLS and mTLS "
                             "were not checked.", "add the orchestrator's values file (orchestrator=FILE if its "
                             "chart cannot be guessed).", (), ()))
    if not network.backends:
        found.append(Finding("no-backend", "info", "no substra-backend values in the set: no organisation's "
                             "credentials or address was checked.", "add each organisation's backend values file.",
                             (), ()))
    for checks in (channel_findings, credential_findings, transport_findings):
        found += checks(network)
    first_seen: dict[str, int] = {}
    for finding in found:
        first_seen.setdefault(finding.code, len(first_seen))
    found.sort(key=lambda f: (SEVERITIES.index(f.severity), first_seen[f.code]))  # each code's findings together
    return Diagnosis(network, found)
