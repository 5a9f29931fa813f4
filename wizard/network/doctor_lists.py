"""A backend's incoming and outgoing organisation lists as the backend will read them, and the line-format pitfalls
that break a connection without an error (FACTS_ACCOUNTS_NETWORK_IMAGES.md §1.2-1.3).

The chart writes each item as the Go text `<name> <secret>` (or `<name> <secret> <channel>`), one per line, and the
backend splits each line once, at the last space: a `channel` makes the secret part of the id, a number or a missing
secret becomes Go's `%!s(...)` text, a space or line end inside a secret moves the split, a blank line or a line
without a space crashes the sync. The wizard's own Secret has the same lines, already written out.

No message here ever holds a secret, nor the part of a line that may be one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wizard.core.shown import shown
from wizard.network.doctor_inputs import AccountsSecret
from wizard.network.doctor_model import (
    LIST_KEYS,
    SECRET_KEYS,
    Direction,
    Entry,
    Finding,
    OrgList,
    Place,
    Settings,
)

MAX_OUTGOING_SECRET = 128
"""The backend's column for an outgoing secret (its own generator makes exactly 128 hex characters)."""
_FIX_SECRET = ("give every organisation entry a secret as quoted text without spaces (the wizard generates 64 hex "
               "characters), the same on both sides of the pair")


def values_lists(values: Settings, owner: str) -> tuple[dict[Direction, OrgList], list[Finding]]:
    """The lists written inline in a values file (`addAccountOperator.incomingOrganizations`, ...)."""
    lists: dict[Direction, OrgList] = {}
    findings: list[Finding] = []
    for direction, key in LIST_KEYS.items():
        dotted = f"addAccountOperator.{key}"
        items = values.get(dotted)
        entries: list[Entry] = []
        if items is not None and not isinstance(items, list):
            findings.append(_finding("entry-name-invalid", owner, direction, values.place(dotted), "",
                                     "is not a list of {name, secret} items, so helm cannot render it",
                                     "write the list as items {name: MSP_ID, secret: SECRET}"))
            items = []
        for index, item in enumerate(items or []):
            entry, flaws = _item(values, dotted, index, item, owner, direction)
            entries.append(entry)
            findings += flaws
        lists[direction] = OrgList(direction, tuple(entries), values.place(dotted))
    return lists, findings


def _item(values: Settings, dotted: str, index: int, item: Any, owner: str,
          direction: Direction) -> tuple[Entry, list[Finding]]:
    at = values.place(dotted)
    where = Place(at.file, f"{dotted}[{index}]", at.line)
    if not isinstance(item, dict):
        flaw = _finding("entry-name-invalid", owner, direction, where, "", "is not a map {name, secret}, so helm "
                        "cannot render the list", "write the item as {name: MSP_ID, secret: SECRET}")
        return Entry("", None, where, comparable=False), [flaw]
    name, secret = item.get("name"), item.get("secret")
    label = name if isinstance(name, str) else ""
    found: list[Finding] = []
    if not isinstance(name, str) or not name.strip() or any(c.isspace() for c in name):
        what = ("has no name" if name is None else "has a name that is not text" if not isinstance(name, str)
                else "has an empty name or one with a space")
        found.append(_finding("entry-name-invalid", owner, direction, where, label,
                              f"{what}: the backend stores another organisation id than the other side's MSP id, "
                              "so the pair never connects", "name the entry by the other side's MSP id (its "
                              "orchestrator.mspID), as quoted text"))
    if "channel" in item:
        found.append(_has_channel(owner, direction, where, label, values_file=True))
    found += _secret_flaws(secret, owner, direction, where, label)
    comparable = not found
    return Entry(label, secret if isinstance(secret, str) else None, where, comparable), found


