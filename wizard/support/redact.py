"""Redacting what the wizard hands to someone else (bundles): default-deny for values, and a last net for free text.

A values string travels in clear only when the wizard knows what it is: a key the chart's values.yaml declares and
that is not a credential, a field of a Kubernetes type such a key holds, a well-known label or annotation (all in
redact_known.py), or a value the Plan itself decided (the same value at the same place of the Plan's values). Every
other string is redacted, and so is every map key that is none of those nor a word of the charts' vocabulary (a
secret can be a key). Numbers, booleans, nulls and empty strings are kept, except under a credential key. A key the
chart declares is still judged by its name: `*.auth.password` is redacted although declared.

Redaction works in two passes over everything a bundle holds. `learn` finds the credentials: values under a key named
like one (redact_shapes.is_secret_key: password, secret, token, dbPass, pw, pin, licenseKey ...), or under a map or
list so named, `{name: DB_PASSWORD, value: ...}` pairs, map keys under such a key, and secrets told by their shape
anywhere (PEM keys, URL credentials, tokens, assignments, base64 of those, JSON inside a string). Then `values`,
`plan_data`, `text` and `scrub` take out every credential wherever it appears: a value equal to one (at any length)
in any values position, and inside any text in every encoding (redact_scrub.py). A value equal to one of the charts'
own defaults (`postgres`) is no secret and is not searched for elsewhere.

Each redaction becomes `<redacted:N>`, N numbering the distinct values of one Redactor (one bundle): a reader can tell
that two places hold the same value without learning anything about it (no hash: even a truncated one would let
anyone brute-force a short password). Every redaction is recorded (file, place, why, N), never the value.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from wizard.support import redact_known as known
from wizard.support.redact_scrub import Index, forms, quoted_forms
from wizard.support.redact_shapes import is_env_pair, is_secret_key, json_secrets, spans

__all__ = ["MARKER", "Redaction", "Redactor", "is_secret_key"]

MARKER = "<redacted:{}>"
MAX_DEPTH = 200
"""Deeper values are redacted whole (yamlio refuses files nested past 100 levels; aliases can nest further)."""
MAX_TYPO_CHECKS = 200
"""Undeclared keys compared with their declared neighbours, per file (a file of thousands is no typo)."""
_MISSING: Any = known.Unknown()
_IDENTIFIER = re.compile(r"[A-Za-z][a-z]*+(?:[A-Z_.-]?+[a-z]++)*+")
"""A key spelled as words (certificate, clientName, tls-key): a field name, not a secret, even under a secret key."""
_SWITCH_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "~"})
"""Never learned as a credential: `password: "off"` is redacted where it is, but "off" elsewhere is a setting."""

UNDECLARED = "not declared by the chart"
UNDECLARED_KEY = "map key not declared by the chart"
SAME_AS_SECRET = "same value as a secret found elsewhere"


@dataclass(frozen=True)
class Redaction:
    """One place where a value was taken out: the file, where in it, why and the value's number in this bundle (the
    same value in two places has the same number)."""

    file: str
    place: str
    reason: str
    index: int


@lru_cache(maxsize=None)
def public_words() -> frozenset[str]:
    """Every string in the charts' defaults (keys and values): public, so never a secret worth searching for."""
    from wizard.charts import SUPPORTED_VERSIONS

    found: set[str] = set(SUPPORTED_VERSIONS)
    stack: list[Any] = [known.chart_template(chart) for chart in SUPPORTED_VERSIONS]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.update(k for k in node if isinstance(k, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            found.add(node)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            found.add(str(node))
    return frozenset(found)


class Redactor:
    """Redacts the files of one bundle: learn from every input first, then redact each file."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._credentials: set[str] = set()
        self._index = Index()
        self._withheld = Index()
        self._pending: list[tuple[str, int]] = []
        self._spans: dict[str, list[tuple[int, int, str]]] = {}
        self.redactions: list[Redaction] = []
        self.key_places: dict[tuple[str, str], str] = {}
        """(file, dotted key path as read) -> the same path with its redacted keys as markers."""
        self.kept_places: set[tuple[str, str]] = set()
        """(file, dotted key path) of every path kept in clear."""

    @property
    def distinct(self) -> int:
        """How many distinct values were taken out."""
        return len(self._numbers)

    def _number(self, value: str) -> int:
        return self._numbers.setdefault(value, len(self._numbers) + 1)

    def _marker(self, value: str, file: str, place: str, reason: str) -> str:
        index = self._number(value)
        self.redactions.append(Redaction(file, place, reason, index))
        return MARKER.format(index)

    # --- pass 1: learning ---------------------------------------------------------------------------------------------

    def learn(self, secret: str) -> None:
        """Know `secret` as a credential (anything empty, a switch word or a word of the charts' defaults is not)."""
        if not secret or secret.lower() in _SWITCH_VALUES or secret in public_words() or secret in self._credentials:
            return
        self._credentials.add(secret)
        self._index.add(forms(secret), self._number(secret))

    def _shapes(self, text: str) -> list[tuple[int, int, str]]:
        """redact_shapes.spans, once per distinct text (both passes look at the same strings)."""
        found = self._spans.get(text)
        if found is None:
            found = self._spans[text] = spans(text)
        return found

    def learn_text(self, text: str) -> None:
        """Learn the secrets a text's shapes give away (and those of JSON held in it)."""
        for start, end, _ in self._shapes(text):
            self.learn(text[start:end])
        for secret in json_secrets(text):
            self.learn(secret)

    def learn_values(self, tree: Any, chart: str) -> None:
        """Learn the credentials of one chart's values (see the module docstring)."""
        _Walk(self, "", chart, learning=True).node(tree, "", known.chart_template(chart), _MISSING, None, 0)

    def learn_data(self, tree: Any) -> None:
        """Learn the secrets in the strings of data that has no credential field (the Plan), by shape only."""
        for text in _strings(tree):
            self.learn_text(text)

    # --- pass 2: redacting --------------------------------------------------------------------------------------------

    def values(self, tree: Any, file: str, chart: str, plan: Any = None) -> Any:
        """A copy of one chart's values with everything the wizard does not know, and every credential, redacted.

        Args:
            plan: the values the Plan decides for this chart (nested); a value equal to the Plan's at the same place
                is kept.
        """
        template = known.chart_template(chart)
        return _Walk(self, file, chart, learning=False).node(tree, "", template, _MISSING if plan is None else plan,
                                                             None, 0)

    def data(self, tree: Any, file: str) -> Any:
        """A copy of data that has no credential field (the Plan): strings kept, but each credential in them redacted
        (equal to one, holding one, or with a secret's shape)."""
        return _map_strings(tree, lambda text, place: self.text(text, file, place), "")

    def text(self, value: str, file: str, place: str) -> str:
        """A string kept in clear, with every credential in it redacted: equal to one, by shape, in any encoding."""
        if value in self._credentials:
            return self._marker(value, file, place, SAME_AS_SECRET)
        found = [(start, end, None, reason) for start, end, reason in self._shapes(value)]
        found += [(start, end, number, "known secret in text") for start, end, number in self._index.find(value)]
        return self._replace(value, found, file, place)

    def _replace(self, text: str, found: list[tuple[int, int, int | None, str]], file: str, place: str) -> str:
        """`text` with each found span replaced by its marker; overlapping spans are taken out as one."""
        if not found:
            return text
        merged: list[list[Any]] = []
        for start, end, number, reason in sorted(found, key=lambda hit: (hit[0], -hit[1])):
            if merged and start < merged[-1][1]:
                if end > merged[-1][1]:
                    merged[-1][1:3] = [end, None]  # the union is a secret of its own
                continue
            merged.append([start, end, number, reason])
        parts, position = [], 0
        for start, end, number, reason in merged:
            parts.append(text[position:start])
            if number is None:
                parts.append(self._marker(text[start:end], file, place, reason))
            else:
                parts.append(MARKER.format(number))
                self.redactions.append(Redaction(file, place, reason, number))
            position = end
        parts.append(text[position:])
        return "".join(parts)

    def scrub(self, text: str, file: str, *, quoted: bool = False) -> str:
        """The last net for free text (reports, notes, manifests): every credential in any encoding; with `quoted`,
        also every value taken out of a values file where a message quotes it ("value", 'value')."""
        found = [(start, end, number, "known secret in text") for start, end, number in self._index.find(text)]
        if quoted:
            for value, number in self._pending:
                self._withheld.add(quoted_forms(value), number)
            self._pending.clear()
            found += [(start, end, number, "value quoted in a message") for start, end, number in
                      self._withheld.find(text)]
        return self._replace(text, found, file, "text")

    def message(self, text: str, file: str) -> str:
        """A message kept in clear (a note, a label): credentials and quoted values taken out, see text and scrub."""
        return self.scrub(self.text(text, file, "text"), file, quoted=True)

    def withheld_marker(self, value: str, file: str, place: str, reason: str) -> str:
        """Take out a value the wizard does not know (not a credential): its marker, and its quoted forms from now."""
        self.withhold(value, self._number(value))
        return self._marker(value, file, place, reason)

    def withhold(self, value: str, number: int) -> None:
        """Remember a value taken out of a values file, to take it out of messages that quote it (indexed when a
        message is first scrubbed: most bundles have few messages and may have thousands of such values)."""
        self._pending.append((value, number))


class _Walk:
    """One walk over a chart's values, learning or redacting (one shared rule for both)."""

    def __init__(self, redactor: Redactor, file: str, chart: str, *, learning: bool) -> None:
        self.redactor, self.file, self.chart, self.learning = redactor, file, chart, learning
        self.on_path: set[int] = set()
        self.typo_checks = MAX_TYPO_CHECKS

    def node(self, node: Any, place: str, template: Any, plan: Any, credential: str | None, depth: int,
             keys: str = "") -> Any:
        if isinstance(node, dict | list):
            if depth >= MAX_DEPTH or id(node) in self.on_path:
                why = "nested too deep" if depth >= MAX_DEPTH else "a recursive alias"
                return None if self.learning else self._out(f"\0{place}", place, why)
            self.on_path.add(id(node))
            try:
                if isinstance(node, dict):
                    return self._map(node, place, template, plan, credential, depth, keys)
                item = known.item(template)
                return [self.node(value, f"{place}[{i}]", item, plan[i] if isinstance(plan, list) and i < len(plan)
                                  else _MISSING, credential, depth + 1, keys) for i, value in enumerate(node)]
            finally:
                self.on_path.discard(id(node))
        return self._scalar(node, place, template, plan, credential)

    def _map(self, node: dict[Any, Any], place: str, template: Any, plan: Any, credential: str | None, depth: int,
             keys: str) -> Any:
        pair = is_env_pair(node)
        out = {}
        for key, value in node.items():
            child = known.child(template, key)
            declared = child is not known.UNKNOWN
            in_plan = isinstance(plan, dict) and key in plan
            near = None if declared else self._near(key, template)
            if declared:
                why = "credential key" if self._declared_credential(key, keys) else None
            elif credential:
                why = "under a credential key"
            elif is_secret_key(key) or (near is not None and is_secret_key(near)):
                why = "credential key"
            else:
                why = "environment variable named like a credential" if pair and key == "value" else None
            shown = self._key(key, place, declared or in_plan or near is not None, credential)
            dotted = f"{keys}.{key}" if keys else str(key)
            child_place = _join(place, shown)
            if not self.learning:
                if shown == key:
                    self.redactor.kept_places.add((self.file, dotted))
                self.redactor.key_places[(self.file, dotted)] = child_place
            out[shown] = self.node(value, child_place, child, plan[key] if in_plan else _MISSING, why, depth + 1,
                                   dotted)
        return out

    def _near(self, key: Any, template: Any) -> str | None:
        """The declared key of this map that `key` misspells (organisationName, persistance), if any: the key is
        kept in clear, so that support sees the typo Helm ignores (its values are still judged as undeclared)."""
        if not isinstance(key, str) or not isinstance(template, dict) or len(key) < 5 or self.typo_checks <= 0:
            return None
        names = [name for name in template if isinstance(name, str) and name[:1].lower() == key[:1].lower()
                 and abs(len(name) - len(key)) <= 2]
        if not names:
            return None
        self.typo_checks -= 1
        import difflib

        close = difflib.get_close_matches(key, names, 1, 0.85)
        return close[0] if close else None

    def _declared_credential(self, key: Any, keys: str) -> bool:
        if key in known.DECLARED_NOT_CREDENTIALS:
            return False
        path = (*keys.split("."), key) if keys else (key,)
        if path in known.DECLARED_CREDENTIAL_PATHS:
            return True
        return path not in known.DECLARED_NOT_CREDENTIAL_PATHS and is_secret_key(key)

    def _key(self, key: Any, place: str, declared: bool, credential: str | None) -> Any:
        """The key as written (a declared or Plan key, a word of the vocabulary), else a marker."""
        text = str(key)
        redactor = self.redactor
        if self.learning:
            if credential and not declared and text not in known.vocabulary() and not _IDENTIFIER.fullmatch(text):
                redactor.learn(text)  # `apiKeys: {K3y!23: app}`: under a credential key, a key can be the secret
            redactor.learn_text(text)
            return key
        if declared and isinstance(key, str):
            return key if text in known.vocabulary() else redactor.text(text, self.file, _join(place, "(key)"))
        if text in redactor._credentials:
            return redactor._marker(text, self.file, _join(place, "(key)"), SAME_AS_SECRET)
        if isinstance(key, str) and (text in known.vocabulary() or text.startswith(known.KNOWN_KEY_PREFIXES)):
            return key
        number = redactor._number(text)
        redactor.withhold(text, number)
        return redactor._marker(text, self.file, _join(place, MARKER.format(number)), UNDECLARED_KEY)

    def _scalar(self, node: Any, place: str, template: Any, plan: Any, credential: str | None) -> Any:
        redactor = self.redactor
        if node is None or node == "" or (isinstance(node, bool) and not credential):
            return node
        if isinstance(node, bytes | bytearray):  # !!binary: no chart reads bytes, which may hold anything
            decoded = bytes(node).decode("utf-8", "replace")
            if self.learning:
                redactor.learn_text(decoded)
                if credential:
                    redactor.learn(decoded)
                return node
            return self._out(base64.b64encode(node).decode("ascii"), place, credential or "binary value (!!binary)")
        text = str(node)
        if self.learning:
            if credential and not place.endswith(".name") and not isinstance(node, bool):
                redactor.learn(text)
            if isinstance(node, str):
                redactor.learn_text(node)
            return node
        if credential:
            return self._out(text, place, credential)
        if isinstance(node, int | float):  # a number: a setting where the chart declares it (a port), else maybe a PIN
            return self._out(text, place, SAME_AS_SECRET) if template is known.UNKNOWN and len(text) >= 4 and \
                text in redactor._credentials else node
        if template is not known.UNKNOWN or (plan is not _MISSING and plan == node):
            return redactor.text(node, self.file, place) if isinstance(node, str) else node  # a date stays a date
        if text in redactor._credentials:
            return self._out(text, place, SAME_AS_SECRET)
        return self._out(text, place, UNDECLARED)

    def _out(self, value: str, place: str, reason: str) -> str:
        number = self.redactor._number(value)
        if reason not in (SAME_AS_SECRET,) and not value.startswith("\0"):
            self.redactor.withhold(value, number)
        return self.redactor._marker(value, self.file, place, reason)


def _join(place: str, key: object) -> str:
    text = str(key)
    if "." in text or "[" in text:
        text = f'"{text}"'
    return f"{place}.{text}" if place else text


def _strings(tree: Any) -> Iterable[str]:
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
            if isinstance(node, dict):
                stack.extend(key for key in node if isinstance(key, str))
        elif isinstance(node, str):
            yield node


def _map_strings(tree: Any, change: Any, place: str, depth: int = 0) -> Any:
    """A copy of plain data with `change(text, place)` applied to each string (keys included)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(tree, dict):
        return {change(k, _join(place, "(key)")) if isinstance(k, str) else k:
                _map_strings(v, change, _join(place, k), depth + 1) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_map_strings(v, change, f"{place}[{i}]", depth + 1) for i, v in enumerate(tree)]
    return change(tree, place) if isinstance(tree, str) else tree
