"""A Side: one configuration resolved to the Plan (when one is known), the releases with the values each chart gets,
and the explain Report of them; and the two ways to make one from what is already read (Plan layers, values data).

It has its own module because the modules that make Sides depend on each other only one way: sources.py decides
what a command-line spec names and opens a bundle through bundle.py, and the bundle modules make and read Sides (and
validate a manifest's charts and input kind) without importing sources.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.planning.layers import Layer
    from wizard.planning.plan import Plan
    from wizard.reporting.explain import ChartInput
    from wizard.reporting.report import Report

CHARTS = ("orchestrator", "substra-backend", "substra-frontend")
DEFAULT_RELEASES = {"orchestrator": "orchestrator", "substra-backend": "backend", "substra-frontend": "frontend"}
DEFAULT_NAMESPACE = "org-1"
KINDS = ("preset", "answers", "dir", "bundle", "values")
"""What a Side can be made from (Side.kind, and a bundle manifest's input.kind)."""


@dataclass
class Side:
    """One configuration, resolved: `inputs` are the releases with the values Helm would get (override values)."""

    label: str
    kind: str
    plan: Plan | None
    inputs: list[ChartInput]
    version: tuple[int, int] | None = None
    """The Kubernetes version its Plan targets; None: no Plan (judged by the other side's, else the latest)."""
    notes: list[str] = field(default_factory=list)
    values_files: dict[str, Any] = field(default_factory=dict)
    """chart -> the values file's data as read (values sides only), for bundles."""
    imported: Any = None
    """The ImportResult of the values files, when wizard import is there."""
    placed: bool = False
    """Whether its release names and namespaces are known (a Plan, a bundle), not the defaults of values files."""

    def report(self, version: tuple[int, int], *, runtime_pods: bool = True) -> Report:
        from wizard.reporting.explain import explain

        # The Plan's own findings only when the values come from it (an imported Plan is a reconstruction).
        plan = None if self.values_files else self.plan
        return explain(self.inputs, version=version, runtime_pods=runtime_pods, plan=plan)


def plan_side(label: str, kind: str, *, preset: str | None = None, answers_file: Path | None = None,
              sets: Sequence[str] = (), layers: Sequence[Layer] | None = None) -> Side:
    """A Side from Plan layers (a preset, an answers file, --set), or from `layers` already read."""
    from wizard.planning.layers import build_plan, plan_layers
    from wizard.reporting.explain import plan_inputs, plan_version

    plan = build_plan(layers if layers is not None else plan_layers(preset, answers_file, sets))
    return Side(label, kind, plan, plan_inputs(plan, credentials=False), plan_version(plan), placed=True)


def data_side(data: Mapping[str, dict[str, Any]], *, label: str, kind: str,
              releases: Mapping[str, str] | None = None, namespace: str = DEFAULT_NAMESPACE) -> Side:
    """Values already read (chart -> data), in the order given (as wizard explain --values keeps it)."""
    from wizard.charts import SUPPORTED_VERSIONS
    from wizard.charts.components import ChartRelease
    from wizard.reporting.explain import ChartInput

    names = {**DEFAULT_RELEASES, **(releases or {})}
    inputs = [ChartInput(ChartRelease(chart, SUPPORTED_VERSIONS[chart], names[chart], namespace), data[chart])
              for chart in data]
    return Side(label, kind, None, inputs, None, values_files=dict(data))
