"""What the review step says, as plain data: the rules' notes ("Before you write"), the findings grouped by severity
with what to do about each, which files will be written, and the question asked before writing them.

Each item says where Enter leads (the step and field that decide it) and its quick fix, if the wizard can make the
change itself (frontend.fixes). The notes also reach stderr after the run (commands.write); here they come before
anything is written, while the answers can still change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wizard.frontend import fixes
from wizard.frontend.draft import Draft
from wizard.frontend.steps import STEPS_BY_ID, field_for_values_key, step_for_values_key, step_of
from wizard.planning import answers
from wizard.planning.declare import declaration
from wizard.planning.plan import Plan
from wizard.planning.rules import Note
from wizard.reporting.findings import ordered
from wizard.reporting.report import Finding
from wizard.reporting.report_format import HEADINGS, REFERENCE_PAGE, groups, mentions_page
from wizard.writing import install_script
from wizard.writing.output import values_text
from wizard.writing.secret_files import FOLDER as SECRETS
from wizard.writing.values import render

BEFORE_YOU_WRITE = "Before you write"
NOTES_ABOUT = "What the rules say about these answers: settings without effect, Secrets that must exist, chart quirks."
FINDINGS_ABOUT = "What the charts will do with these answers, most severe first."
ADVICE = {
    "danger": "No answer of the wizard changes this: fix what it names before installing.",
    "warning": "No answer of the wizard changes this: the charts do it; check that it is acceptable here.",
    "info": "Nothing to fix: keep it in mind when planning firewalls, audits and storage.",
}
"""What to do about a finding no decision of the wizard causes, by severity."""


@dataclass(frozen=True)
class ReviewItem:
    """A note or a finding, whole, with where it leads."""

    severity: str
    text: str
    step: str | None
    """The id of the step that decides it (None: no step does)."""
    field: str | None
    """The field that decides it, to land on (None: the step's first field)."""
    fix: fixes.Fix | None
    """The change the wizard can make itself."""

    @property
    def where(self) -> str | None:
        """The step and field that decide it, in words (None: no step does)."""
        if self.step is None:
            return None
        title = STEPS_BY_ID[self.step].title
        return f"{title}, {declaration(self.field).label}" if self.field else title

    @property
    def todo(self) -> str:
        """What to do about it, without the quick fix (each front end names its own keys)."""
        return ADVICE[self.severity] if self.where is None else f"decided in {self.where}"


@dataclass(frozen=True)
class ReviewGroup:
    severity: str
    heading: str
    """What the severity means (the text report's words)."""
    items: tuple[ReviewItem, ...]


def note_items(notes: Sequence[Note], draft: Draft) -> list[ReviewItem]:
    """The rules' notes, warnings first, each leading to its own field."""
    found = []
    for note in sorted(notes, key=lambda n: n.severity != "warning"):
        step = step_of(note.path) if note.path else None
        found.append(ReviewItem(note.severity, str(note), step.id if step and step.sections else None,
                                _field_or_none(note.path), fixes.for_note(note, draft)))
    return found


def finding_groups(findings: Sequence[Finding], notes: Sequence[Note], draft: Draft) -> list[ReviewGroup]:
    """The findings by severity, most severe first, leaving out the notes the report repeats as findings (they are
    shown once, before the files)."""
    said = {str(note) for note in notes}
    kept = [f for f in ordered(findings) if f.message not in said]
    return [ReviewGroup(severity, HEADINGS[severity], tuple(_finding_item(f, draft) for f in group))
            for severity, group in groups(kept)]


def page_note(findings: Sequence[Finding]) -> str | None:
    """What "the reference page" means, when a finding names it."""
    return REFERENCE_PAGE if mentions_page(findings) else None


def _finding_item(finding: Finding, draft: Draft) -> ReviewItem:
    key = finding.values_key
    step = step_for_values_key(key)
    text = f"{finding.area}: {finding.message}" + (f" [values: {key}]" if key else "")
    return ReviewItem(finding.severity, text, step.id if step else None,
                      field_for_values_key(key) if key else None, fixes.for_finding(finding, draft))


def _field_or_none(path: str) -> str | None:
    try:
        declaration(path)
    except KeyError:
        return None
    return path


def written_files(plan: Plan) -> list[str]:
    """The names of the files a run writes for this Plan, values files first."""
    names = [values.file_name for values in render(plan)] + [answers.FILE_NAME, install_script.FILE_NAME]
    if plan.target.orchestrator.enabled or plan.target.backend.enabled:
        names.append(f"{SECRETS}/")
    return names


def values_files(plan: Plan) -> list[tuple[str, str]]:
    """(file name, text) of each values file exactly as a fresh run writes it, for the viewer."""
    return [(values.file_name, values_text(values)[2]) for values in render(plan)]


def destination(out_dir: Path | None) -> str:
    """Where the files go, in words: the --out folder when the front end was not told which."""
    return f"into {out_dir}/" if out_dir is not None else "into the --out folder"


def files_summary(plan: Plan, out_dir: Path | None) -> str:
    """Which files the review's plan writes, and where."""
    return f"{_listed(written_files(plan))}, {destination(out_dir)}."


@dataclass(frozen=True)
class Ending:
    """How the review ends a run: the words of its button and question, and whether installing is offered."""

    kind: Literal["write", "dry-run", "keep"]
    button: str
    title: str
    offers_install: bool
    resumable: bool = True
    """Whether the answers so far are kept as the unfinished run that a later `wizard` offers to resume."""


WRITE_ENDING = Ending("write", "Write files", "Write the files", True)
DRY_RUN_ENDING = Ending("dry-run", "Check (dry run)", "Check the cluster", False)
"""`wizard --dry-run`: the review leads to the checks and Helm's rendering; nothing is written."""
KEEP_ENDING = Ending("keep", "Keep answers", "Keep these answers", False, resumable=False)
"""A network's organisation: its answers go to the network file (not to the single run's resumable draft, which a
later `wizard` would offer as its own); the network is written from there."""


def ending_question(ending: Ending, plan: Plan, out_dir: Path | None, *, install: bool) -> str:
    """What the review's action does, asked before it happens."""
    if ending.kind == "dry-run":
        return ("Nothing is written and nothing in the cluster changes: the wizard leaves this screen, checks the "
                "cluster of the current kube context and renders the charts through Helm (a dry run).")
    if ending.kind == "keep":
        return ("They become this organisation's own decisions in the network file (what differs from its preset "
                "and the network), from which the network's files are written: at once with wizard network edit "
                "FILE ORGANISATION, when you choose w on the network screen.")
    return write_question(plan, out_dir, install=install)


def write_question(plan: Plan, out_dir: Path | None, *, install: bool) -> str:
    """What writing does, asked before it happens; with `install`, what follows it."""
    said = (f"The wizard will write {_listed(written_files(plan))} {destination(out_dir)}. A file someone edited "
            "since the wizard wrote it is not overwritten: the wizard says so and writes nothing.")
    if install:
        said += (" Then it leaves this screen to install from the terminal: it checks the cluster first and asks you "
                 "to confirm the cluster's context before changing anything.")
    return said


def _listed(names: list[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]
