"""Channels, as the orchestrator and the backends each see them: the orchestrator's `channels` say who is a member
(by MSP id), each backend's `orchestrator.channels` say which channels it registers on at start-up. A channel the
orchestrator does not know, or does not list the backend in, fails that registration, and with it the backend's
readiness; a channel the backend does not declare leaves it out of the channel the others work in.
"""

from __future__ import annotations

from collections.abc import Iterator

from wizard.core.shown import shown
from wizard.network.doctor_inputs import shown_path
from wizard.network.doctor_model import Backend, Finding, NetworkSet, Orchestrator, Settings

_REGISTER = ("at start-up the backend registers on each channel it declares; the orchestrator refuses it, the "
             "backend retries for ever and its readiness check fails")


def declared_channels(values: Settings, owner: str) -> tuple[list[str], list[Finding]]:
    """A backend's `orchestrator.channels`: one-key maps {channel: {restricted, model_export_enabled}}."""
    items = values.get("orchestrator.channels")
    names: list[str] = []
    bad = not isinstance(items, list)
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item and all(isinstance(key, str) and key for key in item):
            names += [key for key in item if key not in names]
        else:
            bad = True
    if not bad:
        return names, []
    return names, [Finding("channels-malformed", "danger",
                           f"{owner}'s orchestrator.channels is not a list of one-key maps {{channel: settings}}: the "
                           "backend reads every item that way and fails on the others.",
                           "write each channel as `- mychannel: {restricted: false, model_export_enabled: false}`.",
                           (values.place("orchestrator.channels"),), (owner,))]


def orchestrator_channels(values: Settings) -> tuple[dict[str, list[str]], list[Finding]]:
    """The orchestrator's `channels`: items {name, organizations: [MSP id, ...]}."""
    items = values.get("channels")
    channels: dict[str, list[str]] = {}
    bad = not isinstance(items, list)
    for item in items if isinstance(items, list) else []:
        members = item.get("organizations") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"] or \
                not isinstance(members or [], list) or not all(isinstance(m, str) for m in members or []):
            bad = True
            continue
        channels.setdefault(item["name"], []).extend(m for m in members or [] if m not in channels[item["name"]])
    if not bad:
        return channels, []
    return channels, [Finding("channels-malformed", "danger",
                              "the orchestrator's channels are not a list of {name, organizations: [MSP id, ...]}: "
                              "the orchestrator does not read the channels the backends need.",
                              "write each channel as `- {name: mychannel, organizations: [Org1MSP, Org2MSP]}`.",
                              (values.place("channels"),), ("orchestrator",))]


def channel_findings(network: NetworkSet) -> Iterator[Finding]:
    orchestrator = network.orchestrator
    if orchestrator is None:
        return
    for backend in network.backends:
        for channel in backend.channels:
            yield from _declared(network, orchestrator, backend, channel)
    for channel, names in orchestrator.channels.items():
        for name in names:
            yield from _listed(network, orchestrator, channel, name)


def _declared(network: NetworkSet, orchestrator: Orchestrator, backend: Backend, channel: str) -> Iterator[Finding]:
    """A channel the backend declares must be the orchestrator's, with the backend's MSP id among its members."""
    own = backend.msp_id
    declared_at = backend.values.place("orchestrator.channels", f"declares {shown(channel)}" +
                                       ("" if backend.values.is_set("orchestrator.channels") else ", chart default"))
    if channel not in orchestrator.channels:
        known = ", ".join(map(shown, orchestrator.channels)) or "none"
        yield Finding("channel-not-in-orchestrator", "danger",
                      f"{own} declares the channel {shown(channel)}, which the orchestrator does not have (it has: "
                      f"{known}): {_REGISTER}.",
                      f"add {{name: {shown(channel)}, organizations: [{shown(own)}, ...]}} to the orchestrator's "
                      f"channels, or remove the channel from {own}'s orchestrator.channels.",
                      (declared_at, orchestrator.values.place("channels", f"no {shown(channel)}")), (own, channel))
        return
    names = orchestrator.channels[channel]
    if own in names or _names_organisation(network, backend, names):
        return
    yield Finding("channel-member-missing", "danger",
                  f"{own} declares the channel {shown(channel)}, whose members on the orchestrator do not include "
                  f"{own}: {_REGISTER}.",
                  f"add {shown(own)} to the organizations of {shown(channel)} in the orchestrator's values, then helm "
                  "upgrade the orchestrator.",
                  (declared_at, orchestrator.values.place("channels", f"{shown(channel)}: "
                                                          f"{', '.join(map(shown, names)) or 'no members'}")),
                  (own, channel))


def _names_organisation(network: NetworkSet, backend: Backend, names: list[str]) -> bool:
    """Whether the orchestrator lists this backend by its organizationName (a finding of its own)."""
    return backend.organization_name in names and network.member(backend.organization_name) == backend.msp_id


def _listed(network: NetworkSet, orchestrator: Orchestrator, channel: str, name: str) -> Iterator[Finding]:
    """A member the orchestrator lists must be a backend of the set that declares the channel."""
    msp = network.member(name)
    backend = network.by_msp.get(msp)
    listed_at = orchestrator.values.place("channels", f"{shown(channel)} lists {shown(name)}")
    if backend is None:
        yield Finding("channel-no-backend", "info",
                      f"the orchestrator lists {shown(name)} in {shown(channel)}, and no backend of this set has that "
                      "MSP id (the set may be partial; the credentials of the backends here were checked against it "
                      "all the same).",
                      "if that organisation is part of the network, check its values too; if it left, remove it "
                      "from the channel.", (listed_at,), (name, channel))
        return
    if msp != name:
        yield Finding("channel-names-organisation", "danger",
                      f"the orchestrator lists {shown(name)} in {shown(channel)}: that is the organizationName of "
                      f"{shown_path(backend.file)}, whose MSP id is {shown(msp)}, and channels hold MSP ids: "
                      f"{_REGISTER}.",
                      f"replace {shown(name)} with {shown(msp)} in the orchestrator's channel, then helm upgrade the "
                      "orchestrator.", (listed_at, backend.values.shown_at("orchestrator.mspID")), (msp, channel))
    if channel not in backend.channels:
        yield Finding("channel-undeclared", "warning",
                      f"the orchestrator lists {msp} in {shown(channel)}, but {msp}'s orchestrator.channels do not "
                      "declare it: the backend never registers on it, so the channel's work cannot involve it.",
                      f"add `- {shown(channel)}: {{restricted: false, model_export_enabled: false}}` to {msp}'s "
                      "orchestrator.channels (or remove it from the channel on the orchestrator).",
                      (listed_at, backend.values.place("orchestrator.channels", _declares(backend))), (msp, channel))


def _declares(backend: Backend) -> str:
    default = "" if backend.values.is_set("orchestrator.channels") else " (chart default)"
    return f"declares {', '.join(map(shown, backend.channels)) or 'none'}{default}"
