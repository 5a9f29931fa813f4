"""What an empty text field says it means, so that an empty field never promises a default that is not there: the
field's declared meaning ("no ingress"), the chart's own default where the chart decides (a size: "the chart's
8Gi"), or "required" where the current answers refuse it empty (the add-cert tag once the private CA is on)."""

from __future__ import annotations

import typing

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, get_path, load_defaults
from wizard.frontend.draft import Draft
from wizard.planning.declare import Declaration

REQUIRED = "required"
WIDEST = 26
"""Characters a text field shows at 80x24 (the step column's 36, less its padding, the field's border and padding
and the scrollbar): every placeholder fits in it whole."""


def placeholder(decl: Declaration, draft: Draft) -> str:
    """The placeholder of `decl`'s field as the answers stand."""
    if draft.problem(decl.path) is not None and not draft.text(decl.path):
        return REQUIRED  # empty, and these answers refuse it so
    kinds = typing.get_args(decl.annotation) or (decl.annotation,)  # Optional[X] is (X, None)
    optional = type(None) in kinds
    if any(typing.get_origin(kind) is tuple for kind in (decl.annotation, *kinds)):
        return f"empty: {decl.empty}" if decl.empty else "empty: none; a, b, ..."
    if not optional:
        return REQUIRED
    if decl.empty:
        return f"empty: {decl.empty}"
    default = chart_default(decl)
    return f"empty: the chart's {default}" if default is not None else "empty: not written"


def chart_default(decl: Declaration) -> str | None:
    """The chart's own default for the first values key the field writes, when it is a plain value (a size, a
    port); None when the chart has none or it is a structure."""
    for chart_key in decl.values_keys:
        chart, _, key = chart_key.partition(":")
        if chart not in SUPPORTED_VERSIONS or "*" in key:
            continue
        value = get_path(load_defaults(chart, SUPPORTED_VERSIONS[chart]), tuple(key.split(".")))
        if value is not MISSING and value not in (None, "") and not isinstance(value, dict | list):
            return str(value)
    return None
