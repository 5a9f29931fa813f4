"""What `wizard network check` reads: the values files a command line names, each with its chart, and, for a folder
the wizard wrote, the accounts Secret its backend names.

    FILE                    a values file (YAML or JSON); its chart is guessed from its keys
    orchestrator=FILE       the orchestrator's values file (no guess)
    substra-backend=FILE    a backend's values file (no guess)
    DIR                     a folder the wizard wrote (orchestrator-values.yaml and/or substra-backend-values.yaml,
                            wizard-answers.yaml), or a folder of such folders (the network planner's output)

A folder's `secrets/substra-backend-secrets.yaml` is read only for the Secret that `addAccountOperator.existingSecret`
names, and only its organisation lists: that is where the wizard keeps them, out of the values file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core import files
from wizard.core.errors import WizardError
from wizard.core.journal import VALUES_FILES
from wizard.core.shown import shown
from wizard.planning.answers import FILE_NAME as ANSWERS_FILE
from wizard.writing.secret_files import FOLDER as SECRETS_FOLDER
from wizard.writing.secret_files import MAX_SECRETS_FILE, manifest_name, secret_data
from wizard.yamlkit import yamlio

ORCHESTRATOR, BACKEND = "orchestrator", "substra-backend"
CHARTS = (ORCHESTRATOR, BACKEND)
RUN_FILES = {ORCHESTRATOR: f"{ORCHESTRATOR}-values.yaml", BACKEND: f"{BACKEND}-values.yaml"}
ACCOUNT_KEYS = ("users", "incoming_organizations", "outgoing_organizations")
PATH_KEEP = 120
"""Characters of a path kept at each end in messages (wizard.core.shown): a file must stay recognisable."""


def shown_path(path: object) -> str:
    return shown(str(path), keep=PATH_KEEP)


FORCE_HINT = f"write {ORCHESTRATOR}=FILE or {BACKEND}=FILE to say which chart it is for"


@dataclass(frozen=True)
class AccountsSecret:
    """The Secret a backend's `addAccountOperator.existingSecret` names, as the wizard wrote it into secrets/."""

    file: str
    name: str
    data: dict[str, str]
    """Its keys, decoded (users, incoming_organizations, outgoing_organizations): one `<id> <secret>` per line."""


@dataclass(frozen=True)
class ValuesInput:
    """One values file of the set: its chart, the file as given, what it holds and the line of each map key."""

    chart: str
    file: str
    data: dict[str, Any]
    lines: dict[tuple[str, ...], int]
    accounts: AccountsSecret | None = None
    accounts_note: str = ""
    """Why the accounts Secret is not there, when the file names one (empty: the file names none, or it was read)."""


def read_set(specs: list[tuple[str | None, Path]]) -> list[ValuesInput]:
    """The values files the command line names, once each, in the order given.

    Raises:
        WizardError: a file cannot be read, is not a values file, or its chart cannot be told from its keys; a
            folder holds nothing the doctor reads (each message names the file or folder and what to do).
    """
    found: list[ValuesInput] = []
    seen: set[Path] = set()
    for chart, path in specs:
        for item in _expand(chart, path):
            key = item[1].resolve()
            if key not in seen:
                seen.add(key)
                found.append(_read(*item))
    return found


def _expand(chart: str | None, path: Path) -> list[tuple[str | None, Path, Path | None]]:
    """(chart or None to guess, file, the wizard folder it is in) for one argument."""
    if not path.is_dir():
        return [(chart, path, None)]
    if chart:
        raise WizardError(f"{shown_path(path)} is a folder: {chart}=FILE takes a values file. Give the folder alone "
                          "(a folder the wizard wrote, or a folder of them).")
    if _is_run_folder(path):
        return _run_files(path)
    runs = sorted(child for child in path.iterdir() if child.is_dir() and _is_run_folder(child))
    if not runs:
        raise WizardError(f"{shown_path(path)} holds no {ANSWERS_FILE} nor {' nor '.join(RUN_FILES.values())}, and "
                          "no folder that does: give the values files themselves, or the folder the wizard wrote.")
    return [item for run in runs for item in _run_files(run)]


