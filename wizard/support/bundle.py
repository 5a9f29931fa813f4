"""Bundles: one .tar.gz a support engineer can open offline (answers, values, explain report, versions), redacted
default-deny (support/redact.py: only what the charts declare and the Plan decides travels in clear, and no secret in
any encoding), written atomically and byte-for-byte reproducible; and reading one back safely: bounded at every step
(core/ustar.py, support/bundle_manifest.py, yamlkit/yamlcount.py), each member checked against the manifest's sha256
(see `read`).

Members, under `substra-wizard-bundle/`, in this order:
    wizard-answers.yaml                  the Plan (when one is known)
    values/<chart>-values.yaml           what each chart gets, redacted (re-serialised: comments are not
                                         carried, they may hold secrets)
    import-notes.json                    what wizard import said about values files (when it ran)
    explain.json, explain.md             the explain report of the values as bundled (of the Plan for a Plan)
    redactions.json                      every place a secret was taken out (never the secret)
    manifest.json                        schema substra-wizard/bundle@1, versions, input, files and their sha256
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core import ustar
from wizard.core.errors import ConfigError, OutputError, Problem, WizardError
from wizard.core.untrusted import shown
from wizard.support.redact import MARKER, Redactor
from wizard.support.sources import CHARTS

if TYPE_CHECKING:
    from wizard.planning.layers import Layer
    from wizard.planning.plan import Plan
    from wizard.support.bundle_manifest import Manifest
    from wizard.support.sources import Side

SCHEMA = "substra-wizard/bundle@1"
REDACTIONS_SCHEMA = "substra-wizard/redactions@1"
ROOT = "substra-wizard-bundle/"
ANSWERS, MANIFEST, REDACTIONS = "wizard-answers.yaml", "manifest.json", "redactions.json"
MEMBERS = (ANSWERS, *(f"values/{chart}-values.yaml" for chart in CHARTS), "import-notes.json", "explain.json",
           "explain.md", REDACTIONS, MANIFEST)
"""Every file a bundle may hold (names inside ROOT); opening refuses any other."""
MTIME = 0  # every member's time: the same input gives the same bytes
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
COMMENTS_NOTE = "values files are re-serialised from their data: comments are not carried (they may hold secrets)"


def build(side: Side, *, version: tuple[int, int], runtime_pods: bool = True, sets: Sequence[str] = ()) -> dict[
        str, bytes]:
    """The members of a bundle of `side` (name -> bytes, in bundle order), default-deny redacted (support/redact.py):
    every input is learned from first, so a secret found anywhere is taken out everywhere."""
    from wizard import __version__
    from wizard.analysis import pss
    from wizard.charts import SUPPORTED_VERSIONS

    redactor, texts, notes = Redactor(), {}, [COMMENTS_NOTE]
    plans = _plan_values(side)
    _learn(redactor, side, plans, sets)
    if side.plan is not None:
        texts[ANSWERS] = _answers_text(side.plan, redactor, notes)
    values = _redacted_values(side, redactor, plans)
    texts.update(_values_texts(side, values))
    if side.imported is not None:
        texts["import-notes.json"] = _json([_note(n, redactor) for n in side.imported.notes])
    texts.update(_report_texts(side, values, redactor, version, runtime_pods, notes))
    # The last net for free text; the YAML files were redacted value by value (a port equal to a PIN stays a port).
    texts = {name: text if name.endswith(".yaml") else redactor.scrub(text, name) for name, text in texts.items()}
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
    texts[REDACTIONS] = redactor.scrub(_redactions_json(redactor), REDACTIONS)
    manifest["files"] = [{"name": name, "sha256": hashlib.sha256(_utf8(text)).hexdigest()}
                         for name, text in texts.items()]
    texts[MANIFEST] = redactor.scrub(_json(manifest), MANIFEST)
    return {name: _utf8(text) for name, text in texts.items()}


def _utf8(text: str) -> bytes:
    """A lone surrogate (a YAML "\\ud800" escape) cannot be UTF-8: it is written as that escape (valid JSON too)."""
    return text.encode("utf-8", "backslashreplace")


def _plan_values(side: Side) -> dict[str, dict[str, Any]]:
    """chart -> every value the Plan decides (nested): what the wizard itself knows to be no secret."""
    from wizard.writing.chart_inputs import nest
    from wizard.writing.values import render

    if side.plan is None:
        return {}
    return {values.chart: nest(values.settings) for values in render(side.plan)}


def _learn(redactor: Redactor, side: Side, plans: Mapping[str, dict[str, Any]], sets: Sequence[str]) -> None:
    """The first pass: every credential of every input, before any file is written."""
    for chart, data in (side.values_files or plans).items():
        redactor.learn_values(data, chart)
    if side.plan is not None:
        redactor.learn_data(side.plan.model_dump(mode="json"))
    for text in (side.label, *sets, *side.notes):
        redactor.learn_text(text)
    for note in side.imported.notes if side.imported is not None else ():
        redactor.learn_text(str(getattr(note, "message", "")))


def _redactions_json(redactor: Redactor) -> str:
    """redactions.json, one redaction a line (a values file can give thousands; the indenting encoder is slow)."""
    head = _json({"schema": REDACTIONS_SCHEMA, "marker": MARKER.format("N"), "secrets": redactor.distinct})
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps would build one a record
    lines = [encode(r.__dict__) for r in redactor.redactions]
    items = "\n    " + ",\n    ".join(lines) + "\n  " if lines else ""
    return head.rstrip().removesuffix("}").rstrip() + ',\n  "redactions": [' + items + "]\n}\n"


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _note(note: Any, redactor: Redactor) -> dict[str, Any]:
    """An import note as the bundle carries it: its key with the redacted keys as markers, its message without any
    value the values files had taken out (messages quote values)."""
    item = {key: getattr(note, key, None) for key in ("kind", "chart", "key", "message", "file", "line")}
    if item["file"]:
        item["file"] = redactor.message(Path(str(item["file"])).name, "import-notes.json")  # their folders are theirs
    if item["key"]:
        item["key"] = _note_key(str(item["chart"]), str(item["key"]), redactor)
    item["message"] = redactor.message(str(item["message"] or ""), "import-notes.json")
    return item


def _note_key(chart: str, key: str, redactor: Redactor) -> str:
    """A note's dotted key as the bundle's values file shows it; a key the walk did not keep is redacted whole."""
    file = f"values/{chart}-values.yaml"
    from wizard.support.redact_known import declared_path

    if (file, key) in redactor.kept_places or chart == "plan" or declared_path(chart, key):
        return redactor.text(key, "import-notes.json", "key")
    if (file, key) in redactor.key_places:
        return redactor.key_places[(file, key)]
    return redactor.withheld_marker(key, "import-notes.json", "key", "a note about a key the bundle does not keep")


def _set_text(assignment: str, redactor: Redactor) -> str:
    """A --set as given: a Plan field and the value the Plan holds (kept, each credential in it redacted)."""
    return redactor.text(assignment, MANIFEST, "input.sets")


def _answers_text(plan: Plan, redactor: Redactor, notes: list[str]) -> str:
    from wizard.planning import answers
    from wizard.planning.plan import Plan as PlanModel
    from wizard.yamlkit import yamlio

    data = plan.model_dump(mode="json")
    if data["features"].get("private_ca_file"):
        data["features"]["private_ca_file"] = None
        notes.append("features.private_ca_file (a path on the machine that made the bundle) was cleared; the CA "
                     "certificate itself is privateCa.secret.data in values/substra-backend-values.yaml")
    redacted = redactor.data(data, ANSWERS)  # the Plan's own decisions: no credential field, shapes still checked
    header = ("Answers of a substra-wizard bundle (secrets redacted).",)
    try:
        return answers.dumps(PlanModel.model_validate(redacted), header)
    except ValueError:  # a redaction made a field invalid: keep the data, without the labels
        return yamlio.dumps({"schema": answers.SCHEMA, "plan": redacted}, header)


def _redacted_values(side: Side, redactor: Redactor, plans: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """chart -> the values the bundle carries: the values files as given, else the Plan's overrides, redacted."""
    from wizard.writing.chart_inputs import nest
    from wizard.writing.values import render

    if side.values_files or side.plan is None:  # values as given win over a Plan imported from them
        return {chart: redactor.values(data, f"values/{chart}-values.yaml", chart, plans.get(chart))
                for chart, data in side.values_files.items()}
    return {values.chart: redactor.values(nest(values.overrides), f"values/{values.file_name}", values.chart,
                                          plans.get(values.chart)) for values in render(side.plan)}


