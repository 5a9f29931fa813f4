"""`wizard why KEY`: the value of a Plan field or values key, the layer that set it, the ones it overrode, and for a
values key the decision that writes it (or "chart default", or "imported verbatim")."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from wizard.chart_defaults import MISSING
from wizard.charts import SUPPORTED_VERSIONS
from wizard.cli import add_plan_sources, default_preset
from wizard.errors import WizardError


def _parser() -> argparse.ArgumentParser:
    from wizard.cli import _import_pair

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
    parser.add_argument("--import", metavar="CHART=FILE", type=_import_pair, action="append", default=[],
                        dest="imports", help="a customer's values file (repeatable; see wizard import)")
    return parser


def _shown(value: Any) -> str:
    return "(not set)" if value is MISSING else json.dumps(value, ensure_ascii=False, default=str)


def main(argv: Sequence[str]) -> int:
    """Run `wizard why`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    from wizard.layers import build_plan, plan_layers

    preset = args.preset if args.imports else default_preset(args.preset, args.answers)
    layers = plan_layers(preset, args.answers, args.sets, imports=args.imports)
    plan = build_plan(layers)
    out = sys.stdout
    if _is_field(args.key):
        out.write(_field(layers, plan, args.key))
    else:
        chart, key = _values_key(args.key, plan, layers)
        out.write(_value(layers, plan, chart, key))
    return 0


def _is_field(key: str) -> bool:
    from wizard.declare import declaration

    if ":" in key:
        return False
    try:
        declaration(key)
    except KeyError:
        return False
    return True


def _field(layers: Sequence[Any], plan: Any, path: str) -> str:
    from wizard.declare import split_path
    from wizard.provenance import field_origin, history
    from wizard.values import render

    value: Any = plan.model_dump(mode="json")
    for step in split_path(path):
        value = value[step]
    winner, found = field_origin(layers, path), history(layers, path)
    lines = [f"{path} = {_shown(value)}", f"  set by {winner}"]
    lines += [f"  overrides {origin}: {_shown(origin.value)}" for origin in reversed(found[:-1])]
    written = [(v.chart, ".".join(s.path), s.path in {o.path for o in v.overrides})
               for v in render(plan) for s in v.settings if s.field == path or s.field.startswith(path + ".")]
    for chart, key, differs in written:
        lines.append(f"  writes {chart}:{key}" + ("" if differs else " (equal to the chart default, so not written)"))
    return "\n".join(lines) + "\n"


def _values_key(text: str, plan: Any, layers: Sequence[Any]) -> tuple[str, str]:
    from wizard.chart_defaults import MISSING, get_path
    from wizard.provenance import charts_with_key
    from wizard.values import render

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

    from wizard.declare import declarations

    fields = [d.path.replace("[0]", "") for d in declarations()]
    close = difflib.get_close_matches(text, fields, n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""


def _value(layers: Sequence[Any], plan: Any, chart: str, key: str) -> str:
    from wizard.chart_defaults import declared, nearest_keys
    from wizard.provenance import field_origin, history, value_origin

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
