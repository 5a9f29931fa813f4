"""Release names against what Kubernetes takes (charts.release_names): a name it refuses, or a StatefulSet whose
pods it refuses, stops writing (helm install would fail part-way, or never become ready); a name the chart cuts to
63 characters is a warning (it works, but is not the name anyone looks for)."""

from __future__ import annotations

from wizard.charts.release_names import (
    LIMIT,
    STATEFULSET_LIMIT,
    cut_names,
    longest_orchestrator_release,
    longest_release,
    orchestrator_statefulsets_too_long,
    statefulsets_too_long,
    too_long,
)
from wizard.core.errors import Problem
from wizard.planning.plan import Plan


def problems(plan: Plan) -> list[Problem]:
    """At most one problem per release: the first name that does not fit, and the longest release that does."""
    found = []
    backend, orchestrator = plan.target.backend, plan.target.orchestrator
    if backend.enabled:
        longest = longest_release(builder=plan.features.builder)
        over = too_long(backend.release)
        pods = statefulsets_too_long(backend.release, builder=plan.features.builder)
        if over:
            what, name = over[0]
            found.append(Problem("target.backend.release", f'"{backend.release}" is {len(backend.release)} '
                                 f"characters: substra-backend would name the {what} {name} ({len(name)} characters), "
                                 f"and Kubernetes refuses more than {LIMIT}, so helm install would fail part-way; use "
                                 f"at most {longest} characters"))
        elif pods:
            found.append(_pods_refused("target.backend.release", backend.release, "substra-backend", pods[0],
                                       longest))
    if orchestrator.enabled:
        pods = orchestrator_statefulsets_too_long(orchestrator.release)
        if pods:
            found.append(_pods_refused("target.orchestrator.release", orchestrator.release, "orchestrator", pods[0],
                                       longest_orchestrator_release()))
    return found


def _pods_refused(path: str, release: str, chart: str, named: tuple[str, str], longest: int) -> Problem:
    what, name = named
    return Problem(path, f'"{release}" is {len(release)} characters: {chart} would name the {what} {name} '
                         f"({len(name)} characters). Kubernetes takes it but refuses every pod: each carries the label "
                         f"controller-revision-hash: {name}-<hash of up to 10 characters>, and a label value of more "
                         f"than {LIMIT} characters is refused (StatefulSet names fit up to {STATEFULSET_LIMIT}); use "
                         f"at most {longest} characters")


def cut_warnings(plan: Plan) -> list[tuple[str, str]]:
    """(field, message) of a warning per name a chart of the Plan cuts to 63 characters (rules.notes makes them
    Notes)."""
    found = []
    for chart, field in (("orchestrator", "orchestrator"), ("substra-backend", "backend"),
                         ("substra-frontend", "frontend")):
        target = getattr(plan.target, field)
        if not target.enabled:
            continue
        for name in cut_names(chart, target.release):
            found.append((f"target.{field}.release", f"{chart} cuts the name of its {name.what} to "
                              f"{LIMIT} characters: {name.cut} (not {name.whole}); Kubernetes takes it, but look for "
                              "that name in kubectl, logs and runbooks, or choose a shorter release name"))
    return found

