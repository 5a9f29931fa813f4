"""`--plain`: the wizard's questions as line prompts, for terminals where a full-screen app does not fit (serial
consoles, screen readers, TERM=dumb, piped input). This module is the run from start to end: the offer to resume an
unfinished run, the steps in order, the accounts step's passwords, the implications summary, and whether to write.

The questions come from the same declarations as the TUI (`steps.fields`), each answer goes through the same `edit`
as the TUI and the same validation as the non-interactive run, and the implications summary is printed before the
files are written. The parts, each in its own module:
- prompts_askers: how a question is put and its answer read (questionary in a terminal, plain lines otherwise);
  EOF on piped answers (LineAsker) ends the run with a WizardError, so a pipe that runs dry never loops;
- prompts_step: one step's questions, its fields then its lists;
- prompts_field: one field's question, asked again while the field refuses the value;
- prompts_problems: answers that do not fit together, asked again at the end of their step or before the summary,
  or a step to go back to when a round changes nothing;
- prompts_accounts: the admin users' passwords and what each secret is for.
"""

from __future__ import annotations

import sys
import typing
from typing import TYPE_CHECKING, TextIO

from wizard.frontend.draft import Draft
from wizard.frontend.prompts_askers import terminal_asker, wrap
from wizard.frontend.prompts_problems import settle
from wizard.frontend.prompts_step import walk_step
from wizard.frontend.steps import STEPS, Step

if TYPE_CHECKING:
    from pathlib import Path

    from wizard.frontend.prompts_askers import Asker
    from wizard.frontend.prompts_field import Keep
    from wizard.frontend.resume import SavedDraft
    from wizard.planning.plan import Plan

WRITE_QUESTION = "Write the files?"


def run(plan: Plan, *, ask: Asker | None = None, out: TextIO | None = None, saved: SavedDraft | None = None,
        keep: Keep | None = None, given_secrets: dict[str, str] | None = None,
        out_dir: Path | None = None) -> Plan | None:
    """Ask every step's questions starting from `plan`, print the implications, ask whether to write. `saved`: an
    unfinished run, offered to resume first; `keep` is given the draft's data after every answer (resume.save), so
    that a crash or Ctrl+C loses nothing (it never sees a password).

    The Accounts and secrets step asks a password per admin user: those typed (and accepted by the backend's rules)
    are put into `given_secrets` (credential id -> password) for output.plan_files; `out_dir` is where the files
    go, whose secrets/ says which credentials a re-run keeps.

    Returns the final Plan, or None when the operator declines to write the files.

    Raises:
        WizardError: the answers ran out (piped input), or problems are left that no question can fix.
        KeyboardInterrupt: Ctrl+C (cli.main exits 130).
    """
    out = out or sys.stdout
    asker = ask or terminal_asker(out)
    keep = keep or _keep_nothing
    draft = _resumed(plan, saved, asker)
    given = given_secrets if given_secrets is not None else {}
    steps = [step for step in STEPS if step.sections]
    index: int | None = 0
    while index is not None:
        while index < len(steps):
            step = steps[index]
            out.write(f"\n{heading(step)}\n{wrap(step.help, '')}\n")
            draft, back = walk_step(step, draft, asker, out, steps[: index + 1], keep)
            if back is None and step.id == "accounts":
                _accounts(draft.shown, asker, out, given, out_dir)
            index = index + 1 if back is None else back
        draft, index = settle(draft, asker, out, steps, keep)
        _dropped_passwords(draft.plan, given, out)
    review = STEPS[-1]
    out.write(f"\n{heading(review)}\n" + summary(draft.plan))
    out.flush()
    if asker.confirm(WRITE_QUESTION, True, wrap("The values files, wizard-answers.yaml, install.sh and secrets/, as "
                                                "planned above. No: nothing is written.")):
        return draft.plan
    out.write("Nothing was written.\n")
    return None


def heading(step: Step) -> str:
    """A step's heading, numbered as the full-screen wizard numbers it (its review step included)."""
    return f"== Step {STEPS.index(step) + 1} of {len(STEPS)}: {step.title} =="


def _accounts(plan: Plan, asker: Asker, out: TextIO, given: dict[str, str], out_dir: Path | None) -> None:
    """The step's own questions after its fields: each admin user's password, then what each secret is for."""
    from wizard.frontend import prompts_accounts

    prompts_accounts.ask_passwords(plan, asker, given)
    prompts_accounts.print_secrets(plan, given, prompts_accounts.existing_secrets(plan, out_dir, out), out)


def _dropped_passwords(plan: Plan, given: dict[str, str], out: TextIO) -> None:
    """A user renamed or removed after its password was typed: the password is not used for anyone else."""
    from wizard.frontend.prompts_accounts import keep_users

    for ident in keep_users(plan, given):
        out.write(wrap(f"note: the password typed for admin user {ident.rsplit('/', 1)[1]} is dropped: that user "
                       "was renamed or removed (new users get a generated password)") + "\n")


def summary(plan: Plan) -> str:
    """The implications of a Plan as text: Pod Security, Network Policies, Volumes, then the findings."""
    from wizard.reporting.explain import explain, plan_inputs, plan_version
    from wizard.reporting.report_format import text

    return text(explain(plan_inputs(plan), version=plan_version(plan), plan=plan))


def _resumed(plan: Plan, saved: SavedDraft | None, asker: Asker) -> Draft:
    """The draft to start from: the saved unfinished run when the operator resumes it (else it is forgotten)."""
    from wizard.frontend import resume

    if saved is None:
        return Draft.start(plan)
    if asker.confirm(f"An unfinished run was saved {resume.age(saved)}. Resume it?", True, wrap(
            "Yes: its answers are the defaults of every question. No: start from the preset or answers given, and "
            "forget the unfinished run.")):
        return Draft.resume(saved.data, plan)
    resume.clear()
    return Draft.start(plan)


def _keep_nothing(data: dict[str, typing.Any]) -> None:
    """No resume draft (tests, and runs started from an answers file)."""
