"""The Secrets of secrets/ in the cluster: read from the files the run wrote, compared with what the cluster holds,
then created or replaced before helm runs, since the charts' pods (and the backend's migrations Job) read them at
start. Only the wizard's own Secrets (label app.kubernetes.io/managed-by=substra-wizard, which install.sh's kubectl
apply sets too) are ever replaced: a Secret of the same name that someone else made is refused, never touched.

The values go from the file into the API request and nowhere else: what this module reports names Secrets and keys,
never a value, and the manifests are kept out of reprs.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from wizard.cluster.finding import Finding
from wizard.core import files
from wizard.core.errors import OutputError, WizardError
from wizard.planning.plan import Plan
from wizard.writing import secret_files
from wizard.yamlkit import yamlio

MANAGED_BY_KEY, MANAGED_BY = "app.kubernetes.io/managed-by", "substra-wizard"
Action = Literal["create", "replace", "unchanged", "foreign"]


class SecretRefused(WizardError):
    """A Secret of secrets/ cannot be created: one of that name exists and is not the wizard's."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg, title="A Secret the wizard did not make.")


class SecretStore(Protocol):
    """What this module asks of the cluster (wizard.cluster.kube.Connection in real runs)."""

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None: ...
    def create_secret(self, namespace: str, body: dict[str, Any]) -> None: ...
    def replace_secret(self, namespace: str, name: str, body: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Wanted:
    """One Secret of secrets/, as it will be sent (data base64, the wizard's label set)."""

    chart: str
    namespace: str
    name: str
    source: Path
    body: dict[str, Any] = field(repr=False, compare=False)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.body["data"])


@dataclass(frozen=True)
class Change:
    """What the install does to one Secret: `changed` names the keys whose value it sets anew (added, different or
    dropped), for a replace."""

    wanted: Wanted
    action: Action
    changed: tuple[str, ...] = ()
    owner: str = ""
    """For a foreign Secret: who made it, as its managed-by label says (empty: no label)."""

    def describe(self) -> str:
        """In words, for progress events: the Secret and its keys, never a value."""
        where = f"Secret {self.wanted.name} in {self.wanted.namespace}"
        if self.action == "create":
            return f"{where} ({_keys(self.wanted.keys)})"
        if self.action == "replace":
            return f"{where} (new values for {_keys(self.changed)})"
        return f"{where} (the same values)" if self.action == "unchanged" else where


def _keys(keys: Sequence[str]) -> str:
    return ("key " if len(keys) == 1 else "keys ") + ", ".join(keys) if keys else "no keys"


def load(values_dir: Path, chart: str, namespace: str) -> list[Wanted]:
    """The Secrets of `values_dir/secrets/<chart>-secrets.yaml` (none when the chart has no such file).

    Raises:
        OutputError: the file cannot be read, holds something other than Secrets, or puts one in another namespace
            than the chart's; the message names the file and the document, never a value.
    """
    path = secret_files.folder(values_dir) / secret_files.manifest_name(chart)
    if not path.exists():
        return []
    text = files.read_text(path, limit=secret_files.MAX_SECRETS_FILE, what="a Secrets file")
    found: list[Wanted] = []
    for index, doc in enumerate(yamlio.load_documents(text, str(path)), 1):
        if doc is None:
            continue
        name, body = _body(doc, f"{path}, document {index}", namespace)
        if any(w.name == name for w in found):
            raise OutputError(f"{path} defines the Secret {name} more than once: keep one, then run again.",
                              title="Cannot read secrets/")
        found.append(Wanted(chart, namespace, name, path, body))
    return found


