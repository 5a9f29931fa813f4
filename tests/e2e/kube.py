"""What the end-to-end tests do to a test cluster themselves (set the scene, then look at the result), through the
real kubernetes client: namespaces with Pod Security labels, storage classes, pre-made volumes, claims, quotas,
and reads of workloads, events and Helm's release records."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
PSS = "pod-security.kubernetes.io/"


@dataclass
class TestCluster:
    name: str
    kubeconfig: Path
    bin_dir: Path
    _api: Any = field(default=None, repr=False)

    __test__ = False  # not a test class, despite its name

    @property
    def api(self) -> Any:
        if self._api is None:
            from kubernetes import client, config

            configuration = client.Configuration()
            config.load_kube_config(config_file=str(self.kubeconfig), client_configuration=configuration)
            self._api = client.ApiClient(configuration)
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()

    @property
    def core(self) -> Any:
        from kubernetes import client

        return client.CoreV1Api(self.api)

    @property
    def apps(self) -> Any:
        from kubernetes import client

        return client.AppsV1Api(self.api)

    @property
    def batch(self) -> Any:
        from kubernetes import client

        return client.BatchV1Api(self.api)

    @property
    def networking(self) -> Any:
        from kubernetes import client

        return client.NetworkingV1Api(self.api)

    @property
    def storage(self) -> Any:
        from kubernetes import client

        return client.StorageV1Api(self.api)

    def json(self, value: Any) -> Any:
        return self.api.sanitize_for_serialization(value)

    # --- setting the scene ---------------------------------------------------------------------------------------

    def add_storage_class(self, name: str, *, default: bool = False) -> None:
        """A class without a provisioner: its claims bind to volumes made beforehand (add_volumes)."""
        annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else {}
        self.storage.create_storage_class({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                           "metadata": {"name": name, "annotations": annotations},
                                           "provisioner": "kubernetes.io/no-provisioner",
                                           "volumeBindingMode": "Immediate"})

    def add_volumes(self, prefix: str, count: int, *, storage_class: str = "standard", size: str = "100Gi",
                    modes: tuple[str, ...] = ("ReadWriteOnce", "ReadWriteMany")) -> None:
        for index in range(count):
            self.core.create_persistent_volume({
                "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": f"{prefix}-pv-{index}"},
                "spec": {"capacity": {"storage": size}, "accessModes": list(modes), "storageClassName": storage_class,
                         "persistentVolumeReclaimPolicy": "Retain", "hostPath": {"path": f"/tmp/{prefix}/{index}"}}})

    def add_namespace(self, name: str, *, enforce: str | None = None, labels: dict[str, str] | None = None) -> None:
        labels = dict(labels or {})
        if enforce:
            labels[f"{PSS}enforce"] = enforce
        self.core.create_namespace({"apiVersion": "v1", "kind": "Namespace",
                                    "metadata": {"name": name, "labels": labels}})
        self.wait_for(lambda: self._default_account(name), f"the default service account of {name}")

    def _default_account(self, namespace: str) -> bool:
        from kubernetes.client.exceptions import ApiException

        try:
            self.core.read_namespaced_service_account("default", namespace)
            return True
        except ApiException:
            return False

    def add_claim(self, namespace: str, name: str, size: str, *, storage_class: str = "standard",
                  modes: tuple[str, ...] = ("ReadWriteOnce",)) -> None:
        self.core.create_namespaced_persistent_volume_claim(namespace, {
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": {"accessModes": list(modes), "storageClassName": storage_class,
                     "resources": {"requests": {"storage": size}}}})

    # --- looking -------------------------------------------------------------------------------------------------

    def namespace_labels(self, name: str) -> dict[str, str]:
        return dict(self.core.read_namespace(name).metadata.labels or {})

    def claim_phase(self, namespace: str, name: str) -> str:
        return str(self.core.read_namespaced_persistent_volume_claim(name, namespace).status.phase)

    def workloads(self, namespace: str) -> dict[str, dict[str, Any]]:
        """kind/name -> the object, for Deployments, StatefulSets and Jobs."""
        found = {}
        for kind, items in (("Deployment", self.apps.list_namespaced_deployment(namespace).items),
                            ("StatefulSet", self.apps.list_namespaced_stateful_set(namespace).items),
                            ("Job", self.batch.list_namespaced_job(namespace).items)):
            for item in items:
                found[f"{kind}/{item.metadata.name}"] = self.json(item)
        return found

    def pods(self, namespace: str) -> list[dict[str, Any]]:
        return [self.json(p) for p in self.core.list_namespaced_pod(namespace).items]

    def events(self, namespace: str) -> list[dict[str, Any]]:
        return [self.json(e) for e in self.core.list_namespaced_event(namespace).items]

    def refusals(self, namespace: str, words: str = "violates PodSecurity") -> dict[str, str]:
        """Workload (or ReplicaSet) name -> the message of its FailedCreate events that contain `words`."""
        return {e["involvedObject"]["name"]: e["message"] for e in self.events(namespace)
                if e.get("reason") == "FailedCreate" and words in e.get("message", "")}

    def releases(self, namespace: str) -> dict[str, str]:
        """Helm's release records in the namespace (Secrets of type helm.sh/release.v1): name -> latest status."""
        latest: dict[str, tuple[int, str]] = {}
        for secret in self.core.list_namespaced_secret(namespace, label_selector="owner=helm").items:
            labels = secret.metadata.labels or {}
            version = int(labels.get("version", 0))
            if version >= latest.get(labels.get("name", ""), (0, ""))[0]:
                latest[labels["name"]] = (version, labels.get("status", ""))
        return {name: status for name, (_, status) in latest.items()}

    @staticmethod
    def wait_for(check: Callable[[], T], what: str, timeout: float = 60.0, every: float = 0.5) -> T:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout:.0f} s for {what}")
            time.sleep(every)
