"""`wizard secrets`: the credentials of a folder the wizard wrote, masked; one revealed for a script; one set by hand.

The values only ever come from and go to the folder's secrets/ (0700, files 0600): never a command-line argument
(the process list and shell history would keep it), never a log line. A value is read from standard input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from wizard.commands.arguments import DEFAULT_OUT, path_argument
from wizard.core.errors import WizardError
from wizard.core.shown import shown

if TYPE_CHECKING:
    from wizard.planning.plan import Plan
    from wizard.writing.secret_inventory import Entry, Inventory

SCHEMA = "substra-wizard/secrets@1"
ACTIONS = ("list", "reveal", "set")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard secrets",
        usage="wizard secrets [--out DIR] [list [--format text|json] | reveal ID | set ID]",
        description="The credentials of a folder the wizard wrote (its plan read from DIR/wizard-answers.yaml, the "
                    "values from DIR/secrets/). list (the default): every credential with what it is for, the Secret "
                    "and key that hold it and its value masked; those still missing (the next run generates them); "
                    "entries the plan does not name. reveal ID: that one value alone on standard output, e.g. "
                    "PASSWORD=$(wizard secrets reveal substra-backend/admin/admin). set ID: a new value read from "
                    "standard input (asked twice, hidden, on a terminal; the first line of a pipe), checked as the "
                    "charts and the backend would (an admin password by the backend's own rules), written to "
                    "secrets/; then says what must be done for it to take effect.",
        epilog="A value is never taken from the command line. Exit codes: 0 done, 2 invalid input (nothing written).",
    )
    parser.add_argument("action", nargs="?", choices=ACTIONS, default=None, metavar="list|reveal|set")
    parser.add_argument("id", nargs="?", metavar="ID", help="a credential id, as the listing shows it")
    parser.add_argument("--out", metavar="DIR", type=path_argument(), default=Path(DEFAULT_OUT),
                        help=f"the folder a wizard run wrote (default: {DEFAULT_OUT})")
    parser.add_argument("--format", choices=("text", "json"), default=None, help="of the listing (default: text)")
    parser.add_argument("--reveal", metavar="ID", help="the same as: reveal ID")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard secrets`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    action, ident = _action(args)
    plan = folder_plan(args.out)
    from wizard.writing.secret_inventory import inventory

    found = inventory(plan, args.out)
    for warning in found.warnings:
        print(f"wizard: warning: {warning}", file=sys.stderr)
    if action == "reveal":
        sys.stdout.write(f"{_entry(found, ident, 'reveal').value}\n")
        return 0
    if action == "set":
        return _set(plan, found, _entry(found, ident, "set", missing_ok=True), sys.stdout)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(found), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(text(found))
    return 0


def _action(args: argparse.Namespace) -> tuple[str, str | None]:
    """(action, id) from the arguments, refusing the combinations that mean nothing."""
    action = args.action or ("reveal" if args.reveal is not None else "list")
    if args.reveal is not None and (args.action not in (None, "reveal") or args.id is not None):
        raise WizardError("--reveal ID is the same as `reveal ID`: give one of them")
    ident = args.reveal if args.reveal is not None else args.id
    if action == "list" and ident is not None:
        raise WizardError(f"the listing takes no ID; to see one value: wizard secrets reveal {shown(ident)}")
    if action != "list" and args.format is not None:
        raise WizardError(f"--format is for the listing; {action} ID prints one value")
    return action, ident


def folder_plan(out_dir: Path) -> Plan:
    """The Plan of a folder the wizard wrote, from its answers file.

    Raises:
        WizardError: the folder or its answers file is not there (or the answers file is invalid), in one line.
    """
    from wizard.planning import answers
    from wizard.planning.layers import build_plan, plan_layers

    if not out_dir.exists():
        raise WizardError(f"{out_dir} does not exist: give the folder a wizard run wrote with --out DIR (default "
                          f"{DEFAULT_OUT})")
    if not out_dir.is_dir():
        raise WizardError(f"{out_dir} is not a folder: give the folder a wizard run wrote with --out DIR")
    answers_file = out_dir / answers.FILE_NAME
    if not answers_file.is_file():
        raise WizardError(f"{out_dir} holds no {answers.FILE_NAME}, which says which credentials the deployment "
                          f"needs: give the folder a wizard run wrote (wizard --out {out_dir} writes one)")
    return build_plan(plan_layers(None, answers_file, []))


def _entry(found: Inventory, ident: str | None, action: str, *, missing_ok: bool = False) -> Entry:
    """The entry `ident` names; an unknown id is refused with the ids there are."""
    known = found.known()
    if ident is None or ident not in known:
        listed = "\n".join(f"  {shown(name, 100)}" for name in known)
        what = "no ID was given" if ident is None else f"there is no credential {shown(ident)} in {found.folder}"
        raise WizardError(f"{what}; the ids there are:\n{listed}\nUsage: wizard secrets {action} ID --out "
                          f"{found.folder}")
    entry = known[ident]
    if entry.value is None and not missing_ok:
        raise WizardError(f"{ident} has no value yet: the next run generates it (wizard --answers "
                          f"{found.folder}/wizard-answers.yaml --non-interactive --out {found.folder}), or set one: "
                          f"wizard secrets set {ident} --out {found.folder}")
    return entry


def text(found: Inventory) -> str:
    """The listing for people: every value masked."""
    from wizard.planning.passwords import mask

    folder = found.folder
    lines = [f"Credentials of {folder}/ (for the plan in {folder}/wizard-answers.yaml), kept in {folder}/secrets/:"]
    names = {entry.id: shown(entry.id, 100) for entry in (*found.entries, *found.others)}  # ids hold MSP ids
    width = max(map(len, names.values()), default=0)
    for entry in found.entries:
        masked = "missing: the next run generates it" if entry.value is None else mask(entry.value)
        lines.append(f"  {names[entry.id]:<{width}}  {masked}")
        lines.append(f"  {'':<{width}}  {entry.purpose}")
        lines += [f"  {'':<{width}}  in {holder}" for holder in entry.holders]
    if found.others:
        lines.append("Also in secrets/, not named by the plan:")
        for entry in found.others:
            lines.append(f"  {names[entry.id]:<{width}}  {mask(entry.value or '')}")
            lines.append(f"  {'':<{width}}  {entry.purpose}: {entry.note}")
    missing = found.missing
    if missing:
        lines.append(f"{len(missing)} missing: wizard --answers {folder}/wizard-answers.yaml --non-interactive --out "
                     f"{folder} generates them (and keeps the others).")
    lines.append(f"One value: wizard secrets reveal ID --out {folder}. A new one: wizard secrets set ID --out "
                 f"{folder} (reads it from standard input).")
    return "\n".join(lines) + "\n"


def as_json(found: Inventory) -> dict[str, Any]:
    """The listing for scripts (stable keys, values masked)."""
    from wizard.planning.passwords import mask

    def item(entry: Entry) -> dict[str, Any]:
        credential = entry.credential
        return {"id": entry.id, "purpose": entry.purpose, "present": entry.value is not None,
                "masked": None if entry.value is None else mask(entry.value),
                "chart": credential.chart if credential else None, "kind": credential.kind if credential else None,
                "held_in": [{"file": h.file, "secret": h.secret, "namespace": h.namespace, "key": h.key}
                            for h in entry.holders],
                "takes_effect": credential.restart if credential else None, "note": entry.note or None}

    return {"schema": SCHEMA, "folder": str(found.folder), "credentials": [item(e) for e in found.entries],
            "others": [item(e) for e in found.others], "missing": [e.id for e in found.missing],
            "warnings": list(found.warnings)}


def _set(plan: Plan, found: Inventory, entry: Entry, out: TextIO) -> int:
    from wizard.writing import output
    from wizard.writing.secret_inventory import value_problems

    if not entry.holders:
        raise WizardError(f"{shown(entry.id, 100)} is {entry.purpose}: {entry.note}. Nothing was changed.")
    value = read_value(entry.id)
    problems = value_problems(plan, entry.id, value)
    if problems:
        reasons = "\n".join(f"  {reason}" for reason in problems)
        raise WizardError(f"{shown(entry.id, 100)}: this value would not work, nothing was changed:\n{reasons}")
    if value == entry.value:
        out.write(f"{shown(entry.id, 100)} already has this value; nothing was changed.\n")
        return 0
    planned = output.plan_secret_files(plan, found.folder, given_secrets={entry.id: value})
    output.write_secret_files(planned, found.folder)
    changed = [item.path.name for item in planned if item.action != "unchanged"]
    out.write(f"Set {shown(entry.id, 100)} in {found.folder}/secrets/ ({', '.join(changed)}).\n")
    if planned.vault.generated:
        out.write(f"Generated the missing {', '.join(planned.vault.generated)} too.\n")
    if entry.credential is not None:
        out.writelines(f"{line}\n" for line in takes_effect(plan, [entry.id], found.folder))
    else:
        direction, _, msp = entry.id.removeprefix("substra-backend/").partition("/")
        other = "outgoing" if direction == "incoming" else "incoming"
        out.write(f"For it to take effect: run install.sh (it applies the Secrets, then the migrations Job syncs the "
                  f"organisation lists); {shown(msp)} must hold the same secret in its {other} list for this "
                  "organisation.\n")
    return 0


MAX_LINE = 4096


def read_value(ident: str) -> str:
    """The new value from standard input: asked twice, hidden, on a terminal; else the first line.

    Raises:
        WizardError: nothing given, the two entries differ, or the input is not UTF-8 text.
    """
    stdin = sys.stdin
    if stdin is None:
        raise WizardError("standard input is closed: pipe the value in (printf '%s\\n' \"$VALUE\" | wizard secrets "
                          f"set {ident}) or run on a terminal")
    if stdin.isatty():
        import getpass

        try:
            first = getpass.getpass(f"New value for {ident} (not shown): ")
            second = getpass.getpass("The same again: ")
        except EOFError:
            raise WizardError("no value was given; nothing was changed") from None
        if first != second:
            raise WizardError("the two entries differ; nothing was changed")
        return first
    raw = stdin.buffer.readline(MAX_LINE + 1) if hasattr(stdin, "buffer") else stdin.readline(MAX_LINE + 1)
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WizardError("standard input is not UTF-8 text; nothing was changed") from None
    if len(raw) > MAX_LINE:
        raise WizardError(f"the first line of standard input is longer than {MAX_LINE} characters; give the value "
                          "alone on one line")
    if not raw:
        raise WizardError(f"standard input is empty: give the value on it, e.g. printf '%s\\n' \"$VALUE\" | wizard "
                          f"secrets set {ident}")
    return raw.removesuffix("\n").removesuffix("\r")


def takes_effect(plan: Plan, idents: Sequence[str], folder: Path) -> list[str]:
    """What must be done, in order, for new values of `idents` (written to `folder`/secrets) to take effect: the
    database passwords inside PostgreSQL first, then the Secrets applied again, then each restart."""
    from wizard.writing.secret_inventory import restart_groups

    groups = restart_groups(plan, idents)
    first = [(restart, creds) for restart, creds in groups if any(c.id.endswith("/database") for c in creds)]
    rest = [(restart, creds) for restart, creds in groups if (restart, creds) not in first]
    lines = ["For the new values to take effect (nothing to do if nothing was installed from this folder yet: "
             "install.sh creates the Secrets), in this order:"]
    step = 0
    for restart, creds in first:
        step += 1
        ids = ", ".join(c.id for c in creds)
        lines.append(f"  {step}. {ids}: {restart}. The new password: wizard secrets reveal {creds[0].id} --out "
                     f"{folder}")
    if rest:
        step += 1
        from wizard.writing.install_script import apply_secrets_command

        command = apply_secrets_command(f"{folder / 'secrets'}/")
        lines.append(f"  {step}. Apply the Secrets again: {command} (install.sh does it before helm); then:")
        lines += [f"     - {', '.join(c.id for c in creds)}: {restart}" for restart, creds in rest]
    return lines


def rotation_report(plan: Plan, folder: Path) -> str:
    """What `wizard --rotate-secrets` prints after writing: what was rotated and what must now be done."""
    from wizard.writing.credentials import needed
    from wizard.writing.secret_inventory import inventory

    idents = [credential.id for credential in needed(plan)]
    lines = [f"Rotated {len(idents)} credential(s): every value in {folder / 'secrets'}/ is new, the old ones are "
             "gone. The values files and the answers file did not change (they name the Secrets, not the values)."]
    kept = inventory(plan, folder).others
    if kept:
        lines.append(f"Kept as they were: {', '.join(e.id for e in kept)} (shared with other organisations: change "
                     "them together, with wizard secrets set).")
    lines += takes_effect(plan, idents, folder)
    return "\n".join(lines) + "\n"
