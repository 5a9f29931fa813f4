"""secrets/: the only place a run writes credentials, and where the next run finds them again.

Beside the values files, `secrets/` (0700) holds, per chart, `<chart>-secrets.yaml`: the Kubernetes Secrets the
values files name (`kubectl apply -f secrets/` creates them; `--install` creates them through the API), and for the
backend `substra-backend-credentials.values`: the few credentials its chart takes only inline (MinIO's root user and
password, LocalStack's keys), which helm reads with `-f` (not `.yaml`, so kubectl skips it). Every file is 0600.

The Secret manifests are the store: a re-run reads the credentials back from them, so they stay the same (and a
password someone set there by hand is kept); only what is missing is generated. `rotate` generates all of them anew.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.core import files
from wizard.core.errors import OutputError
from wizard.core.shown import shown
from wizard.planning.passwords import password_problems
from wizard.planning.plan import Plan
from wizard.writing.credentials import (
    BACKEND,
    ORCHESTRATOR,
    Credential,
    admin_id,
    needed,
    organisation_id,
    private_settings,
    resolve,
    secret_names,
    secret_objects,
)
from wizard.writing.install_script import apply_secrets_command
from wizard.yamlkit import yamlio

FOLDER = "secrets"
CHARTS = (ORCHESTRATOR, BACKEND)
MAX_SECRETS_FILE = 256 * 1024


def manifest_name(chart: str) -> str:
    return f"{chart}-secrets.yaml"


def helm_values_name(chart: str) -> str:
    return f"{chart}-credentials.values"


FILE_NAMES = tuple(name for chart in CHARTS for name in (manifest_name(chart), helm_values_name(chart)))
"""Every name a run may write into secrets/ (the journal refuses any other)."""


@dataclass
class Vault:
    """The credentials of one run (id -> value) and where each came from, for the run's report."""

    values: dict[str, str] = field(default_factory=dict)
    generated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    given: list[str] = field(default_factory=list)


def folder(out_dir: Path) -> Path:
    return out_dir / FOLDER


def read_existing(plan: Plan, out_dir: Path) -> dict[str, str]:
    """The credentials the Secret manifests in `out_dir/secrets` hold for this Plan's Secrets (id -> value).

    Raises:
        OutputError: a manifest cannot be read, or is not what the wizard writes there (naming the file and what to
            do); nothing is generated over a file someone broke.
    """
    names = secret_names(plan)
    found: dict[str, str] = {}
    for chart in CHARTS:
        path = folder(out_dir) / manifest_name(chart)
        if not path.exists():
            continue
        text = files.read_text(path, limit=MAX_SECRETS_FILE, what="a Secrets file")
        for index, doc in enumerate(yamlio.load_documents(text, str(path)), 1):
            if doc is None:
                continue
            name, data = _secret(doc, path, index)
            found.update(_ids_of(name, data, names, path))
    return found


def _secret(doc: object, path: Path, index: int) -> tuple[str, dict[str, str]]:
    where = f"{path}, document {index}"
    if not isinstance(doc, dict) or doc.get("kind") != "Secret":
        raise OutputError(f"{where} is not a Secret: this file holds only the Secrets the wizard writes. Move other "
                          "objects to a file of your own, then run again.", title="Cannot read secrets/")
    name = str((doc.get("metadata") or {}).get("name", ""))
    return name, secret_data(doc, f"{where} (Secret {shown(name)})", title="Cannot read secrets/",
                             fix="or delete the key to have a new one generated")


