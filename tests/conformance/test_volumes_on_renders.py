"""The volume inventory on the real renders in ../shared agrees with the chart facts (FACTS.md §1.4, §2.3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.analysis.manifests import read_manifests
from wizard.analysis.volumes import inventory

RENDERS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "substra-renders"
pytestmark = pytest.mark.skipif(not RENDERS.is_dir(), reason=f"{RENDERS} is absent: the real renders live in ../shared")


def claims(render: str) -> dict[str, tuple[bool, str | None, tuple[str, ...]]]:
    found = inventory(read_manifests([RENDERS / render]), "org-1")
    return {c.name: (c.created, c.size, c.access_modes) for c in found}


def test_backend_defaults_create_the_eight_claims_of_the_facts() -> None:
    assert claims("substra-backend/00-defaults.yaml") == {
        "rel-docker-registry": (True, "10Gi", ("ReadWriteOnce",)),
        "rel-minio": (True, "8Gi", ("ReadWriteOnce",)),
        "data-rel-postgresql-0": (True, "8Gi", ("ReadWriteOnce",)),
        "redis-data-rel-redis-master-0": (True, "8Gi", ("ReadWriteOnce",)),
        "subtuple-rel-substra-backend-builder-0": (True, "10Gi", ("ReadWriteOnce",)),
        "docker-cache-rel-substra-backend-builder-0": (True, "10Gi", ("ReadWriteOnce",)),
        "subtuple-rel-substra-backend-worker-0": (True, "10Gi", ("ReadWriteOnce",)),
        "rel-substra-backend-servermedias": (True, "10Gi", ("ReadWriteOnce",)),
    }


def test_an_existing_servermedias_claim_is_mounted_not_created() -> None:
    found = claims("substra-backend/09-servermedias-storageclass-and-existing.yaml")
    assert found["my-medias"] == (False, None, ())
    assert "rel-substra-backend-servermedias" not in found


def test_orchestrator_defaults_have_only_the_database_claim() -> None:
    assert claims("orchestrator/00-defaults.yaml") == {"data-rel-postgresql-0": (True, "8Gi", ("ReadWriteOnce",))}