def _body(doc: object, where: str, namespace: str) -> tuple[str, dict[str, Any]]:
    """(name, the request body) of one document, checked the way the API server would refuse it, but with the file's
    name in the message and before anything is sent."""
    def refuse(why: str) -> OutputError:
        return OutputError(f"{where}: {why}. This file holds only the Secrets the wizard writes: run the wizard again "
                           "to rewrite it, or correct it by hand.", title="Cannot read secrets/")

    if not isinstance(doc, dict) or doc.get("kind") != "Secret" or doc.get("apiVersion") != "v1":
        raise refuse("not a Secret (kind: Secret, apiVersion: v1)")
    meta = doc.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        raise refuse("the Secret has no metadata.name")
    name = str(meta["name"])
    if meta.get("namespace") not in (None, namespace):
        raise refuse(f"Secret {name} is in namespace {meta['namespace']}, but the chart installs into {namespace}")
    data: dict[str, str] = {}
    for key, value in _mapping(doc.get("data"), refuse, f"Secret {name}: data").items():
        try:
            base64.b64decode(str(value), validate=True)
        except binascii.Error:
            raise refuse(f"Secret {name}, key {key}: not base64 (write the value base64-encoded: base64 -w0)") \
                from None
        data[str(key)] = str(value)
    for key, value in _mapping(doc.get("stringData"), refuse, f"Secret {name}: stringData").items():
        data[str(key)] = base64.b64encode(str(value).encode()).decode()
    labels = {str(k): str(v) for k, v in _mapping(meta.get("labels"), refuse, "metadata.labels").items()}
    annotations = {str(k): str(v) for k, v in _mapping(meta.get("annotations"), refuse, "metadata.annotations").items()}
    body = {"apiVersion": "v1", "kind": "Secret", "type": str(doc.get("type") or "Opaque"),
            "metadata": {"name": name, "namespace": namespace, "labels": {**labels, MANAGED_BY_KEY: MANAGED_BY},
                         "annotations": annotations},
            "data": data}
    return name, body


