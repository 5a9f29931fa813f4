"""An image mirror: what a mirror value may look like, how an image reference maps under it, and which values key
moves which image of each chart (FACTS_ACCOUNTS_NETWORK_IMAGES.md §4).

The mapping rule is the one the charts apply when their registry key is set (render-verified in
substra-renders-secure 36-38, orchestrator 09, frontend 04): the registry host of a reference is replaced by the
mirror and the repository path is kept as written, with no `library/` added for Docker Hub images:

    ghcr.io/substra/substra-backend:1.0.1  ->  M/substra/substra-backend:1.0.1
    docker.io/postgres:17                  ->  M/postgres:17
    registry:2.8.1 (Docker Hub)            ->  M/registry:2.8.1

The mirror may carry a path prefix (`registry.internal:5000/substra`): it is kept in front of every repository.
This module imports nothing of the Plan, so the Plan's declaration can list the keys below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HOST_PART = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$")
_PATH_PART = re.compile(r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$")
_EXAMPLE = "registry.internal:5000 or registry.internal:5000/substra"


def mirror_problem(value: str) -> str | None:
    """Why `value` is not a usable mirror (`host[:port][/path]`), or None."""
    if not value or value != value.strip() or any(c.isspace() for c in value):
        return f'"{value}" is not a registry: write host[:port][/path], e.g. {_EXAMPLE}'
    if "://" in value:
        return f'"{value}" has a scheme: write it without one, e.g. {value.split("://", 1)[1].rstrip("/")}'
    if value.endswith("/"):
        return f'"{value}" ends with "/": write it without, e.g. {value.rstrip("/")}'
    if "@" in value:
        return f'"{value}" is an image, not a registry: write host[:port][/path], e.g. {_EXAMPLE}'
    host, _, path = value.partition("/")
    name, colon, port = host.partition(":")
    if not all(_HOST_PART.match(part) for part in name.split(".")):
        return f'"{value}" does not start with a host name: write host[:port][/path], e.g. {_EXAMPLE}'
    if colon and not (port.isdigit() and 1 <= int(port) <= 65535):
        return f'"{value}": the port "{port}" is not a number from 1 to 65535'
    if not (colon or "." in name or name == "localhost"):
        return (f'"{value}" would be read as a Docker Hub account, not a registry: give a host name with a dot or a '
                f"port, e.g. {name}.internal:5000")
    for part in path.split("/") if path else ():
        if not part:
            return f'"{value}" has an empty path part (two "/" in a row): write host[:port][/path], e.g. {_EXAMPLE}'
        if not _PATH_PART.match(part):
            return (f'"{value}": the path part "{part}" is not a repository name: use lower-case letters, digits '
                    "and '.', '_' or '-' between them")
    if len(value) > 200:
        return f'"{value}" is {len(value)} characters long; at most 200 are allowed'
    return None


def split(reference: str) -> tuple[str | None, str]:
    """(registry host, the rest) of an image reference; None for Docker Hub references without a host. As Docker
    reads it: the first part is a host when it has a dot or a port, or is localhost."""
    first, slash, rest = reference.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first, rest
    return None, reference


def mirrored(reference: str, mirror: str) -> str:
    """The reference as pulled from the mirror: the registry host replaced, the repository path kept."""
    return f"{mirror}/{split(reference)[1]}"


def inside(reference: str, mirror: str | None) -> bool:
    """Whether a reference is pulled from the mirror (a mirror without a path matches by host)."""
    return bool(mirror) and reference.startswith(f"{mirror}/")


@dataclass(frozen=True)
class ImageKey:
    """A values key that moves images: `registry` keys take the mirror, `repository` keys (charts without a registry
    key) take the mirror in front of their default repository. `containers` are the container names it sets (with
    `objects`, a part of the object name, when a container name alone does not tell)."""

    chart: str
    key: str
    containers: tuple[str, ...]
    objects: str = ""

    @property
    def declared(self) -> str:
        return f"{self.chart}:{self.key}"


_BACKEND, _ORCHESTRATOR, _FRONTEND = "substra-backend", "orchestrator", "substra-frontend"
BITNAMI_KEY = "global.imageRegistry"
KEYS: tuple[ImageKey, ...] = (
    ImageKey(_BACKEND, BITNAMI_KEY, ("postgresql", "redis", "minio", "init-chmod-data", "metrics")),
    ImageKey(_BACKEND, "server.image.registry", ("server", "init-collectstatic", "init-migrate", "db-migrations")),
    ImageKey(_BACKEND, "server.metrics.image.registry", ("metrics-sidecar",)),
    ImageKey(_BACKEND, "worker.image.registry", ("worker",)),
    ImageKey(_BACKEND, "worker.events.image.registry", ("worker-event-app", "wait-init-migrations")),
    ImageKey(_BACKEND, "scheduler.image.registry", ("scheduler",)),
    ImageKey(_BACKEND, "schedulerWorker.image.registry", ("scheduler-worker",)),
    ImageKey(_BACKEND, "builder.image.registry", ("builder",)),
    ImageKey(_BACKEND, "api.events.image.registry", ("api-event-app",)),
    ImageKey(_BACKEND, "privateCa.image.registry", ("add-cert",)),
    ImageKey(_BACKEND, "kaniko.image.registry", ("kaniko",)),
    ImageKey(_BACKEND, "kaniko.cache.warmer.image.registry", ("kaniko-cache-warmer",)),
    ImageKey(_BACKEND, "initImages.dockerize.registry", ("wait-minio", "wait-redis", "wait-registry")),
    ImageKey(_BACKEND, "initImages.postgresql.registry", ("wait-postgresql",)),
    ImageKey(_BACKEND, "hooks.deleteWorkerPvc.image.registry", ("kubectl",), "hook-delete-worker-pvc"),
    ImageKey(_BACKEND, "hooks.deleteComputePods.image.registry", ("kubectl",), "hook-delete-pods"),
    ImageKey(_BACKEND, "docker-registry.image.repository", ("docker-registry",)),
    ImageKey(_BACKEND, "localstack.image.repository", ("localstack",)),
    ImageKey(_ORCHESTRATOR, BITNAMI_KEY, ("postgresql", "init-chmod-data", "metrics")),
    ImageKey(_ORCHESTRATOR, "orchestrator.image.registry", ("orchestrator", "db-migrations")),
    ImageKey(_ORCHESTRATOR, "initImages.postgresql.registry", ("wait-postgresql",)),
    ImageKey(_FRONTEND, "image.registry", ("substra-frontend", "template-html")),
)
# Values keys that name images to pull rather than move them: the operator writes them (the Plan rewrites the
# prepopulate sources that name no registry).
CACHED_IMAGES_KEY = "kaniko.cache.warmer.cachedImages"
PREPOPULATE_KEY = "containerRegistry.prepopulate"


def declared_keys() -> list[str]:
    """Every `chart:key` the mirror decision drives, for its declaration."""
    return [key.declared for key in KEYS] + [f"{_BACKEND}:{PREPOPULATE_KEY}"]


def mirror_settings(chart: str, version: str, mirror: str) -> list[tuple[tuple[str, ...], str]]:
    """(values key path, value) of every image key of a chart version for this mirror: registry keys take the
    mirror, repository keys the mirror in front of the chart's default repository."""
    from wizard.charts.chart_defaults import get_path, load_defaults

    defaults = load_defaults(chart, version)
    found = []
    for key in KEYS:
        if key.chart == chart:
            path = tuple(key.key.split("."))
            found.append((path, mirrored(str(get_path(defaults, path)), mirror) if path[-1] == "repository"
                          else mirror))
    return found


def key_for(chart: str, container: str, object_name: str) -> str | None:
    """The values key that moves this container's image, None when no key does (hard-coded in the chart)."""
    for key in KEYS:
        if key.chart == chart and container in key.containers and key.objects in object_name:
            return key.key
    return None
