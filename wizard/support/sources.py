"""What a configuration given on the command line is (a "side" of `wizard diff`, the input of `wizard bundle`):
a preset, an answers file, a folder the wizard wrote, a bundle, or customer values files, resolved to the Plan (when
one is known), the values each chart gets, and the explain Report (the Side, side.py). Reading each kind of file stays
in its own module (answers, presets, bundle, importing); this one only decides which kind a spec is and puts the
pieces together.

    preset:NAME              a preset (bare NAME works when no file of that name exists)
    answers:FILE             an answers file (bare FILE works)
    dir:DIR                  a folder written by the wizard: its wizard-answers.yaml, else its *-values.yaml files
    bundle:FILE              a bundle written by wizard bundle (bare FILE.tar.gz / .tgz works)
    values:CHART=FILE[,CHART=FILE...]   values files as given to helm -f (bare CHART=FILE,... works)

Nothing here reads a folder's secrets/ (the credentials): dir: reads the answers file, else the values files beside
it, and a file of secrets/ given as a values file is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.errors import ConfigError, Problem, WizardError
from wizard.core.shown import shown
from wizard.support.side import CHARTS, DEFAULT_NAMESPACE, KINDS, Side, data_side, plan_side

if TYPE_CHECKING:
    from wizard.planning.plan import Plan

FORMS = ("preset:NAME (or NAME)", "answers:FILE (or FILE)", "dir:DIR (or DIR)",
         "bundle:FILE.tar.gz (or FILE.tar.gz)", "values:CHART=FILE[,CHART=FILE...] (or CHART=FILE,...)")


def resolve(spec: str) -> Side:
    """The Side a command-line spec names (forms in the module docstring).

    Raises:
        ConfigError: the spec is none of the accepted forms, or names both a file and a preset.
        WizardError: the files it names cannot be read (each error names the file).
    """
    if not spec.strip():
        raise _unknown(spec, "the configuration is empty")
    kind, colon, rest = spec.partition(":")
    if kind in KINDS and colon and not rest:
        raise _unknown(spec, f"nothing follows {kind}:; write {kind}:{_WHAT.get(kind, 'PATH')}")
    if kind in KINDS and rest:
        return _by_kind(kind, rest, spec)
    if "=" in spec and spec.partition("=")[0] in CHARTS:
        return _by_kind("values", spec, spec)
    return _by_kind(_guess(spec), spec, spec)


_WHAT = {"preset": "NAME", "answers": "FILE", "dir": "DIR", "bundle": "FILE.tar.gz", "values": "CHART=FILE"}


def _guess(spec: str) -> str:
    from wizard.core.paths import problem
    from wizard.planning import presets

    preset = spec in presets.names()
    reason = None if preset else problem(spec)
    if reason:
        raise WizardError(f'"{shown(spec)}" is not a preset, and {reason}; give a preset name or the path of a '
                          "file or folder")
    path = Path(spec)
    if path.exists() and preset:
        raise _unknown(spec, f"{spec!r} is both a preset and a file here; write preset:{spec} or ./{spec}")
    if preset:
        return "preset"
    if path.is_dir():
        return "dir"
    if path.exists():  # a FIFO or a device too: reading it says why it is refused, without blocking or reading it
        return "bundle" if spec.endswith((".tar.gz", ".tgz")) or _is_gzip(path) else "answers"
    raise _unknown(spec, f"{spec!r} is not a preset ({', '.join(presets.names())}) nor an existing file or folder")


def _is_gzip(path: Path) -> bool:
    """Opened without blocking and read only when the open file is a regular one (a FIFO swapped in after a check
    would block); reading it as a bundle or answers file says why anything else is refused."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, 2) == b"\x1f\x8b"
    except OSError:
        return False
    finally:
        os.close(fd)


def _unknown(spec: str, why: str) -> ConfigError:
    return ConfigError([Problem(shown(spec), f"{why}. A configuration is one of: {'; '.join(FORMS)}")])


def _by_kind(kind: str, rest: str, spec: str) -> Side:
    from wizard.core.paths import check

    if kind == "preset":
        return plan_side(spec, "preset", preset=rest)
    if kind in ("answers", "dir", "bundle"):
        check(rest, f"{kind}:")
    if kind == "answers":
        return plan_side(spec, "answers", answers_file=Path(rest))
    if kind == "dir":
        return folder_side(Path(rest), spec)
    if kind == "bundle":
        from wizard.support.bundle import bundle_side

        return bundle_side(Path(rest), spec)
    return values_side(parse_values_spec(rest, spec), label=spec)


