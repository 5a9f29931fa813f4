"""A small cluster, as discovery would describe it, for the tests of what the wizard offers from a cluster."""

from __future__ import annotations

from wizard.cluster.facts import ClaimFact, ClusterFacts, StorageClassFact

FACTS = ClusterFacts(
    context="kind-test", server="https://127.0.0.1:6443", server_version="1.31", git_version="v1.31.2",
    storage_classes=(StorageClassFact("fast", "csi.example"), StorageClassFact("standard", "rancher.io/local-path",
                                                                              is_default=True)),
    claims=(ClaimFact("org-1", "worker-data", "Bound", "20Gi", "20Gi", ("ReadWriteOnce",), "standard"),
            ClaimFact("elsewhere", "not-here", "Bound", "1Gi", "1Gi", ("ReadWriteOnce",), "standard")))
