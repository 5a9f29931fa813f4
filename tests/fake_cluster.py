"""A small cluster, as discovery would describe it, for the tests of what the wizard offers from a cluster; and its
Secrets in memory, for the tests of what the install does to them."""

from __future__ import annotations

import copy
from typing import Any

from wizard.cluster.facts import ClaimFact, ClusterFacts, StorageClassFact

FACTS = ClusterFacts(
    context="kind-test", server="https://127.0.0.1:6443", server_version="1.31", git_version="v1.31.2",
    storage_classes=(StorageClassFact("fast", "csi.example"), StorageClassFact("standard", "rancher.io/local-path",
                                                                              is_default=True)),
    claims=(ClaimFact("org-1", "worker-data", "Bound", "20Gi", "20Gi", ("ReadWriteOnce",), "standard"),
            ClaimFact("elsewhere", "not-here", "Bound", "1Gi", "1Gi", ("ReadWriteOnce",), "standard")))


class FakeSecrets:
    """The Secrets of a cluster in memory, with the calls the wizard made (`calls`: (verb, namespace, name)), for the
    tests of what the install does to Secrets. A read returns a copy, as the API would."""

    def __init__(self, secrets: dict[tuple[str, str], dict[str, Any]] | None = None) -> None:
        self.secrets = {key: copy.deepcopy(value) for key, value in (secrets or {}).items()}
        self.calls: list[tuple[str, str, str]] = []
        self.version = 100

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        self.calls.append(("read", namespace, name))
        found = self.secrets.get((namespace, name))
        return copy.deepcopy(found) if found is not None else None

    def create_secret(self, namespace: str, body: dict[str, Any]) -> None:
        name = body["metadata"]["name"]
        self.calls.append(("create", namespace, name))
        assert (namespace, name) not in self.secrets, "created over an existing Secret"
        self._store(namespace, body)

    def replace_secret(self, namespace: str, name: str, body: dict[str, Any]) -> None:
        self.calls.append(("replace", namespace, name))
        current = self.secrets[(namespace, name)]
        assert body["metadata"].get("resourceVersion") == current["metadata"]["resourceVersion"], "a stale replace"
        self._store(namespace, body)

    def writes(self) -> list[tuple[str, str, str]]:
        return [call for call in self.calls if call[0] != "read"]

    def _store(self, namespace: str, body: dict[str, Any]) -> None:
        self.version += 1
        stored = copy.deepcopy(body)
        stored["metadata"]["resourceVersion"] = str(self.version)
        self.secrets[(namespace, body["metadata"]["name"])] = stored


def secret(namespace: str, name: str, data: dict[str, str], *, wizard: bool = True,
           labels: dict[str, str] | None = None) -> dict[str, Any]:
    """A Secret as the API returns it (data base64), made by the wizard or not."""
    import base64

    labels = {**({"app.kubernetes.io/managed-by": "substra-wizard"} if wizard else {}), **(labels or {})}
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": name, "namespace": namespace, "labels": labels, "resourceVersion": "7"},
            "data": {key: base64.b64encode(value.encode()).decode() for key, value in data.items()}}
