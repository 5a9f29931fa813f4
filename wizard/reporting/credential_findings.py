"""Credentials a chart's values leave open: a default password still in effect, a PostgreSQL that takes none, an
admin list nobody can log in with, account entries the backend crashes on or silently drops, and credentials written
inline (FACTS_ACCOUNTS_NETWORK_IMAGES.md §1 and §3).

Read from the override values merged over the chart's defaults, as Helm merges them, so a key the file leaves alone
counts with its default. A message names the key and never the value: these findings end in reports, bundles and
diffs. The wizard's own plans hand the analysis placeholders (`(secret <id>)`) for the credentials the backend chart
takes only inline; a placeholder is a credential the wizard keeps in secrets/, not a default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, get_path, load_defaults
from wizard.reporting.report import Finding

BACKEND, ORCHESTRATOR = "substra-backend", "orchestrator"
AREA = "security"
PLACEHOLDER = re.compile(r"\(secret [^()\s]+\)")
"""What chart_inputs.analysed_settings puts where a credential goes (credentials.resolve without a lookup)."""
REDACTED = re.compile(r"<redacted:\d+>")
"""What a bundle holds where the customer's value was (redact.MARKER): set, but unknown to the analysis."""
LOCALSTACK_DEFAULTS = {"AWS_ACCESS_KEY_ID": "helloAws", "AWS_SECRET_ACCESS_KEY": "mySuperSecureAWSAccessKey1234"}
"""The LocalStack key pair of substra-backend 26.15.3's values.yaml: public, so anyone can send it."""
MOVE = "`wizard import --values CHART=FILE --out DIR` moves it into a Kubernetes Secret under DIR/secrets/"
MAX_OUTGOING_SECRET = 128
"""The backend's outgoing-organisation column (a longer secret makes the insert, and the sync, fail)."""


def credential_findings(chart: str, values: Mapping[str, Any]) -> list[Finding]:
    """The DANGER and WARNING findings about the credentials of one chart's override values."""
    if chart not in (BACKEND, ORCHESTRATOR):
        return []
    merged = coalesce(load_defaults(chart, SUPPORTED_VERSIONS[chart]), dict(values))
    defaults = load_defaults(chart, SUPPORTED_VERSIONS[chart])
    found = _database(chart, merged, defaults)
    if chart == BACKEND:
        found += _redis(merged, defaults) + _object_store(merged, defaults) + accounts_findings(merged)
    return found


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value) is not None


def unknown(value: Any) -> bool:
    """A value that is set but cannot be judged: the wizard's placeholder, or a bundle's redaction (so that a bundle
    explains as its values do, as far as it can)."""
    return isinstance(value, str) and any(shape.fullmatch(value) for shape in (PLACEHOLDER, REDACTED))


def _at(tree: Mapping[str, Any], key: str) -> Any:
    return get_path(tree, tuple(key.split(".")))


def _set(value: Any) -> bool:
    """A key that names something (an existing Secret), as the charts test it: a non-empty value."""
    return value not in (None, "", MISSING, False)


def _inline(value: Any, default: Any) -> bool:
    """A credential written in the values file: set, not the chart's default, not the wizard's placeholder (a
    bundle's redaction counts: something was written there)."""
    return isinstance(value, str) and value != "" and value != default and not is_placeholder(value)


def _inline_warning(key: str, extra: str = "") -> Finding:
    return Finding(AREA, "warning", f"{key} holds a credential inline in the values file: it ends in the Helm "
                                    f"release record{extra}; {MOVE}", key)


def _only_inline(key: str, where: str) -> Finding:
    """The object store's credentials: the backend chart takes them only inline, so inline is no mistake; where they
    are kept is what matters."""
    return Finding(AREA, "info", f"{key} is given inline, as the chart requires (no existingSecret key reaches "
                                 f"{where}): it ends in the Helm release record; keep it in a private values file, "
                                 "not the one you share (`wizard import --values CHART=FILE --out DIR` writes it to "
                                 "DIR/secrets/substra-backend-credentials.values, beside the Secrets)", key)


def postgres_password(merged: Mapping[str, Any]) -> Any:
    """The password the bundled PostgreSQL enforces with enablePostgresUser (user postgres): Bitnami's
    postgres-password, `auth.postgresPassword` when set, else `auth.password`."""
    chosen = _at(merged, "postgresql.auth.postgresPassword")
    return chosen if _set(chosen) else _at(merged, "postgresql.auth.password")


