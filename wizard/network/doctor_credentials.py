"""The credentials that tie organisations together (FACTS_ACCOUNTS_NETWORK_IMAGES.md §1.7): for every ordered pair
(B calls A) that shares a channel, A lists B under incoming organisations and B lists A under outgoing ones, with the
same secret; every backend lists itself in both (its worker calls its own server); names are MSP ids.

Secrets are compared, never shown. No fingerprint either: organisation secrets may be short words a person typed,
and a short unsalted digest of a word is found again by trying words; "they differ" is what the fix needs.
"""

from __future__ import annotations

from collections.abc import Iterator

from wizard.core.shown import shown
from wizard.network.doctor_inputs import shown_path
from wizard.network.doctor_lists import duplicate_entries
from wizard.network.doctor_model import Backend, Direction, Entry, Finding, NetworkSet, Place


def _sync(msp: str) -> str:
    return f"then helm upgrade {shown(msp)}'s backend (its migrations Job syncs the lists)"


def credential_findings(network: NetworkSet) -> Iterator[Finding]:
    yield from _duplicate_msp_ids(network)
    for backend in network.backends:
        yield from _entry_names(network, backend)
    for backend in network.backends:
        yield from _self_pair(network, backend)
    for caller, callee in network.pairs:
        if caller != callee:
            yield from _pair(network, caller, callee)


def _duplicate_msp_ids(network: NetworkSet) -> Iterator[Finding]:
    claimed: dict[str, list[Backend]] = {}
    for backend in network.backends:
        claimed.setdefault(backend.msp_id, []).append(backend)
    for msp, backends in claimed.items():
        if len(backends) > 1:
            yield Finding("msp-duplicate", "danger",
                          f"{len(backends)} backends have the MSP id {shown(msp)}: the orchestrator and the other "
                          "organisations take them for one organisation (the second to register is refused, and "
                          "credentials for one are credentials for both). The doctor checked only the first.",
                          "give each organisation its own orchestrator.mspID, in its backend's values, the "
                          "orchestrator's channels and every other organisation's lists.",
                          tuple(b.values.shown_at("orchestrator.mspID") for b in backends), (msp,))


def _entry_names(network: NetworkSet, backend: Backend) -> Iterator[Finding]:
    """Entries that name an organisationName, or an MSP id no file of the set knows; and the same entry twice."""
    if backend.lists is None:
        return
    owner = backend.msp_id
    for org_list in backend.lists.values():
        yield from duplicate_entries(owner, org_list, network.member)
        for entry in org_list.entries:
            if not entry.name or entry.name in network.known_ids:
                continue
            named = network.by_organization_name.get(entry.name)
            if named:
                yield Finding("entry-names-organisation", "danger",
                              f"{owner}'s {org_list.direction} entry names {shown(entry.name)}, the organizationName "
                              f"of {shown_path(named.file)}, but the backend matches MSP ids ({shown(named.msp_id)}): "
                              "the entry never matches, so calls between them fail with 401.",
                              f"rename the entry to {shown(named.msp_id)}, {_sync(owner)}.",
                              (entry.place, named.values.shown_at("orchestrator.mspID")), (owner, named.msp_id))
            else:
                yield Finding("entry-unknown-msp", "info",
                              f"{owner}'s {org_list.direction} entry names {shown(entry.name)}, an MSP id no file "
                              "of this set has (no backend, no orchestrator channel): perhaps an organisation "
                              "outside the set, or one that left.",
                              "check it against that organisation's orchestrator.mspID; remove it if it left.",
                              (entry.place,), (owner, entry.name))


def _index(network: NetworkSet, backend: Backend, direction: Direction) -> dict[str, Entry]:
    """The entries of one list by the MSP id they mean (the later of two wins, as in the sync)."""
    assert backend.lists is not None
    return {network.member(e.name): e for e in backend.lists[direction].entries if e.name}