def _secret_flaws(secret: Any, owner: str, direction: Direction, where: Place, label: str) -> list[Finding]:
    if secret is None or secret == "":
        return [_finding("secret-empty", owner, direction, where, label,
                         "has no secret" + (": the chart writes the text %!s(<nil>) in its place" if secret is None
                                            else "") + ", which the other side does not have; an empty incoming "
                         "secret lets nobody in", _FIX_SECRET)]
    if not isinstance(secret, str):
        return [_finding("secret-not-text", owner, direction, where, label,
                         f"has a secret that is a {_kind(secret)}, not text: the chart writes Go's %!s(...) text "
                         "of it instead, which the other side does not have", "quote the secret in the values file "
                         "(secret: \"...\"), on both sides")]
    reasons = []
    if secret.endswith("\r") and not any(c.isspace() for c in secret[:-1]):
        reasons.append("a carriage return at its end (CRLF line ends: the backend keeps the \\r in the secret)")
    elif any(c.isspace() for c in secret):
        reasons.append("a space or line end in it (the backend splits the line at the last space, or the line ends "
                       "early: the id or the secret is not what was written)")
    if direction == "outgoing" and len(secret) > MAX_OUTGOING_SECRET:
        reasons.append(f"more than {MAX_OUTGOING_SECRET} characters (the backend's column: the sync crashes)")
    if reasons:
        return [_finding("secret-malformed", owner, direction, where, label, "has a secret with " +
                         " and ".join(reasons), _FIX_SECRET)]
    return []


def _kind(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", dict: "map", list: "list"}.get(type(value), "value")


def _has_channel(owner: str, direction: Direction, where: Place, label: str, *, values_file: bool) -> Finding:
    how = ("has a channel: the chart then writes `name secret channel`" if values_file
           else "has three fields (name, secret and, likely, a channel)")
    return _finding("entry-has-channel", owner, direction, where, label,
                    f"{how}, and the backend splits at the last space: the organisation id becomes the name and the "
                    "secret, the secret becomes the channel. The other side never authenticates, and the secret "
                    "shows in the migrations Job's log", "remove `channel` from organisation entries (only admin "
                    "users have one)" if values_file else "keep two fields per line: `<msp-id> <secret>`")


def secret_lists(secret: AccountsSecret, owner: str) -> tuple[dict[Direction, OrgList], list[Finding]]:
    """The lists of the accounts Secret: one `<msp-id> <secret>` per line, split at the last space."""
    lists: dict[Direction, OrgList] = {}
    findings: list[Finding] = []
    for direction, key in SECRET_KEYS.items():
        text = secret.data.get(key, "")
        entries: list[Entry] = []
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the trailing newline of the last line
        for number, line in enumerate(lines, 1):
            where = Place(secret.file, f"Secret {secret.name}, {key} line {number}")
            entry, flaws = _line(line, owner, direction, where)
            entries.append(entry)
            findings += flaws
        lists[direction] = OrgList(direction, tuple(entries), Place(secret.file, f"Secret {secret.name}, {key}"))
    return lists, findings


def _line(line: str, owner: str, direction: Direction, where: Place) -> tuple[Entry, list[Finding]]:
    if " " not in line:  # the whole line may be a secret: never shown
        flaw = _finding("line-malformed", owner, direction, where, "",
                        "is blank or has no space: the backend's sync crashes on it, the migrations Job fails and "
                        "the organisation lists are not synced", "write one `<msp-id> <secret>` per line, no blank "
                        "line")
        return Entry("", None, where, comparable=False), [flaw]
    name, _, value = line.rpartition(" ")
    if " " in name:  # `<name> <secret> <channel>`: never show what follows the first field, it may be the secret
        first = name.split(" ", 1)[0]
        return Entry(first, None, where, comparable=False), [_has_channel(owner, direction, where, first,
                                                                          values_file=False)]
    found = [] if name else [_finding("entry-name-invalid", owner, direction, where, "", "has an empty organisation "
                                      "id", "write `<msp-id> <secret>`")]
    found += _secret_flaws(value, owner, direction, where, name)
    return Entry(name, value, where, comparable=not found), found


def _finding(code: str, owner: str, direction: Direction, where: Place, name: str, what: str,
             fix: str) -> Finding:
    entry = f"{direction} entry for {shown(name)}" if name else f"{direction} entry"
    return Finding(code, "danger", f"{owner}'s {entry} {what}.", fix + ".", (where,),
                   (owner, name) if name else (owner,))


def duplicate_entries(owner: str, org_list: OrgList, resolve: Any) -> Iterator[Finding]:
    """The same organisation twice in one list: the sync creates it, then updates it with the later secret."""
    seen: dict[str, Entry] = {}
    for entry in org_list.entries:
        if not entry.name:
            continue
        target = resolve(entry.name)
        if target in seen:
            yield Finding("entry-duplicate", "warning",
                          f"{owner}'s {org_list.direction} list has {shown(target)} twice: the backend keeps the "
                          "later entry's secret, and the earlier one is easy to mistake for the one in use.",
                          "keep one entry per organisation.", (seen[target].place, entry.place), (owner, target))
        seen[target] = entry
