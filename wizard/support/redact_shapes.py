"""Secrets told by their key's name or by their own shape, in linear time, for redact.py.

Every scan here takes time linear in the text, whatever the text: no pattern can backtrack over a run it has already
read. Each regular expression starts with a look-behind that lets it start only at the beginning of a run of its
characters (never inside one), uses possessive quantifiers (`++`, `*+`) or a small bound, and anything more complex
(URL credentials, PEM blocks, `key=value` assignments, base64 blobs) is parsed with `str.find` and a cursor that only
moves forward.

Shapes found anywhere: PEM private key blocks; credentials in URLs (`scheme://user:password@host`, the password may
hold `/` or `@`: everything up to the last `@` of the address); AWS access key ids; JWTs; GitHub, GitLab, Slack,
Stripe, OpenAI, Google, npm and Vault tokens; Slack and Discord webhook paths; `Bearer`/`Basic` credentials;
assignments to a credential name (`password=...`, `"db_password": "..."`, `--db-pass ...` is not one: an argument
list is never kept in clear); .pgpass lines; and base64 blobs whose decoded text holds any of these.
"""

from __future__ import annotations

import base64
import binascii
import re
import string
from collections.abc import Iterator
from functools import lru_cache

Span = tuple[int, int, str]
"""(start, end, reason) of a secret inside a text."""

MAX_DECODE_DEPTH = 2
"""base64 inside base64 is looked into this many times (a docker config inside a Secret's data)."""
MAX_KEY_LENGTH = 128
"""An assignment's name longer than this is not looked at (no credential name is that long)."""

# --- key names --------------------------------------------------------------------------------------------------------

_STRONG = re.compile(
    r"passw|passphrase|secret|token|credential|htpasswd|pgpass|dockerconfig|dockercfg|apikey|privatekey|accesskey|"
    r"connectionstring|sasl|kerberos|keytab")
_SHORT_WORDS = frozenset({"pw", "pwd", "pass", "pin", "passcode", "otp", "auth", "cred", "creds", "jwt",
                          "hmac", "cookie", "dsn", "psk", "totp"})
"""Each holds a hint of _HINT below (an assignment is found from its hint)."""
_KEY_QUALIFIERS = frozenset({
    "api", "access", "private", "secret", "client", "ssl", "tls", "signing", "sign", "encryption", "encrypt",
    "session", "license", "licence", "master", "hmac", "auth", "ssh", "gpg", "pgp", "account", "service", "shared",
    "root", "admin", "app", "consumer", "crypt", "crypto", "cipher", "aes", "rsa", "ec", "storage", "subscription",
    "deploy", "recovery", "unlock", "activation", "product", "serial", "webhook", "jwt", "cookie", "csrf", "django",
    "server", "user", "db", "database", "redis", "minio", "s3", "aws", "gcp", "azure", "stripe", "slack"})
_SWITCH_WORDS = frozenset({"use", "allow", "enable", "disable", "require", "force", "automount", "create", "skip",
                           "generate", "with", "is", "has", "should"})
_BENIGN_LAST = frozenset({
    "name", "names", "ref", "refs", "keyref", "enabled", "type", "types", "url", "uri", "endpoint", "endpoints",
    "provider", "annotations", "annotation", "labels", "label", "length", "ttl", "timeout", "policy", "algorithm",
    "algo", "format", "issuer", "audience", "scope", "scopes", "mode", "method", "methods", "user", "username",
    "usernames", "limit", "limits", "max", "min", "count", "size", "lifetime", "expiry", "expiration", "duration",
    "seconds", "interval", "period", "header", "headers", "field", "version", "strategy", "prefix"})
# Names of Secrets (or of keys inside one): what a chart needs to find a secret, not the secret.
_REFERENCES = re.compile(r"existingsecret|secretname|secretref|secretkeyref|keyref|pullsecrets|secretannotation|"
                         r"secretlabel|secretsname|secretkeys$")
