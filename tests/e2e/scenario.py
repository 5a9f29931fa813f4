"""One deployment of a test: a Plan in namespaces of the test's own, its stand-in charts in a folder, and the wizard's
command line pointed at the test cluster (`--kubeconfig`, `--charts FOLDER`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kube import TestCluster
from standin import package

from wizard.planning.layers import build_plan, plan_layers
from wizard.planning.plan import Plan

CLAIMS_PER_INSTALL = 12
"""More pre-made volumes than the minimal preset's claims (orchestrator and backend), so every claim can bind."""


@dataclass
class Deployment:
    prefix: str
    cluster: TestCluster
    folder: Path
    preset: str = "minimal"
    sets: list[str] = field(default_factory=list)
    batches: int = 0

    @property
    def orchestrator_ns(self) -> str:
        return f"{self.prefix}-orchestrator"

    @property
    def backend_ns(self) -> str:
        return f"{self.prefix}-org-1"

    @property
    def out(self) -> Path:
        return self.folder / "out"

    @property
    def charts(self) -> Path:
        return self.folder / "charts"

    def all_sets(self) -> list[str]:
        return [f"target.orchestrator.namespace={self.orchestrator_ns}", f"target.backend.namespace={self.backend_ns}",
                "target.frontend.namespace=" + self.backend_ns, "target.kubernetes_version=1.36", *self.sets]

    def plan(self) -> Plan:
        return build_plan(plan_layers(self.preset, None, self.all_sets()))

    def package(self) -> dict[str, Path]:
        """The stand-in charts of the current Plan, in the charts folder."""
        return package(self.plan(), self.charts)

    def assert_ready(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every workload of both namespaces Ready and every hook Job Succeeded; the workloads, by namespace."""
        found = {}
        for namespace in (self.orchestrator_ns, self.backend_ns):
            workloads = found[namespace] = self.cluster.workloads(namespace)
            running = {k: w for k, w in workloads.items() if not k.startswith("Job/")}
            assert running and all((w["status"].get("readyReplicas") or 0) == w["spec"]["replicas"]
                                   for w in running.values()), running.keys()
            hooks = {k: w for k, w in workloads.items() if k.startswith("Job/")}
            assert hooks and all(w["status"].get("succeeded") == 1 for w in hooks.values()), hooks.keys()
        return found

    def volumes(self, count: int = CLAIMS_PER_INSTALL, storage_class: str = "standard") -> None:
        """Pre-made volumes for the claims of one install (each call adds a new set)."""
        self.batches += 1
        self.cluster.add_volumes(f"{self.prefix}-{storage_class}-{self.batches}", count, storage_class=storage_class)

    def args(self, *extra: str, out: Path | None = None, charts: bool = True) -> list[str]:
        """The wizard's arguments for this deployment; `extra` after them (--install --yes, --dry-run, ...).
        Without `charts`, the Plan's own target.charts applies."""
        sets = [arg for s in self.all_sets() for arg in ("--set", s)]
        source = ["--charts", str(self.charts)] if charts else []
        return ["--preset", self.preset, *sets, *source, "--kubeconfig", str(self.cluster.kubeconfig), "--out",
                str(out or self.out), *extra]

    def preflight_args(self, *extra: str) -> list[str]:
        sets = [arg for s in self.all_sets() for arg in ("--set", s)]
        return ["preflight", "--preset", self.preset, *sets, "--charts", str(self.charts), "--kubeconfig",
                str(self.cluster.kubeconfig), *extra]
