"""The persistent volume claims each supported chart version creates, and the values keys that really drive them.

One row per volume (FACTS.md §1.4 for substra-backend 26.15.3, §2.3 for orchestrator 8.8.0). The chart quirks live
here and nowhere else: which storageClass keys have no effect, which access-mode keys are a list, a one-entry list
or a string, which claims can be reused. The Plan's storage section, the values writer and the rules read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AccessShape = Literal["list", "one-entry-list", "string", "fixed"]
"""How the chart reads the access mode: a list, a list it prints with Go's %v (so one entry only), a string, or
hard-coded ReadWriteOnce."""

BACKEND, ORCHESTRATOR = "substra-backend", "orchestrator"


@dataclass(frozen=True)
class Claim:
    """One volume: where its keys live in the chart values and what the chart does with them."""

    id: str
    chart: str
    label: str
    help: str
    prefix: tuple[str, ...]
    """Where `size`, `storageClass` and `existingClaim` live (e.g. postgresql.primary.persistence)."""
    default_size: str
    needs: str
    """The Plan condition under which the chart creates it: see `rules.claim_in_use`."""
    access: AccessShape = "list"
    access_key: tuple[str, ...] | None = None
    """Where the access mode lives when not `<prefix>.accessModes`."""
    reusable: bool = True
    class_ignored: str | None = None
    """Why the chart ignores storageClass for this volume, when it does."""
    writers: tuple[str, ...] = ()
    """The workloads that mount it read-write (for access-mode checks)."""

    @property
    def access_path(self) -> tuple[str, ...]:
        if self.access_key:
            return self.access_key
        return (*self.prefix, "accessMode" if self.access == "string" else "accessModes")

    @property
    def key_names(self) -> tuple[str, ...]:
        """The values keys this volume's decisions drive, as `chart:dotted.key`."""
        paths = [(*self.prefix, "size"), (*self.prefix, "storageClass")]
        if self.access != "fixed":
            paths.append(self.access_path)
        if self.reusable:
            paths.append((*self.prefix, "existingClaim"))
        return tuple(f"{self.chart}:{'.'.join(path)}" for path in paths)


_BITNAMI_CLASS = (
    "substra-backend 26.15.3 redefines the Bitnami `common.storage.class` template, so the {sub} subchart emits no "
    "storageClassName whatever storageClass says (FACTS.md §1.3). To use another class, create the claim yourself "
    "with that class and reuse it (existing_claim)."
)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "orchestrator_database", ORCHESTRATOR, "Orchestrator database volume",
        "PostgreSQL data of the orchestrator: every event of the network. Back it up; reuse it on reinstall.",
        ("postgresql", "primary", "persistence"), "8Gi", "orchestrator", writers=("orchestrator-database",),
    ),
    Claim(
        "backend_database", BACKEND, "Backend database volume",
        "PostgreSQL data of this organisation's backend. Back it up; reuse it on reinstall.",
        ("postgresql", "primary", "persistence"), "8Gi", "backend",
        class_ignored=_BITNAMI_CLASS.format(sub="postgresql"), writers=("backend-database",),
    ),
    Claim(
        "redis", BACKEND, "Redis volume", "Task queue of the backend (Redis append-only file).",
        ("redis", "master", "persistence"), "8Gi", "backend",
        class_ignored=_BITNAMI_CLASS.format(sub="redis"), writers=("backend-redis",),
    ),
    Claim(
        "minio", BACKEND, "MinIO volume", "Object storage of models, datasets and functions (MinIO).",
        ("minio", "persistence"), "8Gi", "minio",
        class_ignored=_BITNAMI_CLASS.format(sub="minio"), writers=("backend-object-storage",),
    ),
    Claim(
        "localstack", BACKEND, "LocalStack volume", "Object storage of models, datasets and functions (LocalStack S3).",
        ("localstack", "persistence"), "5Gi", "localstack",
        class_ignored=_BITNAMI_CLASS.format(sub="localstack"), writers=("backend-object-storage",),
    ),
    Claim(
        "docker_registry", BACKEND, "Registry volume", "Images built by Kaniko, stored by the bundled registry.",
        ("docker-registry", "persistence"), "10Gi", "bundled_registry", access="string",
        writers=("backend-docker-registry",),
    ),
    Claim(
        "servermedias", BACKEND, "Server media volume",
        "Files uploaded to the backend server (the reference page does not list this volume). The chart creates it "
        "ReadWriteOnce; the key that sets its class is server.persistence.servermedias.storageClass (the documented "
        "server.persistence.storageClass has no effect).",
        ("server", "persistence", "servermedias"), "10Gi", "backend", access="fixed", writers=("backend-server",),
    ),
    Claim(
        "worker", BACKEND, "Worker volume",
        "Working files of compute tasks, one claim per worker replica, also mounted by the compute pods. With "
        "ReadWriteOnce, compute pods run on their worker's node; ReadWriteMany lets them run elsewhere.",
        ("worker", "persistence"), "10Gi", "backend", access="one-entry-list", access_key=("worker", "accessModes"),
        reusable=False, writers=("backend-worker", "backend-task-execution"),
    ),
    Claim(
        "builder", BACKEND, "Builder volume",
        "Build contexts of the image builder, one claim per builder replica (a cache: not worth backing up).",
        ("builder", "persistence"), "10Gi", "builder", access="fixed", reusable=False, writers=("backend-builder",),
    ),
    Claim(
        "kaniko_cache", BACKEND, "Kaniko cache volume",
        "Base-image cache of the image builder, one claim per builder replica (a cache: not worth backing up).",
        ("kaniko", "cache", "persistence"), "10Gi", "builder", access="fixed", reusable=False,
        writers=("backend-builder",),
    ),
)

CLAIMS_BY_ID: dict[str, Claim] = {claim.id: claim for claim in CLAIMS}
