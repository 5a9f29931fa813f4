"""Reading a bundle back safely, without extracting anything: bounded at every step (core/ustar.py,
support/bundle_manifest.py, yamlkit/yamlcount.py), each member checked against the manifest's sha256, and refused
unless it is exactly what wizard bundle writes (see `read`). A bundle comes from someone else's machine: every cap
below keeps opening one fast and small whatever it holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core import ustar
from wizard.core.errors import OutputError, WizardError
from wizard.core.untrusted import shown
from wizard.support.bundle_layout import ANSWERS, MANIFEST, MEMBERS, ROOT
from wizard.support.side import CHARTS

if TYPE_CHECKING:
    from wizard.planning.layers import Layer
    from wizard.support.bundle_manifest import Manifest

MAX_MEMBERS = 64
"""Tar headers (files and folders) read at most; a bundle has at most 10 files."""
MAX_MEMBER_BYTES = 16 << 20
MAX_TAR_BYTES = 32 << 20
"""The tar inside the gzip, inflated; a real bundle is some 50 KB (a private CA adds its size)."""
MAX_BUNDLE_BYTES = MAX_TAR_BYTES + (MAX_TAR_BYTES >> 8)
"""gzip makes incompressible data a little larger (under 0.1%): a bundle's file is never bigger than this."""
MAX_YAML_BYTES = 4 << 20
MAX_YAML_NODES = 50_000
"""The YAML that opening a bundle parses (its answers file, and its values files when it stands for them), together.
Room for what `wizard bundle` can write (three imported values files of up to importing.reading.MAX_NODES each and an
answers file); libyaml counts and loads 50,000 nodes in well under a second. Real ones hold a few hundred nodes."""


@dataclass(frozen=True)
class Bundle:
    """A bundle read in memory and checked (see `read`): its manifest and its members' text (names without the root
    folder)."""

    path: Path
    manifest: Manifest
    texts: dict[str, str]

    def answers_layer(self) -> Layer | None:
        """The bundle's answers as a Plan layer (None when it carries no answers file)."""
        from wizard.planning import answers
        from wizard.planning.layers import Layer

        if ANSWERS not in self.texts:
            return None
        return Layer(f"bundle {self.path}", answers.parse(self._yaml(ANSWERS), f"{self.path}:{ANSWERS}"))

    def values(self) -> dict[str, dict[str, Any]]:
        """chart -> the values the bundle carries for it, in the manifest's order of charts."""
        found = {}
        for name in _values_members(self.manifest, self.texts):
            data = self._yaml(name)
            if data is not None and not isinstance(data, dict):
                raise _not_a_bundle(self.path, f"{name} is not a map of values")
            found[name.removeprefix("values/").removesuffix("-values.yaml")] = data or {}
        return found

    def _yaml(self, name: str) -> Any:
        """A YAML member as plain data; a YAML error is one line, as every other reason a bundle cannot open."""
        from wizard.yamlkit import yamlio

        where = f"{self.path}:{name}"
        try:
            return yamlio.load_plain(self.texts[name], where)
        except OutputError as error:
            detail = error.msg.splitlines()[0].removeprefix(where).strip(" :")
            raise _not_a_bundle(self.path, f"{name} is not YAML the wizard reads: {shown(detail, 200)}") from None


def read(path: Path) -> Bundle:
    """Read a bundle without extracting anything, and refuse it unless it is exactly what wizard bundle writes.

    In order: a regular file of at most MAX_BUNDLE_BYTES; one gzip stream, inflated to at most MAX_TAR_BYTES and
    read to its end (its CRC-32 and length checked); plain USTAR headers, each checked before its data (no links,
    devices, GNU long names or pax headers, at most MAX_MEMBERS, each at most MAX_MEMBER_BYTES); names from MEMBERS
    under the root folder, each once; manifest.json valid against its schema (wizard/support/bundle_manifest.py); every
    other member listed in it with its sha256, and none listed but absent; UTF-8 text; and the YAML that opening
    it parses within MAX_YAML_BYTES and MAX_YAML_NODES.

    Integrity protects against corruption and tampering of members, not against someone who rewrites the manifest
    too: manifest.json is not in its own list and nothing is signed.

    Raises:
        WizardError: one line naming the file and what is wrong (member names from the file are escaped and cut).
    """
    from wizard.core import files
    from wizard.support.bundle_manifest import ManifestError, parse

    raw = files.read_bytes(path, limit=MAX_BUNDLE_BYTES, what="a bundle")
    try:
        found = ustar.walk(ustar.gunzip(raw, limit=MAX_TAR_BYTES), max_members=MAX_MEMBERS,
                           max_member_bytes=MAX_MEMBER_BYTES)
        members = _by_name(found)
        if MANIFEST not in members:
            raise ustar.ArchiveError(f"it has no {ROOT}{MANIFEST}")
        manifest = parse(bytes(members.pop(MANIFEST)))
    except (ustar.ArchiveError, ManifestError) as error:
        raise _not_a_bundle(path, str(error)) from None
    _verify(path, manifest, members)
    texts = _texts(path, members)
    _check_consistent(path, manifest, texts)
    _check_yaml(path, {name: texts[name] for name in _parsed_members(manifest, texts)})
    return Bundle(path, manifest, texts)