_KEY_IN_SECRET = frozenset({"password", "passwd", "user", "username", "token", "cert", "certificate", "ca", "crt"})
_FILE_SUFFIXES = (".key", ".pem", ".p12", ".pfx", ".jks", ".keystore", ".pkcs12")
_WORD = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(name: str) -> list[str]:
    """`dbPass` -> [db, pass]; `AWS_SECRET_ACCESS_KEY` -> [aws, secret, access, key]; `tls.key` -> [tls, key]."""
    return [w.lower() for w in _WORD.findall(name[:MAX_KEY_LENGTH])]


def is_secret_key(name: object) -> bool:
    """Whether a key of this name holds a credential (`jwtSecret` does; the few keys the charts declare that name a
    Secret, such as certificatesSecret, are listed in redact_known)."""
    return isinstance(name, str) and bool(name) and _classify(name)


@lru_cache(maxsize=8192)
def _classify(name: str) -> bool:
    if name.lower().endswith(_FILE_SUFFIXES):
        return True
    tokens = words(name)
    compact = "".join(tokens)
    if not tokens or _REFERENCES.search(compact) or _SWITCH_WORDS.intersection(tokens):
        return False
    last = tokens[-1]
    if last in _BENIGN_LAST:
        return False
    if last in ("key", "keys") and len(tokens) > 1:
        before = tokens[-2]
        if before in _KEY_IN_SECRET or (before == "secret" and len(tokens) > 2 and tokens[-3] in _KEY_IN_SECRET):
            return False  # rootPasswordSecretKey, adminPasswordKey: the key inside a Secret
        if before in _KEY_QUALIFIERS:
            return True
    return bool(_STRONG.search(compact) or _SHORT_WORDS.intersection(tokens))


def is_env_pair(item: dict[object, object]) -> bool:
    """`{name: DB_PASSWORD, value: ...}` (an environment variable, also with `key:`): its value is a credential."""
    name = item.get("name", item.get("key"))
    return "value" in item and is_secret_key(name)


# --- shapes in a text -------------------------------------------------------------------------------------------------

# Each pattern starts with a literal (the regex engine then skips to it quickly), followed by a look-behind at the
# character before it: a pattern never starts inside a run of its characters, so no run is read twice.
_B = "(?<![A-Za-z0-9_-].)"
_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key id", re.compile(
        r"A(?<![A-Za-z0-9].)(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA|BIA|CCA)[A-Z0-9]{16}(?![A-Za-z0-9])")),
    ("JWT", re.compile(r"e" + _B + r"yJ[A-Za-z0-9_-]{5,}+\.[A-Za-z0-9_-]{5,}+\.[A-Za-z0-9_-]*+")),
    ("service token", re.compile(r"g" + _B + r"(?:h[pousr]_[A-Za-z0-9]{20,}+|ithub_pat_[A-Za-z0-9_]{20,}+|"
                                            r"lpat-[A-Za-z0-9_-]{16,}+)")),
    ("service token", re.compile(r"x" + _B + r"ox[abposre]-[A-Za-z0-9-]{10,}+")),
    ("service token", re.compile(r"s" + _B + r"k(?:_(?:live|test)_[A-Za-z0-9]{8,}+|-[A-Za-z0-9_-]{20,}+)")),
    ("service token", re.compile(r"r" + _B + r"k_(?:live|test)_[A-Za-z0-9]{8,}+")),
    ("service token", re.compile(r"A" + _B + r"Iza[0-9A-Za-z_-]{35}")),
    ("service token", re.compile(r"n" + _B + r"pm_[A-Za-z0-9]{36}")),
    ("service token", re.compile(r"h" + _B + r"v[sbr]\.[A-Za-z0-9_-]{20,}+")),
    ("service token", re.compile(r"S" + _B + r"G\.[A-Za-z0-9_-]{16,}+\.[A-Za-z0-9_-]{16,}+")),
)
_WEBHOOK = re.compile(r"hooks\.slack\.com/((?:services|workflows|triggers)/[A-Za-z0-9/_-]++)|"
                      r"/api/webhooks/([0-9]++/[A-Za-z0-9_-]++)")
