"""Kubernetes label selectors (matchLabels + matchExpressions) and an index that answers them without a full scan."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wizard.core.errors import WizardError
from wizard.core.shown import shown

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


class InvalidPolicy(WizardError):
    """A NetworkPolicy the API server would reject: the analysis cannot say what it does."""

    def __init__(self, msg: str, title: str = "") -> None:
        super().__init__(f"{msg}; the API server would refuse this NetworkPolicy", title)


def key_problem(key: object) -> str | None:
    """Why `key` is not a label key the API server accepts (a qualified name: [prefix/]name), or None."""
    if not isinstance(key, str):
        return f"the label key {shown(key)} is not a string (quote it)"
    parts = key.split("/")
    if len(parts) > 2:
        return f'the label key "{shown(key)}" has more than one "/"'
    name = parts[-1]
    if len(parts) == 2 and (not parts[0] or len(parts[0]) > 253 or not _SUBDOMAIN.fullmatch(parts[0])):
        return (f'the label key "{shown(key)}" has the prefix "{shown(parts[0])}", which is not a DNS subdomain '
                "(lower-case letters, digits, '-' and '.', at most 253 characters)")
    if not name or len(name) > 63 or not _NAME.fullmatch(name):
        return (f'the label key "{shown(key)}" is not a valid name: at most 63 letters, digits, \'-\', \'_\' or '
                "'.', starting and ending with a letter or digit")
    return None


def value_problem(value: object) -> str | None:
    """Why `value` is not a label value the API server accepts, or None (null counts as "")."""
    if value is None:
        return None
    if not isinstance(value, str):
        text = ("true" if value else "false") if isinstance(value, bool) else shown(value)
        return f"the label value {text} is not a string (quote it)"
    if len(value) > 63 or value and not _NAME.fullmatch(value):
        return (f'the label value "{shown(value)}" is not valid: at most 63 letters, digits, \'-\', \'_\' or \'.\', '
                "starting and ending with a letter or digit")
    return None


@dataclass(frozen=True)
class Requirement:
    """One matchExpressions entry; matchLabels entries become `In` with one value."""

    key: str
    operator: str
    values: frozenset[str]

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return labels.get(self.key) in self.values
        if self.operator == "NotIn":
            return labels.get(self.key) not in self.values
        if self.operator == "Exists":
            return self.key in labels
        return self.key not in labels


@dataclass(frozen=True)
class Selector:
    """A label selector; `key` is a canonical text used to cache what it selects."""

    equals: tuple[tuple[str, str], ...]
    expressions: tuple[Requirement, ...]
    key: str

    @property
    def empty(self) -> bool:
        """An empty selector selects everything."""
        return not self.equals and not self.expressions

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.equals) and all(r.matches(labels) for r in self.expressions)

    def describe(self) -> str:
        """`app=db, tier in (a, b)` as kubectl writes selectors; `any` when empty."""
        parts = [f"{k}={v}" for k, v in self.equals]
        parts += [_describe_requirement(r) for r in self.expressions]
        return ", ".join(parts) or "any"


def _describe_requirement(req: Requirement) -> str:
    values = ", ".join(sorted(req.values))
    return {"In": f"{req.key} in ({values})", "NotIn": f"{req.key} notin ({values})",
            "Exists": req.key, "DoesNotExist": f"!{req.key}"}[req.operator]


EVERYTHING = Selector((), (), "{}")


def parse_selector(raw: Any, where: str) -> Selector:
    """Parse a selector from a manifest; `where` names it in the error (the API server would refuse it too)."""
    if raw is None:
        return EVERYTHING
    if not isinstance(raw, dict):
        raise InvalidPolicy(f"{where}: a label selector must be a mapping, not {raw!r}")
    labels = raw.get("matchLabels")
    if labels is not None and not isinstance(labels, dict):
        raise InvalidPolicy(f"{where}: matchLabels must be a mapping of label to value")
    for key, value in (labels or {}).items():
        problem = key_problem(key) or value_problem(value)
        if problem:
            raise InvalidPolicy(f"{where}: matchLabels: {problem}")
    equals = tuple(sorted((str(k), label_value(v)) for k, v in (labels or {}).items()))
    found = raw.get("matchExpressions")
    if found is not None and not isinstance(found, list):
        raise InvalidPolicy(f"{where}: matchExpressions must be a list of {{key, operator, values}}")
    expressions = tuple(_requirement(e, where) for e in found or [])
    key = repr((equals, [(r.key, r.operator, sorted(r.values)) for r in expressions]))
    return Selector(equals, expressions, key)


def label_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _requirement(raw: Any, where: str) -> Requirement:
    """One matchExpressions entry, checked as the API server checks it (metav1 ValidateLabelSelectorRequirement)."""
    if not isinstance(raw, dict) or raw.get("key") is None:
        raise InvalidPolicy(f"{where}: each matchExpressions entry needs a key and an operator")
    key, operator, raw_values = raw["key"], raw.get("operator"), raw.get("values")
    problem = key_problem(key)
    if problem:
        raise InvalidPolicy(f"{where}: matchExpressions: {problem}")
    if operator not in OPERATORS:
        raise InvalidPolicy(f"{where}: matchExpressions operator {shown(operator)!r} (key {key}) is not one of "
                            f"{', '.join(OPERATORS)}")
    if raw_values is not None and not isinstance(raw_values, list):
        raise InvalidPolicy(f"{where}: matchExpressions values (key {key}) must be a list of strings, not "
                            f"{shown(raw_values)!r}")
    for value in raw_values or []:
        problem = "a value is null" if value is None else value_problem(value)
        if problem:
            raise InvalidPolicy(f"{where}: matchExpressions values (key {key}): {problem}")
    values = frozenset(raw_values or [])
    if operator in ("In", "NotIn") and not values:
        raise InvalidPolicy(f"{where}: operator {operator} needs at least one value (key {key})")
    if operator in ("Exists", "DoesNotExist") and values:
        raise InvalidPolicy(f"{where}: operator {operator} takes no values (key {key})")
    return Requirement(key, operator, values)


class LabelIndex:
    """Items indexed by (label, value) and by label key, so a selector only scans the items its labels narrow to."""

    def __init__(self, items: Iterable[tuple[Hashable, Mapping[str, str]]]) -> None:
        self.labels: dict[Hashable, Mapping[str, str]] = {}
        self.by_pair: dict[tuple[str, str], set[Hashable]] = {}
        self.by_key: dict[str, set[Hashable]] = {}
        for item, labels in items:
            self.labels[item] = labels
            for key, value in labels.items():
                self.by_pair.setdefault((key, value), set()).add(item)
                self.by_key.setdefault(key, set()).add(item)
        self.all: frozenset[Hashable] = frozenset(self.labels)

    def select(self, selector: Selector) -> frozenset[Hashable]:
        """The items the selector matches."""
        candidates = self._candidates(selector)
        if candidates is None:
            candidates = self.all
        rest = [r for r in selector.expressions if r.operator in ("NotIn", "DoesNotExist")]
        if not rest:  # the posting lists answered equality, In and Exists exactly
            return frozenset(candidates)
        return frozenset(i for i in candidates if all(r.matches(self.labels[i]) for r in rest))

    def _candidates(self, selector: Selector) -> set[Hashable] | frozenset[Hashable] | None:
        """The smallest posting list the positive requirements allow (None: no positive requirement)."""
        lists: list[set[Hashable]] = [self.by_pair.get(pair, set()) for pair in selector.equals]
        for req in selector.expressions:
            if req.operator == "In":
                lists.append(set().union(*(self.by_pair.get((req.key, v), set()) for v in req.values)))
            elif req.operator == "Exists":
                lists.append(self.by_key.get(req.key, set()))
        if not lists:
            return None
        lists.sort(key=len)
        return set(lists[0]).intersection(*lists[1:])


def could_match_new(selector: Selector, name_key: str, taken: set[str]) -> bool:
    """Whether an item not in the input could match, given that its `name_key` label holds its name (not one of
    `taken`) and its other labels are unknown: only a requirement on the name can rule that out."""
    names: set[str] | None = None  # None: any unused name would do
    for key, value in selector.equals:
        if key == name_key:
            names = {value}
    for req in selector.expressions:
        if req.key != name_key:
            continue
        if req.operator == "DoesNotExist":
            return False
        if req.operator == "In":
            names = set(req.values) if names is None else names & req.values
        elif req.operator == "NotIn" and names is not None:
            names -= req.values
    return names is None or bool(names - taken)
