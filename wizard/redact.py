"""Redacting secrets from what the wizard hands to someone else (bundles): by key name and by the shape of the value.

A secret is replaced by `<redacted:N>`, N numbering the distinct secrets of one Redactor (one bundle): a reader can
tell that two places hold the same secret without learning anything about it. A hash, even truncated, would let
anyone brute-force a short password, so none is used. Every redaction is recorded (file, place, why, N), never the
secret itself. `scrub` is the last net: it removes any known secret (and its base64) still present in a text.

What counts as a secret (decided by the key name, whatever the chart):
- names holding password, passwd, passphrase, secret, token, credential, htpasswd, api/access/private key, ...;
- but not the names of Kubernetes objects or of keys inside them, which the charts need to work and which say
  nothing secret: existingSecret, credentialsSecretName, imagePullSecrets, rootPasswordSecretKey, ...;
- and `{name: DB_PASSWORD, value: ...}` pairs (environment variables): the value.
And by the value, wherever it is: PEM private key blocks, credentials in URLs (scheme://user:pass@host), AWS access
key ids, bearer and basic tokens, JWTs, GitHub/GitLab/Slack tokens, `password=...` assignments.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MARKER = "<redacted:{}>"
MIN_SCRUB_LENGTH = 6
"""Shorter secrets are not searched for in free text: "abc" would be cut out of every word holding it. They are
still redacted wherever a key name or a value shape marks them."""

_SECRET_WORDS = re.compile(
    r"pass(word|wd|phrase)|pwd|secret|token|credential|htpasswd|dockerconfig|api[_-]?key|access[_-]?key|"
    r"private[_-]?key|(client|ssl|tls|signing|encryption|session)[_-]?key|\.(key|pem|p12|pfx)$|^(pass|auth)$",
    re.IGNORECASE,
)
# Names of Secrets, of keys inside them, and switches: references a chart needs, not secrets.
_REFERENCE_NAMES = re.compile(
    r"(secret|token)s?(name|ref|refs|keyref|annotations?|labels?)$|existingsecrets?$|pullsecrets$|"
    r"passwordfiles?|(password|credentials?)files?fromsecret$|^(use|enable|automount|force)",
    re.IGNORECASE,
)
_CAMEL_REFERENCE = re.compile(r"[a-z0-9](Password|Secret|Token|User)Key$|[a-z0-9](?<!shared)(?<!Shared)Secret$")

_PEM_PRIVATE = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----.*?(?:-----END \1-----|\Z)", re.DOTALL)
_URL_CREDENTIALS = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)([^\s/:@]*):([^\s/@]+)@")
_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (  # (reason, pattern, group holding the secret)
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b"), 0),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+"), 0),
    ("service-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_-]{16,}|"
                                 r"xox[abposr]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9]{20,})"), 0),
    ("authorization-header",
     re.compile(r"\b(?:[Bb]earer|[Bb]asic)\s+((?=[A-Za-z._~-]*[0-9+/=])[A-Za-z0-9._~+/=-]{8,})"), 1),
    ("assignment", re.compile(
        r"(?i)\b[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)[\w.-]*"
        r"""\s*[=:]\s*["']?([^\s&;,'"<>]+)"""), 1),
)


@dataclass(frozen=True)
class Redaction:
    """One place where a secret was taken out: the file, where in it, why (key name or value shape) and the secret's
    number in this bundle (the same secret in two places has the same number)."""

    file: str
    place: str
    reason: str
    index: int


def is_secret_key(name: object) -> bool:
    """Whether a key of this name holds a secret (see the module docstring)."""
    if not isinstance(name, str) or not _SECRET_WORDS.search(name):
        return False
    return not (_REFERENCE_NAMES.search(name) or _CAMEL_REFERENCE.search(name))


_SWITCH_WORDS = frozenset({"true", "false", "yes", "no", "on", "off"})
"""Text a switch holds (CORS_ALLOW_CREDENTIALS: "true"): never a secret, and redacting it would change the setting."""


def _is_plain_address(value: str) -> bool:
    """An http(s) URL without credentials (an OIDC token endpoint): an address, not a secret."""
    return bool(re.fullmatch(r"https?://[^\s@?]+", value))


class Redactor:
    """Redacts the files of one bundle, numbering its distinct secrets and remembering every place."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._by_key = True
        self.redactions: list[Redaction] = []

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every distinct secret taken out so far (kept in memory only, for `scrub`)."""
        return tuple(self._numbers)

    def _marker(self, secret: str, file: str, place: str, reason: str) -> str:
        index = self._numbers.setdefault(secret, len(self._numbers) + 1)
        self.redactions.append(Redaction(file, place, reason, index))
        return MARKER.format(index)

    def data(self, tree: Any, file: str, *, by_key: bool = True) -> Any:
        """A copy of plain data (a values file) with every secret replaced. `by_key=False` looks at the values only:
        for data whose schema has no secret field (an answers file), where `ca_secret` names a Secret."""
        self._by_key = by_key
        return self._walk(tree, file, "", secret_key=False)

    def _walk(self, node: Any, file: str, place: str, *, secret_key: bool) -> Any:
        if isinstance(node, dict):
            env_secret = is_secret_key(node.get("name")) and "value" in node
            return {key: self._walk(value, file, _join(place, key),
                                    secret_key=self._by_key and (is_secret_key(key) or (env_secret and key == "value")))
                    for key, value in node.items()}
        if isinstance(node, list):
            return [self._walk(item, file, f"{place}[{i}]", secret_key=secret_key and not isinstance(item, dict))
                    for i, item in enumerate(node)]
        if secret_key and not isinstance(node, bool) and isinstance(node, str | int | float) and node != "":
            text = str(node)
            if not (isinstance(node, str) and (_is_plain_address(text) or text.lower() in _SWITCH_WORDS)):
                return self._marker(text, file, place, "key name")
        if isinstance(node, str):
            return self.text(node, file, place)
        return node

    def text(self, value: str, file: str, place: str) -> str:
        """A string with the secrets its shape gives away replaced (PEM keys, URL credentials, tokens, ...)."""
        value = _PEM_PRIVATE.sub(lambda m: self._marker(m.group(0), file, place, "private key (PEM)"), value)
        value = _URL_CREDENTIALS.sub(self._url_replacer(file, place), value)
        for reason, pattern, group in _VALUE_PATTERNS:
            value = pattern.sub(self._group_replacer(group, file, place, reason), value)
        return value

    def _url_replacer(self, file: str, place: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            if match.group(3).startswith("<redacted:"):
                return match.group(0)
            marker = self._marker(match.group(3), file, place, "credentials in a URL")
            return f"{match.group(1)}{match.group(2)}:{marker}@"
        return replace

    def _group_replacer(self, group: int, file: str, place: str, reason: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            secret = match.group(group)
            if secret.startswith(("<redacted:", "redacted:")):
                return match.group(0)
            start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
            whole = match.group(0)
            return whole[:start] + self._marker(secret, file, place, reason) + whole[end:]
        return replace

    def scrub(self, text: str, file: str) -> str:
        """The last net for free text (reports, notes): every known secret, or its base64, that is still there."""
        for secret, index in sorted(self._numbers.items(), key=lambda item: -len(item[0])):
            for form in _forms(secret):
                if len(form) >= MIN_SCRUB_LENGTH and form in text:
                    text = text.replace(form, MARKER.format(index))
                    self.redactions.append(Redaction(file, "text", "known secret found in text", index))
        return text


def _forms(secret: str) -> tuple[str, ...]:
    """The secret and its base64 (Kubernetes Secret data, docker auth), with and without padding."""
    raw = secret.encode("utf-8", "surrogatepass")
    encoded = base64.b64encode(raw).decode("ascii")
    return (secret, encoded, encoded.rstrip("="), base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="))


def _join(place: str, key: object) -> str:
    text = str(key)
    if "." in text or "[" in text:
        text = f'"{text}"'
    return f"{place}.{text}" if place else text
