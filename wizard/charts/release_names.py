"""Names the backend chart derives from its release name that Kubernetes limits to 63 characters.

The chart cuts its full name (`<release>-substra-backend`) to 63 characters and then appends suffixes, so a long
release name gives names the API server refuses (substra-renders-releases): the migrations Job's
`app.kubernetes.io/name` label (a label value: at most 63) and the Services of the server, worker and builder, and
Redis's (DNS labels: at most 63; Bitnami does not cut them). helm install then fails part-way, after some objects exist.
"""

from __future__ import annotations

from wizard.charts.helm_names import fullname, trunc

LIMIT = 63
_SUFFIXES = (("label app.kubernetes.io/name of the migrations Job", "-migrations"),
             ("Service of the builder", "-builder"), ("Service of the server", "-server"),
             ("Service of the worker", "-worker"))


def too_long(release: str) -> list[tuple[str, str]]:
    """(what, name) of each name over the limit for this backend release; [] when every one fits."""
    full, redis = trunc(f"{release}-substra-backend"), fullname(release, "redis")
    names = [(what, full + suffix) for what, suffix in _SUFFIXES]
    names += [("Service redis headless", f"{redis}-headless"), ("Service redis master", f"{redis}-master")]
    return [(what, name) for what, name in names if len(name) > LIMIT]


def longest_release() -> int:
    """The longest backend release name whose names all fit (36 with substra-backend 26.15.3)."""
    return max(length for length in range(1, 54) if not too_long("x" * length))
