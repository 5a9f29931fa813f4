"""`wizard why KEY`: the value of a Plan field or values key, the layer that set it, the ones it overrode, and for a
values key the decision that writes it (or "chart default", or "imported verbatim")."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from typing import Any

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING
from wizard.commands.arguments import add_plan_sources, default_preset, imported_layers
from wizard.core.errors import WizardError
from wizard.core.shown import shown

MAX_KEY_LENGTH = 300
"""Characters of KEY read: the longest Plan field path or values key of the supported charts is under 120."""
MAX_INDEX_DIGITS = 6
"""Digits of a list index (`channels[123456]`): no Plan list comes near a million items."""
# A Plan field path: names joined by dots, list indexes as [N] or .N (`channels[0].name`, `channels.0.name`).
_FIELD_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|\.[0-9]+)*")
_INDEX = re.compile(r"\[([0-9]+)\]|\.([0-9]+)(?=[.\[]|$)")


def _parser() -> argparse.ArgumentParser:
    from wizard.commands.arguments import chart_file

    parser = argparse.ArgumentParser(
        prog="wizard why",
        description="Say why a decision or a values key has its value: which layer set it (chart default, preset, "
                    "answers file, imported FILE:LINE, --set) and which layers it overrode. KEY is a Plan field "
                    "(storage.backend_database.size) or a values key (substra-backend:postgresql.primary.persistence"
                    ".size, or the dotted key alone when only one chart has it).",
        epilog="Exit codes: 0 done, 2 unknown key or invalid input.",
    )
    parser.add_argument("key", metavar="KEY")
    add_plan_sources(parser)
    parser.add_argument("--import", metavar="CHART=FILE", type=chart_file, action="append", default=[],
                        dest="imports", help="a customer's values file (repeatable; see wizard import)")
    return parser


def _shown(value: Any) -> str:
    return "(not set)" if value is MISSING else json.dumps(value, ensure_ascii=False, default=str)


def main(argv: Sequence[str]) -> int:
    """Run `wizard why`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    _check_key(args.key)
    from wizard.planning.layers import build_plan, plan_layers

    preset = args.preset if args.imports else default_preset(args.preset, args.answers)
    layers = plan_layers(preset, args.answers, args.sets, imported_layers(args.imports))
    plan = build_plan(layers)
    out = sys.stdout
    if _is_field(args.key):
        out.write(_field(layers, plan, args.key))
    else:
        chart, key = _values_key(args.key, plan, layers)
        out.write(_value(layers, plan, chart, key))
    return 0


def _check_key(key: str) -> None:
    """Refuse a KEY that cannot name anything, before the Plan is built: empty, too long, unprintable, odd brackets,
    empty segments (`a..b`), or an index too large to be one."""
    if not key.strip():
        raise WizardError("KEY is empty: give a Plan field such as storage.worker.size or a values key such as "
                          "substra-backend:worker.persistence.size")
    if len(key) > MAX_KEY_LENGTH:
        raise WizardError(f"KEY {shown(key)} is {len(key)} characters long; keys are at most {MAX_KEY_LENGTH}")
    if not key.isprintable():
        raise WizardError(f"KEY {shown(key)} holds control characters; type the key as the values file or "
                          "wizard --help writes it")
    chart, colon, rest = key.rpartition(":") if ":" in key else ("", "", key)
    if colon and (not chart or not rest or ":" in chart):
        raise WizardError(f"{shown(key)}: write CHART:KEY with one colon, CHART one of "
                          f"{', '.join(SUPPORTED_VERSIONS)} and a key after it, e.g. "
                          "substra-backend:worker.persistence.size")
    if ":" not in key and ("[" in key or "]" in key) and not _FIELD_PATH.fullmatch(key):
        raise WizardError(f"{shown(key)}: a list index is written [N] with N a number from 0, after a field name, "
                          "e.g. channels[0].name")
    if "" in rest.split("."):
        raise WizardError(f"{shown(key)}: a key has no empty parts; write its names joined by single dots, e.g. "
                          "storage.worker.size")
    for match in _INDEX.finditer(key if ":" not in key else ""):
        digits = match.group(1) or match.group(2)
        if len(digits.lstrip("0")) > MAX_INDEX_DIGITS:
            raise WizardError(f"{shown(key)}: the index {shown(digits)} is larger than any Plan list")


def _is_field(key: str) -> bool:
    from wizard.planning.declare import declaration

    if ":" in key or not _FIELD_PATH.fullmatch(key):
        return False
    try:
        declaration(key)
    except KeyError:
        return False
    return True


def _field(layers: Sequence[Any], plan: Any, text: str) -> str:
    from wizard.frontend.provenance import field_origin, history
    from wizard.planning.declare import join_path, split_path
    from wizard.writing.values import render

    steps = split_path(text)
    path = join_path(steps)  # channels.0.name and channels[0].name are the same field
    value = _value_at(plan.model_dump(mode="json"), steps, text)
    winner, found = field_origin(layers, path), history(layers, path)
    lines = [f"{text} = {_shown(value)}", f"  set by {winner}"]
    lines += [f"  overrides {origin}: {_shown(origin.value)}" for origin in reversed(found[:-1])]
    lines += _effect(layers, plan, path, value)
    written = [(v.chart, ".".join(s.path), s.path in {o.path for o in v.overrides})
               for v in render(plan) for s in v.settings if s.field == path or s.field.startswith(path + ".")]
    for chart, key, differs in written:
        lines.append(f"  writes {chart}:{key}" + ("" if differs else " (equal to the chart default, so not written)"))
    return "\n".join(lines) + "\n"