def _values_texts(side: Side, redacted: Mapping[str, Any]) -> dict[str, str]:
    from wizard.charts.chart_defaults import get_path
    from wizard.writing.values import render
    from wizard.yamlkit import yamledit, yamlio

    texts = {}
    if side.values_files or side.plan is None:
        for chart, data in redacted.items():
            texts[f"values/{chart}-values.yaml"] = yamlio.dumps(data, (
                f"{chart} values as given, redacted (secrets, and what the chart does not declare), comments not "
                "carried.",))
        return texts
    for values in render(side.plan):
        tree = redacted[values.chart]
        entries = [yamledit.Entry(s.path, get_path(tree, s.path), s.comment) for s in values.overrides]
        texts[f"values/{values.file_name}"] = yamlio.dumps(yamledit.build_document(entries), (
            f"{values.chart} {values.version} values for release {values.release} in namespace {values.namespace}, "
            "secrets redacted.",))
    return texts


def _report_texts(side: Side, values: Mapping[str, Any], redactor: Redactor, version: tuple[int, int],
                  runtime_pods: bool, notes: list[str]) -> dict[str, str]:
    """explain.json and explain.md. Values as given are explained as the bundle carries them (redacted), so that the
    report quotes nothing the values files do not show and `wizard explain --bundle` says the same; a note tells
    when the redaction changed what the report says."""
    from dataclasses import replace

    from wizard.reporting.report import as_json
    from wizard.reporting.report_format import markdown
    from wizard.writing.chart_inputs import ChartInput

    report = side.report(version, runtime_pods=runtime_pods)
    if side.values_files:
        given = as_json(report)
        bundled = replace(side, inputs=[ChartInput(i.release, values.get(i.release.chart, {})) for i in side.inputs])
        try:
            report = bundled.report(version, runtime_pods=runtime_pods)
        except WizardError as error:  # a redaction replaced a value the chart models need (a size, a name)
            notes.append("explain.json and explain.md describe the values as given (secrets taken out of the "
                         "report): the values as bundled cannot be explained, so wizard explain --bundle will "
                         f"refuse them ({redactor.message(str(error), MANIFEST)})")
        else:
            if as_json(report) != given:
                notes.append("explain.json and explain.md describe the values as bundled: the values taken out "
                             "change what the report says (wizard explain of the values as given differs)")
    data = redactor.data(as_json(report), "explain.json")
    return {"explain.json": _json(data), "explain.md": redactor.text(markdown(report), "explain.md", "text")}


# --- writing ---------------------------------------------------------------------------------------------------------


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


# --- reading ---------------------------------------------------------------------------------------------------------


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
    from wizard.support.sources import DEFAULT_NAMESPACE, data_side, plan_side

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
