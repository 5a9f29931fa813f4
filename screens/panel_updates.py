"""Keeping the implications panel up to date with the answers, and its share of the screen (narrow terminals, F2).

The panel is computed from a Plan in a thread (an explain takes tens of milliseconds: typing must not wait for it),
and the findings of the same report feed the review. Once the operator pauses, the Plans one switch or choice away
(wizard.frontend.speculation) are computed too, so that a toggle finds its panel ready and only repaints. A mixin
of WizardApp, not part of ImplicationsPanel: the worker's message comes back to the App, which owns the findings,
and the layout classes are set on the App.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.message import Message
from textual.timer import Timer

from screens.layout_now import paint_now
from screens.panel_view import ImplicationsPanel
from wizard.frontend.panel import Panel, changes, panel
from wizard.frontend.panel_network import plan_entry_points
from wizard.frontend.speculation import one_click_away
from wizard.frontend.steps import STEPS, Step
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.reporting.findings import Finding

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft

NARROW = 100
KEPT = 64
PAUSE = 0.6
"""Seconds without an answer before the Plans one click away are computed."""
"""Panels kept by Plan: the features step's dozen switches, back and forth, with room to spare."""
"""Below this many columns the step gets a fixed narrow width, so that the panel keeps its key columns."""


class PanelComputed(Message):
    def __init__(self, panel: Panel, findings: list[Finding]) -> None:
        super().__init__()
        self.panel, self.findings = panel, findings


class PanelUpdatesMixin:
    """Expects the App's `findings` (set here), `draft`, `index`, `show_step`, `call_later`, `set_timer`,
    `query_one`, `post_message`, `set_class` and `toggle_class`, and page_building's `build_ahead_later` and
    `building_ahead`."""

    findings: list[Finding]
    draft: Draft
    index: int
    show_step: Any
    call_later: Any
    set_timer: Any
    query_one: Any
    post_message: Any
    set_class: Any
    toggle_class: Any
    focused: Any
    build_ahead_later: Any
    building_ahead: Any
    _shown: Panel | None = None
    """The panel on the screen (set by compose, before the first frame)."""
    _typing: tuple[str, Panel | None, Draft] | None = None
    """The text field being typed in, the panel from before its first key (what the marks are against) and the
    answers its last key made."""
    _pause: Timer | None = None
    _clicks: tuple[Draft | None, dict[tuple[str, str], Draft]] = (None, {})
    """The answers each guessed click makes, and the answers they were guessed from (set at once, from the thread)."""
    _known: dict[Plan, tuple[Panel, list[Finding]]]
    """Panels and findings computed, by Plan (a few kilobytes each), the oldest dropped first."""

    def panel_now(self, plan: Plan) -> Panel:
        """The first panel, computed before the first frame (an explain takes a few milliseconds): the screen is
        drawn once, with its implications, instead of twice."""
        self._known = {}  # this app's own, made here, on the UI thread, before any thread writes to it
        self._shown, self.findings = implications(plan)
        return self._shown

    def recompute(self, plan: Plan) -> None:
        """The panel for `plan`: at once when it was computed ahead, else from a thread."""
        known = self._known.get(plan)
        if known is not None:  # shown now, not after a trip through the message queue
            self.on_panel_computed(PanelComputed(*known))
        else:
            self._compute(plan)

    @work(thread=True, exclusive=True, group="panel")
    def _compute(self, plan: Plan) -> None:
        self.post_message(PanelComputed(*self._implications(plan)))

    def on_panel_computed(self, message: PanelComputed) -> None:
        if message.panel != self._shown:  # else typing on in a field that changes nothing more: the marks stay
            shown = self.query_one(ImplicationsPanel)
            shown.show_first(message.panel, changes(self._marked_from(), message.panel))
            self._shown = message.panel
            paint_now(shown, self.focused)  # with the field changed, before anything else: the rows follow
            shown.show_rest()
        before, self.findings = self.findings, message.findings
        if before != message.findings:
            if STEPS[self.index].id == "review":
                self.call_later(self.show_step)  # the review lists the findings of the answers as they are now
            else:
                self.build_ahead_later()  # a review built ahead lists them too
        self.prepare_panels()

    def note_typing(self, typing: str | None, before: Draft, after: Draft) -> None:
        """An answer changed `before` into `after`: `typing` is the text field it was typed in, None for a switch or
        a choice.

        Why: a text field answers at every key, and marking against the panel of the key before showed what the
        last letter did ("- removed: ingress api.example.co -> backend-server"), not what the value typed does.
        While one field is typed in, key after key, the marks are against the panel from before its first key."""
        last = self._typing
        base = last[1] if last is not None and last[0] == typing and last[2] is before else self._shown
        self._typing = None if typing is None else (typing, base, after)

    def _marked_from(self) -> Panel | None:
        """The panel the marks are against: the one from before the field's first key while it is typed in (and
        nothing else changed the answers since), else the one on the screen."""
        typing = self._typing
        return typing[1] if typing is not None and typing[2] is self.draft else self._shown

    def prepare_panels(self) -> None:
        """Once the operator pauses: compute, in a thread, the panels of the Plans one switch or choice of this step
        away (not while they type: the thread would slow every key)."""
        if self._pause is not None:
            self._pause.stop()
        self._pause = self.set_timer(PAUSE, self._prepare)

    def _prepare(self) -> None:
        if self.building_ahead():  # the pages first: a thread beside them would slow both (one core for Python)
            self.prepare_panels()
        elif self.draft.valid:
            self._speculate(self.draft, STEPS[self.index])

    @work(thread=True, exclusive=True, group="speculate")
    def _speculate(self, draft: Draft, step: Step) -> None:
        """In a thread, the guessing included: a dozen edits, each a Plan validated, are not for the UI thread."""
        clicks = one_click_away(draft, step)
        self._clicks = (draft, {(click.path, click.text): click.after for click in clicks})
        for click in clicks:
            if click.after.plan not in self._known:
                self._implications(click.after.plan)

    def edited_ahead(self, draft: Draft, path: str, text: str) -> Draft | None:
        """`edit(draft, path, text)` when it was made ahead (a click guessed while the operator read), else None."""
        before, after = self._clicks
        return after.get((path, text)) if before is draft else None

    def _implications(self, plan: Plan) -> tuple[Panel, list[Finding]]:
        """implications(plan), kept for the last KEPT Plans (a toggle back and forth computes nothing)."""
        found = self._known.get(plan) or implications(plan)
        self._known[plan] = found
        while len(self._known) > KEPT:
            self._known.pop(next(iter(self._known)))
        return found

    def on_resize(self, event: events.Resize) -> None:
        self.fit(event.size.width)

    def fit(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")  # 80 columns: the step narrower, the panel wider

    def action_wide_panel(self) -> None:
        """F2: the panel over the whole width (every column readable at 80x24), F2 again: the step back."""
        self.toggle_class("-wide-panel")


def implications(plan: Plan) -> tuple[Panel, list[Finding]]:
    """What the panel shows for a Plan, and the findings the review lists."""
    inputs = plan_inputs(plan)
    report = explain(inputs, version=plan_version(plan), plan=plan)
    return panel(report, plan_entry_points(inputs)), report.findings
