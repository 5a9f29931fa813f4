"""The wizard's steps, in the order an operator decides (DEPLOY_HOWTO_FACTS.md §2), and which of the Plan's
declared decisions each step shows for the current Plan. The TUI and the --plain prompts both walk these, so no
front end keeps its own list of questions."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from wizard.charts.claims import CLAIMS_BY_ID
from wizard.frontend.lists import items
from wizard.planning.declare import Declaration, declaration, declarations
from wizard.planning.derive import claim_in_use
from wizard.planning.plan import Plan


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    help: str
    sections: tuple[str, ...]
    """The Plan sections whose decisions the step shows (empty: the review)."""


STEPS: tuple[Step, ...] = (
    Step("target", "Where it runs", "Which charts this cluster runs, their namespaces, release names and chart "
         "versions, and the Kubernetes version whose rules apply.", ("target",)),
    Step("organisation", "Organisation and orchestrator", "Who this organisation is, the channels it joins, and how "
         "its backend reaches the orchestrator.", ("organisation", "channels", "orchestrator")),
    Step("features", "Features", "Image builder, private CA, object storage, container registry and image mirror.",
         ("features",)),
    Step("storage", "Storage", "Size, storage class, access mode and reuse of every volume the charts create, and "
         "the replica counts that share them.", ("storage", "scale")),
    Step("network", "Network and ingress", "Public host names, TLS, and the hosts the backend accepts.", ("ingress",)),
    Step("accounts", "Accounts and secrets", "The admin users people log in with, and the credentials the charts "
         "read from Kubernetes Secrets in secrets/ (generated, kept on every re-run, never in a values file).",
         ("accounts",)),
    Step("review", "Review", "What to read before writing: the rules' notes, the values files exactly as they will be "
         "written, and the findings, most severe first.", ()),
)
STEPS_BY_ID = {step.id: step for step in STEPS}


def fields(step: Step, plan: Plan, *, all_of_them: bool = False, data: dict[str, Any] | None = None
           ) -> list[Declaration]:
    """The decisions the step asks about for this Plan, list items expanded (channels[0], channels[1], ...);
    `all_of_them` includes those that do not matter with this Plan (a front end can then just hide them). With a
    draft's `data`, list items are counted there: an item just added is not valid yet, so the Plan lacks it."""
    found = []
    for group in _item_major(d.path for d in declarations() if d.path.startswith(step.sections)):
        for path in _expand_group(group, plan, data):
            if all_of_them or relevant(path, plan):
                found.append(declaration(path))
    return found


def fixed(decl: Declaration) -> str | None:
    """The value of a decision with one choice only (a chart version: the one the wizard models), which the front
    ends show instead of asking; None for a decision to ask."""
    if len(decl.choices) == 1 and type(None) not in typing.get_args(decl.annotation):
        return decl.choices[0]
    return None


def _item_major(paths: Iterable[str]) -> list[list[str]]:
    """Paths grouped so that the fields of one list item stay together (channels[0].name, channels[0].restricted,
    then channels[1].name, ...): each group is one plain path, or the run of `[0]` paths of one list."""
    groups: list[list[str]] = []
    for path in paths:
        head = path.split("[0]", 1)[0] if "[0]" in path else None
        if head is not None and groups and groups[-1][0].startswith(head + "[0]"):
            groups[-1].append(path)
        else:
            groups.append([path])
    return groups


def _expand_group(group: list[str], plan: Plan, data: dict[str, Any] | None) -> list[str]:
    if "[0]" not in group[0]:
        return group
    expanded = [_expand(path, plan, data) for path in group]
    return [paths[index] for index in range(len(expanded[0])) for paths in expanded]


def step_of(path: str) -> Step:
    """The step where a field is decided (the review step for anything else), to jump back to it."""
    return next((s for s in STEPS if s.sections and path.startswith(s.sections)), STEPS[-1])