def _mapping(value: object, refuse: Any, what: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise refuse(f"{what} is not a map")
    return value


def compare(wanted: Wanted, current: dict[str, Any] | None) -> Change:
    """What creating `wanted` over `current` (the cluster's Secret of that name, or None) does."""
    if current is None:
        return Change(wanted, "create")
    labels = (current.get("metadata") or {}).get("labels") or {}
    if labels.get(MANAGED_BY_KEY) != MANAGED_BY:
        return Change(wanted, "foreign", owner=str(labels.get(MANAGED_BY_KEY) or ""))
    have, want = _decoded(current.get("data")), _decoded(wanted.body["data"])
    changed = tuple(sorted(k for k in {*have, *want} if have.get(k) != want.get(k)))
    meta = current.get("metadata") or {}
    same_meta = all((meta.get(part) or {}).get(k) == v for part in ("labels", "annotations")
                    for k, v in wanted.body["metadata"][part].items())
    if not changed and same_meta and (current.get("type") or "Opaque") == wanted.body["type"]:
        return Change(wanted, "unchanged")
    return Change(wanted, "replace", changed)


def _decoded(data: object) -> dict[str, bytes]:
    found = {}
    for key, value in (data or {}).items() if isinstance(data, dict) else ():
        try:
            found[str(key)] = base64.b64decode(str(value))
        except (binascii.Error, ValueError):
            found[str(key)] = str(value).encode()
    return found


def survey(cluster: SecretStore, wanted: Iterable[Wanted]) -> list[Change]:
    """What the install would do to each Secret, from what the cluster holds now (nothing is changed).

    Raises:
        ClusterError: the cluster refused to show one (no right to read Secrets, say).
    """
    found = []
    for item in wanted:
        with asking(cluster, f"read Secret {item.name} in namespace {item.namespace}"):
            found.append(compare(item, cluster.secret(item.namespace, item.name)))
    return found


@contextmanager
def asking(cluster: object, what: str) -> Iterator[None]:
    """An API failure as a ClusterError that says what was being done (the client's own text can carry a request)."""
    from wizard.cluster.kube import ClusterError, describe_failure

    try:
        yield
    except (WizardError, KeyboardInterrupt):
        raise
    except Exception as error:  # noqa: BLE001 - the client raises ApiException, urllib3 and socket errors
        server = str(getattr(cluster, "server", "") or "of the kube context")
        raise ClusterError(f"could not {what}: {describe_failure(error, server)}") from None


def refusal(foreign: Sequence[Change]) -> str:
    """Why the install stops at Secrets someone else made, and the ways out."""
    lines = []
    for change in foreign:
        who = f"managed by {change.owner}" if change.owner else f"no label {MANAGED_BY_KEY}={MANAGED_BY}"
        lines.append(f"  Secret {change.wanted.name} in namespace {change.wanted.namespace} ({who})")
    first = foreign[0].wanted
    return ("These Secrets exist and were not made by the wizard, which would replace them with those of "
            f"{first.source.parent}:\n" + "\n".join(lines) + "\nNothing was installed. If they belong to another "
            "release, install this one under another release name (target.*.release) or namespace; if they are "
            "leftovers, delete them (kubectl -n NAMESPACE delete secret NAME); to let the wizard take one over with "
            f"the values of secrets/, label it: kubectl -n NAMESPACE label secret NAME {MANAGED_BY_KEY}={MANAGED_BY}")


def apply(cluster: SecretStore, wanted: Wanted) -> Change:
    """Create the Secret, or replace the wizard's own when its values or labels differ; an identical one is left as
    it is (no new revision, nothing restarts).

    Raises:
        SecretRefused: a Secret of that name exists and is not the wizard's (it is left untouched).
    """
    where = f"Secret {wanted.name} in namespace {wanted.namespace}"
    with asking(cluster, f"read {where}"):
        current = cluster.secret(wanted.namespace, wanted.name)
    change = compare(wanted, current)
    if change.action == "foreign":
        raise SecretRefused(refusal([change]))
    if change.action == "create":
        with asking(cluster, f"create {where}"):
            cluster.create_secret(wanted.namespace, wanted.body)
    elif change.action == "replace":
        assert current is not None
        meta = current.get("metadata") or {}
        body = dict(wanted.body)
        body["metadata"] = {**wanted.body["metadata"], "resourceVersion": meta.get("resourceVersion"),
                            "labels": {**(meta.get("labels") or {}), **wanted.body["metadata"]["labels"]},
                            "annotations": {**(meta.get("annotations") or {}),
                                            **wanted.body["metadata"]["annotations"]}}
        with asking(cluster, f"replace {where}"):
            cluster.replace_secret(wanted.namespace, wanted.name, body)
    return change


def findings(changes: Sequence[Change], restarts: Mapping[tuple[str, str], str],
             said_elsewhere: Collection[str] = ()) -> list[Finding]:
    """Blocking: a Secret someone else made has a name of secrets/. Warning: the cluster holds other values than
    secrets/ (a --rotate-secrets, or a lost folder whose credentials were generated anew): the install replaces them,
    and `restarts` ((Secret, key) -> what must happen) says what else a new value needs. The Secrets named in
    `said_elsewhere` get no such warning (the accounts: their sync is said in full beside)."""
    found = []
    replaced: dict[tuple[str, str], list[str]] = {}  # (namespace, what to do) -> the Secrets and keys it is for
    for change in changes:
        where = f"Secret {change.wanted.name} in namespace {change.wanted.namespace}"
        if change.action == "foreign":
            who = f"managed by {change.owner}" if change.owner else f"no label {MANAGED_BY_KEY}={MANAGED_BY}"
            found.append(Finding("blocking", "secret", f"{where} exists and was not made by the wizard ({who}): the "
                                 "wizard does not replace it with the one of secrets/",
                                 "if it is a leftover, delete it (kubectl -n "
                                 f"{change.wanted.namespace} delete secret {change.wanted.name}); if it belongs to "
                                 "something else, install under another release name (target.*.release); to let "
                                 f"the wizard replace it, label it {MANAGED_BY_KEY}={MANAGED_BY}"))
        elif change.action == "replace" and change.changed and change.wanted.name not in said_elsewhere:
            needs = list(dict.fromkeys(restarts[(change.wanted.name, key)] for key in change.changed
                                       if (change.wanted.name, key) in restarts))
            fix = "; ".join(needs) or "pods that read it see the new values once restarted"
            replaced.setdefault((change.wanted.namespace, fix), []).append(
                f"{change.wanted.name} ({', '.join(change.changed)})")
    for (namespace, fix), names in replaced.items():
        which = f"Secrets {', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else f"Secret {names[0]}"
        verb = "holds" if len(names) == 1 else "hold"
        found.append(Finding("warning", "secret", f"{which} in namespace {namespace} {verb} other values than "
                             "secrets/ for those keys: the install replaces them", fix))
    return found


def restarts(plan: Plan) -> dict[tuple[str, str], str]:
    """(Secret name, key) -> what must happen for a new value there to take effect, from the credentials catalogue:
    the Secrets are rendered with each credential's id as its value, so every key shows which it holds."""
    from wizard.writing.credentials import needed, secret_objects

    wanted = needed(plan)
    found = {}
    for obj in secret_objects(plan, {c.id: c.id for c in wanted}):
        for key, value in obj.data:
            words = set(value.split())
            texts = list(dict.fromkeys(c.restart for c in wanted if c.id in words))
            if texts:
                found[(obj.name, key)] = "; ".join(texts)
    return found
