"""Every persistent volume claim a set of manifests leads to: standalone claims, StatefulSet volumeClaimTemplates
expanded per replica, generic ephemeral volumes, and the existing claims that workloads mount instead of creating."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from wizard.analysis.manifests import Manifest, pod_spec

MAX_LISTED_REPLICAS = 100
"""Replicas of a StatefulSet whose claims are listed one by one; the claims of the others are one line (a hostile
`replicas: 2000000000` would otherwise list two billion claims)."""


@dataclass(frozen=True)
class VolumeClaim:
    """One claim: created by these manifests, or an existing one they only mount (`created` False, nothing known
    about its size, class or access modes)."""

    name: str
    namespace: str
    created: bool
    source: str
    """What makes it: `PersistentVolumeClaim/x`, `StatefulSet/y` (template z, replica n), or the mounting workload."""
    size: str | None = None
    storage_class: str | None = None
    """None: the cluster's default class; "": no class (binds only to a pre-provisioned volume)."""
    access_modes: tuple[str, ...] = ()
    mounted_by: tuple[str, ...] = field(default=())

    @property
    def class_text(self) -> str:
        """The storage class as an operator reads it."""
        if not self.created:
            return "(existing claim)"
        if self.storage_class is None:
            return "(cluster default)"
        return self.storage_class or '"" (no class: pre-provisioned volumes only)'


def inventory(manifests: Iterable[Manifest], default_namespace: str = "default") -> list[VolumeClaim]:
    """Every claim, created ones first in manifest order, then existing ones; each with the workloads mounting it."""
    created: dict[tuple[str, str], VolumeClaim] = {}
    mounts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for manifest in manifests:
        namespace = manifest.namespace or default_namespace
        if manifest.kind == "PersistentVolumeClaim":
            claim = _from_spec(manifest.name, namespace, manifest.label, manifest.obj.get("spec"))
            created[(namespace, claim.name)] = claim
            continue
        for claim in _templates(manifest, namespace):
            created[(namespace, claim.name)] = claim
            mounts[(namespace, claim.name)].append(manifest.label)
        for claim_name in _mounted(manifest):
            mounts[(namespace, claim_name)].append(manifest.label)
    claims = [replace(claim, mounted_by=tuple(dict.fromkeys(mounts.get(key, ())))) for key, claim in created.items()]
    for (namespace, name), users in mounts.items():
        if (namespace, name) not in created:
            claims.append(VolumeClaim(name, namespace, False, users[0], mounted_by=tuple(dict.fromkeys(users))))
    return claims


def _from_spec(name: str, namespace: str, source: str, spec: Any) -> VolumeClaim:
    spec = spec if isinstance(spec, dict) else {}
    requests = ((spec.get("resources") or {}).get("requests") or {})
    size = requests.get("storage")
    return VolumeClaim(
        name=name,
        namespace=namespace,
        created=True,
        source=source,
        size=str(size) if size is not None else None,
        storage_class=spec.get("storageClassName"),
        access_modes=tuple(str(mode) for mode in spec.get("accessModes") or ()),
    )


def _templates(manifest: Manifest, namespace: str) -> list[VolumeClaim]:
    """Claims a workload creates: StatefulSet templates (one per replica) and generic ephemeral volumes."""
    claims = []
    spec = manifest.obj.get("spec") or {}
    if manifest.kind == "StatefulSet":
        replicas = spec.get("replicas")
        count = replicas if isinstance(replicas, int) and replicas >= 0 else 1  # unset: Kubernetes defaults to 1
        for template in spec.get("volumeClaimTemplates") or []:
            base = (template.get("metadata") or {}).get("name", "")
            for index in range(min(count, MAX_LISTED_REPLICAS)):
                source = f"{manifest.label} (template {base}, replica {index})"
                claims.append(_from_spec(f"{base}-{manifest.name}-{index}", namespace, source, template.get("spec")))
            if count > MAX_LISTED_REPLICAS:
                first, last = MAX_LISTED_REPLICAS, count - 1
                source = f"{manifest.label} (template {base}, replicas {first} to {last}: one claim each)"
                claims.append(_from_spec(f"{base}-{manifest.name}-{first}...{last}", namespace, source,
                                         template.get("spec")))
    for volume in (pod_spec(manifest.obj) or {}).get("volumes") or []:
        template = (volume.get("ephemeral") or {}).get("volumeClaimTemplate")
        if template:
            pod = manifest.name if manifest.kind == "Pod" else f"{manifest.name}-<pod>"
            source = f"{manifest.label} (ephemeral volume {volume.get('name')}, one per pod, deleted with it)"
            claims.append(_from_spec(f"{pod}-{volume.get('name')}", namespace, source, template.get("spec")))
    return claims


def _mounted(manifest: Manifest) -> list[str]:
    """Names of the existing claims a workload's pods mount (persistentVolumeClaim volumes)."""
    volumes = (pod_spec(manifest.obj) or {}).get("volumes") or []
    return [str(v["persistentVolumeClaim"]["claimName"]) for v in volumes
            if isinstance(v.get("persistentVolumeClaim"), dict) and v["persistentVolumeClaim"].get("claimName")]