def _effect(layers: Sequence[Any], plan: Any, path: str, value: Any) -> list[str]:
    """What the value does: the chart default an empty field leaves in effect, and why a value has no effect (an
    existing claim keeps its own size and class; the rules' notes on settings without effect)."""
    from wizard.frontend.provenance import value_origin
    from wizard.planning.declare import declaration
    from wizard.planning.rules import notes

    found = []
    steps = path.split(".")
    reused = steps[0] == "storage" and len(steps) == 3 and steps[2] in {"size", "storage_class"} and \
        getattr(plan.storage, steps[1]).existing_claim
    if reused:
        what = "size" if steps[2] == "size" else "storage class"
        found.append(f"  has no effect: storage.{steps[1]}.existing_claim reuses the claim {reused}, which keeps its "
                     f"own {what}")
    elif value is None:
        for chart_key in declaration(path).values_keys:
            chart, _, key = chart_key.partition(":")
            if chart in SUPPORTED_VERSIONS and "*" not in key:
                default = value_origin(layers, plan, chart, key).default
                if default is not MISSING:
                    found.append(f"  empty, so the chart's default is used: {chart}:{key} = {_shown(default)}")
    found += [f"  {note.severity}: {note.message}" for note in notes(plan)
              if note.path == path or path.startswith(f"{note.path}.")]
    return found


def _value_at(tree: Any, steps: Sequence[str | int], text: str) -> Any:
    """The Plan's value at `steps`, or a WizardError saying which step names nothing in this Plan (an index past
    the end of a list, an index on a section, a field name on a list)."""
    from wizard.planning.declare import join_path

    value = tree
    for depth, step in enumerate(steps):
        above = join_path(steps[:depth])
        if isinstance(step, int):
            if not isinstance(value, list):
                raise WizardError(f"{shown(text)}: {above} is not a list, so [{step}] names nothing; write "
                                  f"{above}.FIELD")
            if step >= len(value):
                have = f"has {len(value)} item{'s' if len(value) != 1 else ''} ([0] to [{len(value) - 1}])" \
                    if value else "is empty"
                raise WizardError(f"{shown(text)}: there is no {above}[{step}] in this Plan: {above} {have}")
        elif isinstance(value, list):
            raise WizardError(f"{shown(text)}: {above} is a list; name one item, e.g. {above}[0].{step}")
        elif not isinstance(value, dict) or step not in value:
            raise WizardError(f"{shown(text)} is not a Plan field")
        value = value[step]
    return value


def _values_key(text: str, plan: Any, layers: Sequence[Any]) -> tuple[str, str]:
    from wizard.charts.chart_defaults import MISSING, get_path
    from wizard.frontend.provenance import charts_with_key
    from wizard.writing.values import render

    running = [values.chart for values in render(plan)]
    if ":" in text:
        chart, _, key = text.partition(":")
        if chart not in SUPPORTED_VERSIONS:
            raise WizardError(f'{text}: "{chart}" is not a chart; use one of {", ".join(SUPPORTED_VERSIONS)}')
        return chart, key
    path = tuple(text.split("."))
    kept = [chart for chart in SUPPORTED_VERSIONS
            if any(get_path(layer.extras.get(chart, {}), path) is not MISSING for layer in layers)]
    known = kept or charts_with_key(text)
    candidates = [chart for chart in known if chart in running] or known
    if len(candidates) == 1:
        return candidates[0], text
    if not candidates:
        raise WizardError(f"{text} is neither a Plan field nor a values key of {', '.join(SUPPORTED_VERSIONS)}"
                          f"{_field_hint(text)}. Write a field path such as storage.backend_database.size, or "
                          "CHART:KEY such as substra-backend:postgresql.primary.persistence.size.")
    raise WizardError(f"several charts have the key {text} ({', '.join(candidates)}); write it as CHART:KEY, "
                      f"e.g. {candidates[0]}:{text}")


def _field_hint(text: str) -> str:
    """'; did you mean FIELD?' for a near-miss Plan field path."""
    import difflib

    from wizard.planning.declare import declarations

    fields = [d.path.replace("[0]", "") for d in declarations()]
    close = difflib.get_close_matches(text, fields, n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""


def _value(layers: Sequence[Any], plan: Any, chart: str, key: str) -> str:
    from wizard.charts.chart_defaults import declared, nearest_keys
    from wizard.frontend.provenance import field_origin, history, value_origin

    version = SUPPORTED_VERSIONS[chart]
    found = value_origin(layers, plan, chart, key)
    if found.verbatim is None and found.decided_by is None and not declared(chart, version, tuple(key.split("."))):
        close = nearest_keys(chart, version, tuple(key.split(".")))
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise WizardError(f"{chart}:{key}: {chart} {version} has no such key{hint}")
    lines = [f"{chart}:{key} = {_shown(found.value if found.value is not MISSING else found.default)}"]
    if found.verbatim is not None:
        lines.append(f"  imported verbatim from {found.verbatim} (no wizard decision writes it)")
    elif found.decided_by is not None:
        origin = field_origin(layers, found.decided_by)
        written = "" if found.value is not MISSING else " (equal to the chart default, so not written)"
        lines.append(f"  written by the decision {found.decided_by}{written}, set by {origin}")
        lines += [f"  which overrides {o}: {_shown(o.value)}" for o in reversed(history(layers, found.decided_by)[:-1])]
    else:
        lines.append("  chart default (no decision and no imported key writes it)")
    return "\n".join(lines) + "\n"
