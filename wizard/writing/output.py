"""Writing a run's files (values per chart, answers file, install.sh) without losing anybody's work.

Everything is rendered and checked in memory first; only then are the files written, all or none of them (one
generation per folder, also when the run is killed: see wizard.core.journal), each 0600 (install.sh 0700) whatever the
umask. A file the wizard wrote and nobody touched since (its fingerprint still matches) is simply rewritten. A file
someone edited, or one the wizard did not write, is refused unless `force`: then a values file gets this run's
decisions merged into it (the operator's comments and extra keys stay), and any other file is kept beside the new
one as `<name>.bak`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from wizard import __version__
from wizard.charts.chart_defaults import MISSING, get_path
from wizard.core import files, journal
from wizard.core.errors import OutputError
from wizard.planning import answers
from wizard.planning.plan import Plan
from wizard.writing import install_script, secret_files
from wizard.writing.values import ChartValues, Setting, render
from wizard.yamlkit import yamledit, yamlio

Action = Literal["create", "rewrite", "merge", "replace", "unchanged"]
ALL_VALUES_FILES = journal.VALUES_FILES


@dataclass(frozen=True)
class PlannedFile:
    """One file of the run, rendered: what will be written, and what happens to what is there now."""

    path: Path
    text: str
    action: Action
    mode: int | None = None
    backup: str | None = None
    """The previous, edited content, kept as `<name>.bak` (replace only)."""
    before: str | None = None
    """The file's text when the run planned (None: absent); writing refuses if it changed meanwhile."""


class PlannedRun(list[PlannedFile]):
    """The files of a run, and the credentials they hold (`vault`: which were kept, generated or given)."""

    vault: secret_files.Vault


