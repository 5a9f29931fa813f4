"""Reading Kubernetes manifests (multi-document YAML files) for the analysis commands, and finding pod templates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.analysis.netpol_policies import check_policy
from wizard.analysis.shapes import Malformed, problems, well_formed
from wizard.core import files
from wizard.core.errors import OutputError
from wizard.yamlkit import yamlio

# Where each workload kind keeps its pod spec (the PodSecurity admission controller evaluates these kinds).
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}

# Kinds whose objects live in no namespace (built-in APIs; a custom resource's scope is in its CRD, not known here).
CLUSTER_SCOPED_KINDS = frozenset({
    "Namespace", "Node", "PersistentVolume", "ComponentStatus",
    "ClusterRole", "ClusterRoleBinding",
    "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass",
    "PriorityClass", "RuntimeClass", "IngressClass", "IPAddress", "ServiceCIDR",
    "CustomResourceDefinition", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    "CertificateSigningRequest", "ClusterTrustBundle",
    "FlowSchema", "PriorityLevelConfiguration", "StorageVersion", "StorageVersionMigration",
    "DeviceClass", "ResourceSlice", "PodSecurityPolicy",
    "TokenReview", "SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview",
})


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes object and where it came from (`file` and the 1-based document number), for messages.

    Build them with `read_manifests` (files: an object with a field of the wrong type is refused) or `from_render`
    (the embedded models: such fields are taken out and listed in `malformed`), so no analysis meets one."""

    obj: dict[str, Any]
    file: str
    document: int
    malformed: tuple[Malformed, ...] = field(default=(), compare=False)
    """Fields of the wrong type taken out of `obj` (the API server refuses the object as rendered)."""

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.obj.get("metadata") or {}).get("name", ""))

    @property
    def namespace(self) -> str | None:
        value = (self.obj.get("metadata") or {}).get("namespace")
        return str(value) if value else None

    @property
    def cluster_scoped(self) -> bool:
        """Whether the object lives in no namespace (a Namespace, a ClusterRole, a StorageClass ...)."""
        return self.kind in CLUSTER_SCOPED_KINDS

    @property
    def label(self) -> str:
        """`Kind/name` as kubectl prints it."""
        return f"{self.kind}/{self.name}"


class MalformedManifest(OutputError):
    """An object with a field of the wrong type (the API server would refuse it)."""


def check(manifest: Manifest) -> None:
    """Refuse an object whose fields the analysis reads have the wrong type (see shapes.py), naming the file, the
    document, the object and the field.

    Raises:
        MalformedManifest: with the first problem, and how many more the object has.
    """
    found = problems(manifest.obj)
    if found:
        where = f"{manifest.file}, document {manifest.document} ({_label(manifest.obj)})"
        more = f" ({len(found) - 1} more malformed field{'s' if len(found) > 2 else ''} in it)" if len(found) > 1 \
            else ""
        raise MalformedManifest(f"{where}: {found[0]}: the API server would refuse this object{more}. Fix the "
                                "manifest.")


def from_render(objects: Iterable[dict[str, Any]], source: str) -> list[Manifest]:
    """Manifests of objects an embedded chart model rendered (`source` names it), numbered from 1. A field of the
    wrong type, which someone's values put there, is taken out and listed in `Manifest.malformed`: the report says
    the API server will refuse the object instead of refusing to explain the values."""
    found = []
    for index, obj in enumerate(objects, start=1):
        kept, malformed = well_formed(obj)
        found.append(Manifest(kept, source, index, tuple(malformed)))
    return found


def check_policies(manifests: Sequence[Manifest]) -> None:
    """Refuse a NetworkPolicy the API server would refuse, whatever the command: `wizard pss` does not analyse
    policies, yet refuses the same files as `wizard netpol` (the analysis of rendered models parses every policy).

    Raises:
        InvalidPolicy: naming the file, the document, the policy and the field.
    """
    for manifest in manifests:
        if manifest.kind == "NetworkPolicy":
            check_policy(manifest.obj, f"{manifest.file}, document {manifest.document} ({manifest.label})")


def _label(obj: dict[str, Any]) -> str:
    """`Kind/name` for a message about an object whose metadata may itself be malformed."""
    from wizard.core.shown import shown

    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return f"{shown(obj.get('kind'), 30)}/{shown(name, 30) if isinstance(name, str) else '?'}"


def read_manifests(paths: Sequence[Path | str]) -> list[Manifest]:
    """Every object in the files, in order; `-` reads standard input. A `List` kind is expanded into its items.

    Raises:
        OutputError: a file cannot be read, is not YAML, or holds a document that is not a Kubernetes object, or an
            object the API server would refuse (a field of the wrong type, an invalid NetworkPolicy).
    """
    found: list[Manifest] = []
    for path in paths:
        text, source = _read(path)
        for index, doc in enumerate(yamlio.load_documents(text, source), start=1):
            found.extend(_objects(doc, source, index))
    for manifest in found:
        check(manifest)
    check_policies(found)
    return found


def _read(path: Path | str) -> tuple[str, str]:
    """Each file, and standard input, within yamlio.MAX_MANIFEST_BYTES (a stream from /dev/zero ends there)."""
    limit = yamlio.MAX_MANIFEST_BYTES
    if str(path) == "-":
        return _read_stdin(limit), "standard input"
    return files.read_text(Path(path), limit=limit, what="rendered manifests"), str(path)


def _read_stdin(limit: int) -> str:
    """Standard input, within the cap files have (`wizard pss - < /dev/zero` would read for ever)."""
    import sys

    data = sys.stdin.buffer.read(limit + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read(limit + 1).encode()
    if len(data) > limit:
        raise OutputError(f"standard input holds more than {limit >> 20} MB; the wizard reads manifests up to "
                          f"{limit >> 20} MB: give the rendered manifests themselves", title="Input too large")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OutputError(f"standard input is not valid UTF-8 (byte offset {exc.start}); give UTF-8 text") from None


def _objects(doc: object, source: str, index: int) -> Iterator[Manifest]:
    if doc is None:
        return
    if not isinstance(doc, dict) or "kind" not in doc:
        raise OutputError(f"{source}, document {index}: not a Kubernetes object (no kind); give rendered "
                          "manifests, e.g. the output of helm template")
    if doc["kind"] == "List" or (str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), list)):
        items = doc.get("items")
        if items is not None and not isinstance(items, list):
            raise MalformedManifest(f"{source}, document {index} (List): items is not a list of objects; give "
                                    "rendered manifests, e.g. the output of helm template")
        for item in items or []:
            yield from _objects(item, source, index)
        return
    yield Manifest(doc, source, index)


def pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec of a Pod or workload object, None for other kinds (or a workload without a template)."""
    path = POD_SPEC_PATHS.get(str(obj.get("kind", "")))
    node: Any = obj
    for key in path or ():
        node = node.get(key) if isinstance(node, dict) else None
    return node if path and isinstance(node, dict) else None


def pod_metadata(obj: dict[str, Any]) -> dict[str, Any]:
    """The metadata the pods get (a workload's template metadata; a Pod's own)."""
    path = POD_SPEC_PATHS.get(str(obj.get("kind", "")))
    if not path:
        return {}
    node: Any = obj
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    meta = node.get("metadata") if isinstance(node, dict) else None
    return meta if isinstance(meta, dict) else {}