def _is_run_folder(folder: Path) -> bool:
    return (folder / ANSWERS_FILE).is_file() or any((folder / name).is_file() for name in RUN_FILES.values())


def _run_files(folder: Path) -> list[tuple[str | None, Path, Path | None]]:
    found: list[tuple[str | None, Path, Path | None]] = [
        (chart, folder / name, folder) for chart, name in RUN_FILES.items() if (folder / name).is_file()]
    if not found:
        others = [name for name in VALUES_FILES if (folder / name).is_file()]
        raise WizardError(f"{shown_path(folder)} holds no {' nor '.join(RUN_FILES.values())}"
                          f"{' (only ' + ', '.join(others) + ')' if others else ''}: the doctor checks the "
                          "orchestrator's and the backends' values.")
    return found


def _read(chart: str | None, path: Path, folder: Path | None) -> ValuesInput:
    from wizard.support.importing.reading import read_values_file

    values = read_values_file(path)
    data = values.data or {}
    chart = chart or _guess(data, path)
    item = ValuesInput(chart, str(path), data, values.lines)
    if chart != BACKEND:
        return item
    operator = data.get("addAccountOperator")
    secret = operator.get("existingSecret") if isinstance(operator, dict) else None
    if not secret or not isinstance(secret, str):
        return item
    if folder is None:
        return _with(item, note=f"its organisation lists are in the Secret {shown(secret)}, which is not in the set")
    return _with(item, *_accounts_secret(folder / SECRETS_FOLDER / manifest_name(BACKEND), secret))


def _with(item: ValuesInput, accounts: AccountsSecret | None = None, note: str = "") -> ValuesInput:
    return ValuesInput(item.chart, item.file, item.data, item.lines, accounts, note)


def _guess(data: dict[str, Any], path: Path) -> str:
    """The orchestrator's values have top-level `channels`; a backend's name itself (organizationName, its MSP id)
    or its accounts. Anything else, or both, is refused rather than guessed."""
    orchestrator = isinstance(data.get("orchestrator"), dict) and data["orchestrator"] or {}
    backend_keys = [key for key, present in (("organizationName", "organizationName" in data),
                                             ("addAccountOperator", "addAccountOperator" in data),
                                             ("orchestrator.mspID", "mspID" in orchestrator)) if present]
    if "channels" in data and not backend_keys:
        return ORCHESTRATOR
    if backend_keys and "channels" not in data:
        return BACKEND
    why = (f"it has both the orchestrator's channels and the backend's {', '.join(backend_keys)}" if backend_keys
           else "it has none of channels (the orchestrator's), organizationName, addAccountOperator or "
                "orchestrator.mspID (a backend's)")
    if not data:
        why = "it is empty"
    raise WizardError(f"{shown_path(path)}: cannot tell which chart this values file is for: {why}; {FORCE_HINT}.",
                      title="Not a values file of the orchestrator or substra-backend")


def _accounts_secret(path: Path, name: str) -> tuple[AccountsSecret | None, str]:
    """The Secret `name` in the folder's secrets file, or why it is not there (a folder handed over without its
    secrets/, as bundles are, is no error: its lists are simply not checked).

    Raises:
        OutputError: the file is there but cannot be read, or the Secret's data is not base64 of UTF-8 text.
    """
    if not path.is_file():
        return None, (f"its organisation lists are in the Secret {shown(name)}, and the folder has no "
                      f"{SECRETS_FOLDER}/{path.name}")
    text = files.read_text(path, limit=MAX_SECRETS_FILE, what="a Secrets file")
    for doc in yamlio.load_documents(text, str(path)):
        if isinstance(doc, dict) and doc.get("kind") == "Secret" and \
                isinstance(doc.get("metadata"), dict) and doc["metadata"].get("name") == name:
            return AccountsSecret(str(path), name, secret_data(
                doc, f"{shown_path(path)} (Secret {shown(name)})", title="Cannot read the accounts Secret")), ""
    return None, f"its organisation lists are in the Secret {shown(name)}, which {shown_path(path)} does not hold"


