"""The doctor's small model of a network as its values files describe it: the backends (one per organisation) and the
orchestrator, each seen over its chart's defaults, and the findings the checks make of them, each pointing at the
file and values key on every side.

Everything here is plain data; doctor.py builds it from the files, the doctor_* check modules read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, get_path, load_defaults
from wizard.core.shown import shown
from wizard.network.doctor_codes import CODES
from wizard.network.doctor_inputs import AccountsSecret, ValuesInput, shown_path

Direction = Literal["incoming", "outgoing"]
LIST_KEYS: dict[Direction, str] = {"incoming": "incomingOrganizations", "outgoing": "outgoingOrganizations"}
SECRET_KEYS: dict[Direction, str] = {"incoming": "incoming_organizations", "outgoing": "outgoing_organizations"}


@dataclass(frozen=True)
class Place:
    """Where a finding points: a file, the values key in it (with its line when the file has one), and what is there
    (a value that is no secret, or what is missing)."""

    file: str
    key: str
    line: int | None = None
    note: str = ""

    def __str__(self) -> str:
        where = f"{shown_path(self.file)}:{self.line}" if self.line else shown_path(self.file)
        return f"{where} {self.key}" + (f" ({self.note})" if self.note else "")

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "key": self.key, "line": self.line, "note": self.note}


@dataclass(frozen=True)
class Finding:
    """One inconsistency (or, as info, something the set cannot tell): a stable short `code`, the MSP ids and
    channels it concerns, what is wrong and why it breaks, what to do, and the places on each side."""

    code: str
    severity: str
    message: str
    fix: str
    places: tuple[Place, ...] = ()
    subjects: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        assert CODES[self.code][0] == self.severity, (self.code, self.severity)  # one severity per code

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "subjects": list(self.subjects),
                "message": self.message, "fix": self.fix, "places": [p.as_json() for p in self.places]}


def text_of(value: Any) -> str:
    """A value that is no secret as a values file would show it (`true`, `443`, `orchestrator.example.com`)."""
    if isinstance(value, str):
        return shown(value)
    return shown(json.dumps(value, default=str))


@dataclass
class Settings:
    """One values file over its chart's defaults: the value the chart sees at a key, and the place of that key."""

    input: ValuesInput

    @property
    def file(self) -> str:
        return self.input.file

    @cached_property
    def tree(self) -> dict[str, Any]:
        chart = self.input.chart
        return coalesce(load_defaults(chart, SUPPORTED_VERSIONS[chart]), self.input.data)

    def get(self, key: str) -> Any:
        """The value at a dotted key as the chart renders it (None when it is unset and has no default)."""
        value = get_path(self.tree, tuple(key.split(".")))
        return None if value is MISSING else value

    def is_set(self, key: str) -> bool:
        return get_path(self.input.data, tuple(key.split("."))) is not MISSING

    def place(self, key: str, note: str = "") -> Place:
        return Place(self.file, key, self.input.lines.get(tuple(key.split("."))), note)

    def shown_at(self, key: str) -> Place:
        """The place of a key that holds no secret, with its value, or the chart default it falls back to."""
        value = self.get(key)
        note = f"= {text_of(value)}" if self.is_set(key) else f"not set: chart default {text_of(value)}"
        return self.place(key, note)


@dataclass(frozen=True)
class Entry:
    """One organisation of a backend's incoming or outgoing list, as the backend reads it."""

    name: str
    """The organisation id the backend stores (the other side's MSP id, if written right)."""
    secret: str | None
    """None when the chart would not hand the backend a usable secret (the entry has its own finding)."""
    place: Place
    comparable: bool = True
    """False when the backend would read another id or secret than the one written (a `channel`, a bad line): its
    secret is not compared with the other side's (its own finding says why)."""


@dataclass(frozen=True)
class OrgList:
    direction: Direction
    entries: tuple[Entry, ...]
    place: Place
    """The list as a whole: the values key, or the key of the accounts Secret."""


@dataclass
class Backend:
    """One organisation's substra-backend values."""

    values: Settings
    lists: dict[Direction, OrgList] | None
    """None when the lists live in a Secret the set does not hold."""
    channels: list[str] = field(default_factory=list)
    """The channels its `orchestrator.channels` declares (each item a one-key map {channel: settings})."""

    @property
    def file(self) -> str:
        return self.values.file

    @property
    def msp_id(self) -> str:
        return str(self.values.get("orchestrator.mspID"))

    @property
    def organization_name(self) -> str:
        return str(self.values.get("organizationName"))

    @property
    def accounts(self) -> AccountsSecret | None:
        return self.values.input.accounts

    def list_place(self, direction: Direction, note: str = "") -> Place:
        base = self.lists[direction].place if self.lists else self.values.place("addAccountOperator")
        return Place(base.file, base.key, base.line, note)


@dataclass
class Orchestrator:
    """The orchestrator's values: its channels and who is in each, by MSP id."""

    values: Settings
    channels: dict[str, list[str]] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.values.file


@dataclass
class NetworkSet:
    backends: list[Backend]
    orchestrator: Orchestrator | None

    @cached_property
    def by_msp(self) -> dict[str, Backend]:
        """Each MSP id's backend (the first file, when two claim the same id: that has its own finding)."""
        found: dict[str, Backend] = {}
        for backend in self.backends:
            found.setdefault(backend.msp_id, backend)
        return found

    @cached_property
    def by_organization_name(self) -> dict[str, Backend]:
        """Backends whose organizationName is not their MSP id, by that name (lists that use it never match)."""
        return {b.organization_name: b for b in reversed(self.backends)
                if b.organization_name != b.msp_id and b.organization_name not in self.by_msp}

    def member(self, name: str) -> str:
        """The MSP id an orchestrator's channel member or a list entry means: itself, or the MSP id of the backend
        whose organizationName it is."""
        backend = self.by_organization_name.get(name) if name not in self.by_msp else None
        return backend.msp_id if backend else name

    @cached_property
    def channel_members(self) -> dict[str, set[str]]:
        """Who is in each channel, by MSP id: the orchestrator's lists and every backend that declares it (either
        side saying two organisations share a channel is reason enough to check their credentials)."""
        members: dict[str, set[str]] = {}
        if self.orchestrator:
            for channel, names in self.orchestrator.channels.items():
                members.setdefault(channel, set()).update(self.member(name) for name in names)
        for backend in self.backends:
            for channel in backend.channels:
                members.setdefault(channel, set()).add(backend.msp_id)
        return members

    @cached_property
    def pairs(self) -> list[tuple[str, str]]:
        """(caller, callee) MSP ids of every ordered pair that needs credentials and has a side in the set: the
        members of each channel both ways, and every backend with itself (its worker calls its own server)."""
        found = {(b.msp_id, b.msp_id) for b in self.backends}
        for members in self.channel_members.values():
            found.update((caller, callee) for caller in members for callee in members
                         if caller in self.by_msp or callee in self.by_msp)
        return sorted(found)

    @cached_property
    def known_ids(self) -> set[str]:
        """The MSP ids some file of the set names as an organisation's (a backend's own, a channel member)."""
        return set(self.by_msp) | {m for members in self.channel_members.values() for m in members}


@dataclass
class Diagnosis:
    """What the doctor found in a set: the model it read, and the findings, most severe first."""

    network: NetworkSet
    findings: list[Finding]

    @property
    def consistent(self) -> bool:
        """No danger and no warning: info findings only say what the set could not show (it may be partial)."""
        return not any(f.severity in ("danger", "warning") for f in self.findings)

    @property
    def channels(self) -> list[str]:
        return sorted(self.network.channel_members)
