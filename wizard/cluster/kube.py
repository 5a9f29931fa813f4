"""The one place that talks to the Kubernetes API: connect from a kubeconfig, read objects as plain dicts, create a
namespace, create or replace a Secret. Everything else (discovery, preflight, install) works on what these functions
return.

The kubernetes package costs up to 0.7 s to import, so it is imported inside `connect` only. Objects come back as the
API's own JSON shape (camelCase dicts): the readiness and diagnosis code reads them like kubectl -o json output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.errors import WizardError

DEFAULT_KUBECONFIG = "~/.kube/config"
FIELD_MANAGER = "substra-wizard"
"""What the wizard's writes are recorded as (managedFields), the same name install.sh gives kubectl apply."""


class ClusterError(WizardError):
    """The cluster cannot be reached or refused a request; the message says which and what to do."""


@dataclass
class Connection:
    """An API client for one kube context, with the names an operator recognises (context and server)."""

    api: Any
    context: str
    server: str
    timeout: float

    def _core(self) -> Any:
        from kubernetes import client

        return client.CoreV1Api(self.api)

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Call an API method; the typed answer (real deserialisation) is turned back into the API's JSON shape."""
        result = method(*args, _request_timeout=self.timeout, **kwargs)
        return self.api.sanitize_for_serialization(result)  # type: ignore[no-any-return]

    def version(self) -> dict[str, Any]:
        from kubernetes import client

        return self._call(client.VersionApi(self.api).get_code)

    def storage_classes(self) -> list[dict[str, Any]]:
        from kubernetes import client

        return self._call(client.StorageV1Api(self.api).list_storage_class).get("items") or []

    def ingress_classes(self) -> list[dict[str, Any]]:
        from kubernetes import client

        return self._call(client.NetworkingV1Api(self.api).list_ingress_class).get("items") or []

    def namespaces(self) -> list[dict[str, Any]]:
        return self._call(self._core().list_namespace).get("items") or []

    def namespace(self, name: str) -> dict[str, Any] | None:
        return self._maybe(self._core().read_namespace, name)

    def create_namespace(self, name: str, labels: dict[str, str]) -> dict[str, Any]:
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}
        return self._call(self._core().create_namespace, body)

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The Secret as the API returns it (its data base64, as stored), or None when there is none."""
        return self._maybe(self._core().read_namespaced_secret, name, namespace)

    def create_secret(self, namespace: str, body: dict[str, Any]) -> None:
        """Create the Secret; the answer (which repeats the data) is dropped."""
        self._call(self._core().create_namespaced_secret, namespace, body, field_manager=FIELD_MANAGER)

    def replace_secret(self, namespace: str, name: str, body: dict[str, Any]) -> None:
        """Replace the Secret (a body with metadata.resourceVersion fails with 409 if it changed meanwhile)."""
        self._call(self._core().replace_namespaced_secret, name, namespace, body, field_manager=FIELD_MANAGER)

    def claims(self, namespace: str | None = None) -> list[dict[str, Any]]:
        core = self._core()
        if namespace is None:
            return self._call(core.list_persistent_volume_claim_for_all_namespaces).get("items") or []
        return self._call(core.list_namespaced_persistent_volume_claim, namespace).get("items") or []

    def pods(self, namespace: str, selector: str) -> list[dict[str, Any]]:
        return self._call(self._core().list_namespaced_pod, namespace, label_selector=selector).get("items") or []

    def events(self, namespace: str) -> list[dict[str, Any]]:
        return self._call(self._core().list_namespaced_event, namespace).get("items") or []

    def workload(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        from kubernetes import client

        apps, batch = client.AppsV1Api(self.api), client.BatchV1Api(self.api)
        read = {"Deployment": apps.read_namespaced_deployment, "StatefulSet": apps.read_namespaced_stateful_set,
                "DaemonSet": apps.read_namespaced_daemon_set, "Job": batch.read_namespaced_job}[kind]
        return self._maybe(read, name, namespace)

    def dry_run_pod(self, namespace: str, body: dict[str, Any]) -> list[str]:
        """Create the pod with dryRun=All: the whole admission chain judges it and nothing is stored. Returns the API
        server's warnings (e.g. Pod Security warn level); a refusal raises the client's ApiException."""
        answer = self._core().create_namespaced_pod_with_http_info(namespace, body, dry_run="All",
                                                                    _request_timeout=self.timeout)
        return warnings_of(answer[2] if isinstance(answer, tuple) else getattr(answer, "headers", None))

    def log_tail(self, namespace: str, pod: str, container: str, lines: int = 10) -> str:
        """The last lines of a container's previous run (what crashed), else of its current one."""
        from kubernetes.client.exceptions import ApiException

        core = self._core()
        for previous in (True, False):
            try:
                text = core.read_namespaced_pod_log(pod, namespace, container=container, tail_lines=lines,
                                                    previous=previous, _request_timeout=self.timeout)
                return str(text)
            except ApiException:
                continue
        return ""

    def _maybe(self, method: Any, *args: Any) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            return self._call(method, *args)
        except ApiException as error:
            if error.status == 404:
                return None
            raise


