"""The draft of an unfinished wizard run, kept as the operator goes so that a crash or Ctrl+C loses nothing: the next
run offers to resume it, on the step that was left. One draft per user, in $XDG_STATE_HOME/substra-wizard (else
~/.local/state/substra-wizard).

The draft is an answers file (its `plan` is validated as one) with a top-level `step`, the id of the step that was
shown; drafts saved before it existed have none and resume on the first step.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core import files
from wizard.core.errors import WizardError
from wizard.frontend.steps import STEPS, STEPS_BY_ID
from wizard.planning import answers
from wizard.yamlkit import yamlio

FILE_NAME = "draft-answers.yaml"
STEP_KEY = "step"
"""The draft's own key beside the answers file's: which step was shown."""


def state_dir() -> Path:
    """The wizard's own folder for what it keeps between runs: the draft, and screenshots of the full-screen wizard."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "substra-wizard"


def draft_path() -> Path:
    return state_dir() / FILE_NAME


@dataclass(frozen=True)
class SavedDraft:
    data: dict[str, Any]
    saved_at: float
    step: str | None = None
    """The id of the step that was shown (None: the first; a draft of an older wizard, or the line prompts)."""

    @property
    def step_index(self) -> int:
        """Where a resumed run starts: the step that was left, or the first one for a step this wizard lacks."""
        step = STEPS_BY_ID.get(self.step or "")
        return STEPS.index(step) if step is not None else 0


def save(data: dict[str, Any], step: str | None = None) -> None:
    """Keep the decisions so far (possibly not valid yet) as an answers file, with the step shown; failures to save
    are not fatal."""
    path = draft_path()
    document = {"schema": answers.SCHEMA, **({STEP_KEY: step} if step else {}), "plan": data}
    text = yamlio.dumps(document, ("An unfinished substra-wizard run; `wizard` offers to resume it.",))
    try:
        _private_folder(path.parent)
        files.atomic_write(path, text)  # 0600; a temporary file a killed run left is removed first
    except (OSError, WizardError):
        pass  # a read-only home must not stop the wizard; the draft is a convenience


def _private_folder(folder: Path) -> None:
    """The draft's folder, 0700: created so, and narrowed when an older version made it wider (it is the wizard's
    own folder; the folders above it that were there keep their mode)."""
    files.make_dirs(folder)
    if folder.stat().st_mode & 0o077:
        folder.chmod(files.PRIVATE_DIR)


def load() -> SavedDraft | None:
    """The saved draft, or None when there is none or it cannot be read (it is then discarded)."""
    path = draft_path()
    files.remove_stale_temps(path.parent, (path.name,))  # what a run killed while saving left
    if not path.is_file():
        return None
    try:
        document = answers.read(path)
        step = document.pop(STEP_KEY, None) if isinstance(document, dict) else None  # not an answers file's key
        data = answers.parse(document, str(path))
        return SavedDraft(data, path.stat().st_mtime, step if isinstance(step, str) else None)
    except (OSError, WizardError):
        clear()
        return None


def clear() -> None:
    """Forget the draft: the run finished, or the operator chose to start over."""
    try:
        draft_path().unlink()
    except FileNotFoundError:
        pass


def age(saved: SavedDraft) -> str:
    """`5 minutes ago`, `3 hours ago`: when the draft was last saved, for the resume question."""
    minutes = int((time.time() - saved.saved_at) // 60)
    if minutes < 60:
        return "just now" if minutes < 1 else f"{minutes} minute{'s' if minutes > 1 else ''} ago"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours > 1 else ''} ago" if hours < 48 else f"{hours // 24} days ago"
