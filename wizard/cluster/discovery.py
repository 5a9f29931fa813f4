"""Read what the cluster of the current kube context offers, fast and without ever raising: the front ends call it
from a worker thread to fill their choice lists, and the wizard works fully when it finds nothing.

Read-only: version, storage classes (and the default), namespaces with their Pod Security labels, claims (phase,
capacity, access modes, class) and ingress classes. A list the credentials may not read (403) is left empty and
named in `ClusterFacts.unreadable`; an unreachable server gives `Discovery(None, reason)`.
"""

from __future__ import annotations

import os
from typing import Any

from wizard.cluster.facts import (
    ClaimFact,
    ClusterFacts,
    Discovery,
    IngressClassFact,
    NamespaceFact,
    StorageClassFact,
)
from wizard.cluster.kube import ClusterError, Connection, connect, describe_failure

DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
DEFAULT_CLASS_BETA = "storageclass.beta.kubernetes.io/is-default-class"
DEFAULT_INGRESS_CLASS = "ingressclass.kubernetes.io/is-default-class"


def discover(timeout: float = 3.0, *, kubeconfig: str | os.PathLike[str] | None = None, context: str | None = None,
             namespaces: tuple[str, ...] = ()) -> Discovery:
    """One read of the cluster, each request bounded by `timeout` seconds. Never raises for cluster trouble.

    `namespaces`: where to list claims when the credentials may not list them cluster-wide.
    """
    try:
        connection = connect(kubeconfig, context, timeout)
    except ClusterError as error:
        return Discovery(None, error.msg)
    try:
        return Discovery(read_facts(connection, namespaces), context=connection.context, server=connection.server)
    except Exception as error:  # noqa: BLE001 - any failure of the first call means "no cluster to offer"
        return Discovery(None, describe_failure(error, connection.server), connection.context, connection.server)


def read_facts(connection: Connection, namespaces: tuple[str, ...] = ()) -> ClusterFacts:
    """The facts through an open connection. The version call must succeed (it proves the server answers); every
    other list that is forbidden is named in `unreadable` instead of failing the whole read."""
    version = connection.version()
    unreadable: list[str] = []

    def optional(what: str, read: Any, *args: Any) -> list[dict[str, Any]]:
        try:
            return list(read(*args))
        except Exception as error:  # noqa: BLE001 - forbidden or missing API: say so, keep the rest
            if getattr(error, "status", None) is None:
                raise
            unreadable.append(f"{what} ({describe_failure(error, connection.server)})")
            return []

    classes = optional("storage classes", connection.storage_classes)
    found_namespaces = optional("namespaces", connection.namespaces)
    claims = _claims(connection, namespaces, unreadable)
    ingress = optional("ingress classes", connection.ingress_classes)
    return ClusterFacts(
        context=connection.context,
        server=connection.server,
        server_version=f"{version.get('major', '').rstrip('+')}.{version.get('minor', '').rstrip('+')}",
        git_version=str(version.get("gitVersion", "")),
        storage_classes=tuple(storage_class(obj) for obj in classes),
        namespaces=tuple(NamespaceFact(_meta(o)["name"], dict(_meta(o).get("labels") or {}))
                         for o in found_namespaces),
        claims=tuple(claim(obj) for obj in claims),
        ingress_classes=tuple(ingress_class(obj) for obj in ingress),
        unreadable=tuple(unreadable),
    )


def _claims(connection: Connection, namespaces: tuple[str, ...], unreadable: list[str]) -> list[dict[str, Any]]:
    try:
        return connection.claims()
    except Exception as error:  # noqa: BLE001
        if getattr(error, "status", None) is None:
            raise
        if not namespaces:
            unreadable.append(f"claims ({describe_failure(error, connection.server)})")
            return []
    found: list[dict[str, Any]] = []
    for namespace in namespaces:  # cluster-wide listing forbidden: try the namespaces the plan uses
        try:
            found += connection.claims(namespace)
        except Exception as error:  # noqa: BLE001
            if getattr(error, "status", None) is None:
                raise
            unreadable.append(f"claims in {namespace} ({describe_failure(error, connection.server)})")
    return found


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return obj.get("metadata") or {}


def _annotated_true(obj: dict[str, Any], *keys: str) -> bool:
    annotations = _meta(obj).get("annotations") or {}
    return any(str(annotations.get(key, "")).lower() == "true" for key in keys)


def storage_class(obj: dict[str, Any]) -> StorageClassFact:
    return StorageClassFact(
        name=_meta(obj)["name"],
        provisioner=str(obj.get("provisioner", "")),
        is_default=_annotated_true(obj, DEFAULT_CLASS, DEFAULT_CLASS_BETA),
        binding_mode=str(obj.get("volumeBindingMode") or "Immediate"),
    )


def claim(obj: dict[str, Any]) -> ClaimFact:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    return ClaimFact(
        namespace=_meta(obj).get("namespace", ""),
        name=_meta(obj)["name"],
        phase=str(status.get("phase") or "Pending"),
        capacity=(status.get("capacity") or {}).get("storage"),
        requested=((spec.get("resources") or {}).get("requests") or {}).get("storage"),
        access_modes=tuple(status.get("accessModes") or spec.get("accessModes") or ()),
        storage_class=spec.get("storageClassName"),
    )


def ingress_class(obj: dict[str, Any]) -> IngressClassFact:
    return IngressClassFact(
        name=_meta(obj)["name"],
        controller=str((obj.get("spec") or {}).get("controller", "")),
        is_default=_annotated_true(obj, DEFAULT_INGRESS_CLASS),
    )
