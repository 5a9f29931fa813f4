"""Plain records of what a cluster holds, as discovery read it: no kubernetes types leak past discovery, so the
front ends, preflight and the tests work with simple values."""

from __future__ import annotations

from dataclasses import dataclass, field

PSS_LABEL = "pod-security.kubernetes.io/"


@dataclass(frozen=True)
class StorageClassFact:
    name: str
    provisioner: str
    is_default: bool = False
    binding_mode: str = "Immediate"
    """Immediate, or WaitForFirstConsumer (a claim stays Pending until a pod uses it: that is normal)."""


@dataclass(frozen=True)
class NamespaceFact:
    name: str
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def pod_security(self) -> dict[str, str]:
        """The pod-security.kubernetes.io labels without their prefix: enforce, enforce-version, warn, audit..."""
        return {k.removeprefix(PSS_LABEL): v for k, v in self.labels.items() if k.startswith(PSS_LABEL)}

    @property
    def enforced_level(self) -> str:
        """What the admission controller enforces here: privileged when the label is absent (its default)."""
        return self.pod_security.get("enforce", "privileged")


@dataclass(frozen=True)
class ClaimFact:
    namespace: str
    name: str
    phase: str
    """Pending, Bound or Lost."""
    capacity: str | None
    """What the bound volume offers (status.capacity.storage); None while unbound."""
    requested: str | None
    access_modes: tuple[str, ...]
    storage_class: str | None


@dataclass(frozen=True)
class IngressClassFact:
    name: str
    controller: str
    is_default: bool = False


@dataclass(frozen=True)
class ClusterFacts:
    """One read of the cluster. `unreadable` names what could not be read (e.g. forbidden), so checks that need it
    say so instead of guessing."""

    context: str
    server: str
    server_version: str
    """major.minor, e.g. 1.31."""
    git_version: str
    storage_classes: tuple[StorageClassFact, ...] = ()
    namespaces: tuple[NamespaceFact, ...] = ()
    claims: tuple[ClaimFact, ...] = ()
    ingress_classes: tuple[IngressClassFact, ...] = ()
    unreadable: tuple[str, ...] = ()

    @property
    def default_storage_class(self) -> str | None:
        defaults = [c.name for c in self.storage_classes if c.is_default]
        return defaults[0] if defaults else None

    @property
    def default_ingress_class(self) -> str | None:
        defaults = [c.name for c in self.ingress_classes if c.is_default]
        return defaults[0] if defaults else None

    def namespace(self, name: str) -> NamespaceFact | None:
        return next((n for n in self.namespaces if n.name == name), None)

    def claim(self, namespace: str, name: str) -> ClaimFact | None:
        return next((c for c in self.claims if c.namespace == namespace and c.name == name), None)

    def claims_in(self, namespace: str) -> list[ClaimFact]:
        """The existing-claim picker's choices for a namespace."""
        return [c for c in self.claims if c.namespace == namespace]


@dataclass(frozen=True)
class Discovery:
    """What `discover` found: the facts, or None and the reason in plain words (no kubeconfig, unreachable...)."""

    facts: ClusterFacts | None
    reason: str = ""
    context: str | None = None
    server: str | None = None
