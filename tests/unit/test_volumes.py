"""The volume inventory: every claim that will exist, created or reused."""

from __future__ import annotations

from typing import Any

from wizard.analysis.manifests import Manifest
from wizard.analysis.volumes import inventory


def manifests(*objects: dict[str, Any]) -> list[Manifest]:
    return [Manifest(obj, "test.yaml", index) for index, obj in enumerate(objects, start=1)]


def pvc(name: str, **spec: Any) -> dict[str, Any]:
    return {"kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": spec}


def workload(kind: str, name: str, volumes: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"kind": kind, "metadata": {"name": name, "namespace": "ns"},
            "spec": {**spec, "template": {"spec": {"containers": [{"name": "c"}], "volumes": volumes}}}}


def test_a_standalone_claim_with_size_class_and_modes() -> None:
    (claim,) = inventory(manifests(pvc("data", accessModes=["ReadWriteOnce"], storageClassName="fast",
                                       resources={"requests": {"storage": "10Gi"}})), "org-1")
    assert (claim.name, claim.namespace, claim.created, claim.size, claim.storage_class, claim.access_modes) == (
        "data", "org-1", True, "10Gi", "fast", ("ReadWriteOnce",))
    assert claim.source == "PersistentVolumeClaim/data"


def test_storage_class_unset_means_cluster_default_and_empty_means_none() -> None:
    default, none = inventory(manifests(pvc("a"), pvc("b", storageClassName="")))
    assert default.storage_class is None and default.class_text == "(cluster default)"
    assert none.storage_class == "" and none.class_text.startswith('"" (no class')


def test_statefulset_templates_expand_per_replica() -> None:
    template = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                       "resources": {"requests": {"storage": "8Gi"}}}}
    claims = inventory(manifests(workload("StatefulSet", "db", [], replicas=3, volumeClaimTemplates=[template])))
    assert [c.name for c in claims] == ["data-db-0", "data-db-1", "data-db-2"]
    assert all(c.size == "8Gi" and c.mounted_by == ("StatefulSet/db",) for c in claims)
    assert claims[2].source == "StatefulSet/db (template data, replica 2)"


def test_statefulset_without_replicas_has_one() -> None:
    template = {"metadata": {"name": "cache"}, "spec": {}}
    claims = inventory(manifests(workload("StatefulSet", "b", [], volumeClaimTemplates=[template])))
    assert [c.name for c in claims] == ["cache-b-0"]


def test_an_existing_claim_mounted_but_not_created() -> None:
    volumes = [{"name": "media", "persistentVolumeClaim": {"claimName": "my-medias"}}]
    (claim,) = inventory(manifests(workload("Deployment", "server", volumes), workload("Deployment", "w", volumes)))
    assert (claim.name, claim.namespace, claim.created) == ("my-medias", "ns", False)
    assert claim.mounted_by == ("Deployment/server", "Deployment/w")
    assert claim.class_text == "(existing claim)"


def test_a_created_claim_lists_the_workloads_that_mount_it() -> None:
    volumes = [{"name": "media", "persistentVolumeClaim": {"claimName": "media"}}]
    claims = inventory(manifests({**pvc("media"), "metadata": {"name": "media", "namespace": "ns"}},
                                 workload("Deployment", "server", volumes)))
    assert [(c.name, c.created, c.mounted_by) for c in claims] == [("media", True, ("Deployment/server",))]


def test_generic_ephemeral_volumes_are_claims_per_pod() -> None:
    volumes = [{"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}}]
    (claim,) = inventory(manifests(workload("Deployment", "job", volumes)))
    assert claim.name == "job-<pod>-scratch" and claim.size == "1Gi" and claim.created
    assert "one per pod" in claim.source


def test_claims_in_other_namespaces_are_kept_apart() -> None:
    a = {"kind": "PersistentVolumeClaim", "metadata": {"name": "x", "namespace": "a"}, "spec": {}}
    b = {"kind": "PersistentVolumeClaim", "metadata": {"name": "x", "namespace": "b"}, "spec": {}}
    assert [(c.namespace, c.name) for c in inventory(manifests(a, b))] == [("a", "x"), ("b", "x")]