def _database(chart: str, merged: Mapping[str, Any], defaults: Mapping[str, Any]) -> list[Finding]:
    found = []
    bundled = _at(merged, "postgresql.enabled") is not False
    enforced = _at(merged, "postgresql.auth.enablePostgresUser") is True
    if bundled and not enforced:
        found.append(Finding(AREA, "danger", f"{chart}'s bundled PostgreSQL runs without a password "
                             "(postgresql.auth.enablePostgresUser is off, so the chart sets ALLOW_EMPTY_PASSWORD and "
                             "the database trusts every client): any pod or address that reaches port 5432 logs in; "
                             "turn postgresql.auth.enablePostgresUser on with a password of your own (the wizard's "
                             "plans do, from secrets/)", "postgresql.auth.enablePostgresUser"))
    secret_named = _set(_at(merged, "database.auth.credentialsSecretName"))
    password = _at(merged, "database.auth.password")
    default = _at(defaults, "database.auth.password")
    if not secret_named and password == default:
        found.append(Finding(AREA, "danger", f"{chart} logs into its database with the chart's default password "
                             "(database.auth.password, no database.auth.credentialsSecretName): anyone who has read "
                             "the chart knows it; give a Secret of your own", "database.auth.password"))
    elif not secret_named and _inline(password, default):
        extra = " and in plain env of the wait-postgresql init containers" + (" of 5 pods" if chart == BACKEND else "")
        found.append(_inline_warning("database.auth.password", extra))
    if bundled and not _set(_at(merged, "postgresql.auth.existingSecret")):
        key = "postgresql.auth.postgresPassword" if _set(_at(merged, "postgresql.auth.postgresPassword")) else \
            "postgresql.auth.password"
        password, default = postgres_password(merged), _at(defaults, "postgresql.auth.password")
        if enforced and password == default:
            found.append(Finding(AREA, "danger", f"{chart}'s bundled PostgreSQL enforces the chart's default "
                                 f"password ({key}, no postgresql.auth.existingSecret): anyone who has read the chart "
                                 "knows it; give a Secret of your own", key))
        elif _inline(password, default):
            found.append(_inline_warning(key, " and in the PostgreSQL Secret"))
    return found


def _redis(merged: Mapping[str, Any], defaults: Mapping[str, Any]) -> list[Finding]:
    if _at(merged, "redis.enabled") is False:
        return []
    if _at(merged, "redis.auth.enabled") is False:
        return [Finding(AREA, "danger", "the bundled Redis runs without a password (redis.auth.enabled is off): any "
                        "client that reaches port 6379 reads and writes the backend's task queue",
                        "redis.auth.enabled")]
    if _set(_at(merged, "redis.auth.existingSecret")):
        return []
    password, default = _at(merged, "redis.auth.password"), _at(defaults, "redis.auth.password")
    if password == default:
        return [Finding(AREA, "danger", "the bundled Redis keeps the chart's default password (redis.auth.password, no "
                        "redis.auth.existingSecret): anyone who has read the chart knows it; give a Secret of your "
                        "own", "redis.auth.password")]
    return [_inline_warning("redis.auth.password")] if _inline(password, default) else []


def _object_store(merged: Mapping[str, Any], defaults: Mapping[str, Any]) -> list[Finding]:
    found = []
    if _at(merged, "minio.enabled") is not False:
        password, default = _at(merged, "minio.auth.rootPassword"), _at(defaults, "minio.auth.rootPassword")
        if password == default:
            found.append(Finding(AREA, "danger", "MinIO's root password is the chart's default "
                                 "(minio.auth.rootPassword): the backend's object-store Secret always takes the inline "
                                 "minio.auth.rootUser and rootPassword, also with minio.auth.existingSecret, so "
                                 "either MinIO accepts the default or the backend cannot reach it; give your own (a "
                                 "wizard run passes them from secrets/substra-backend-credentials.values: add it as a "
                                 "second --values to judge what helm gets)",
                                 "minio.auth.rootPassword"))
        elif _inline(password, default):
            found.append(_only_inline("minio.auth.rootPassword", "MinIO's and the backend's object-store Secrets"))
    if _at(merged, "localstack.enabled") is True:
        environment = _at(merged, "localstack.environment")
        entries = {item.get("name"): item.get("value") for item in environment if isinstance(item, dict)} \
            if isinstance(environment, list) else {}
        defaults_left = [name for name, value in LOCALSTACK_DEFAULTS.items() if entries.get(name) == value]
        if defaults_left:
            found.append(Finding(AREA, "danger", f"LocalStack's {' and '.join(defaults_left)} in "
                                 "localstack.environment are the chart's published default key pair (the backend "
                                 "sends them; LocalStack accepts any key, so only the storage NetworkPolicy keeps "
                                 "others out); give keys of your own", "localstack.environment"))
        elif any(_inline(entries.get(name), value) for name, value in LOCALSTACK_DEFAULTS.items()):
            found.append(_only_inline("localstack.environment", "the backend's object-store Secret"))
    return found


# --- accounts -------------------------------------------------------------------------------------------------------

USERS, INCOMING, OUTGOING = "users", "incomingOrganizations", "outgoingOrganizations"