_AUTH_HEADER = re.compile(  # on the text in lower case: Bearer, BEARER, bearer ...
    r"(?:b(?<![a-z0-9_].)(?:earer|asic)|t(?<![a-z0-9_].)oken|d(?<![a-z0-9_].)igest)[ \t]++"
    r"((?=[a-z._~-]{0,4096}+[0-9+/=])[a-z0-9._~+/=-]{8,}+)")
_HINT = re.compile(r"pass|pw|pin|secret|token|cred|auth|key|otp|jwt|hmac|cookie|dsn|psk|docker|sasl|kerberos|"
                   r"connection")
"""A part of every credential name (is_secret_key decides): where an assignment can start."""
_NAME_BEFORE = re.compile(r"[\w.-]*+$")
_NAME_AFTER = re.compile(r"[\w.-]{0,%d}+" % MAX_KEY_LENGTH)
_NAME_CHAR = re.compile(r"[\w.-]")
_SEPARATOR = re.compile(r"[\"']?+[ \t]{0,16}+[=:][ \t]{0,16}+")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PGPASS = re.compile(r"(?m)^[^:\s]++:(?:[0-9]++|\*):[^:\s]++:[^:\s]++:([^\s]++)$")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}+={0,2}+")
"""The left-most place 16 such characters follow is a run's start, and the run is read whole: no look-behind needed."""
SHORTEST_TOKEN = 15
"""The shortest token above (a JWT); shorter texts hold a secret's shape only around a `:`, `=` or space."""
_SEPARATORS = re.compile(r"[:= ]")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_URL_END = re.compile(r"[\s\"'<>`]")
_UNQUOTED_END = re.compile(r"[\s&;,'\"<>}\])]")
_PEM_HEADER = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")


def spans(text: str, depth: int = 0) -> list[Span]:
    """Every secret the shapes above find in `text`, as sorted, non-overlapping spans."""
    if len(text) < SHORTEST_TOKEN and not _SEPARATORS.search(text):
        return []  # no shape fits: a name, a size, a word
    lowered = text.translate(_ASCII_LOWER)  # the same length: spans in it are spans in text
    found = [*_pem_spans(text), *_url_spans(text)]
    for reason, pattern in _TOKENS:
        found += [(m.start(), m.end(), reason) for m in pattern.finditer(text)]
    found += [(m.start(m.lastindex or 0), m.end(m.lastindex or 0), "webhook path") for m in _WEBHOOK.finditer(text)]
    found += [(m.start(1), m.end(1), "Bearer/Basic credentials") for m in _AUTH_HEADER.finditer(lowered)]
    found += [(m.start(1), m.end(1), ".pgpass line") for m in _PGPASS.finditer(text)]
    found += _assignment_spans(text, lowered)
    if depth < MAX_DECODE_DEPTH:
        found += _base64_spans(text, depth)
    return _disjoint(found)


def _disjoint(found: list[Span]) -> list[Span]:
    """Overlapping spans merged into one (the union), so a replacement never cuts a secret in two."""
    merged: list[Span] = []
    for start, end, reason in sorted(s for s in found if s[1] > s[0]):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, reason))
    return merged


def _pem_spans(text: str) -> Iterator[Span]:
    """A PEM private key block, to its footer (or to the end of the text when it has none)."""
    position = 0
    for header in _PEM_HEADER.finditer(text):
        if header.start() < position:
            continue  # inside the block just taken
        footer = f"-----END {header.group(1)}-----"
        end = text.find(footer, header.end())
        position = len(text) if end < 0 else end + len(footer)
        yield header.start(), position, "private key (PEM)"


