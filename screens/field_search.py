"""Ctrl+P, then a few letters of a field's name: straight to that field, on whatever step it is.

A long step (the storage step asks size, class and claim for every volume) put the worker's storage class some twenty
Tabs away; the command palette, Textual's own, already fuzzy-matches what is typed, so each field that matters with
the current answers is one of its commands, named by its label and its Plan path.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from wizard.frontend.steps import STEPS, fields, fixed, step_of


class FieldSearch(Provider):
    """The fields of every step that matter with the current answers, as palette commands ("Go to ...")."""

    def _targets(self) -> list[tuple[str, str, str]]:
        """(what the palette shows, the field's path, the title of its step), in step order."""
        app: Any = self.app
        draft = app.draft
        found = []
        for step in STEPS:
            if not step.sections:
                continue
            for decl in fields(step, draft.shown, data=draft.data):
                if fixed(decl) is None:  # a decision with one choice is shown, not asked: nothing to go to
                    found.append((f"Go to {decl.label} ({decl.path})", decl.path, step.title))
        return found

    async def discover(self) -> Hits:
        for text, path, title in self._targets():
            yield DiscoveryHit(text, partial(go_to_field, self.app, path), help=f"Step: {title}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, path, title in self._targets():
            if (score := matcher.match(text)) > 0:
                yield Hit(score, matcher.highlight(text), partial(go_to_field, self.app, path), help=f"Step: {title}")


async def go_to_field(app: Any, path: str) -> None:
    """Show the step that decides `path`, focused on its field and scrolled to it."""
    app.index = STEPS.index(step_of(path))
    await app.show_step(focus=path)
