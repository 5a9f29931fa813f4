"""The members of a bundle as text, each redacted default-deny (support/redact.py): the answers file, the values files,
import-notes.json, the explain report and redactions.json. Only what the charts declare and the Plan decides travels
in clear, and no secret in any encoding: every input is learned from first, so a secret found anywhere is taken out
everywhere. bundle.py puts them together with the manifest; this module decides what each member says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.errors import WizardError
from wizard.support.bundle_layout import ANSWERS, MANIFEST, REDACTIONS_SCHEMA
from wizard.support.redact import MARKER, Redactor

if TYPE_CHECKING:
    from wizard.planning.plan import Plan
    from wizard.support.side import Side

COMMENTS_NOTE = "values files are re-serialised from their data: comments are not carried (they may hold secrets)"


def redacted_members(side: Side, redactor: Redactor, *, version: tuple[int, int], runtime_pods: bool,
                     sets: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """(name -> text of every member but redactions.json and manifest.json, in bundle order; the notes the manifest
    carries about them). `redactor` learns every input first and keeps every redaction, for redactions.json."""
    texts, notes = {}, [COMMENTS_NOTE]
    plans = _plan_values(side)
    _learn(redactor, side, plans, sets)
    if side.plan is not None:
        texts[ANSWERS] = _answers_text(side.plan, redactor, notes)
    values = _redacted_values(side, redactor, plans)
    texts.update(_values_texts(side, values))
    if side.imported is not None:
        texts["import-notes.json"] = json_text([_note(n, redactor) for n in side.imported.notes])
    texts.update(_report_texts(side, values, redactor, version, runtime_pods, notes))
    # The last net for free text; the YAML files were redacted value by value (a port equal to a PIN stays a port).
    return {name: text if name.endswith(".yaml") else redactor.scrub(text, name) for name, text in texts.items()}, notes


def redactions_json(redactor: Redactor) -> str:
    """redactions.json, one redaction a line (a values file can give thousands; the indenting encoder is slow)."""
    head = json_text({"schema": REDACTIONS_SCHEMA, "marker": MARKER.format("N"), "secrets": redactor.distinct})
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps would build one a record
    lines = [encode(r.__dict__) for r in redactor.redactions]
    items = "\n    " + ",\n    ".join(lines) + "\n  " if lines else ""
    return head.rstrip().removesuffix("}").rstrip() + ',\n  "redactions": [' + items + "]\n}\n"


def json_text(data: Any) -> str:
    """A JSON member as the bundle writes it: indented, UTF-8 kept, one newline at the end."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


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
    return {"explain.json": json_text(data), "explain.md": redactor.text(markdown(report), "explain.md", "text")}