def accounts_findings(merged: Mapping[str, Any]) -> list[Finding]:
    """The admin users and organisation lists of merged backend values, as the migrations Job will read them."""
    operator = _at(merged, "addAccountOperator")
    operator = operator if isinstance(operator, Mapping) else {}
    if _set(operator.get("existingSecret")):
        return []  # the lists come from a Secret the analysis cannot see
    found = []
    users = operator.get(USERS)
    if not users:
        oidc = _at(merged, "oidc.enabled") is True
        found.append(Finding(AREA, "warning" if oidc else "danger", "no admin user: addAccountOperator.users is empty "
                             "and addAccountOperator.existingSecret is not set, so " + (
                                 "only OIDC users can log in" if oidc else "nobody can log in (SDK or web "
                                 "interface), and every upgrade deletes the users made by hand") +
                             "; add at least one user with name, secret and channel (the wizard's plans have one)",
                             f"addAccountOperator.{USERS}"))
    for key in (USERS, INCOMING, OUTGOING):
        entries = operator.get(key)
        if entries in (None, [], MISSING):
            continue
        if not isinstance(entries, list):
            found.append(_account_danger(key, f"addAccountOperator.{key} is not a list: the chart cannot render the "
                                              "accounts Secret"))
            continue
        check = user_problems if key == USERS else organisation_problems
        for index, entry in enumerate(entries):  # by index only: a bundle redacts the names
            found += [_account_danger(key, f"addAccountOperator.{key}[{index}] {problem}")
                      for problem in check(entry, key)]
        found.append(_inline_warning(f"addAccountOperator.{key}", " (and new users' passwords in the migrations "
                                                                  "Job's log)" if key == USERS else ""))
    return found


def _account_danger(key: str, message: str) -> Finding:
    return Finding(AREA, "danger", message, f"addAccountOperator.{key}")


def _not_text(entry: Mapping[str, Any], field: str) -> str | None:
    value = entry.get(field, MISSING)
    if value is MISSING or value is None:
        return f"has no {field}: the chart writes %!s(<nil>) in its place"
    if not isinstance(value, str):
        return f"has a {field} that is not a string ({type(value).__name__}): the chart writes it as %!s(...) text; " \
               "quote it"
    return None


def user_problems(entry: Any, _key: str = USERS) -> list[str]:
    """Why the migrations Job crashes on, or silently skips, one addAccountOperator.users entry ([] when fine)."""
    from wizard.planning.passwords import password_problems, username_problem

    if not isinstance(entry, Mapping):
        return ["is not a map of name, secret and channel: the chart cannot write it"]
    if "channel" not in entry or entry.get("channel") in (None, ""):
        return ["has no channel: the chart writes `name secret` and the backend needs three fields, so the "
                "migrations Job crashes on this line and the install or upgrade fails; give its channel"]
    wrong = [problem for field in ("name", "secret", "channel") if (problem := _not_text(entry, field))]
    if wrong:
        return wrong
    name, secret, channel = entry["name"], entry["secret"], entry["channel"]
    if not unknown(channel) and any(c.isspace() for c in channel):
        return ["has a space in its channel: the backend splits the line at every space, so the migrations Job "
                "crashes on it and the install or upgrade fails"]
    name_problem = None if unknown(name) else username_problem(name)
    if name_problem:
        return [f"cannot be created: {name_problem}"]
    refused = [] if unknown(secret) or unknown(name) else password_problems(secret, name)
    if refused:
        return [f"has a password the backend refuses ({'; '.join(refused)}): the migrations Job skips this user "
                "without failing, so it never exists and nobody is told"]
    return []


def organisation_problems(entry: Any, key: str) -> list[str]:
    """Why the backend crashes on, or silently misreads, one organisation entry ([] when fine)."""
    if not isinstance(entry, Mapping):
        return ["is not a map of name and secret: the chart cannot write it"]
    wrong = [problem for field in ("name", "secret") if (problem := _not_text(entry, field))]
    if wrong:
        return wrong
    found = []
    if any(c in "\r\n" for c in entry["name"]):
        found.append("has a line break in its name: the backend reads the line wrong or crashes on it")
    if "channel" in entry:
        found.append("has a channel: organisation lines take no channel, so the backend reads `name secret` as the "
                     "organisation id and the channel as its secret; that organisation never authenticates, and the "
                     "secret shows in the migrations Job's log; remove channel")
    secret = entry["secret"]
    if unknown(secret):
        return found
    if secret == "":
        found.append("has an empty secret: " + ("nobody can ever log in as it" if key == INCOMING else
                                                "the backend sends an empty password"))
    elif any(c.isspace() for c in secret):
        found.append("has a space or line break in its secret: the backend reads the line wrong or crashes on it")
    elif key == OUTGOING and len(secret) > MAX_OUTGOING_SECRET:
        found.append(f"has a secret longer than {MAX_OUTGOING_SECRET} characters: the backend's column is "
                     f"{MAX_OUTGOING_SECRET} long, so the insert fails and the sync crashes")
    return found
