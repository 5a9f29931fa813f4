"""`--plain`: the wizard's questions as line prompts, for terminals where a full-screen app does not fit (serial
consoles, screen readers, TERM=dumb, piped input).

The questions come from the same declarations as the TUI (`steps.fields`), each answer goes through the same `edit`
as the TUI and the same validation as the non-interactive run, and the implications summary is printed before the
files are written. Only this module of wizard/ imports questionary, and only inside functions.

How answers that do not fit are handled:
- a value the field itself refuses (`"10GB" is not a Kubernetes quantity ...`) is printed and the same question is
  asked again; the draft keeps the previous value meanwhile;
- an answer that makes another field wrong (turning the frontend on before the backend's host is given) is accepted
  with a note saying where that field is asked; at the end of each step the step's fields that still have a problem
  are asked again until they fit; problems left in earlier steps are asked again before the summary. When such a
  round changes nothing, the operator picks a step to go back to (what causes the problem may be decided there),
  which is asked again from its first question with the answers so far as defaults.
- EOF on the answers (LineAsker) ends the run with a WizardError, so a pipe that runs dry never loops.
"""

from __future__ import annotations

import os
import sys
import textwrap
import types
import typing
from typing import TYPE_CHECKING, Protocol, TextIO

from wizard.core.errors import ConfigError, Problem, WizardError
from wizard.frontend.draft import Draft, edit
from wizard.frontend.lists import ListDecision, add_item, first_field, item_titles, lists_in, remove_item
from wizard.frontend.steps import STEPS, Step, fields, fixed, relevant, step_of
from wizard.planning.declare import Declaration, declaration

if TYPE_CHECKING:
    from pathlib import Path

    from wizard.frontend.resume import SavedDraft
    from wizard.planning.plan import Plan

Keep = typing.Callable[[dict[str, typing.Any]], None]

WIDTH = 78
EMPTY = "(empty)"
"""How an empty value is shown among choices, and what a LineAsker answer types to clear a text field."""
WRITE_QUESTION = "Write the files?"
GO_BACK_QUESTION = "Go back to which step?"
KEEP_LIST = "keep them as they are"
"""The default answer to a list's question (add an item, remove one, or this)."""


class Asker(Protocol):
    """Asks one question; `help` is preformatted text (indented lines) to show before it."""

    def confirm(self, message: str, default: bool, help: str) -> bool: ...  # noqa: A002

    def select(self, message: str, choices: typing.Sequence[str], default: str, help: str) -> str: ...  # noqa: A002

    def text(self, message: str, default: str, help: str) -> str: ...  # noqa: A002

    def password(self, message: str, help: str) -> str:  # noqa: A002
        """A secret: never shown as typed, never echoed, no default (empty means: generate one)."""
        ...


class QuestionaryAsker:
    """Questions in a terminal that questionary can drive (arrow keys, prefilled answers). `options` go to every
    question (prompt_toolkit's `input` and `output`, for tests)."""

    def __init__(self, **options: typing.Any) -> None:
        self.options = options

    def confirm(self, message: str, default: bool, help: str) -> bool:  # noqa: A002
        import questionary

        self._help(help)
        return bool(self._ask(questionary.confirm(message, default=default, **self.options)))

    def select(self, message: str, choices: typing.Sequence[str], default: str, help: str) -> str:  # noqa: A002
        import questionary

        self._help(help)
        items = [questionary.Choice(title=choice or EMPTY, value=choice) for choice in choices]
        return str(self._ask(questionary.select(message, choices=items, default=default, **self.options)))

    def text(self, message: str, default: str, help: str) -> str:  # noqa: A002
        import questionary

        self._help(help)
        return str(self._ask(questionary.text(message, default=default, **self.options)))

    def password(self, message: str, help: str) -> str:  # noqa: A002
        import questionary

        self._help(help)
        return str(self._ask(questionary.password(message, **self.options)) or "")

    @staticmethod
    def _help(help: str) -> None:  # noqa: A002
        if help:
            print(help, flush=True)

    @staticmethod
    def _ask(question: typing.Any) -> typing.Any:
        try:
            return question.unsafe_ask()  # Ctrl+C raises KeyboardInterrupt: cli.main exits 130
        except EOFError:  # Ctrl+D: the operator leaves, as with Ctrl+C
            raise KeyboardInterrupt from None


