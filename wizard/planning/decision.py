"""Declaring a decision once: a Plan field with its label, help text and the chart values keys it drives.

Kept apart from declare.py, which reads the declarations back from the Plan, so that the Plan can use this without
the two importing each other.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import Field


def decision(  # `help` shadows the builtin on purpose: every call site reads `help="..."`
    default: Any = ..., *, label: str, help: str, keys: typing.Iterable[str] = (), item: str | None = None,  # noqa: A002
    empty: str | None = None, **kw: Any,
) -> Any:
    """A Plan field: `keys` are the values keys it drives, as `chart:dotted.key` (documentation and tests); a list
    of items names one `item` ("channel"), so that front ends can say "Add a channel"; `empty`, for a field that may
    be left empty, what empty means in a few words ("no ingress"): a field's placeholder, and the end of its help
    ("Empty: no ingress.") unless the help already says it at more length."""
    extra: dict[str, Any] = {"values_keys": list(keys)}
    if item is not None:
        extra["item"] = item
    if empty is not None:
        extra["empty"] = empty
        help = help if "Empty:" in help else f"{help} Empty: {empty}.".lstrip()  # noqa: A001
    return Field(default, title=label, description=help, json_schema_extra=extra, **kw)
