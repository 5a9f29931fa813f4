"""Names the charts derive from their release names, against what Kubernetes takes.

Three outcomes, each seen in real renders (substra-renders-releases):
- refused: a Service name or a label value over 63 characters. The backend chart cuts its full name
  (`<release>-substra-backend`) to 63 and then appends suffixes; the API server refuses the object and helm install
  fails part-way, after some objects exist. Bitnami's Redis does not cut its Service names either.
- pods refused: a StatefulSet name over 52 characters. The API server takes the StatefulSet, but its controller
  labels each pod `controller-revision-hash: <name>-<hash>`, the hash up to 10 characters (pkg/controller/history
  in Kubernetes, unchanged in 1.36; kubernetes/kubernetes#64023), and a label value has at most 63: every pod is
  refused and the release never becomes ready.
- cut: a name the chart cuts to 63 characters itself (`trunc 63`). Kubernetes takes it, but it is not the name
  that documentation, runbooks and `kubectl` users expect (`<release>-orchestrator-migratio`).
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.charts.helm_names import fullname, trunc, uncut

LIMIT = 63
"""Characters of a DNS label (Service names) and of a label value."""
REVISION_HASH = 10
"""Characters of the hash the StatefulSet controller appends (a uint32 in decimal, each digit encoded)."""
STATEFULSET_LIMIT = LIMIT - 1 - REVISION_HASH
"""Characters of a StatefulSet name whose pods' controller-revision-hash label always fits (52)."""
HELM_LIMIT = 53
"""Characters of a release name Helm takes."""

_SUFFIXES = (("label app.kubernetes.io/name of the migrations Job", "-migrations"),
             ("Service of the builder", "-builder"), ("Service of the server", "-server"),
             ("Service of the worker", "-worker"))


@dataclass(frozen=True)
class CutName:
    """A name the chart cuts to 63 characters: what it names, the name it would have, and the name it gets."""

    what: str
    whole: str
    cut: str


def too_long(release: str) -> list[tuple[str, str]]:
    """(what, name) of each backend name over 63 characters for this release; [] when every one fits."""
    full, redis = trunc(f"{release}-substra-backend"), fullname(release, "redis")
    names = [(what, full + suffix) for what, suffix in _SUFFIXES]
    names += [("Service redis headless", f"{redis}-headless"), ("Service redis master", f"{redis}-master")]
    return [(what, name) for what, name in names if len(name) > LIMIT]


def statefulsets_too_long(release: str, *, builder: bool = True) -> list[tuple[str, str]]:
    """(what, name) of each backend StatefulSet whose pods Kubernetes would refuse (name over 52 characters)."""
    full = trunc(f"{release}-substra-backend")
    names = [("StatefulSet of the worker", f"{full}-worker"),
             ("StatefulSet of Redis", f"{fullname(release, 'redis')}-master"),
             ("StatefulSet of PostgreSQL", fullname(release, "postgresql"))]
    if builder:
        names.insert(0, ("StatefulSet of the builder", f"{full}-builder"))
    return [(what, name) for what, name in names if len(name) > STATEFULSET_LIMIT]


def longest_release(*, builder: bool = True) -> int:
    """The longest backend release name whose names all fit and whose pods are all taken (28 with substra-backend
    26.15.3 and the image builder on, 29 without)."""
    return max(length for length in range(1, HELM_LIMIT + 1)
               if not too_long("x" * length) and not statefulsets_too_long("x" * length, builder=builder))


def orchestrator_statefulsets_too_long(release: str) -> list[tuple[str, str]]:
    """(what, name) of the orchestrator's StatefulSets whose pods Kubernetes would refuse: its PostgreSQL."""
    name = fullname(release, "postgresql")
    return [("StatefulSet of PostgreSQL", name)] if len(name) > STATEFULSET_LIMIT else []


def longest_orchestrator_release() -> int:
    """The longest orchestrator release name whose PostgreSQL pods are taken (41 with orchestrator 8.8.0)."""
    return max(length for length in range(1, HELM_LIMIT + 1) if not orchestrator_statefulsets_too_long("x" * length))


def cut_names(chart: str, release: str) -> list[CutName]:
    """The names `chart` cuts to 63 characters for this release (none for ordinary release names)."""
    if chart == "orchestrator":
        base = uncut(release, "orchestrator")
        wholes = [("Deployment and Service of the server", f"{base}-server"),
                  ("migrations Job", f"{base}-migrations"),
                  ("headless Service of PostgreSQL", f"{uncut(release, 'postgresql')}-hl")]
    elif chart == "substra-frontend":
        wholes = [("Deployment and Service of the frontend", uncut(release, "substra-frontend"))]
    else:
        wholes = [("full name of the chart (every object's name starts with it)", f"{release}-substra-backend"),
                  ("headless Service of PostgreSQL", f"{uncut(release, 'postgresql')}-hl")]
    return [CutName(what, whole, trunc(whole)) for what, whole in wholes if len(whole) > LIMIT]