class LineAsker:
    """Questions as plain lines: one answer per line, an empty line keeps the value shown in brackets.

    For a choice, its text or its number; for yes/no, y/yes/n/no/true/false; `(empty)` clears a text value. What a
    question cannot use is said and the question asked again; the input running out raises WizardError.
    """

    def __init__(self, input: TextIO, output: TextIO) -> None:  # noqa: A002
        self.input = input
        self.output = output
        self._echo = not _isatty(input)  # piped answers: show them after their prompt, so the output reads well
        self._introduced = False

    def confirm(self, message: str, default: bool, help: str) -> bool:  # noqa: A002
        self._show(help)
        while True:
            answer = self._read(f"{message} [{'Y/n' if default else 'y/N'}]: ", message).lower()
            if not answer:
                return default
            if answer in ("y", "yes", "true"):
                return True
            if answer in ("n", "no", "false"):
                return False
            self._say(f"  answer y or n (an empty line keeps {'y' if default else 'n'})")

    def select(self, message: str, choices: typing.Sequence[str], default: str, help: str) -> str:  # noqa: A002
        self._show(help)
        shown = [choice or EMPTY for choice in choices]
        for number, title in enumerate(shown, start=1):
            self._say(f"  {number}) {title}")
        while True:
            answer = self._read(f"{message} [{default or EMPTY}]: ", message)
            if not answer:
                return default
            if answer.isdigit() and 1 <= int(answer) <= len(choices):
                return choices[int(answer) - 1]
            for choice, title in zip(choices, shown, strict=True):
                if answer.lower() == title.lower():
                    return choice
            self._say(f"  choose a number from 1 to {len(choices)} or one of: {', '.join(shown)}")

    def text(self, message: str, default: str, help: str) -> str:  # noqa: A002
        self._show(help)
        answer = self._read(f"{message} [{default}]: " if default else f"{message}: ", message)
        if answer == EMPTY:
            return ""
        return answer or default

    def password(self, message: str, help: str) -> str:  # noqa: A002
        """One line, read without echo on a terminal; piped, the line is taken as is and shown as (hidden)."""
        self._show(help)
        return self._read(f"{message} (typing is hidden): ", message, hidden=True)

    def _show(self, help: str) -> None:  # noqa: A002
        if not self._introduced:
            self._introduced = True
            self._say(_wrap(f"(One answer per line. An empty line keeps the value in [brackets]; {EMPTY} clears "
                            "it; a choice takes its number or its text.)", ""))
        self.output.write("\n")
        if help:
            self._say(help)

    def _say(self, line: str) -> None:
        self.output.write(line + "\n")

    def _read(self, prompt: str, message: str, *, hidden: bool = False) -> str:
        self.output.write(prompt)
        self.output.flush()
        line = _read_unechoed(self.input) if hidden else self.input.readline()
        if hidden and line:
            self.output.write("(hidden)\n" if self._echo else "\n")
            return line.rstrip("\r\n")  # spaces kept: the backend's rules refuse them, with the reason
        if not line:
            self.output.write("\n")  # end the prompt's line: the error follows on stderr
            raise WizardError(f'the answers ended before the questions did: no answer for "{message}". Give one '
                              "line per question (an empty line keeps the value shown), or write the files with "
                              "--non-interactive and --set PATH=VALUE. Nothing was written.")
        answer = line.strip()
        if self._echo:
            self.output.write(answer + "\n")
        return answer


