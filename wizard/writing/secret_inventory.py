"""What a folder's secrets/ holds for its Plan, as `wizard secrets` shows it: each credential the Plan needs, where it
is kept (which Secret and key, or which key of the private values file), its value (masked by whoever prints it), the
ones still missing, and entries the Plan does not name.

Where a credential is kept is not written down twice: it is found by filling the Secrets (credentials.secret_objects)
and the private values (credentials.private_settings) with a marker per credential and looking where each marker
lands, so this listing cannot drift from what a run writes.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.core import journal
from wizard.planning.plan import Plan
from wizard.writing import secret_files
from wizard.writing.credentials import (
    BACKEND,
    Credential,
    admin_id,
    needed,
    organisation_id,
    private_settings,
    resolve,
    secret_objects,
)


@dataclass(frozen=True)
class Holder:
    """One place a credential is written: a key of a Secret in `file`, or (secret None) a key of a values file."""

    file: str
    key: str
    secret: str | None = None
    namespace: str | None = None

    def __str__(self) -> str:
        if self.secret is None:
            return f"helm value {self.key} ({self.file})"
        return f"Secret {self.secret}, key {self.key} ({self.file})"


@dataclass(frozen=True)
class Entry:
    """One credential of the listing; `value` None: not in secrets/ yet (the next run generates it)."""

    id: str
    purpose: str
    value: str | None
    holders: tuple[Holder, ...]
    credential: Credential | None = None
    """None for an entry the Plan does not name (see `note`)."""
    note: str = ""


@dataclass(frozen=True)
class Inventory:
    """Every credential of a folder: those the Plan needs (`entries`, in `needed` order), then the others found."""

    folder: Path
    entries: tuple[Entry, ...]
    others: tuple[Entry, ...]
    warnings: tuple[str, ...]

    @property
    def missing(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.value is None]

    def known(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in (*self.entries, *self.others)}


def inventory(plan: Plan, out_dir: Path) -> Inventory:
    """What `out_dir/secrets` holds for `plan`.

    Raises:
        OutputError: a Secrets file cannot be read (secret_files.read_existing names it and says what to do).
    """
    journal.settle(secret_files.folder(out_dir))  # a run killed while writing it: finish or undo that write first
    existing = secret_files.read_existing(plan, out_dir)
    wanted = needed(plan)
    own = {credential.id for credential in wanted}
    warnings = loose_modes(out_dir)
    if plan.target.backend.enabled:  # the self pair: one credential, written in both lists
        incoming, outgoing = (organisation_id(d, plan.organisation.msp_id) for d in ("incoming", "outgoing"))
        itself = existing.pop(outgoing, None)
        if itself is not None and incoming in existing and itself != existing[incoming]:
            warnings.append(f"the outgoing entry of {plan.organisation.msp_id} (this organisation) differs from its "
                            "incoming one: the backend calls itself with the outgoing one and checks the incoming "
                            "one; the next run writes the incoming one in both lists")
    # What a run keeps of the entries the Plan does not name is what secret_files.fill keeps (other organisations').
    foreign = {ident: value for ident, value in existing.items() if ident not in own}
    kept = {ident: value for ident, value in secret_files.fill(plan, foreign).values.items() if ident not in own}
    places = holders(plan, kept)
    entries = tuple(Entry(c.id, c.purpose, existing.get(c.id), tuple(places.get(c.id, ())), c) for c in wanted)
    others = []
    for ident, value in sorted(existing.items()):
        if ident in own:
            continue
        if ident in kept:
            others.append(Entry(ident, "another organisation's credentials", value, tuple(places.get(ident, ())),
                                note="not made by the wizard (an import, or edited in by hand); every run keeps it"))
        else:
            others.append(Entry(ident, "not in this plan", value, (), note=_dropped_note(ident)))
    return Inventory(out_dir, entries, tuple(others), tuple(warnings))


def _dropped_note(ident: str) -> str:
    if ident.startswith(admin_id("")):
        return ("the next run leaves this user out of the accounts Secret, and the upgrade after it deletes the user "
                "from the backend (unless OIDC is on); add it to accounts.users to keep it")
    return "the next run leaves it out"


def holders(plan: Plan, extra: Mapping[str, str] | None = None) -> dict[str, list[Holder]]:
    """id -> where a run writes that credential, for every credential of the Plan and the `extra` entries kept."""
    idents = [credential.id for credential in needed(plan)] + sorted(extra or ())
    marks = {ident: f"<wizard-mark-{index}>" for index, ident in enumerate(idents)}
    found: dict[str, list[Holder]] = {ident: [] for ident in idents}
    for obj in secret_objects(plan, marks):
        file = f"{secret_files.FOLDER}/{secret_files.manifest_name(obj.chart)}"
        for key, value in obj.data:
            for ident, mark in marks.items():
                if mark in value:
                    found[ident].append(Holder(file, key, obj.name, obj.namespace))
    for chart, settings in private_settings(plan).items():
        file = f"{secret_files.FOLDER}/{secret_files.helm_values_name(chart)}"
        for path, value in settings.items():
            text = json.dumps(resolve(value, marks))
            for ident, mark in marks.items():
                if mark in text:
                    found[ident].append(Holder(file, ".".join(path)))
    return found


def loose_modes(out_dir: Path) -> list[str]:
    """Warnings for secrets/ or a file in it that others can read (a copy, an archive, a chmod undid the modes)."""
    folder = secret_files.folder(out_dir)
    warnings = []
    for path, wanted in [(folder, 0o700), *((folder / name, 0o600) for name in secret_files.FILE_NAMES)]:
        try:
            mode = stat.S_IMODE(os.lstat(path).st_mode)
        except OSError:
            continue
        if mode & 0o077:
            warnings.append(f"{path} can be read by others (mode {mode:04o}); make it private: chmod {wanted:o} {path}")
    return warnings


def restart_groups(plan: Plan, idents: Sequence[str]) -> list[tuple[str, list[Credential]]]:
    """What must happen for new values of `idents` to take effect: each distinct step (Credential.restart) with its
    credentials, in `needed` order."""
    groups: dict[str, list[Credential]] = {}
    for credential in needed(plan):
        if credential.id in idents:
            groups.setdefault(credential.restart, []).append(credential)
    return list(groups.items())


def credential_of(plan: Plan, ident: str) -> Credential | None:
    return next((credential for credential in needed(plan) if credential.id == ident), None)


def admin_name(plan: Plan, ident: str) -> str | None:
    """The user name of an admin credential id, None for any other id."""
    return next((user.name for user in plan.accounts.users if admin_id(user.name) == ident), None) \
        if plan.target.backend.enabled else None


MAX_VALUE = 256
"""The longest credential `wizard secrets set` takes (an admin password is at most 64, an organisation secret 128)."""
MAX_ORGANISATION_SECRET = 128
"""The backend stores outgoing secrets in a 128-character column: a longer one makes the accounts sync crash."""
MIN_MACHINE = 12
"""The shortest database, Redis, object-store or organisation secret `set` takes (nobody types them)."""
CHART_DEFAULTS = frozenset({"postgres", "redis", "minio", "minio1234", "helloAws", "mySuperSecureAWSAccessKey1234"})
"""The charts' own credentials (FACTS_ACCOUNTS_NETWORK_IMAGES.md §3.2): set by hand, they would undo the point."""
URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def value_problems(plan: Plan, ident: str, value: str) -> list[str]:
    """Why the charts or the backend would not work with `value` for credential `ident` ([] when they would). An
    admin password is judged by the backend's own rules (passwords.password_problems: Django and zxcvbn)."""
    if not value:
        return ["it is empty"]
    if not value.isprintable() or any(c.isspace() for c in value):
        return ["it contains a space, a line break or a control character: the accounts Secret separates its fields "
                "with spaces and lines, and a connection string would break"]
    name = admin_name(plan, ident)
    if name is not None:
        from wizard.planning.passwords import password_problems

        return password_problems(value, name)
    if len(value) > MAX_VALUE:
        return [f"it has {len(value)} characters; give at most {MAX_VALUE}"]
    if ident.startswith((f"{BACKEND}/incoming/", f"{BACKEND}/outgoing/")) and len(value) > MAX_ORGANISATION_SECRET:
        return [f"it has {len(value)} characters; the backend stores an organisation secret in at most "
                f"{MAX_ORGANISATION_SECRET} (a longer one makes the accounts sync fail)"]
    if ident == "orchestrator/database" and not set(value) <= URI_SAFE:
        return ["the orchestrator puts its database password into a postgres:// address without encoding it: use "
                "only letters, digits and - . _ ~"]
    if ident == f"{BACKEND}/minio-user" and len(value) < 3:
        return ["MinIO refuses a root user shorter than 3 characters"]
    if ident == f"{BACKEND}/minio-password" and len(value) < 8:
        return ["MinIO refuses a root password shorter than 8 characters"]
    if value in CHART_DEFAULTS:
        return ["it is a chart's default credential, which anyone can look up"]
    credential = credential_of(plan, ident)
    if (credential is None or credential.kind in ("key", "token")) and len(value) < MIN_MACHINE:
        return [f"it has {len(value)} characters; a password no person types should have at least {MIN_MACHINE} "
                "(the wizard generates 32)"]
    return []