def _by_name(found: Sequence[ustar.Member]) -> dict[str, memoryview]:
    """name inside the root folder -> data, for members that are files a bundle holds; the folders themselves (a
    bundle repacked with tar has them) are skipped."""
    members: dict[str, memoryview] = {}
    for member in found:
        name = member.name
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or ".." in parts or (len(name) > 1 and name[1] == ":"):
            raise ustar.ArchiveError(f"member {shown(name)} points outside the bundle (refused)")
        if not name.startswith(ROOT):
            raise ustar.ArchiveError(f"member {shown(name)} is outside {ROOT}")
        inside = name[len(ROOT):]
        if member.folder:
            if inside.rstrip("/") not in ("", "values"):
                raise ustar.ArchiveError(f"member {shown(name)} is a folder a bundle does not have (refused)")
            continue
        if inside not in MEMBERS:
            raise ustar.ArchiveError(f"member {shown(name)} is none of the files a bundle holds (refused; a newer "
                                     "wizard may have written it: upgrade substra-wizard)")
        if inside in members:
            raise ustar.ArchiveError(f"member {name} appears twice")
        members[inside] = member.data
    return members


def _verify(path: Path, manifest: Manifest, members: Mapping[str, memoryview]) -> None:
    """Every member against the sha256 manifest.json gives it; a member it does not list, or one it lists that is not
    there, is refused too."""
    listed = {entry.name: entry.sha256 for entry in manifest.files}
    for name, data in members.items():
        if name not in listed:
            raise _not_a_bundle(path, f"{ROOT}{name} is not listed in {MANIFEST} (a bundle lists every file it holds)")
        if hashlib.sha256(data).hexdigest() != listed[name]:
            raise _not_a_bundle(path, f"{ROOT}{name} does not match its sha256 in {MANIFEST}: the bundle is corrupt "
                                      "or was altered")
    for name in listed:
        if name not in members:
            raise _not_a_bundle(path, f"{MANIFEST} lists {shown(name)}, which the bundle does not hold")


def _check_consistent(path: Path, manifest: Manifest, texts: Mapping[str, str]) -> None:
    """What wizard bundle always writes together: a Plan bundle has its answers file, and the charts the manifest lists
    are those the bundle has values files for."""
    if manifest.primary == "plan" and ANSWERS not in texts:
        raise _not_a_bundle(path, f"its manifest says it stands for a Plan, but it has no {ANSWERS}")
    listed = sorted(entry.chart for entry in manifest.charts)
    held = sorted(name.removeprefix("values/").removesuffix("-values.yaml") for name in texts
                  if name.startswith("values/"))
    if listed != held:
        raise _not_a_bundle(path, f"its manifest lists the charts {', '.join(listed) or 'none'} but it holds values "
                                  f"files for {', '.join(held) or 'none'}")


def _texts(path: Path, members: Mapping[str, memoryview]) -> dict[str, str]:
    texts = {}
    for name, data in members.items():
        try:
            texts[name] = str(data, "utf-8")
        except UnicodeDecodeError as error:
            raise _not_a_bundle(path, f"{ROOT}{name} is not UTF-8 text (byte {error.start})") from None
    return texts


def _values_members(manifest: Manifest, texts: Mapping[str, str]) -> list[str]:
    """The values files a bundle holds, the charts its manifest lists first, in its order."""
    listed = [entry.chart for entry in manifest.charts]
    ordered = [*listed, *(chart for chart in CHARTS if chart not in listed)]
    return [name for chart in ordered if (name := f"values/{chart}-values.yaml") in texts]


def _parsed_members(manifest: Manifest, texts: Mapping[str, str]) -> list[str]:
    """The YAML members opening a bundle parses: its answers file, and its values files when it stands for them."""
    values = _values_members(manifest, texts) if manifest.primary == "values" else []
    return [name for name in (ANSWERS, *values) if name in texts]


def _check_yaml(path: Path, texts: Mapping[str, str]) -> None:
    """Refuse YAML that would take long to parse (capped, so that opening stays under 5 s): the YAML a bundle makes the
    wizard parse is capped in bytes and in nodes (aliases expanded), counted before anything is built; see
    wizard/yamlkit/yamlcount.py for the depth and anchors refused on the way."""
    from wizard.yamlkit.yamlcount import count_nodes

    size = sum(len(text.encode("utf-8")) for text in texts.values())
    if size > MAX_YAML_BYTES:
        raise _not_a_bundle(path, f"its YAML files are {size:,} bytes together; a bundle's are at most "
                                  f"{MAX_YAML_BYTES:,}")
    budget = MAX_YAML_NODES
    for name, text in texts.items():
        nodes, problem = count_nodes(text, budget)
        if problem:
            raise _not_a_bundle(path, f"{name} has {problem}")
        budget -= nodes
        if budget < 0:
            raise _not_a_bundle(path, f"its YAML files hold more than {MAX_YAML_NODES:,} nodes together (aliases "
                                      "counted expanded)")


def _not_a_bundle(path: Path, why: str) -> WizardError:
    return WizardError(f"{path} is not a substra-wizard bundle this wizard can open: {why}.")
