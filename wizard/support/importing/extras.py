"""What the Plan cannot say: the customer's keys it does not render as they are, kept verbatim.

The test is Helm's own: the values file written back (the Plan's keys, then these extras over them) merged over the
chart defaults must give what the customer's files merged over the chart defaults give. So a customer key is an
extra unless the Plan renders exactly that value at exactly that key, and a key the Plan renders differently from
the customer's result is overridden by an extra holding the customer's result (null where the key must go away).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, copy_json, get_path, load_defaults
from wizard.planning.plan import Plan
from wizard.support.importing.credentials import credential_setting, owned, without_credentials
from wizard.writing.values import render

KeyPath = tuple[str, ...]


def same(a: Any, b: Any) -> bool:
    """Equal as Helm sees values: true is not 1, 1 is 1.0, maps and lists compared item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def leaves(tree: Mapping[str, Any], at: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every key whose value is not a non-empty map: the smallest units a values file sets."""
    for key, value in tree.items():
        path = (*at, key)
        if isinstance(value, dict) and value:
            yield from leaves(value, path)
        else:
            yield path, value


def put(tree: dict[str, Any], path: KeyPath, value: Any) -> None:
    """Set a key path, making maps on the way (a non-map on the way is replaced: the deeper key wins)."""
    node = tree
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value


def split_extras(plan: Plan, given: Mapping[str, dict]) -> tuple[dict[str, dict], dict[str, list[KeyPath]]]:
    """(extras per chart, the keys where the Plan's own value had to be overridden) for an imported Plan.

    The credential keys are the Plan's (importing.credentials): a customer's key there is never kept (its credential
    moves to secrets/), and the Plan's own value there is never overridden."""
    extras: dict[str, dict] = {}
    overridden: dict[str, list[KeyPath]] = {}
    for values in render(plan):
        chart = values.chart
        customer = given.get(chart, {})
        effective = coalesce(load_defaults(chart, values.version), customer)
        decided = {setting.path: setting for setting in values.settings}
        kept: dict[str, Any] = {}
        for path, value in leaves(customer):
            if owned(chart, path):
                continue
            setting = decided.get(path)
            if setting is None or not same(setting.value, get_path(effective, path)):
                put(kept, path, copy_json(value))
        for setting in values.settings:
            result = get_path(effective, setting.path)
            if credential_setting(setting.field) or same(setting.value, result) or _under_leaf(kept, setting.path):
                continue
            put(kept, setting.path, None if result is MISSING else copy_json(result))
            overridden.setdefault(chart, []).append(setting.path)
        if kept:
            extras[chart] = kept
    return extras, overridden


def _under_leaf(tree: Mapping[str, Any], path: KeyPath) -> bool:
    """A key below one the extras set to a non-map (null or a scalar): that key already decides it."""
    node: Any = tree
    for key in path[:-1]:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
        if not isinstance(node, dict):
            return True
    return False


def written_tree(plan: Plan, extras: Mapping[str, Mapping[str, Any]]) -> dict[str, dict]:
    """The values each chart's written file holds: the Plan's overrides with the extras over them."""
    trees: dict[str, dict] = {}
    for values in render(plan):
        tree: dict[str, Any] = {}
        for setting in values.overrides:
            put(tree, setting.path, copy_json(setting.value))
        for path, value in leaves(extras.get(values.chart, {})):
            if isinstance(value, dict) and isinstance(get_path(tree, path), dict):
                continue  # an empty map adds nothing to what is there
            put(tree, path, copy_json(value))
        trees[values.chart] = tree
    return trees


def check_round_trip(plan: Plan, extras: Mapping[str, dict], given: Mapping[str, dict]) -> list[str]:
    """The charts whose written values would not merge to what the customer's do, apart from the credential keys,
    which name the wizard's Secrets now (empty: the import is exact)."""
    written = written_tree(plan, extras)
    wrong = []
    for chart, data in given.items():
        defaults = load_defaults(chart, SUPPORTED_VERSIONS[chart])
        ours = without_credentials(chart, coalesce(defaults, written.get(chart, {})))
        if not same(ours, without_credentials(chart, coalesce(defaults, data))):
            wrong.append(chart)
    return wrong