def plan_files(
    plan: Plan, out_dir: Path, *, force: bool = False, answers_from: Path | None = None,
    extras: Mapping[str, Mapping[str, Any]] | None = None, given_secrets: Mapping[str, str] | None = None,
    rotate_secrets: bool = False, kube_context: str | None = None, exact_organisations: bool = False,
    reproduce: str | None = None,
) -> PlannedRun:
    """Render every file of the run and decide what happens to each.

    The credentials go to `out_dir/secrets/` only (secret_files): those already there are kept, `given_secrets` (id
    -> value, typed by the operator or imported) replace them, and `rotate_secrets` makes every one new.

    `extras` (chart -> values keys, e.g. from an import) are written verbatim over the Plan's keys, each marked as
    imported, and kept in the answers file so that the next run writes them again.

    `answers_from` is the answers file the run read: when it is the one being written, the operator's edits are this
    run's input, so it is rewritten without asking (the edited text kept as `.bak`).

    A network's folders pass `kube_context` (install.sh names it on every command), `exact_organisations` (the
    backend's organisation lists are this organisation and the given entries, no others kept from before) and
    `reproduce` (how to write the folder again: from the network file, not from its answers alone).

    Raises:
        OutputError: `out_dir` is not a folder, or (without `force`) files that someone edited would be replaced;
            every such file is named.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a folder: choose a folder for --out")
    journal.settle(out_dir)  # decide on a whole generation, not on what a killed run left
    charts = render(plan)
    reproduce = reproduce or REPRODUCE
    extras = extras or {}
    planned = [_values_file(values, out_dir / values.file_name, reproduce, force, extras.get(values.chart))
               for values in charts]
    answers_path = out_dir / answers.FILE_NAME
    is_input = answers_from is not None and _same_file(answers_from, answers_path)
    kept = {values.chart: dict(extras[values.chart]) for values in charts if extras.get(values.chart)}
    planned.append(_whole_file(answers_path, answers.dumps(plan, extras=kept), (
        f"substra-wizard {__version__} answers: every decision of this deployment.",
        f"To reproduce: {reproduce}",
    ), force or is_input))
    planned.append(_whole_file(out_dir / install_script.FILE_NAME, install_script.script(plan, charts, kube_context), (
        f"Written by substra-wizard {__version__} from {answers.FILE_NAME}.",
    ), force, mode=files.EXECUTABLE))
    planned += _secret_files(plan, out_dir, given_secrets, rotate_secrets, vault := secret_files.Vault(),
                             exact_organisations)
    refused = [p.path for p in planned if p.action == "replace" and p.backup is None]
    if refused:
        names = "\n".join(f"  {path}" for path in refused)
        raise OutputError(
            f"These files were edited since the wizard wrote them, or the wizard did not write them:\n{names}\n"
            "Nothing was written. Re-run with --force to merge this run's decisions into the values files (your "
            "comments and extra keys are kept; other files are kept as <name>.bak), or choose another --out folder.",
            title="Refusing to overwrite edited files.",
        )
    run = PlannedRun(planned)
    run.vault = vault
    return run


def _secret_files(plan: Plan, out_dir: Path, given: Mapping[str, str] | None, rotate: bool,
                  vault: secret_files.Vault, exact_organisations: bool = False) -> list[PlannedFile]:
    """The secrets/ files: the credentials read back from there (or generated), checked as the backend checks them.
    An edit there is this run's input, so they are never refused as edited files."""
    secrets_dir = secret_files.folder(out_dir)
    if secrets_dir.exists() and not secrets_dir.is_dir():
        raise OutputError(f"{secrets_dir} is a file, not a folder: the wizard keeps the credentials there. Move it "
                          "away, then run again.")
    journal.settle(secrets_dir)
    filled = secret_files.fill(plan, secret_files.read_existing(plan, out_dir), given=given, rotate=rotate,
                               exact_organisations=exact_organisations)
    vault.values, vault.generated, vault.kept, vault.given = filled.values, filled.generated, filled.kept, filled.given
    wrong = secret_files.problems(plan, vault)
    if wrong:
        raise OutputError("\n".join(f"  {line}" for line in wrong) + "\nNothing was written. The backend skips such a "
                          "user without saying so, and nobody could log in as it: give another password (at least "
                          f"20 characters, not like the user name), or delete it from {secrets_dir} to have one "
                          "generated.", title="A password the backend would refuse.")
    planned = []
    for name, text in secret_files.rendered(plan, vault).items():
        path = secrets_dir / name
        existing = _existing(path)
        action: Action = "create" if existing is None else "unchanged" if existing == text else "rewrite"
        planned.append(PlannedFile(path, text, action, before=existing))
    return planned


REPRODUCE = f"cd into this folder, then: wizard --answers {answers.FILE_NAME} --non-interactive --out ."


def values_text(values: ChartValues, reproduce: str = REPRODUCE,
                extras: Mapping[str, Any] | None = None) -> tuple[tuple[str, ...], str, str]:
    """(header, body, whole text) of a chart's values file as a fresh run writes it; the review step shows it."""
    header = (
        f"{values.chart} {values.version} values for release {values.release} in namespace {values.namespace}, "
        f"written by substra-wizard {__version__}.",
        "Only what differs from the chart's defaults; each key says which decision set it.",
        f"To reproduce: {reproduce}",
    )
    body = yamlio.dumps(yamledit.build_document(_entries(values.overrides, extras)))
    return header, body, files.with_fingerprint(header, body)


def _values_file(values: ChartValues, path: Path, reproduce: str, force: bool,
                 extras: Mapping[str, Any] | None = None) -> PlannedFile:
    header, body, fresh = values_text(values, reproduce, extras)
    existing = _existing(path)
    if existing is None:
        return PlannedFile(path, fresh, "create")
    if files.fingerprint_state(existing) == "unedited":
        return PlannedFile(path, fresh, "unchanged" if fresh == existing else "rewrite", before=existing)
    if not force:
        return PlannedFile(path, fresh, "replace", before=existing)
    merged = _merged(values, path, existing, extras)
    return PlannedFile(path, files.with_fingerprint(header, merged or body), "merge", before=existing)


IMPORTED = f"{yamledit.MARKER} imported as is (not a wizard decision)"