def parse_values_spec(text: str, spec: str) -> list[tuple[str, Path]]:
    """`CHART=FILE[,CHART=FILE...]` -> [(chart, path)]; each chart once."""
    pairs: list[tuple[str, Path]] = []
    for item in text.split(","):
        chart, sep, path = item.strip().partition("=")
        if not sep or chart not in CHARTS or not path:
            raise _unknown(spec, f"{item!r} is not CHART=FILE with CHART one of {', '.join(CHARTS)}")
        if chart in dict(pairs):
            raise _unknown(spec, f"{chart} is given twice")
        from wizard.core.paths import check

        pairs.append((chart, check(path, f"{chart}=")))
    return pairs


def folder_side(folder: Path, label: str) -> Side:
    """A folder the wizard wrote: its answers file says everything; without one, its values files."""
    from wizard.core import files, journal
    from wizard.planning import answers
    from wizard.writing.output import ALL_VALUES_FILES

    journal.settle(folder)  # a run killed while writing it: finish or undo that write before reading
    answers_file = folder / answers.FILE_NAME
    present = [folder / name for name in ALL_VALUES_FILES if (folder / name).is_file()]
    if answers_file.is_file():
        side = plan_side(label, "dir", answers_file=answers_file)
        edited = [p.name for p in present if files.fingerprint_state(files.read_text(p)) != "unedited"]
        if edited:
            side.notes.append(f"{', '.join(edited)} changed since the wizard wrote them; this side is "
                              f"{answers.FILE_NAME} (compare the edited files with values:CHART=FILE)")
        return side
    if not present:
        raise _unknown(label, f"{folder} holds neither {answers.FILE_NAME} nor any of {', '.join(ALL_VALUES_FILES)}")
    return values_side([(path.name.removesuffix("-values.yaml"), path) for path in present], label=label, kind="dir")


def read_values_file(path: Path, *, judge_only: bool = False) -> dict[str, Any]:
    """A values file as plain data, read as Helm reads it (importing.reading: YAML 1.1 scalars, merge keys, the same
    size limit as wizard import); {} when empty. `judge_only`: for `wizard explain`, whose report never shows a value,
    so the credentials file of secrets/ may be given to judge what helm gets (diffs and bundles refuse it).

    Raises:
        WizardError: unreadable, not YAML, or not a map (naming the file).
    """
    from wizard.support.importing.reading import read_values_file as read

    if not judge_only:
        refuse_secrets_file(path)
    return read(path).data or {}


def refuse_secrets_file(path: Path) -> None:
    """A file of a wizard run's secrets/ (its names are the wizard's own) holds credentials: reports, diffs and
    bundles never read it (the values file beside secrets/ names the Secrets instead).

    Raises:
        WizardError: naming the file and what to give instead.
    """
    from wizard.core.journal import SECRET_FILES

    if path.name in SECRET_FILES:
        raise WizardError(f"{shown(str(path))} is a file of a wizard run's secrets/ folder: it holds the "
                          "deployment's credentials, which diffs, bundles and reports never read. Give the values "
                          "file beside secrets/ (CHART-values.yaml), or the whole folder as dir:FOLDER.")


def values_side(files: Sequence[tuple[str, Path]], *, label: str, kind: str = "values",
                releases: Mapping[str, str] | None = None, namespace: str = DEFAULT_NAMESPACE) -> Side:
    """Values files as Helm gets them; the Plan comes from wizard import when it is there."""
    data = {chart: read_values_file(path) for chart, path in files}
    side = data_side(data, label=label, kind=kind, releases=releases, namespace=namespace)
    side.plan, side.imported, note = import_plan(files)
    if note:
        side.notes.append(note)
    return side  # judged by the latest rules, as wizard explain --values: the imported target version is a guess


def import_plan(files: Sequence[tuple[str, Path]]) -> tuple[Plan | None, Any, str | None]:
    """(Plan, ImportResult, note) of values files through wizard import; the Plan is None (with the note saying
    why) when the import module is not there or the imported decisions do not make a valid Plan."""
    try:
        from wizard.support import importing  # type: ignore[attr-defined]
    except ImportError:
        return None, None, "no Plan for values files: this wizard has no wizard import (values and implications " \
                           "are still compared)"
    from wizard.planning.layers import build_plan

    result = importing.import_values(list(files))
    try:
        return build_plan([result.layer]), result, None
    except ConfigError as error:
        return None, result, f"the imported decisions do not make a valid Plan ({'; '.join(map(str, error.problems))})"


def place_like(side: Side, other: Side) -> None:
    """Values files say nothing of where they are installed: compare them installed where the other side installs
    each chart (release and namespace), so that only what the values change shows."""
    if side.placed or not other.placed:
        return
    from wizard.reporting.explain import ChartInput

    where = {i.release.chart: i.release for i in other.inputs}
    moved = [i.release.chart for i in side.inputs if i.release.chart in where and i.release != where[i.release.chart]]
    side.inputs = [ChartInput(where.get(i.release.chart, i.release), i.values) for i in side.inputs]
    if moved:
        side.notes.append(f"{side.label}: {', '.join(moved)} compared with the release names and namespaces of "
                          f"{other.label}")
