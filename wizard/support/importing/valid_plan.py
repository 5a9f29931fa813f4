"""A valid Plan, whatever the customer's files say: each decision the Plan cannot hold (its type or a cross-field
rule refuses it) goes back to a value it can, with an "unrepresentable" note; the customer's keys then become extras,
so the written values still say what theirs say. Then the simplest such Plan: the decisions it derives by itself are
left empty when that renders the same, and a field that would write over a key the customer leaves null takes its
default when that is valid (a values file cannot put a null back).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from wizard.charts.chart_defaults import coalesce, get_path, load_defaults
from wizard.planning import rules
from wizard.planning.declare import join_path, split_path
from wizard.planning.plan import Plan
from wizard.support.importing import credentials
from wizard.support.importing.result import ImportNote
from wizard.writing.values import render

KeyPath = tuple[str, ...]
# Decisions the Plan leaves empty to derive them; imported explicitly, then emptied when that renders the same.
_DERIVED_WHEN_EMPTY = ("orchestrator.host", "orchestrator.port", "orchestrator.same_cluster",
                       "features.registry_pull_domain", "ingress.allowed_hosts")


def valid_plan(data: dict[str, Any], base: dict[str, Any], notes: list[ImportNote], field_at: Any) -> Plan:
    """Validate; each field the Plan cannot hold goes back to a value it can, with a note (the customer's keys then
    become extras, so the written values still say what theirs say)."""
    for _ in range(10):
        try:
            plan = Plan.model_validate(data)
        except ValidationError as error:
            from wizard.planning.layers import _translate

            for item in error.errors(include_url=False):
                steps = [s for s in item["loc"] if isinstance(s, int | str)]
                cut = next((i for i, s in enumerate(steps) if isinstance(s, int)), len(steps))
                path = join_path(steps[:cut])
                _reset(data, base, path)
                notes.append(_unrepresentable(path, _translate(item).message, field_at(path)))
            continue
        problems = rules.problems(plan)
        if not problems:
            return plan
        for problem in problems:
            notes.append(_unrepresentable(problem.path, problem.message, field_at(problem.path)))
            _fix(data, base, problem.path)
    return Plan.model_validate(base)  # unreachable in practice: every fix moves towards the defaults


def _unrepresentable(path: str, why: str, where: tuple[str | None, int | None]) -> ImportNote:
    return ImportNote("unrepresentable", "plan", path, f"{why}. The Plan keeps a value it can hold there, and your "
                                                       "keys are written back as they are", *where)


def _reset(data: dict[str, Any], base: Mapping[str, Any], path: str) -> None:
    steps = split_path(path)
    node, default = data, base
    for step in steps[:-1]:
        node, default = node[step], default[step]  # type: ignore[index]
    if steps:
        node[steps[-1]] = copy.deepcopy(default[steps[-1]])  # type: ignore[index]


def _fix(data: dict[str, Any], base: Mapping[str, Any], path: str) -> None:
    """Move the Plan away from one cross-field problem (rules.problems) with the smallest change."""
    steps = split_path(path)
    if steps[:2] == ["accounts", "users"] and len(steps) > 2:  # a user on a channel the Plan lost: the first one
        users = data["accounts"]["users"]
        if steps[-1] == "channel":
            users[steps[2]]["channel"] = None
        else:
            del users[steps[2]]
        data["accounts"]["users"] = users or copy.deepcopy(base["accounts"]["users"])
        return
    if steps[:1] == ["channels"]:
        if len(steps) == 1:
            data["channels"] = copy.deepcopy(base["channels"])
            if not data["target"]["backend"]["enabled"]:
                data["channels"][0]["organizations"] = [data["organisation"]["msp_id"]]
        elif steps[-1] == "organizations":
            data["channels"][steps[1]]["organizations"] = [data["organisation"]["msp_id"]]
        else:
            del data["channels"][steps[1]]
        return
    replacements: dict[str, tuple[str, Any]] = {
        "orchestrator.host": ("orchestrator.host", "orchestrator.local"),
        "ingress.orchestrator_host": ("ingress.cluster_issuer", None),
        "features.add_cert_image_tag": ("features.private_ca", False),
        "features.registry_host": ("features.registry", "bundled"),
        "features.prepopulate": ("features.prepopulate", []),
        "ingress.backend_host": ("ingress.backend_host", "substra-backend.local"),
        "ingress.frontend_host": ("ingress.frontend_host", None),
    }
    if path in replacements:
        target, value = replacements[path]
        node = data
        for step in target.split(".")[:-1]:
            node = node[step]
        node[target.split(".")[-1]] = value
        return
    _reset(data, base, path if path != "target" else "target")


def simplest(plan: Plan) -> Plan:
    """Empty the decisions the Plan derives by itself when that renders exactly the same values."""
    rendered = _rendered(plan)
    for path in _DERIVED_WHEN_EMPTY:
        section, name = path.split(".")
        if getattr(getattr(plan, section), name) is None:
            continue
        trial = plan.model_copy(update={section: getattr(plan, section).model_copy(update={name: None})})
        if not rules.problems(trial) and _rendered(trial) == rendered:
            plan = trial
    return plan


def _null_conflicts(plan: Plan, given: Mapping[str, dict]) -> list[str]:
    """Fields writing a key the customer's values leave at a null default: a values file cannot put a null back
    (Helm deletes a key set to null), so such a key is the one thing extras cannot restore."""
    fields = []
    for values in render(plan):
        effective = coalesce(load_defaults(values.chart, values.version), given.get(values.chart, {}))
        for setting in values.settings:
            if credentials.credential_setting(setting.field):
                continue  # the Plan's own credential keys: the customer's are not written back (credentials.OWNED)
            if get_path(effective, setting.path) is None and setting.value is not None:
                fields.append(setting.field)
    return fields


def without_null_conflicts(plan: Plan, given: Mapping[str, dict], notes: list[ImportNote], field_at: Any) -> Plan:
    """Give such a field its Plan default when that is valid: the other charts' keys it wrote become extras."""
    for field_path in dict.fromkeys(_null_conflicts(plan, given)):
        section, name = field_path.split(".", 1) if "." in field_path else (field_path, "")
        if not name or "." in name or "[" in name:
            continue
        default = type(getattr(plan, section)).model_fields[name].default
        trial = plan.model_copy(update={section: getattr(plan, section).model_copy(update={name: default})})
        if not rules.problems(trial) and len(_null_conflicts(trial, given)) < len(_null_conflicts(plan, given)):
            notes.append(_unrepresentable(field_path, f"one value of {field_path} cannot match every chart's keys",
                                          field_at(field_path)))
            plan = trial
    return plan


def _rendered(plan: Plan) -> list[tuple[str, KeyPath, str]]:
    return [(values.chart, setting.path, repr(setting.value)) for values in render(plan)
            for setting in values.settings]
