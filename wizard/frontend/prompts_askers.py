"""`--plain`: how one question is put to the operator and the answer read back, whatever the question is about.

One interface (Asker), two ways to use it: questionary in a terminal that can run it (arrow keys, prefilled answers),
plain lines everywhere else (pipes, serial consoles, screen readers, TERM=dumb), which is also how tests and scripts
answer. An asker knows nothing of the Plan: which question comes when, and what an answer changes, is for the modules
that call it. Only this module of wizard/ imports questionary, and only inside functions.
"""

from __future__ import annotations

import os
import sys
import textwrap
import typing
from typing import Protocol, TextIO

from wizard.core.errors import WizardError

WIDTH = 78
EMPTY = "(empty)"
"""How an empty value is shown among choices, and what a LineAsker answer types to clear a text field."""


class Asker(Protocol):
    """Asks one question; `help` is preformatted text (indented lines) to show before it."""

    def confirm(self, message: str, default: bool, help: str) -> bool: ...  # noqa: A002

    def select(self, message: str, choices: typing.Sequence[str], default: str, help: str) -> str: ...  # noqa: A002

    def text(self, message: str, default: str, help: str) -> str: ...  # noqa: A002

    def password(self, message: str, help: str) -> str:  # noqa: A002
        """A secret: never shown as typed, never echoed, no default (empty means: generate one)."""
        ...

    def refused(self, field: str, reason: str) -> None:
        """An answer for `field` was refused: in a terminal the question comes again (the caller shows why); piped
        answers stop here with a WizardError, since asking again would read the next line, meant for the next
        question, and every later answer would land on the wrong one."""
        ...


def wrap(text: str, indent: str = "  ") -> str:
    """`text` as the help and notes are printed: indented lines that fit 80 columns, words and hyphens kept whole."""
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def terminal_asker(out: TextIO) -> Asker:
    """questionary when standard input is a terminal that can run it; plain lines otherwise (pipes, TERM=dumb)."""
    if not _isatty(sys.stdin) or os.environ.get("TERM", "") == "dumb":
        return LineAsker(sys.stdin, out)
    return QuestionaryAsker()


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

    def refused(self, field: str, reason: str) -> None:
        """In a terminal the question simply comes again, with the reason the caller shows."""

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
            self.refused(message, f'"{answer}" is not y or n')
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
            self.refused(message, f'"{answer}" is not one of the choices ({", ".join(shown)})')
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

    def refused(self, field: str, reason: str) -> None:
        if self._echo:
            self.output.write("\n")
            raise WizardError(f"{field}: {reason}. Piped answers stop at the first one refused (asking again would "
                              "take the next line, meant for the next question): correct that line and run again. "
                              "Nothing was written.")

    def _show(self, help: str) -> None:  # noqa: A002
        if not self._introduced:
            self._introduced = True
            self._say(wrap(f"(One answer per line. An empty line keeps the value in [brackets]; {EMPTY} clears "
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
