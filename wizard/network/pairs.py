"""The credentials of every ordered pair of organisations: made once, then read back from the folders they were
written to, so a second run changes nothing.

When B calls A, it sends its own MSP id and the secret it keeps for A among its outgoing organisations; A checks it
against the secret it keeps for B among its incoming ones (FACTS_ACCOUNTS_NETWORK_IMAGES.md §1.7). So one secret per
ordered pair, written on both sides: B's `outgoing/A` and A's `incoming/B`. Each organisation's pair with itself is
its own credential (credentials.needed), kept by its own folder's run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wizard.network.plans import Member
from wizard.planning.passwords import generate_token
from wizard.writing.credentials import organisation_id
from wizard.writing.secret_files import read_existing


@dataclass
class PairSecrets:
    """Per organisation folder, the other organisations' entries (credential id -> secret) to write into it."""

    given: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    made: list[tuple[str, str]] = field(default_factory=list)
    """(caller, callee) pairs whose secret this run generated."""
    mended: list[tuple[str, str]] = field(default_factory=list)
    """(caller, callee) pairs whose two sides held different secrets: both now hold the callee's."""


def pair_secrets(members: list[Member], out_dir: Path) -> PairSecrets:
    """The secret of every ordered pair of distinct organisations: what both sides already hold, else what one side
    holds, else a new one. Where the sides disagree, the callee's incoming entry wins: it is the one the callee checks,
    so the pair's calls that worked keep working.

    Raises:
        OutputError: a folder's secrets/ cannot be read (as a single run's would be refused).
    """
    organisations = [m for m in members if m.organisation is not None]
    held = {m.folder: _held(m, out_dir / m.folder) for m in organisations}
    result = PairSecrets(given={m.folder: {} for m in organisations})
    for caller in organisations:
        for callee in organisations:
            if caller is callee:
                continue
            caller_msp, callee_msp = _msp(caller), _msp(callee)
            sent = held[caller.folder].get(organisation_id("outgoing", callee_msp))
            checked = held[callee.folder].get(organisation_id("incoming", caller_msp))
            secret = checked or sent
            if secret is None:
                secret = generate_token()
                result.made.append((caller.folder, callee.folder))
            elif sent and checked and sent != checked:
                result.mended.append((caller.folder, callee.folder))
            result.given[caller.folder][organisation_id("outgoing", callee_msp)] = secret
            result.given[callee.folder][organisation_id("incoming", caller_msp)] = secret
    return result


def _held(member: Member, folder: Path) -> dict[str, str]:
    return read_existing(member.plan, folder) if folder.is_dir() else {}


def _msp(member: Member) -> str:
    assert member.organisation is not None
    return member.organisation.msp_id
