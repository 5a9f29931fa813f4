"""What an install or upgrade of the backend does to its accounts, said before it runs.

On every install and upgrade the backend's migrations Job syncs its database with the accounts Secret
(FACTS_ACCOUNTS_NETWORK_IMAGES.md §1.6): the users and organisations it does not list are deleted (users made in the
web interface or the API too, unless OIDC is on), and each user it creates gets its password printed in the Job's
log. So before an upgrade the wizard reads the accounts Secret the cluster holds now (the one the values name, or the
chart's own `<fullname>-add-account` when the old install listed the accounts inline) and compares its names with
those of secrets/. Only names are read from either side: a password or organisation secret never leaves the Secret.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.charts.helm_names import fullname, trunc
from wizard.cluster.finding import Finding
from wizard.cluster.needs import ChartTarget
from wizard.cluster.secrets import SecretStore, Wanted, asking
from wizard.core import files
from wizard.writing.secret_files import manifest_name
from wizard.yamlkit import yamlio

LISTS = ("users", "incoming_organizations", "outgoing_organizations")


@dataclass(frozen=True)
class Names:
    """The names an accounts Secret lists (never the passwords or secrets beside them)."""

    users: tuple[str, ...] = ()
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """The sync the install will run, by name."""

    target: ChartTarget
    upgrade: bool
    """The release exists already: its database holds accounts the sync may delete."""
    job: str
    """The migrations Job (its log shows new users' passwords)."""
    oidc: bool
    new: Names
    now: Names | None
    """What the cluster's accounts Secret lists now (None: no such Secret was found)."""
    now_source: str = ""
    """The Secret `now` was read from."""

    @property
    def deleted_users(self) -> tuple[str, ...]:
        return () if self.oidc or self.now is None else _missing(self.now.users, self.new.users)

    @property
    def deleted_organisations(self) -> tuple[str, ...]:
        if self.now is None:
            return ()
        return (*(f"{msp} (incoming)" for msp in _missing(self.now.incoming, self.new.incoming)),
                *(f"{msp} (outgoing)" for msp in _missing(self.now.outgoing, self.new.outgoing)))

    @property
    def created_users(self) -> tuple[str, ...]:
        if not self.upgrade:
            return self.new.users
        return _missing(self.new.users, self.now.users) if self.now is not None else self.new.users


def _missing(names: Sequence[str], kept: Sequence[str]) -> tuple[str, ...]:
    return tuple(n for n in dict.fromkeys(names) if n not in kept)


def names_of(data: Mapping[str, Any]) -> Names:
    """The names in an accounts Secret's `data` (base64, as the API and secrets/ hold it): users are `name password
    channel`, organisations `msp-id secret` split at the last space, as the backend parses them."""
    text = {key: _decoded(data.get(key)) for key in LISTS}
    users = tuple(line.split(" ", 1)[0] for line in text["users"].splitlines() if line.strip())
    return Names(users, *(tuple(line.rpartition(" ")[0] or line for line in text[key].splitlines() if line.strip())
                          for key in LISTS[1:]))


def _decoded(value: object) -> str:
    if not value:
        return ""
    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return ""


def review(cluster: SecretStore, target: ChartTarget, values_dir: Path, wanted: Sequence[Wanted], *,
           upgrade: bool) -> Review | None:
    """The sync this install runs for the backend of `target`, from its values file and secrets/ (None: the values
    name an accounts Secret that secrets/ does not hold, so the wizard cannot tell what it lists)."""
    values = _values(values_dir / f"{target.chart}-values.yaml")
    accounts = values.get("addAccountOperator") if isinstance(values.get("addAccountOperator"), dict) else {}
    existing = str(accounts.get("existingSecret") or "")
    overrides = str(values.get("nameOverride") or ""), str(values.get("fullnameOverride") or "")
    # substra-backend's own full name ignores the "release contains the chart name" rule (substra-renders-releases)
    base = fullname(target.release, target.chart, *overrides) if any(overrides) else \
        trunc(f"{target.release}-{target.chart}")
    oidc = values.get("oidc") if isinstance(values.get("oidc"), dict) else {}
    if existing:
        found = next((w for w in wanted if w.name == existing), None)
        if found is None:
            return None
        new = names_of(found.body["data"])
    else:
        new = _inline(accounts)
    now, source = None, ""
    if upgrade:
        for name in dict.fromkeys(n for n in (existing, f"{base}-add-account") if n):
            with asking(cluster, f"read Secret {name} in namespace {target.namespace}"):
                current = cluster.secret(target.namespace, name)
            if current is not None:
                now, source = names_of(current.get("data") or {}), name
                break
    return Review(target, upgrade, f"{base}-migrations", oidc.get("enabled") is True, new, now, source)


def _values(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = yamlio.load_plain(files.read_text(path), str(path))
    return data if isinstance(data, dict) else {}


def _inline(accounts: Mapping[str, Any]) -> Names:
    """The names of lists written inline in the values (a file the wizard did not write)."""
    def names(key: str) -> tuple[str, ...]:
        items = accounts.get(key) if isinstance(accounts.get(key), list) else []
        return tuple(str(item.get("name")) for item in items if isinstance(item, dict) and item.get("name"))

    return Names(names("users"), names("incomingOrganizations"), names("outgoingOrganizations"))


def findings(found: Review) -> list[Finding]:
    """A warning when the upgrade deletes accounts the cluster's Secret lists, or when it cannot tell which."""
    where = f"{found.target.release} in namespace {found.target.namespace}"
    if not found.upgrade:
        return []
    if found.now is None:
        users = "" if found.oidc else "every user, those made in the web interface included, and "
        return [Finding("warning", "accounts", f"{where} is installed, but neither of the Secrets its accounts could "
                        f"be in exists: the upgrade deletes {users}every organisation that secrets/ does not list",
                        f"check what it holds: kubectl -n {found.target.namespace} get secrets; add those to keep "
                        f"to secrets/{manifest_name(found.target.chart)} (users: accounts.users), then run again")]
    deleted = [*([_named("user", found.deleted_users)] if found.deleted_users else []),
               *([_named("organisation", found.deleted_organisations)] if found.deleted_organisations else [])]
    if not deleted:
        return []
    fixes = [*(["to keep a user, add it to accounts.users (the Accounts step, or --set) and run again"]
               if found.deleted_users else []),
             *([f"to keep an organisation, add its line back to secrets/{manifest_name(found.target.chart)} (in the "
                "Secret's list it was in) and run again"] if found.deleted_organisations else [])]
    return [Finding("warning", "accounts", f"the upgrade of {where} deletes {' and '.join(deleted)} from its "
                    f"database: the accounts Secret {found.now_source} in the cluster lists them, secrets/ does not",
                    "; ".join(fixes) + "; to go ahead anyway, confirm (or --yes)",
                    "accounts.users" if found.deleted_users else None)]


def _named(what: str, names: Sequence[str]) -> str:
    return f"the {what}{'s' if len(names) > 1 else ''} {', '.join(names)}"


def lines(found: Review) -> list[str]:
    """The sync in words, for the check before the install is confirmed."""
    ns, job = found.target.namespace, found.job
    if found.upgrade:
        source = f"Secret {found.now_source}" if found.now is not None else "no accounts Secret found"
        out = [f"Accounts: {found.target.release} is installed; the upgrade syncs its users and organisations with "
               f"secrets/ (now in the cluster: {source})"]
        if found.now is not None:
            kept = [u for u in found.new.users if u in found.now.users]
            out.append(f"  users deleted: {', '.join(found.deleted_users) or 'none'}; kept: {', '.join(kept) or 'none'}"
                       f" (their passwords set again from secrets/)")
            out.append(f"  organisations deleted: {', '.join(found.deleted_organisations) or 'none'}")
        out.append("  OIDC is on: the backend deletes no user" if found.oidc else
                   "  users made in the web interface or with the API are deleted too (the backend keeps only the "
                   "listed ones while OIDC is off)")
    else:
        out = [f"Accounts: {found.target.release} is a new release; its migrations Job creates the users and "
               "organisations of secrets/"]
    if found.created_users:
        out.append(f"  users created: {', '.join(found.created_users)}; the backend prints their passwords in the log "
                   f"of Job {job}: once it has completed, delete it (kubectl -n {ns} delete job {job})")
    return out