def secret_data(doc: Mapping[str, Any], where: str, *, title: str, fix: str = "") -> dict[str, str]:
    """A Secret manifest's keys and values as text: `data` decoded from base64, then `stringData` as written (which
    wins, as the API server has it). `where` names the Secret in a message, `fix` what else the operator may do.

    Raises:
        OutputError: `data` or `stringData` is not a map, or a value of `data` is not base64 of UTF-8 text.
    """
    for part in ("data", "stringData"):
        if not isinstance(doc.get(part) or {}, dict):
            raise OutputError(f"{where}: its {part} is not a map of keys. Write it as key: value lines.", title=title)
    data: dict[str, str] = {}
    for key, value in (doc.get("data") or {}).items():
        try:
            data[str(key)] = base64.b64decode(str(value), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise OutputError(f"{where}, key {shown(key)}: not base64 of UTF-8 text. Write the value base64-encoded "
                              f"(base64 -w0){', ' + fix if fix else ''}.", title=title) from None
    for key, value in (doc.get("stringData") or {}).items():
        data[str(key)] = str(value)
    return data


def _ids_of(name: str, data: Mapping[str, str], names: Mapping[str, str], path: Path) -> dict[str, str]:
    """The credential ids one Secret holds, read back the way credentials.secret_objects writes them."""
    simple = {names["database"]: {"DATABASE_PASSWORD": f"{BACKEND}/database"},
              names["redis"]: {"redis-password": f"{BACKEND}/redis"},
              names["minio"]: {"root-user": f"{BACKEND}/minio-user", "root-password": f"{BACKEND}/minio-password"},
              names["localstack"]: {"AWS_ACCESS_KEY_ID": f"{BACKEND}/localstack-key-id",
                                    "AWS_SECRET_ACCESS_KEY": f"{BACKEND}/localstack-secret"},
              names["orchestrator-database"]: {"DATABASE_PASSWORD": f"{ORCHESTRATOR}/database"}}
    if name in simple:
        return {ident: data[key] for key, ident in simple[name].items() if data.get(key)}
    if name != names["accounts"]:
        return {}  # the postgresql Secrets repeat the database password; other names belong to another release
    found: dict[str, str] = {}
    for line_no, line in enumerate(data.get("users", "").splitlines(), 1):
        parts = line.split(" ")
        if len(parts) != 3:
            raise OutputError(f"{path}, Secret {name}, users line {line_no}: the backend needs exactly `name "
                              "password channel` separated by single spaces (it would crash on this line). Fix it, "
                              "or delete the line to have the password generated again.", title="Cannot read secrets/")
        found[admin_id(parts[0])] = parts[1]
    for direction, key in (("incoming", "incoming_organizations"), ("outgoing", "outgoing_organizations")):
        for line_no, line in enumerate(data.get(key, "").splitlines(), 1):
            msp, _, secret = line.rpartition(" ")
            if not msp or not secret:
                raise OutputError(f"{path}, Secret {name}, {key} line {line_no}: the backend needs `msp-id secret` "
                                  "(it would crash on this line). Fix it or delete the line.",
                                  title="Cannot read secrets/")
            found[organisation_id(direction, msp)] = secret  # type: ignore[arg-type]
    return found


def fill(plan: Plan, existing: Mapping[str, str], *, given: Mapping[str, str] | None = None,
         rotate: bool = False, exact_organisations: bool = False) -> Vault:
    """Every credential the Plan needs: `given` first (typed by the operator, or imported), then what `existing`
    holds (unless `rotate`), else a new one. Organisation entries beyond this organisation's own are kept as they are
    (other organisations' credentials, from an import), unless `exact_organisations`: then only the given ones (a
    network decides them all; an organisation taken out of it is dropped)."""
    given = given or {}
    vault = Vault()
    wanted = needed(plan)
    for credential in wanted:
        if credential.id in given:
            vault.values[credential.id] = given[credential.id]
            vault.given.append(credential.id)
        elif credential.id in existing and not rotate:
            vault.values[credential.id] = existing[credential.id]
            vault.kept.append(credential.id)
        else:
            vault.values[credential.id] = credential.generate()
            vault.generated.append(credential.id)
    own = {c.id for c in wanted}
    for source in (given,) if exact_organisations else (existing, given):
        for ident, value in source.items():
            if ident not in own and _other_organisation(plan, ident):
                vault.values[ident] = value
    return vault


def _other_organisation(plan: Plan, ident: str) -> bool:
    msp = plan.organisation.msp_id
    return plan.target.backend.enabled and any(
        ident.startswith(f"{BACKEND}/{direction}/") and ident != organisation_id(direction, msp)
        for direction in ("incoming", "outgoing"))


def problems(plan: Plan, vault: Vault) -> list[str]:
    """Why the backend would refuse an admin password of this run (given or kept): it skips such a user silently.
    Generated ones pass by construction and are not checked (that costs the validators' start-up)."""
    found = []
    for user in plan.accounts.users if plan.target.backend.enabled else ():
        ident = admin_id(user.name)
        if ident in vault.generated:
            continue
        password = vault.values[ident]
        reasons = password_problems(password, user.name) if ident in vault.given else _line_problems(password)
        found += [f"admin user {user.name}: the backend would refuse its password: {reason}" for reason in reasons]
    return found


def _line_problems(password: str) -> list[str]:
    """The cheap checks for a password read back from secrets/ (it was checked in full when it was given)."""
    if not password or any(c.isspace() for c in password):
        return ["it is empty or contains a space"]
    return []


def rendered(plan: Plan, vault: Vault) -> dict[str, str]:
    """File name in secrets/ -> text, for every chart of the Plan that has credentials."""
    texts: dict[str, str] = {}
    objects = secret_objects(plan, vault.values)
    for chart in CHARTS:
        mine = [obj for obj in objects if obj.chart == chart]
        if not mine:
            continue
        namespace = mine[0].namespace
        header = files.comment_lines((
            f"Kubernetes Secrets of {chart} in namespace {namespace}, written by substra-wizard {__version__}.",
            "They hold this deployment's credentials: keep this folder private (0700, files 0600), out of version "
            "control and bundles.",
            f"Create them before helm (install.sh and --install do it): {apply_secrets_command(f'{FOLDER}/')}",
            "A re-run keeps every value here (edit one to set it yourself); --rotate-secrets makes new ones.",
        ))
        texts[manifest_name(chart)] = header + "---\n".join(yamlio.dumps(obj.manifest()) for obj in mine)
    for chart, settings in private_settings(plan).items():
        tree: dict[str, Any] = {}
        for path, value in settings.items():
            node = tree
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = resolve(value, vault.values)
        header = files.comment_lines((
            f"Credentials {chart} takes only inline (its object-store Secret has no existingSecret key), written by "
            f"substra-wizard {__version__}.",
            f"helm reads them after the values file: -f {chart}-values.yaml -f secrets/{helm_values_name(chart)}",
        ))
        texts[helm_values_name(chart)] = header + yamlio.dumps(tree)
    return texts


def credentials_listing(plan: Plan, values: Mapping[str, str]) -> list[tuple[Credential, str | None]]:
    """Each credential the Plan needs with its value in `values` (None: not there yet), in `needed` order."""
    return [(credential, values.get(credential.id)) for credential in needed(plan)]
