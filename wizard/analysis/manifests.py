"""Reading Kubernetes manifests (multi-document YAML files) for the analysis commands, and finding pod templates."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard import files, yamlio
from wizard.errors import OutputError

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


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes object and where it came from (`file` and the 1-based document number), for messages."""

    obj: dict[str, Any]
    file: str
    document: int

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
    def label(self) -> str:
        """`Kind/name` as kubectl prints it."""
        return f"{self.kind}/{self.name}"


def read_manifests(paths: Sequence[Path | str]) -> list[Manifest]:
    """Every object in the files, in order; `-` reads standard input. A `List` kind is expanded into its items.

    Raises:
        OutputError: a file cannot be read, is not YAML, or holds a document that is not a Kubernetes object.
    """
    found: list[Manifest] = []
    for path in paths:
        text, source = _read(path)
        for index, doc in enumerate(yamlio.load_documents(text, source), start=1):
            found.extend(_objects(doc, source, index))
    return found


def _read(path: Path | str) -> tuple[str, str]:
    """Each file, and standard input, within yamlio.MAX_MANIFEST_BYTES (a stream from /dev/zero ends there)."""
    limit = yamlio.MAX_MANIFEST_BYTES
    if str(path) == "-":
        import sys

        text = sys.stdin.read(limit + 1)
        if len(text) > limit:
            raise OutputError(f"standard input holds more than {limit // (1 << 20)} MB of manifests; the wizard reads "
                              "manifests up to that size", title="Input too large")
        return text, "standard input"
    return files.read_text(Path(path), limit=limit, what="rendered manifests"), str(path)


def _objects(doc: object, source: str, index: int) -> Iterator[Manifest]:
    if doc is None:
        return
    if not isinstance(doc, dict) or "kind" not in doc:
        raise OutputError(f"{source}, document {index}: not a Kubernetes object (no kind); give rendered "
                          "manifests, e.g. the output of helm template")
    if doc["kind"] == "List" or (str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), list)):
        for item in doc.get("items") or []:
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