def _self_pair(network: NetworkSet, backend: Backend) -> Iterator[Finding]:
    if backend.lists is None or network.by_msp.get(backend.msp_id) is not backend:
        return
    own = backend.msp_id
    incoming, outgoing = (_index(network, backend, d).get(own) for d in ("incoming", "outgoing"))
    missing = [d for d, entry in (("incoming", incoming), ("outgoing", outgoing)) if entry is None]
    if missing:
        places = tuple(backend.list_place(d, f"no entry for {shown(own)}") for d in missing)  # type: ignore[arg-type]
        yield Finding("self-missing", "danger",
                      f"{own} is not in its own {' and '.join(missing)} organisations: its worker calls its own "
                      "server with its MSP id (to register models, send profiling), and those calls fail.",
                      f"add {shown(own)} to both lists with one secret, {_sync(own)}.", places, (own,))
    elif incoming and outgoing and incoming.comparable and outgoing.comparable and incoming.secret != outgoing.secret:
        yield Finding("self-mismatch", "danger",
                      f"{own}'s incoming and outgoing entries for itself have different secrets"
                      f"{_hint(incoming, outgoing)}: its worker's calls to its own server fail with 401.",
                      f"give both entries for {shown(own)} the same secret, {_sync(own)}.",
                      (incoming.place, outgoing.place), (own,))


def _pair(network: NetworkSet, caller: str, callee: str) -> Iterator[Finding]:
    """B (caller) calls A (callee): A.incoming[B] and B.outgoing[A], with one secret."""
    a, b = network.by_msp.get(callee), network.by_msp.get(caller)
    a_entry = _index(network, a, "incoming").get(caller) if a and a.lists is not None else None
    b_entry = _index(network, b, "outgoing").get(callee) if b and b.lists is not None else None
    why = (f"{caller} calls {callee} (they share a channel: it downloads {callee}'s assets, with its MSP id and the "
           f"secret of its outgoing entry for {callee})")
    if a and a.lists is not None and a_entry is None:
        yield Finding("incoming-missing", "danger",
                      f"{why}, but {callee}'s incoming organisations have no entry for {caller}: {callee} answers "
                      "401 and the tasks that need those assets fail.",
                      f"add {{name: {shown(caller)}, secret: <the secret of {caller}'s outgoing entry for {callee}>}} "
                      f"to {callee}'s incoming organisations, {_sync(callee)}.",
                      (a.list_place("incoming", f"no entry for {shown(caller)}"),
                       _other_side(b, b_entry, "outgoing", caller, callee)), (callee, caller))
    if b and b.lists is not None and b_entry is None:
        yield Finding("outgoing-missing", "danger",
                      f"{why}, but {caller}'s outgoing organisations have no entry for {callee}: it has no secret to "
                      "send (\"Missing outgoing credentials\") and the tasks that need those assets fail.",
                      f"add {{name: {shown(callee)}, secret: <the secret of {callee}'s incoming entry for {caller}>}} "
                      f"to {caller}'s outgoing organisations, {_sync(caller)}.",
                      (b.list_place("outgoing", f"no entry for {shown(callee)}"),
                       _other_side(a, a_entry, "incoming", callee, caller)), (caller, callee))
    if a_entry and b_entry and a_entry.comparable and b_entry.comparable and a_entry.secret != b_entry.secret:
        yield Finding("secret-mismatch", "danger",
                      f"{caller}'s outgoing secret for {callee} is not {callee}'s incoming secret for "
                      f"{caller}{_hint(a_entry, b_entry)}: {callee} answers 401 to {caller}'s calls.",
                      "put one secret in both entries (take the outgoing one, or make a new one for both: the "
                      f"incoming side stores only a hash), then helm upgrade the backends of {caller} and {callee}.",
                      (b_entry.place, a_entry.place), (caller, callee))


def _other_side(backend: Backend | None, entry: Entry | None, direction: Direction, owner: str,
                other: str) -> Place:
    """The other half of a pair in a finding: its entry, its list that lacks it too, or why it is not known."""
    if backend is None:
        return Place("(not in the set)", f"{owner}'s {direction} entry for {other}", None,
                     "no values file of this set has that MSP id")
    if backend.lists is None:
        return Place(backend.file, "addAccountOperator.existingSecret", None, backend.values.input.accounts_note)
    if entry is None:
        return backend.list_place(direction, f"no entry for {shown(other)} either")
    return Place(entry.place.file, entry.place.key, entry.place.line, f"{owner}'s entry for {other}")


def _hint(first: Entry, second: Entry) -> str:
    """What may help find why two secrets differ, without saying anything of either."""
    if first.secret is not None and second.secret is not None and first.secret.lower() == second.secret.lower():
        return " (they differ only in upper and lower case)"
    return ""
