"""Changes to a network file made through the front ends, written back with its comments and order kept: an
organisation added, and an organisation's own decisions after its steps were walked.

An organisation's `plan` keeps only what differs from what its preset and the network make of it; a change to what
the network decides (names, channels, the orchestrator's address, the host) is not kept there, and is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wizard.core.errors import ConfigError, Problem
from wizard.network.model import Network, parse
from wizard.network.plans import OWNED
from wizard.planning.plan import Plan
from wizard.yamlkit import yamlio


def own_decisions(chosen: Plan, base: Plan) -> tuple[dict[str, Any], list[str]]:
    """(the organisation's `plan`: every leaf of `chosen` that differs from `base`; the dotted paths the network
    decides that `chosen` changed, left out)."""
    changed: dict[str, Any] = {}
    dropped: list[str] = []
    _diff(chosen.model_dump(mode="json"), base.model_dump(mode="json"), (), changed, dropped)
    return changed, dropped


def _diff(now: Mapping[str, Any], before: Mapping[str, Any], at: tuple[str, ...], into: dict[str, Any],
          dropped: list[str]) -> None:
    for key, value in now.items():
        path = (*at, key)
        old = before.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            _diff(value, old, path, into, dropped)
        elif value != old:
            dotted = ".".join(path)
            if any(dotted == owned or dotted.startswith(owned + ".") for owned in OWNED):
                dropped.append(dotted)
                continue
            target = into
            for step in at:
                target = target.setdefault(step, {})
            target[key] = value


def with_plan(text: str, source: str, index: int, plan: Mapping[str, Any]) -> str:
    """The network file's text with organisation `index`'s `plan` replaced (removed when empty), comments kept."""
    doc = _document(text, source)
    organisation = doc["network"]["organisations"][index]
    if not plan:
        if "plan" not in organisation:
            return text
        del organisation["plan"]
    elif isinstance(organisation.get("plan"), Mapping):
        if not _update(organisation["plan"], plan):
            return text
    else:
        organisation["plan"] = dict(plan)
    return _checked(doc, source)


def _update(target: Any, new: Mapping[str, Any]) -> bool:
    """`target` (a map of the document) made equal to `new` key by key, so that what stays keeps its comments;
    whether anything changed."""
    changed = False
    for key in [k for k in target if k not in new]:
        del target[key]
        changed = True
    for key, value in new.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), Mapping):
            changed = _update(target[key], value) or changed
        elif key not in target or target[key] != value:
            target[key] = value
            changed = True
    return changed


def with_organisation(text: str, source: str, organisation: Mapping[str, Any], channels: Sequence[str]) -> str:
    """The network file's text with one more organisation, and its name added to the members of `channels`."""
    doc = _document(text, source)
    doc["network"]["organisations"].append(dict(organisation))
    for channel in doc["network"]["channels"]:
        if channel["name"] in channels:
            channel["members"].append(organisation["name"])
    return _checked(doc, source)


def _document(text: str, source: str) -> Any:
    doc = yamlio.load_roundtrip(text, source)
    if doc is None or not isinstance(doc.get("network"), Mapping):
        raise ConfigError([Problem("network", "missing: the file has no network to change")], source)
    return doc


def _checked(doc: Any, source: str) -> str:
    """The edited text, refused (naming the problem) when it would not load as a network any more."""
    text = yamlio.dumps(doc)
    parse(yamlio.load_plain(text, source), source)
    return text


def organisation_index(network: Network, name: str) -> int:
    for index, organisation in enumerate(network.organisations):
        if name in (organisation.name, organisation.msp_id):
            return index
    known = ", ".join(o.name for o in network.organisations)
    raise ConfigError([Problem("ORGANISATION", f'"{name}" is no organisation of the network (known: {known})')])