def _entries(settings: tuple[Setting, ...], extras: Mapping[str, Any] | None = None) -> list[yamledit.Entry]:
    """The Plan's keys, then the extras over them: a Plan key at or below an extra that is not a map gives way."""
    kept = list(_leaves(extras or {}, ()))
    covered = {path for path, value in kept if not isinstance(value, dict)}
    below = {path[:i] for path, _ in kept for i in range(1, len(path))}
    entries = [yamledit.Entry(s.path, s.value, s.comment) for s in settings
               if s.path not in below and not any(s.path[:i] in covered for i in range(1, len(s.path) + 1))]
    taken = {s.path[:i] for s in settings for i in range(1, len(s.path) + 1)}
    entries += [yamledit.Entry(path, value, IMPORTED) for path, value in kept
                if not (isinstance(value, dict) and path in taken)]
    return entries


def _leaves(tree: Mapping[str, Any], at: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for key, value in tree.items():
        if isinstance(value, Mapping) and value:
            found += _leaves(value, (*at, key))
        else:
            found.append(((*at, key), value))
    return found


def _merged(values: ChartValues, path: Path, existing: str, extras: Mapping[str, Any] | None = None) -> str | None:
    """The operator's file with this run's decisions merged in, comments and extra keys kept.

    Keys the wizard wrote before (they carry its marker) and no longer decides are removed; keys the Plan decides
    that the operator set by hand are set to the Plan's value, so the file never contradicts the Plan. None when the
    file holds nothing (the fresh file is then the merge).
    """
    doc = yamlio.load_roundtrip(_body(existing), str(path))
    if doc is None:
        return None
    overrides = {s.path for s in values.overrides}
    present = {s.path for s in values.settings if get_path(doc, s.path) is not MISSING}
    entries = _entries(tuple(s for s in values.settings if s.path in overrides or s.path in present), extras)
    imported = {path for path, _ in _leaves(extras or {}, ())}
    stale = [p for p in yamledit.marked_paths(doc) if p not in overrides and p not in present and p not in imported]
    yamledit.merge_entries(doc, entries, remove=stale)
    return yamlio.dumps(doc)


def whole_file(path: Path, body: str, header: tuple[str, ...], force: bool, mode: int | None = None) -> PlannedFile:
    """A file the wizard writes whole (with its header and fingerprint): created, rewritten while nobody edited it,
    else refused (kept as `.bak` with `force`)."""
    return _whole_file(path, body, header, force, mode)


def _whole_file(path: Path, body: str, header: tuple[str, ...], force: bool, mode: int | None = None) -> PlannedFile:
    text = files.with_fingerprint(header, body)
    existing = _existing(path)
    if existing is None:
        return PlannedFile(path, text, "create", mode)
    if files.fingerprint_state(existing) == "unedited":
        return PlannedFile(path, text, "unchanged" if text == existing else "rewrite", mode, before=existing)
    return PlannedFile(path, text, "replace", mode, backup=existing if force else None, before=existing)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


def _existing(path: Path) -> str | None:
    if not path.exists():
        return None
    if path.is_dir():
        raise OutputError(f"{path} is a folder: move it away or choose another --out folder")
    return files.read_text(path)


def _body(text: str) -> str:
    """The text after the wizard's header and fingerprint line (the whole text when it has none)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(files.FINGERPRINT_PREFIX):
            return "".join(lines[index + 1 :])
    return text


def write_files(planned: list[PlannedFile]) -> None:
    """Write what `plan_files` decided as one generation of the folder (backups included): all the files or none, also
    when the run is killed. Each is 0600 (install.sh 0700) whatever the umask; an unchanged file that had a wider
    mode is narrowed to it. The folder, when created, is 0700.

    Raises:
        OutputError: another wizard is writing the folder, a file changed since `plan_files` read it, or a file
            cannot be written (nothing was written then).
    """
    if not planned:
        return
    folder = planned[0].path.parent
    inner = [item for item in planned if item.path.parent != folder]
    if any(item.path.parent != folder / secret_files.FOLDER for item in inner):
        raise ValueError("the files of one run share one folder (and its secrets/)")
    with journal.writing(folder):
        if inner:  # the credentials first: the values files written next name their Secrets
            with journal.writing(folder / secret_files.FOLDER):
                _write_generation(folder / secret_files.FOLDER, inner)
            _narrow(folder / secret_files.FOLDER, files.PRIVATE_DIR, stat.S_ISDIR)
        _write_generation(folder, [item for item in planned if item.path.parent == folder])


def _write_generation(folder: Path, planned: list[PlannedFile]) -> None:
    """One folder's files as one generation (the caller holds the folder)."""
    changed = [item.path for item in planned if _existing(item.path) != item.before]
    if changed:
        names = "\n".join(f"  {path}" for path in changed)
        raise OutputError(f"These files changed while the wizard was preparing its own:\n{names}\nNothing was "
                          "written; run again.", title="Files changed meanwhile.")
    new = []
    for item in planned:
        if item.action == "unchanged":
            continue
        if item.backup is not None:
            new.append(journal.NewFile(item.path.name + ".bak", _encoded(item.path, item.backup)))
        new.append(journal.NewFile(item.path.name, _encoded(item.path, item.text), _mode(item)))
    if new:
        journal.commit(folder, new)
    for item in planned:
        if item.action == "unchanged":
            _narrow(item.path, _mode(item))


def _mode(item: PlannedFile) -> int:
    return files.PRIVATE_FILE if item.mode is None else item.mode


def _encoded(path: Path, text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OutputError(f"Cannot write {path}: unencodable text at position {exc.start}.") from None


def _narrow(path: Path, mode: int, kind: Any = stat.S_ISREG) -> None:
    """An unchanged file keeps its text but gets the mode a fresh write gives it (a file an older version wrote may
    be 0644 and hold an imported password); so does the secrets/ folder. One of someone else's that cannot be
    narrowed is named, not fatal."""
    try:
        info = os.lstat(path)
        if kind(info.st_mode) and stat.S_IMODE(info.st_mode) != mode:  # a link points at someone else's file
            os.chmod(path, mode)
    except OSError as error:
        journal.say_on_stderr(f"warning: {path} is unchanged but stays readable by others ({files.write_reason(error)}"
                              f"); make it private yourself: chmod {mode:o} {path}")


def unused_values_files(planned: list[PlannedFile]) -> list[Path]:
    """Values files beside the planned ones for charts this Plan does not run (left alone, but worth saying)."""
    if not planned:
        return []
    folder, written = planned[0].path.parent, {item.path.name for item in planned}
    return [folder / name for name in ALL_VALUES_FILES if name not in written and (folder / name).exists()]


def plan_secret_files(plan: Plan, out_dir: Path, *, given_secrets: Mapping[str, str] | None = None,
                      rotate_secrets: bool = False) -> PlannedRun:
    """Only the secrets/ files of a run (`wizard secrets set`): the credentials read back, `given_secrets` over
    them, checked and rendered exactly as plan_files does; the values, answers and install.sh are left alone.

    Raises:
        OutputError: as plan_files for secrets/ (a broken Secrets file, a password the backend would refuse).
    """
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir} is not a folder the wizard wrote: give the --out folder of a wizard run")
    journal.settle(out_dir)
    run = PlannedRun(_secret_files(plan, out_dir, given_secrets, rotate_secrets, vault := secret_files.Vault()))
    run.vault = vault
    return run


def write_secret_files(planned: list[PlannedFile], out_dir: Path) -> None:
    """Write the secrets/ files of `plan_secret_files` as one generation of secrets/, the folder held and its modes
    narrowed as write_files does (0700, files 0600).

    Raises:
        OutputError: as write_files.
    """
    secrets_dir = secret_files.folder(out_dir)
    if any(item.path.parent != secrets_dir for item in planned):
        raise ValueError("only the files of secrets/")
    with journal.writing(out_dir), journal.writing(secrets_dir):
        _write_generation(secrets_dir, planned)
        _narrow(secrets_dir, files.PRIVATE_DIR, stat.S_ISDIR)