def kubeconfig_path(kubeconfig: str | os.PathLike[str] | None = None) -> str:
    """The kubeconfig the wizard reads: the one given, else $KUBECONFIG, else ~/.kube/config (like kubectl)."""
    if kubeconfig:
        return os.fspath(kubeconfig)
    return os.environ.get("KUBECONFIG") or str(Path(DEFAULT_KUBECONFIG).expanduser())


def connect(kubeconfig: str | os.PathLike[str] | None = None, context: str | None = None,
            timeout: float = 10.0) -> Connection:
    """A client for the context (default: the kubeconfig's current one). Nothing is sent to the server yet.

    Raises:
        ClusterError: no kubeconfig, no such context, or a kubeconfig the client cannot use.
    """
    path = kubeconfig_path(kubeconfig)
    if not any(Path(p).expanduser().is_file() for p in path.split(os.pathsep) if p):
        raise ClusterError(f"no kubeconfig at {path}: point KUBECONFIG at one (kind, k3d and minikube write "
                           "~/.kube/config when they create a cluster)")
    for part in path.split(os.pathsep):
        if part and Path(part).expanduser().exists():
            _readable_kubeconfig(Path(part).expanduser())
    import yaml
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    try:
        contexts, active = config.list_kube_config_contexts(path)
        chosen = context or (active or {}).get("name")
        if not chosen:
            raise ClusterError(f"{path} has no current context: run kubectl config use-context NAME")
        if chosen not in {c.get("name") for c in contexts or ()}:
            raise ClusterError(f"{path} has no context named {chosen}")
        configuration = client.Configuration()
        config.load_kube_config(config_file=path, context=chosen, client_configuration=configuration,
                                persist_config=False)
    except ConfigException as error:
        raise ClusterError(f"cannot use the kubeconfig {path}: {error}") from None
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, KeyError, IndexError) as error:  # a hostile file
        raise ClusterError(f"cannot use the kubeconfig {path}: it is not a kubeconfig the client can read "
                           f"({type(error).__name__}); check it with kubectl config view") from None
    configuration.retries = False  # one attempt per call: an unreachable cluster answers within the timeout
    return Connection(client.ApiClient(configuration), chosen, configuration.host, timeout)


def _readable_kubeconfig(path: Path) -> None:
    """The client reads the file itself, without bounds: check first that it is a regular UTF-8 file of a sane size
    (a FIFO would hang, /dev/zero never ends, a binary file ends in a decoding error).

    Raises:
        ClusterError: naming the file and what is wrong.
    """
    from wizard.core import files
    from wizard.core.errors import OutputError

    try:
        files.read_text(path, what="a kubeconfig")
    except OutputError as error:
        raise ClusterError(f"cannot use the kubeconfig: {error.msg}") from None


def describe_failure(error: BaseException, server: str) -> str:
    """An API failure in words: unreachable, unauthorised, forbidden, or the server's own message."""
    status = getattr(error, "status", None)
    if status == 401:
        return f"the server {server} did not accept the credentials (401): log in again or refresh the kubeconfig"
    if status == 403:
        return f"the server {server} refused the request (403 Forbidden): {server_message(error)}"
    if status is not None:
        return f"the server {server} answered {status}: {server_message(error)}"
    text = str(error)
    if "timed out" in text.lower() or "timeout" in type(error).__name__.lower():
        return f"the server {server} did not answer in time (is the cluster running?)"
    for clue, words in _NETWORK_CLUES:
        if clue in text:
            return f"cannot reach the server {server}: {words}"
    return f"cannot reach the server {server} (is the cluster running? {type(error).__name__})"


_NETWORK_CLUES = (
    ("Connection refused", "connection refused (is the cluster running?)"),
    ("Name or service not known", "its host name is unknown (check the kubeconfig's server)"),
    ("CERTIFICATE_VERIFY_FAILED", "its certificate is not trusted by the kubeconfig's certificate authority"),
    ("No route to host", "no route to host (VPN or network down?)"),
)


def warnings_of(headers: Any) -> list[str]:
    """The texts of an answer's `Warning: 299 - "text"` headers (the client joins repeated headers with commas)."""
    import re

    raw = headers.get("Warning") if headers is not None and hasattr(headers, "get") else None
    return [text.replace('\\"', '"') for text in re.findall(r'\d{3} \S+ "((?:[^"\\]|\\.)*)"', str(raw or ""))]


def server_message(error: BaseException) -> str:
    """The API server's own message of a failed request (its Status body), else what the client says."""
    body = getattr(error, "body", None)
    if body:
        import json

        try:
            return str(json.loads(body).get("message") or body)
        except (ValueError, AttributeError):
            return str(body)[:300]
    return str(getattr(error, "reason", "") or error)