def _expand(path: str, plan: Plan, data: dict[str, Any] | None) -> list[str]:
    """`channels[0].name` stands for every channel: one path per item the Plan has (none when the list is empty)."""
    if "[0]" not in path:
        return [path]
    head, tail = path.split("[0]", 1)
    if data is not None:
        count = len(items(data, head))
    else:
        found = _get(plan, head)
        count = len(found) if isinstance(found, tuple) else 0
    return [f"{head}[{index}]{tail}" for index in range(count)]


def _get(plan: Plan, dotted: str) -> object:
    node: object = plan
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


def relevant(path: str, plan: Plan) -> bool:
    """Whether a decision matters with this Plan (a registry host with the bundled registry does not)."""
    return all(check(path, plan) for check in _CHECKS)


def _charts(path: str, plan: Plan) -> bool:
    parts = path.split(".")
    if parts[0] == "target" and len(parts) == 3 and parts[2] != "enabled":
        return bool(getattr(plan.target, parts[1]).enabled)
    backend, orchestrator = plan.target.backend.enabled, plan.target.orchestrator.enabled
    if path == "features.image_mirror":  # every chart pulls images
        return backend or orchestrator or plan.target.frontend.enabled
    if path == "features.close_storage":  # both charts bring a PostgreSQL
        return backend or orchestrator
    if parts[0] == "accounts":
        return backend
    if parts[0] in ("features", "orchestrator") or path in ("scale.server_replicas", "scale.worker_replicas"):
        return backend
    if parts[0] in ("organisation", "channels") or path.startswith("channels["):
        return backend or orchestrator
    if path == "ingress.orchestrator_host":
        return orchestrator
    return True


def _features(path: str, plan: Plan) -> bool:
    features = plan.features
    if path.startswith("features.registry_"):
        return features.registry == "remote"
    if path.startswith("features.prepopulate"):
        return features.registry == "bundled"
    if path.startswith("features.private_ca_") or path == "features.add_cert_image_tag":
        return features.private_ca
    if path in ("features.kaniko_cached_images", "scale.builder_replicas"):
        return features.builder and plan.target.backend.enabled
    return True


def _storage(path: str, plan: Plan) -> bool:
    parts = path.split(".")
    if parts[0] != "storage" or len(parts) < 3:
        return True
    claim = CLAIMS_BY_ID[parts[1]]
    if not claim_in_use(plan, claim):
        return False
    volume = getattr(plan.storage, claim.id)
    if parts[2] == "existing_claim":
        return claim.reusable
    if parts[2] == "access_mode":
        return claim.access != "fixed" or volume.existing_claim is not None
    return True


_CHECKS: tuple[Callable[[str, Plan], bool], ...] = (_charts, _features, _storage)


def field_for_values_key(key: str) -> str | None:
    """The decision (a Plan field path) that sets a chart values key or its parent map, None when no single one does:
    the review lands on it when the operator follows a finding."""
    return next((decl.path for decl in declarations()
                 if any(k.split(":", 1)[1] in (key, key.rsplit(".", 1)[0]) for k in decl.values_keys)), None)


def step_for_values_key(key: str | None) -> Step | None:
    """The step whose decision drives a chart values key (a finding's cause), None when no decision does."""
    if not key:
        return None
    field = field_for_values_key(key)
    if field is not None:
        return step_of(field)
    # Keys a whole section declares (the credential keys of "Accounts and secrets"), and their siblings in the same
    # credential map (redis.auth.enabled, addAccountOperator.users), not in a whole subchart's top level.
    parent = key.rsplit(".", 1)[0] if "." in key else None
    siblings = parent is not None and ("." in parent or parent == "addAccountOperator")
    for step in STEPS:
        for declared in (k.split(":", 1)[1] for section in step.sections for k in declaration(section).values_keys):
            if declared == key or (siblings and declared.rsplit(".", 1)[0] == parent):
                return step
    return None
