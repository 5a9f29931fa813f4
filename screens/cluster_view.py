"""What the cluster says, when there is one: its storage classes and claims offered in the storage fields, and its
own verdict on each pod (server-side dry runs) in the review, beside the wizard's prediction.

Both are asked in threads (the Kubernetes client takes a second to load, a dry run is a round trip per pod). A mixin
of WizardApp: the answers come back as messages to the App, and the cluster's facts feed the rows of every step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.widgets import Static

from screens.widgets import FieldRow
from wizard.cluster import admission_report
from wizard.cluster.admission import Admission
from wizard.cluster.choices import choices_for
from wizard.cluster.facts import ClusterFacts, Discovery
from wizard.planning.plan import Plan

if TYPE_CHECKING:
    from wizard.frontend.draft import Draft

Admit = Callable[[Plan], tuple[Admission | None, str]]
"""Sends a Plan's pods to the cluster as server-side dry runs (wizard.cluster.admission.judge): the verdicts, or
None and why not; the words name the cluster."""
ASKING = "Asking the cluster to judge each pod (server-side dry run; nothing is created)..."


class ClusterFound(Message):
    def __init__(self, discovery: Discovery) -> None:
        super().__init__()
        self.discovery = discovery


class AdmissionJudged(Message):
    def __init__(self, plan: Plan, admission: Admission | None, said: str) -> None:
        super().__init__()
        self.plan, self.admission, self.said = plan, admission, said


class ClusterViewMixin:
    """Expects the App's `discover` and `admit` (None: no cluster to ask), `cluster` (set here) and `draft`."""

    discover: Callable[[Plan], Discovery] | None
    admit: Admit | None
    cluster: ClusterFacts | None
    draft: Draft
    query: Any
    notify: Any
    post_message: Any
    call_after_refresh: Any
    _admission: tuple[Plan, str] | None = None
    """The cluster's verdicts as shown, and the Plan they are for (asked again only when it changes)."""

    @work(thread=True, exclusive=True, group="cluster")
    def look_at_cluster(self, plan: Plan) -> None:
        assert self.discover is not None
        self.post_message(ClusterFound(self.discover(plan)))

    def on_cluster_found(self, message: ClusterFound) -> None:
        """The storage fields offer what the cluster has; without a cluster the wizard just says so."""
        found = message.discovery
        if found.facts is None:
            self.notify(f"No cluster to look at: {found.reason}. The wizard works fully without one.", timeout=6)
            return
        self.cluster = found.facts
        self.notify(f"Cluster {found.context} ({found.server}): storage classes and claims are offered in the "
                    "Storage step.", timeout=6)
        shown = self.draft.shown
        for row in self.query(FieldRow):
            row.offer(choices_for(row.decl.path, shown, self.cluster))

    def admission_widgets(self) -> list[Static]:
        """Once a cluster was found: its own verdict on each pod beside the wizard's prediction, asked in a thread
        (a dry run per pod) once per Plan."""
        if self.cluster is None or self.admit is None or not self.draft.valid:
            return []
        plan = self.draft.plan
        if self._admission is not None and self._admission[0] == plan:
            text = self._admission[1]
        else:
            text = ASKING
            self.call_after_refresh(self.judge_pods, plan)
        return [Static(text, id="admission", markup=False)]

    @work(thread=True, exclusive=True, group="admission")
    def judge_pods(self, plan: Plan) -> None:
        assert self.admit is not None
        self.post_message(AdmissionJudged(plan, *self.admit(plan)))

    def on_admission_judged(self, message: AdmissionJudged) -> None:
        text = verdicts_text(message.admission, message.said)
        self._admission = (message.plan, text)
        if message.plan == self.draft.plan:
            for widget in self.query("#admission").results(Static):
                widget.update(text)


def verdicts_text(admission: Admission | None, said: str) -> str:
    """The review's admission section: the same lines as wizard preflight, then what they mean."""
    if admission is None:
        return f"The cluster could not judge the pods: {said}."
    found = admission_report.findings(admission)
    lines = admission_report.lines(admission, compact=True) or ["No pod to judge."]
    return "\n".join([f"Cluster {said}:", *lines, *(f"{f.severity}: {f}" for f in found)])
