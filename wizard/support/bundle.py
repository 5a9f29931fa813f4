"""Bundles: one .tar.gz a support engineer can open offline (answers, values, explain report, versions), redacted
default-deny, written atomically and byte-for-byte reproducible; and a bundle opened as a configuration (for wizard
explain and diff, and as the answers of `wizard --bundle`).

This module is what the commands call, and it owns the bundle file itself (the manifest, the tar, the write); each
other concern has its own module: bundle_layout.py (the member names), bundle_members.py (each member's redacted
text), bundle_reading.py (opening one back safely) and bundle_manifest.py (manifest.json's schema).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.core.errors import ConfigError, OutputError, Problem
from wizard.support.bundle_layout import MANIFEST, REDACTIONS, ROOT, SCHEMA
from wizard.support.bundle_members import json_text, redacted_members, redactions_json
from wizard.support.bundle_reading import read
from wizard.support.redact import Redactor
from wizard.support.side import DEFAULT_NAMESPACE, Side, data_side, plan_side

if TYPE_CHECKING:
    from wizard.planning.layers import Layer

MTIME = 0  # every member's time: the same input gives the same bytes


def build(side: Side, *, version: tuple[int, int], runtime_pods: bool = True, sets: Sequence[str] = ()) -> dict[
        str, bytes]:
    """The members of a bundle of `side` (name -> bytes, in bundle order), default-deny redacted (support/redact.py):
    every input is learned from first, so a secret found anywhere is taken out everywhere."""
    from wizard import __version__
    from wizard.analysis import pss
    from wizard.charts import SUPPORTED_VERSIONS

    redactor = Redactor()
    texts, notes = redacted_members(side, redactor, version=version, runtime_pods=runtime_pods, sets=sets)
    manifest = {
        "schema": SCHEMA, "wizard_version": __version__, "supported_charts": dict(SUPPORTED_VERSIONS),
        "charts": [{"chart": i.release.chart, "version": i.release.version, "release": i.release.release,
                    "namespace": i.release.namespace} for i in side.inputs],
        "input": {"kind": side.kind, "label": redactor.message(side.label, MANIFEST),
                  "sets": [_set_text(s, redactor) for s in sets]},
        "primary": "values" if side.values_files else "plan",
        "k8s_version": pss.format_version(version).removeprefix("v"), "runtime_pods": runtime_pods,
        "notes": notes + [redactor.message(note, MANIFEST) for note in side.notes],
    }
    texts[REDACTIONS] = redactor.scrub(redactions_json(redactor), REDACTIONS)
    manifest["files"] = [{"name": name, "sha256": hashlib.sha256(_utf8(text)).hexdigest()}
                         for name, text in texts.items()]
    texts[MANIFEST] = redactor.scrub(json_text(manifest), MANIFEST)
    return {name: _utf8(text) for name, text in texts.items()}


def _utf8(text: str) -> bytes:
    """A lone surrogate (a YAML "\\ud800" escape) cannot be UTF-8: it is written as that escape (valid JSON too)."""
    return text.encode("utf-8", "backslashreplace")


def _set_text(assignment: str, redactor: Redactor) -> str:
    """A --set as given: a Plan field and the value the Plan holds (kept, each credential in it redacted)."""
    return redactor.text(assignment, MANIFEST, "input.sets")


def archive(members: Mapping[str, bytes]) -> bytes:
    """A gzip-compressed tar of the members, the same bytes for the same members (fixed times, owners, modes)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(ROOT + name)
            info.size, info.mtime, info.mode, info.uid, info.gid = len(data), MTIME, 0o644, 0, 0
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=MTIME) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def write(path: Path, data: bytes) -> None:
    """Write the bundle atomically (a temporary file, fsync, rename): a reader never sees half a bundle, and a
    temporary file a killed run left is removed by the next write. The bundle is 0600 whatever the umask: redaction
    is the intent, but a file that may still hold a secret is not left readable by others.

    Raises:
        OutputError: naming the path and the reason.
    """
    from wizard.core import files

    if path.is_dir():
        raise OutputError(f"{path} is a folder: give the bundle's file name, e.g. {path}/bundle.tar.gz")
    try:
        files.replace_file(path, data)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}; check the folder exists and is "
                          "writable, or choose another --out") from None


# --- opening as a configuration -------------------------------------------------------------------------------------


def answers_layer(path: Path) -> Layer:
    """The Plan layer of `wizard --bundle FILE`.

    Raises:
        ConfigError: the bundle carries no answers file (values files without a Plan).
    """
    layer = read(path).answers_layer()
    if layer is None:
        raise ConfigError([Problem("--bundle", f"{path} carries values files but no answers file, so there is no "
                                               f"Plan to open; explain it with: wizard explain --bundle {path}")])
    return layer


def bundle_side(path: Path, label: str) -> Side:
    """A bundle as a configuration: its Plan when it was made from one, else its values (with the Plan its answers
    file holds, when wizard import made one), placed where its manifest says and judged by its Kubernetes version."""
    from wizard.analysis import pss
    from wizard.planning.layers import build_plan

    bundle = read(path)
    layer = bundle.answers_layer()
    if bundle.manifest.primary == "plan" and layer is not None:
        return plan_side(label, "bundle", layers=[layer])
    charts = bundle.manifest.charts
    side = data_side(bundle.values(), label=label, kind="bundle",
                     releases={entry.chart: entry.release for entry in charts},
                     namespace=charts[0].namespace if charts else DEFAULT_NAMESPACE)
    side.version, side.placed = pss.clamp(pss.parse_version(bundle.manifest.k8s_version)), True
    if layer is not None:
        try:
            side.plan = build_plan([layer])
        except ConfigError as error:
            side.notes.append(f"the bundle's answers do not make a valid Plan ({error.problems[0]})")
    return side