def _read_unechoed(stream: TextIO) -> str:
    """A line from `stream`, with the terminal's echo off while it is typed when `stream` is a terminal."""
    if not _isatty(stream):
        return stream.readline()
    import termios

    try:
        fd = stream.fileno()
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):  # says it is a terminal but has none behind it (a test double)
        return stream.readline()
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSAFLUSH, quiet)
    try:
        return stream.readline()
    finally:
        termios.tcsetattr(fd, termios.TCSAFLUSH, saved)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_asker(out: TextIO) -> Asker:
    """questionary when standard input is a terminal that can run it; plain lines otherwise (pipes, TERM=dumb)."""
    if not _isatty(sys.stdin) or os.environ.get("TERM", "") == "dumb":
        return LineAsker(sys.stdin, out)
    return QuestionaryAsker()


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
            out.write(f"\n== {index + 1}/{len(steps)} {step.title} ==\n{_wrap(step.help, '')}\n")
            draft, back = _walk_step(step, draft, asker, out, steps[: index + 1], keep)
            if back is None and step.id == "accounts":
                _accounts(draft.shown, asker, out, given, out_dir)
            index = index + 1 if back is None else back
        draft, index = _settle(draft, asker, out, steps, keep)
        _dropped_passwords(draft.plan, given, out)
    out.write("\n" + summary(draft.plan))
    out.flush()
    if asker.confirm(WRITE_QUESTION, True, _wrap("The values files, wizard-answers.yaml, install.sh and secrets/, as "
                                                 "planned above. No: nothing is written.")):
        return draft.plan
    out.write("Nothing was written.\n")
    return None


def _accounts(plan: Plan, asker: Asker, out: TextIO, given: dict[str, str], out_dir: Path | None) -> None:
    """The step's own questions after its fields: each admin user's password, then what each secret is for."""
    from wizard.frontend import prompts_accounts

    prompts_accounts.ask_passwords(plan, asker, given)
    prompts_accounts.print_secrets(plan, given, prompts_accounts.existing_secrets(plan, out_dir, out), out)


def _dropped_passwords(plan: Plan, given: dict[str, str], out: TextIO) -> None:
    """A user renamed or removed after its password was typed: the password is not used for anyone else."""
    from wizard.frontend.prompts_accounts import keep_users

    for ident in keep_users(plan, given):
        out.write(_wrap(f"note: the password typed for admin user {ident.rsplit('/', 1)[1]} is dropped: that user "
                        "was renamed or removed (new users get a generated password)") + "\n")


def summary(plan: Plan) -> str:
    """The implications of a Plan as text: Pod Security, Network Policies, Volumes, then the findings."""
    from wizard.reporting.explain import explain, plan_inputs, plan_version
    from wizard.reporting.report_format import text

    return text(explain(plan_inputs(plan), version=plan_version(plan), plan=plan))


def _walk_step(step: Step, draft: Draft, asker: Asker, out: TextIO,
               so_far: typing.Sequence[Step], keep: Keep) -> tuple[Draft, int | None]:
    """Each field of the step once, the list recomputed after each answer (answers show or hide fields); then the
    fields with a problem again until they fit. Returns the draft, and the index of a step to go back to when a
    round of answers changed nothing and the operator chose to (None: go on)."""
    asked: set[str] = set()
    while (decl := next((d for d in fields(step, draft.shown, data=draft.data) if d.path not in asked),
                        None)) is not None:
        asked.add(decl.path)
        draft = _ask_field(decl, draft, asker, out, keep)
    for decision in lists_in(step.sections):
        draft = _edit_list(decision, step, draft, asker, out, keep)
    while todo := [d for d in fields(step, draft.shown, data=draft.data) if _concerned(d.path, draft.problems)]:
        out.write("\nSome answers of this step do not fit together yet; asked again:\n")
        _list_problems(draft, todo, out)
        before = draft
        for decl in todo:
            draft = _ask_field(decl, draft, asker, out, keep)
        if draft.data == before.data:
            return draft, _go_back(asker, so_far, len(so_far) - 1)
    return draft, None


