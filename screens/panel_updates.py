"""Keeping the implications panel up to date with the answers, and its share of the screen (narrow terminals, F2).

The panel is computed from a Plan in a thread (an explain takes a few milliseconds: typing must not wait for it),
and the findings of the same report feed the review. A mixin of WizardApp, not part of ImplicationsPanel: the
worker's message comes back to the App, which owns the findings, and the layout classes are set on the App.
"""

from __future__ import annotations

from typing import Any

from textual import events, work
from textual.message import Message

from screens.panel_view import ImplicationsPanel
from wizard.frontend.panel import Panel, changes, panel
from wizard.frontend.panel_network import plan_entry_points
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version
from wizard.reporting.findings import Finding

NARROW = 100
"""Below this many columns the step gets a fixed narrow width, so that the panel keeps its key columns."""


class PanelComputed(Message):
    def __init__(self, panel: Panel, findings: list[Finding]) -> None:
        super().__init__()
        self.panel, self.findings = panel, findings


class PanelUpdatesMixin:
    """Expects the App's `findings` (set here), `query_one`, `post_message`, `set_class` and `toggle_class`."""

    findings: list[Finding]
    query_one: Any
    post_message: Any
    set_class: Any
    toggle_class: Any
    _shown: Panel | None = None
    """The panel on the screen (set by compose, before the first frame)."""

    def panel_now(self, plan: Plan) -> Panel:
        """The first panel, computed before the first frame (an explain takes a few milliseconds): the screen is
        drawn once, with its implications, instead of twice."""
        self._shown, self.findings = implications(plan)
        return self._shown

    @work(thread=True, exclusive=True, group="panel")
    def recompute(self, plan: Plan) -> None:
        self.post_message(PanelComputed(*implications(plan)))

    def on_panel_computed(self, message: PanelComputed) -> None:
        self.findings = message.findings
        if message.panel == self._shown:
            return  # typing on in a field that changes nothing more: the marks of the last real change stay
        self.query_one(ImplicationsPanel).show(message.panel, changes(self._shown, message.panel))
        self._shown = message.panel

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
