"""One Plan per organisation and one for the orchestrator, derived from the network file so that they agree by
construction: channel names and members, MSP ids, where and how each backend reaches the orchestrator, TLS and the
mTLS Secrets on both sides.

Each Plan is built from layers like any run (an optional preset, the organisation's own `plan`, then the network's
decisions on top), so every message names the layer that set a value. What the network decides may not also be set
in an organisation's `plan`: two places for one decision is how networks drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.charts.helm_names import fullname
from wizard.core.errors import ConfigError, Problem
from wizard.network.model import ORCHESTRATOR_FOLDER, Network, Organisation
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan

ORCHESTRATOR_CA = "orchestrator-tls-cacert"
"""The orchestrator chart's default name for the Secret holding its CA (`ca.crt`); the client certificates of the
backends are signed by that CA (the how-to's mTLS step), so it is also the client CA listed for each organisation."""
BACKEND_CA = "orchestrator-cacert"
"""The Secret (key `ca.crt`) each backend namespace holds with the orchestrator's CA: the backend trusts only it."""
CLIENT_CERTIFICATE = "orchestrator-client-cert"
"""The tls Secret each backend namespace holds with its client certificate (subject O=<MSP id>, CN=<its host>)."""
IN_CLUSTER_PORT = 9000
"""The orchestrator Service's gRPC port, for backends of its own cluster."""

# Paths of an organisation's Plan that the network decides (dotted; a prefix covers what is under it).
OWNED = ("organisation", "channels", "orchestrator", "target.orchestrator", "target.backend.enabled",
         "target.backend.namespace", "ingress.backend_host")
OWNED_BY_ORCHESTRATOR = ("channels", "orchestrator.tls", "target.orchestrator", "target.backend", "target.frontend",
                         "ingress.orchestrator_host")


@dataclass(frozen=True)
class Member:
    """One folder of the network's output: the orchestrator or an organisation, with its Plan and where it goes."""

    folder: str
    title: str
    context: str
    plan: Plan
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    organisation: Organisation | None = None


def plan_network(network: Network, source: str) -> list[Member]:
    """The orchestrator's member first, then each organisation's, in the network file's order.

    Raises:
        ConfigError: every problem of every Plan, each prefixed with the organisation it belongs to.
    """
    found: list[Problem] = []
    members: list[Member] = []
    for make in (lambda: _orchestrator(network, source),
                 *(lambda o=o, i=i: _organisation(network, o, i, source) for i, o in enumerate(network.organisations))):
        try:
            members.append(make())
        except ConfigError as error:
            found += error.problems
    if found:
        raise ConfigError(found, source)
    return members


def orchestrator_address(network: Network, organisation: Organisation) -> tuple[str, int, bool]:
    """(host, port, same cluster) by which an organisation's backend reaches the orchestrator: its Service from the
    same cluster, else its public host through the ingress (443 with TLS, 80 without)."""
    orchestrator = network.orchestrator
    if not network.remote(organisation):
        service = f"{fullname(orchestrator.release, 'orchestrator')}-server.{orchestrator.namespace}"
        return service, IN_CLUSTER_PORT, True
    return str(orchestrator.host), 443 if network.tls else 80, False


def organisation_layers(network: Network, index: int, source: str, *, own: bool = True) -> list[Layer]:
    """The layers of an organisation's Plan: its preset, its own `plan` (unless not `own`: what the network alone
    makes of it, the base its own decisions are told apart from), then the network's decisions."""
    organisation = network.organisations[index]
    where = f"organisations[{index}] ({organisation.name})"
    _refuse_owned(organisation.plan, OWNED, f"{where}.plan")
    layers = _preset(organisation.preset, where)
    if own:
        layers.append(Layer(f"{source} {where}.plan", organisation.plan, kind="answers"))
    return [*layers, Layer(network_source(source), _decided(network, organisation), kind="answers")]


def network_source(source: str) -> str:
    """How the network's own layer is named where a value's origin is shown (`set by answers file ...`)."""
    return f"{source} (the network decides this: change it in that file)"


def base_plan(network: Network, index: int, source: str) -> Plan:
    """The organisation's Plan without its own decisions (see organisation_layers)."""
    where = f"organisations[{index}] ({network.organisations[index].name})"
    return _built(organisation_layers(network, index, source, own=False), where)


def _decided(network: Network, organisation: Organisation) -> dict[str, Any]:
    host, port, same = orchestrator_address(network, organisation)
    channels = [{"name": c.name, "restricted": c.restricted, "model_export_enabled": c.model_export_enabled,
                 "organizations": [m.msp_id for m in network.members(c) if m.name != organisation.name]}
                for c in network.channels_of(organisation)]
    return {
        "target": {"orchestrator": {"enabled": False},
                   "backend": {"enabled": True, "namespace": organisation.where}},
        "organisation": {"name": organisation.name, "msp_id": organisation.msp_id},
        "channels": channels,
        "orchestrator": {"host": host, "port": port, "same_cluster": same, "tls": network.tls,
                         "ca_secret": BACKEND_CA if network.tls else None},
        "ingress": {"backend_host": organisation.host},
    }


def _organisation(network: Network, organisation: Organisation, index: int, source: str) -> Member:
    where = f"organisations[{index}] ({organisation.name})"
    layers = organisation_layers(network, index, source)
    extras = {"substra-backend": {"orchestrator": {"tls": {"mtls": {
        "enabled": True, "clientCertificate": CLIENT_CERTIFICATE}}}}} if network.mtls else {}
    return Member(organisation.name, f"{organisation.name} ({organisation.msp_id})", organisation.context,
                  _built(layers, where), extras, organisation)


def _orchestrator(network: Network, source: str) -> Member:
    orchestrator = network.orchestrator
    where = "orchestrator"
    _refuse_owned(orchestrator.plan, OWNED_BY_ORCHESTRATOR, f"{where}.plan")
    decided = {
        "target": {"orchestrator": {"enabled": True, "namespace": orchestrator.namespace,
                                    "release": orchestrator.release},
                   "backend": {"enabled": False}, "frontend": {"enabled": False}},
        "channels": [{"name": c.name, "organizations": [m.msp_id for m in network.members(c)]}
                     for c in network.channels],
        "orchestrator": {"tls": network.tls},
        "ingress": {"orchestrator_host": orchestrator.host},
    }
    layers = [Layer(f"{source} orchestrator.plan", orchestrator.plan, kind="answers"),
              Layer(network_source(source), decided, kind="answers")]
    extras: dict[str, Any] = {}
    if network.mtls:
        cas = {o.msp_id: [ORCHESTRATOR_CA] for o in network.organisations}
        extras = {"orchestrator": {"orchestrator": {"tls": {"mtls": {"enabled": True, "clientCACerts": cas}},
                                                    "verifyClientMSPID": network.verify_msp_id}}}
    return Member(ORCHESTRATOR_FOLDER, "orchestrator", orchestrator.context, _built(layers, where), extras)


def _preset(name: str | None, where: str) -> list[Layer]:
    if not name:
        return []
    from wizard.planning import presets

    try:
        return [Layer(f"preset {name}", presets.load(name).plan, kind="preset")]
    except ConfigError as error:
        raise ConfigError([Problem(f"{where}.preset", str(p)) for p in error.problems]) from None


def _built(layers: list[Layer], where: str) -> Plan:
    try:
        return build_plan(layers)
    except ConfigError as error:
        raise ConfigError([Problem(f"{where}: {p.path}" if p.path else where, p.message)
                           for p in error.problems]) from None


def _refuse_owned(plan: Mapping[str, Any], owned: tuple[str, ...], where: str) -> None:
    found = [Problem(f"{where}.{path}", "the network decides this (names, channels, the orchestrator's address, "
                                        "hosts): set it in the network file, not in the plan")
             for path in owned if _present(plan, path.split("."))]
    if found:
        raise ConfigError(found)


def _present(tree: Any, steps: list[str]) -> bool:
    for step in steps:
        if not isinstance(tree, Mapping) or step not in tree:
            return False
        tree = tree[step]
    return True