def _url_spans(text: str) -> Iterator[Span]:
    """`scheme://user:password@host`: the password (or a token alone before `@`), to the address's last `@`."""
    position = 0
    while (scheme_end := text.find("://", position)) >= 0:
        start = scheme_end + 3
        stop = _URL_END.search(text, start)
        end = stop.start() if stop else len(text)
        at = text.rfind("@", start, end)
        if at > start:
            colon = text.find(":", start, at)
            if colon >= 0 and colon + 1 < at:
                yield colon + 1, at, "credentials in a URL"
            elif colon < 0 and "/" not in text[start:at]:
                yield start, at, "credentials in a URL"
        position = max(end, start)


def _assignment_spans(text: str, lowered: str) -> list[Span]:
    """`name = value`, `name: value`, `"name": "value"` where the name is a credential's: the value (quoted: up to its
    closing quote, spaces included; else up to a space or a separator). Names are found from the hints in them (one
    regex pass over the text, in C); each is looked at once, in a window bounded by MAX_KEY_LENGTH."""
    found: list[Span] = []
    consumed = last = 0
    for hint in _HINT.finditer(lowered):
        if hint.start() < last:
            continue  # inside the name just looked at
        bound = hint.start() - MAX_KEY_LENGTH
        start = _NAME_BEFORE.search(text, max(consumed, last, bound, 0), hint.start()).start()  # type: ignore[union-attr]
        end = _NAME_AFTER.match(text, hint.start()).end()  # type: ignore[union-attr]
        last = end
        if (start == bound and start > 0 and _NAME_CHAR.match(text, start - 1)) or end - start >= MAX_KEY_LENGTH:
            continue  # a name longer than any credential's
        separator = _SEPARATOR.match(text, end)
        if separator is None or not is_secret_key(text[start:end].lstrip("-.")):
            continue
        value = separator.end()
        if value < len(text) and text[value] in "\"'":
            close = _closing_quote(text, value)
            found.append((value + 1, close, "assignment to a credential name"))
            consumed = last = close + 1
            continue
        stop = _UNQUOTED_END.search(text, value)
        close = stop.start() if stop else len(text)
        if close > value:
            found.append((value, close, "assignment to a credential name"))
        consumed = last = max(close, value)
    return found


def _closing_quote(text: str, start: int) -> int:
    """Index of the quote closing the one at `start` (a backslash escapes it), else of the line's end."""
    quote, position = text[start], start + 1
    while True:
        found = text.find(quote, position)
        newline = text.find("\n", position, len(text) if found < 0 else found)
        if newline >= 0:
            return newline
        if found < 0:
            return len(text)
        backslashes = 0
        while found - backslashes - 1 > start and text[found - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return found
        position = found + 1


def _base64_spans(text: str, depth: int) -> list[Span]:
    """A base64 blob whose decoded text holds a secret is one (a docker config, a PEM key, an AWS key)."""
    found: list[Span] = []
    for match in _BASE64.finditer(text):
        decoded = decode_base64(match.group(0))
        if decoded is not None and not _BINARY.search(decoded) and (spans(decoded, depth + 1) or
                                                                     json_secrets(decoded)):
            found.append((match.start(), match.end(), "base64 of a secret"))
    return found


def decode_base64(blob: str) -> str | None:
    """The UTF-8 text a base64 blob (standard or URL-safe, padded or not) decodes to, else None."""
    body = blob.rstrip("=").replace("-", "+").replace("_", "/")
    if len(body) % 4 == 1:
        return None
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def json_secrets(text: str) -> list[str]:
    """Credentials in JSON held in a string (`{"db_password": ...}`, a docker config), by key name."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return []
    import json

    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        return []
    found: list[str] = []
    stack: list[tuple[object, bool]] = [(data, False)]
    while stack:
        node, secret = stack.pop()
        if isinstance(node, dict):
            pair = is_env_pair(node)
            stack += [(value, secret or is_secret_key(key) or (pair and key == "value")) for key, value in node.items()]
        elif isinstance(node, list):
            stack += [(item, secret) for item in node]
        elif secret and isinstance(node, str | int | float) and not isinstance(node, bool) and node != "":
            found.append(str(node))
    return found