def _settle(draft: Draft, asker: Asker, out: TextIO, steps: typing.Sequence[Step], keep: Keep
            ) -> tuple[Draft, int | None]:
    """Problems left in earlier steps (an answer later on made them wrong): their fields asked again. Returns the
    draft, and the index of a step to go back to (None: the draft is valid).

    Raises:
        ConfigError: problems that no question can fix (the whole Plan's problems, as the non-interactive run says).
    """
    while not draft.valid:
        current = draft.shown
        todo = [(step, d) for step in steps for d in fields(step, current, data=draft.data)
                if _concerned(d.path, draft.problems)]
        if not todo:
            raise ConfigError(list(draft.problems), source="the answers")
        out.write("\nBefore writing, these answers need another look:\n")
        _list_problems(draft, [d for _, d in todo], out)
        before = draft
        for step, decl in todo:
            out.write(f"({step.title})\n")
            draft = _ask_field(decl, draft, asker, out, keep)
        if draft.data == before.data:
            return draft, _go_back(asker, steps, steps.index(todo[0][0]))
    return draft, None


def _go_back(asker: Asker, steps: typing.Sequence[Step], default: int) -> int:
    """The step to ask again from its first question, when answering the fields with problems changed nothing (what
    causes a problem may be decided elsewhere: the frontend turned on where no backend host is wanted)."""
    titles = [step.title for step in steps]
    chosen = asker.select(GO_BACK_QUESTION, titles, titles[default], _wrap(
        "Nothing changed, so these answers still do not fit together. What causes it may be decided in another step: "
        "the step chosen is asked again from its first question, the answers so far as defaults."))
    return titles.index(chosen)


def _ask_field(decl: Declaration, draft: Draft, asker: Asker, out: TextIO, keep: Keep) -> Draft:
    """One question until the field accepts the answer; cross-field problems it causes are noted, not blocking. A
    decision with one choice only is said, not asked."""
    if (value := fixed(decl)) is not None:
        out.write(f"\n{decl.label}: {value} (the only choice)\n")
        return draft
    problem = draft.problem(decl.path)
    while True:
        answer = _ask(decl, draft, asker, problem)
        if answer == draft.text(decl.path):
            return draft
        new = edit(draft, decl.path, answer)
        own = _own_problem(new, decl.path)
        if own is None:
            _note_new_problems(draft, new, decl.path, out)
            keep(new.data)
            return new
        problem = own  # the field refuses the value: asked again with the reason, the draft keeps the old value


def _resumed(plan: Plan, saved: SavedDraft | None, asker: Asker) -> Draft:
    """The draft to start from: the saved unfinished run when the operator resumes it (else it is forgotten)."""
    from wizard.frontend import resume

    if saved is None:
        return Draft.start(plan)
    if asker.confirm(f"An unfinished run was saved {resume.age(saved)}. Resume it?", True, _wrap(
            "Yes: its answers are the defaults of every question. No: start from the preset or answers given, and "
            "forget the unfinished run.")):
        return Draft.resume(saved.data, plan)
    resume.clear()
    return Draft.start(plan)


def _edit_list(decision: ListDecision, step: Step, draft: Draft, asker: Asker, out: TextIO, keep: Keep) -> Draft:
    """One question per list (channels, images), asked until the operator keeps the list: add an item (its fields
    are asked at once) or remove one."""
    while relevant(first_field(decision), draft.shown):
        titles = item_titles(decision, draft.data)
        add, removes = f"add {decision.one_more}", [f"remove {title}" for title in titles]
        count = f"{len(titles)} {decision.item}{'' if len(titles) == 1 else 's'}"
        answer = asker.select(f"{declaration(decision.path).label}: {count}", (KEEP_LIST, add, *removes), KEEP_LIST,
                              _wrap(declaration(decision.path).help))
        if answer == KEEP_LIST:
            break
        if answer == add:
            draft = add_item(draft, decision.path)
            new_item = f"{decision.path}[{len(titles)}]"
            for decl in fields(step, draft.shown, data=draft.data):
                if decl.path.startswith(new_item) and relevant(decl.path, draft.shown):
                    draft = _ask_field(decl, draft, asker, out, keep)
        else:
            draft = remove_item(draft, decision.path, removes.index(answer))
        keep(draft.data)
    return draft


def _keep_nothing(data: dict[str, typing.Any]) -> None:
    """No resume draft (tests, and runs started from an answers file)."""


def _ask(decl: Declaration, draft: Draft, asker: Asker, problem: str | None) -> str:
    """The answer as the text `edit` takes; the field's problem, if any, is the last thing shown before it."""
    current = draft.text(decl.path)
    help_text = _help(decl) + (f"\n{_wrap(f'! {problem}')}" if problem else "")
    if decl.annotation is bool:
        return "true" if asker.confirm(decl.label, current == "true", help_text) else "false"
    choices = decl.choices or (("true", "false") if _is_bool(decl.annotation) else ())
    if choices:
        if _optional(decl.annotation):
            choices = ("", *choices)
        return asker.select(decl.label, choices, current if current in choices else choices[0], help_text)
    return asker.text(decl.label, current, help_text)


def _is_bool(annotation: typing.Any) -> bool:
    return annotation is bool or bool in typing.get_args(annotation)


def _optional(annotation: typing.Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
        annotation)


def _own_problem(draft: Draft, path: str) -> str | None:
    """The message when the field itself refuses its value (type, format, list syntax); None when what is wrong, if
    anything, lies between fields (rules.problems), which another answer may fix."""
    from pydantic import ValidationError

    from wizard.planning import rules
    from wizard.planning.plan import Plan

    try:
        unchecked = Plan.model_validate(draft.data)
    except ValidationError:
        return draft.problem(path) or "; ".join(str(p) for p in draft.problems)
    across = {(p.path, p.message) for p in rules.problems(unchecked)}
    return next((p.message for p in draft.problems if p.path == path and (p.path, p.message) not in across), None)


def _concerned(path: str, problems: typing.Iterable[Problem]) -> bool:
    """Whether a problem is about this field or a section holding it (`target`: no chart enabled)."""
    return any(path == p.path or path.startswith((p.path + ".", p.path + "[")) for p in problems if p.path)


def _note_new_problems(before: Draft, after: Draft, path: str, out: TextIO) -> None:
    """What an accepted answer made wrong elsewhere, and where that field will be asked."""
    order = [step.id for step in STEPS]
    here = order.index(step_of(path).id)
    for problem in after.problems:
        if problem in before.problems:
            continue
        where = step_of(problem.path)
        if where.sections and order.index(where.id) == here:
            when = "asked again at the end of this step"
        elif where.sections and order.index(where.id) > here:
            when = f"asked in the step {where.title}"
        else:
            when = "asked again before writing"
        out.write(_wrap(f"note: {problem} ({when})") + "\n")


def _list_problems(draft: Draft, todo: typing.Sequence[Declaration], out: TextIO) -> None:
    """The problems about a whole section (`target`: no chart enabled); a field's own shows at its question."""
    for problem in draft.problems:
        if all(problem.path != d.path for d in todo) and any(_concerned(d.path, [problem]) for d in todo):
            out.write(_wrap(str(problem)) + "\n")


def _help(decl: Declaration) -> str:
    """The field's help, the values keys it sets (per chart), and how to write a list, wrapped for 80 columns."""
    lines = [_wrap(decl.help)] if decl.help else []
    by_chart: dict[str, list[str]] = {}
    for key in decl.values_keys:
        chart, _, dotted = key.rpartition(":")
        by_chart.setdefault(chart, []).append(dotted)
    for chart, keys in by_chart.items():
        lines.append(textwrap.fill(f"sets {chart + ': ' if chart else ''}{', '.join(keys)}", WIDTH,
                                   initial_indent="  ", subsequent_indent="    ", break_long_words=False,
                                   break_on_hyphens=False))
    if typing.get_origin(_strip_optional(decl.annotation)) is tuple:
        lines.append("  Several: separate them with commas.")
    return "\n".join(lines)


def _strip_optional(annotation: typing.Any) -> typing.Any:
    if _optional(annotation):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)
