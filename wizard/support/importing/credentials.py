"""The customer's credentials on import: read out of their values, into secrets/, never into extras, values or
answers.

The imported Plan writes its own credential keys (the values name the wizard's Secrets, FACTS_ACCOUNTS_NETWORK_IMAGES
§3), so the customer's credential keys (OWNED) are not kept verbatim: each credential they hold inline goes to the
run's Secrets as a given credential (`output.plan_files(given_secrets=...)`), admin users become the Plan's users
with their passwords given, organisation entries become `substra-backend/incoming|outgoing/<msp>` ids. What cannot
move is said, with what to do: a chart default (a new one is generated, and what a running deployment must restart),
a password the backend refuses, an account entry the backend crashes on, a Secret of the customer's that the wizard
cannot read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import MISSING, coalesce, get_path, load_defaults
from wizard.planning.plan import Plan
from wizard.reporting.credential_findings import (
    INCOMING,
    LOCALSTACK_DEFAULTS,
    OUTGOING,
    USERS,
    organisation_problems,
    postgres_password,
    unknown,
    user_problems,
)
from wizard.writing.credentials import (
    BACKEND,
    ORCHESTRATOR,
    admin_id,
    needed,
    organisation_id,
    secret_names,
    user_channel,
)

KeyPath = tuple[str, ...]
OWNED: dict[str, tuple[KeyPath, ...]] = {
    ORCHESTRATOR: (("database", "auth", "password"), ("database", "auth", "credentialsSecretName"),
                   ("postgresql", "auth", "password"), ("postgresql", "auth", "postgresPassword"),
                   ("postgresql", "auth", "existingSecret"), ("postgresql", "auth", "enablePostgresUser")),
}
OWNED[BACKEND] = (*OWNED[ORCHESTRATOR], ("addAccountOperator",),
                  ("redis", "auth", "enabled"), ("redis", "auth", "password"), ("redis", "auth", "existingSecret"),
                  ("redis", "auth", "existingSecretPasswordKey"), ("minio", "auth", "rootUser"),
                  ("minio", "auth", "rootPassword"), ("minio", "auth", "existingSecret"),
                  ("minio", "auth", "rootUserSecretKey"), ("minio", "auth", "rootPasswordSecretKey"),
                  ("localstack", "environment"))
"""Per chart, the customer keys that hold or name a credential: the imported Plan decides them (its Secrets), so they
are never kept verbatim, and the round trip compares the values apart from them."""
FIELDS = ("accounts",)
"""The Plan fields whose settings are those keys (values._credentials)."""


def owned(chart: str, path: KeyPath) -> bool:
    """A customer key at or below a credential key of the chart."""
    return any(path[:len(key)] == key for key in OWNED.get(chart, ()))


def credential_setting(field_path: str) -> bool:
    return field_path.split(".")[0] in FIELDS


def without_credentials(chart: str, tree: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of values without the chart's credential keys (what a round trip compares); a map left empty by that
    goes too."""
    def strip(node: Mapping[str, Any], at: KeyPath) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for key, value in node.items():
            if owned(chart, (*at, key)):
                continue
            if isinstance(value, Mapping) and value:
                value = strip(value, (*at, key))
                if not value:
                    continue
            kept[key] = value
        return kept

    return strip(tree, ())


@dataclass(frozen=True)
class Note:
    """One thing the import did with a credential key (importing wraps it into an ImportNote with file and line)."""

    kind: str
    chart: str
    key: str
    message: str


@dataclass
class Moved:
    """The credentials found in the customer's values (id -> value: the run's given secrets) and the notes."""

    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    notes: list[Note] = field(default_factory=list)


def move(plan: Plan, given: Mapping[str, Mapping[str, Any]]) -> Moved:
    """What the customer's values say of every credential the Plan needs, for the charts they give."""
    moved = _Mover(plan, given)
    for chart in (ORCHESTRATOR, BACKEND):
        if chart in given and _runs(plan, chart):
            moved.database(chart)
    if BACKEND in given and plan.target.backend.enabled:
        moved.redis()
        moved.object_store()
        moved.accounts()
    return moved.result


def _runs(plan: Plan, chart: str) -> bool:
    return plan.target.orchestrator.enabled if chart == ORCHESTRATOR else plan.target.backend.enabled


def _text(value: Any) -> bool:
    """A credential value that can be carried: a non-empty string, not a placeholder or a bundle's redaction."""
    return isinstance(value, str) and value != "" and not unknown(value)


def _password_refused(secret: Any, name: str) -> str | None:
    """Why an admin user's password cannot be carried over (None: the backend accepts it)."""
    from wizard.planning.passwords import password_problems

    if not _text(secret):
        return "its password is missing or not a string, so the backend never created it"
    refused = password_problems(secret, name)
    return f"the backend refuses its password ({'; '.join(refused)}), so it never created it" if refused else None


def _named(value: Any) -> bool:
    return value not in (None, "", MISSING, False)


class _Mover:
    """One pass over the customer's merged values, credential by credential, filling `result`."""

    def __init__(self, plan: Plan, given: Mapping[str, Mapping[str, Any]]) -> None:
        self.plan, self.given = plan, given
        self.result = Moved()
        self.names = secret_names(plan)
        self.restart = {c.id: c.restart for c in needed(plan)}
        self.defaults = {chart: load_defaults(chart, SUPPORTED_VERSIONS[chart]) for chart in given}
        self.merged = {chart: coalesce(self.defaults[chart], dict(data)) for chart, data in given.items()}

    # --- helpers ---

    def at(self, chart: str, key: str) -> Any:
        return get_path(self.merged[chart], tuple(key.split(".")))

    def default(self, chart: str, key: str) -> Any:
        return get_path(self.defaults[chart], tuple(key.split(".")))

    def theirs(self, chart: str, key: str) -> bool:
        """The customer's files set this key (not the chart default)."""
        return get_path(self.given[chart], tuple(key.split("."))) is not MISSING

    def note(self, kind: str, chart: str, key: str, message: str) -> None:
        self.result.notes.append(Note(kind, chart, key, message))

    def where(self, chart: str, role: str) -> str:
        return f"Secret {self.names[role]} (secrets/{chart}-secrets.yaml)"

    def give(self, ident: str, value: str, chart: str, keys: list[str], role: str) -> None:
        self.result.secrets[ident] = value
        for key in keys:
            if self.theirs(chart, key):
                self.note("secret-moved", chart, key, f"a credential inline in your values: with --out it moves to "
                          f"{self.where(chart, role)}, and the values file names that Secret instead; earlier Helm "
                          "release revisions still hold it (helm history)")

    def generated(self, chart: str, key: str, ident: str, why: str, restart: bool | str = True) -> None:
        then = f" For a running deployment: {restart if isinstance(restart, str) else self.restart[ident]}" \
            if restart else " (a running deployment: see postgresql.auth.enablePostgresUser)"
        self.note("default-credential", chart, key, f"{why}: not carried over; with --out a new one is generated into "
                  f"secrets/.{then}")

    def unreadable(self, chart: str, key: str, what: str, role: str, data_key: str) -> None:
        self.note("secret-unknown", chart, key, f"names your Secret {self.at(chart, key)}, which the wizard cannot "
                  f"read: with --out it writes {self.where(chart, role)} with a new {what} instead"
                  f"{self.same_name(chart, key, role)}. For a running deployment, put your {what} there under the "
                  f"key {data_key} and run the import again before install.sh")

    def same_name(self, chart: str, key: str, role: str) -> str:
        """Said when the customer's Secret has the very name the wizard's takes: applying secrets/ replaces it."""
        return " (the same name as yours: install.sh replaces your Secret)" \
            if self.at(chart, key) == self.names[role] else ""

    # --- each credential ---

    def database(self, chart: str) -> None:
        prefix = "orchestrator-" if chart == ORCHESTRATOR else ""
        ident, role = f"{chart}/database", f"{prefix}database"
        bundled = self.at(chart, "postgresql.enabled") is not False
        enforced = bundled and self.at(chart, "postgresql.auth.enablePostgresUser") is True
        if bundled and not enforced:
            self.note("default-credential", chart, "postgresql.auth.enablePostgresUser", "your bundled PostgreSQL "
                      "runs without a password (enablePostgresUser off), so it accepted any client: the imported Plan "
                      "turns it on with the database password from secrets/. For a running deployment: "
                      f"{self.restart[ident]}")
        if _named(self.at(chart, "database.auth.credentialsSecretName")):
            self.unreadable(chart, "database.auth.credentialsSecretName", "database password", role,
                            "DATABASE_PASSWORD")
            return
        if enforced and _named(self.at(chart, "postgresql.auth.existingSecret")):
            self.unreadable(chart, "postgresql.auth.existingSecret", "database password", f"{prefix}postgresql",
                            "postgres-password")
            return
        password = postgres_password(self.merged[chart]) if enforced else self.at(chart, "database.auth.password")
        if self.at(chart, "database.auth.username") != self.default(chart, "database.auth.username"):
            self.note("unrepresentable", chart, "database.auth.username", "the wizard's database Secret logs in as "
                      "postgres (the charts' own user): give that user this password, or keep your values as they "
                      "are")
        keys = ["database.auth.password", "postgresql.auth.password", "postgresql.auth.postgresPassword"]
        if not _text(password) or password == self.default(chart, "database.auth.password"):
            external = "set it for the user postgres on your database server (database.host), then helm upgrade " \
                "(install.sh) and restart the pods that use the database"
            self.generated(chart, "database.auth.password", ident, "your database password is the chart's default "
                           "(or missing)", restart=enforced or (external if not bundled else ""))
        else:
            self.give(ident, password, chart, keys, role)

    def redis(self) -> None:
        chart, ident = BACKEND, f"{BACKEND}/redis"
        if self.at(chart, "redis.enabled") is False:
            return
        if _named(self.at(chart, "redis.auth.existingSecret")):
            self.unreadable(chart, "redis.auth.existingSecret", "Redis password", "redis", "redis-password")
            return
        password = self.at(chart, "redis.auth.password")
        if self.at(chart, "redis.auth.enabled") is False:
            self.generated(chart, "redis.auth.enabled", ident, "your Redis runs without a password (redis.auth.enabled "
                           "off): the imported Plan gives it one")
        elif not _text(password) or password == self.default(chart, "redis.auth.password"):
            self.generated(chart, "redis.auth.password", ident, "your Redis password is the chart's default (or "
                           "missing)")
        else:
            self.give(ident, password, chart, ["redis.auth.password"], "redis")

    def object_store(self) -> None:
        chart = BACKEND
        if self.plan.features.object_store == "minio":
            if _named(self.at(chart, "minio.auth.existingSecret")):
                self.note("secret-unknown", chart, "minio.auth.existingSecret", f"names your Secret "
                          f"{self.at(chart, 'minio.auth.existingSecret')}: MinIO took its root user and password "
                          "from it while the backend sent the inline minio.auth.rootUser and rootPassword. The "
                          f"imported Plan writes {self.where(chart, 'minio')} from the inline values (new ones where "
                          "they are the chart's defaults)"
                          f"{self.same_name(chart, 'minio.auth.existingSecret', 'minio')}")
            for key, suffix, what in (("minio.auth.rootUser", "minio-user", "root user"),
                                      ("minio.auth.rootPassword", "minio-password", "root password")):
                value, ident = self.at(chart, key), f"{BACKEND}/{suffix}"
                if not _text(value) or value == self.default(chart, key):
                    self.generated(chart, key, ident, f"your MinIO {what} is the chart's default (or missing)")
                else:
                    self.give(ident, value, chart, [key], "minio")
            return
        environment = self.at(chart, "localstack.environment")
        entries = {item.get("name"): item.get("value") for item in environment if isinstance(item, dict)} \
            if isinstance(environment, list) else {}
        for name, suffix in zip(LOCALSTACK_DEFAULTS, ("localstack-key-id", "localstack-secret"), strict=True):
            value, ident = entries.get(name), f"{BACKEND}/{suffix}"
            if not _text(value) or value == LOCALSTACK_DEFAULTS[name]:
                self.generated(chart, "localstack.environment", ident, f"your LocalStack {name} is the chart's "
                               "default (or missing)")
            else:
                self.give(ident, value, chart, ["localstack.environment"], "localstack")
        defaults = {item["name"]: item.get("value") for item in self.default(chart, "localstack.environment")}
        others = sorted(str(name) for name, value in entries.items()
                        if name not in LOCALSTACK_DEFAULTS and defaults.get(name, MISSING) != value)
        if others:
            self.note("unrepresentable", chart, "localstack.environment", f"your other entries ({', '.join(others)}) "
                      "are not kept: the wizard writes the chart's list with its own keys (in secrets/)")

    # --- accounts ---

    def accounts(self) -> None:
        chart = BACKEND
        if _named(self.at(chart, "addAccountOperator.existingSecret")):
            self.note("account", chart, "addAccountOperator.existingSecret", f"names your Secret "
                      f"{self.at(chart, 'addAccountOperator.existingSecret')}, which the wizard cannot read: with "
                      f"--out it writes {self.where(chart, 'accounts')}"
                      f"{self.same_name(chart, 'addAccountOperator.existingSecret', 'accounts')} with the Plan's users "
                      f"({', '.join(u.name for u in self.plan.accounts.users)}) and this organisation's own pair. The "
                      "next upgrade deletes every user (unless OIDC is on) and organisation not listed there: put "
                      "your lines in it, then run the import again before install.sh")
            return
        self.users()
        own = self.plan.organisation.msp_id
        found = {INCOMING: self.organisations(INCOMING), OUTGOING: self.organisations(OUTGOING)}
        incoming, outgoing = found[INCOMING].pop(own, None), found[OUTGOING].pop(own, None)
        for direction, key in (("incoming", INCOMING), ("outgoing", OUTGOING)):
            for msp, secret in found[key].items():
                self.result.secrets[organisation_id(direction, msp)] = secret
        own_secret = incoming or outgoing
        if own_secret:
            self.result.secrets[organisation_id("incoming", own)] = own_secret
        if incoming and outgoing and incoming != outgoing:
            self.note("account", chart, f"addAccountOperator.{OUTGOING}", f"this organisation ({own}) has one secret "
                      f"in {INCOMING} and another in {OUTGOING}: the worker calling its own server was refused. The "
                      f"wizard writes the {INCOMING} one in both lists")
        if not own_secret:
            self.note("own-pair", chart, f"addAccountOperator.{INCOMING}", f"this organisation ({own}) is not in your "
                      "organisation lists: the wizard adds it to both with a generated secret (the worker calls its "
                      "own server with it)")

    def users(self) -> None:
        chart, key = BACKEND, f"addAccountOperator.{USERS}"
        entries = self.at(chart, key)
        entries = entries if isinstance(entries, list) else []
        plan_users = {u.name: u for u in self.plan.accounts.users}
        if not entries:
            names = ", ".join(f"{u.name} (channel {user_channel(self.plan, u)})" for u in self.plan.accounts.users)
            self.note("account", chart, key, "no admin user in your values, so nobody could log in: the imported "
                      f"Plan adds {names} with a generated password in secrets/")
            return
        moved, seen = 0, set()
        for index, entry in enumerate(entries):
            where = f"{key}[{index}]"
            name = entry.get("name") if isinstance(entry, Mapping) else None
            user = plan_users.get(name) if isinstance(name, str) and name not in seen else None
            problems = user_problems(entry)
            if user is None:
                why = f" ({'; '.join(problems)})" if problems else " (listed twice)" if name in seen else ""
                self.note("account", chart, key, f"{where} is left out of the Plan{why}")
                continue
            seen.add(name)
            channel = entry.get("channel")
            if user.channel is None and channel not in (None, ""):
                self.note("account", chart, key, f"{where} ({name}): channel {channel} is not one of the Plan's "
                          f"channels: the user gets {user_channel(self.plan, user)}")
            elif user.channel is None:
                self.note("account", chart, key, f"{where} ({name}) has no channel (the migrations Job crashed on "
                          f"it): the Plan gives it {user_channel(self.plan, user)}")
            secret = entry.get("secret")
            refused = _password_refused(secret, name)
            if refused is None:
                self.result.secrets[admin_id(name)] = secret
                moved += 1
            else:
                self.note("account", chart, key, f"{where} ({name}): {refused}. With --out a new password that the "
                          "backend accepts is generated into secrets/ (helm upgrade sets it)")
        if moved:
            self.note("secret-moved", chart, key, f"{moved} admin password(s) inline in your values: with --out "
                      f"they move to {self.where(chart, 'accounts')}; earlier Helm release revisions and the "
                      "migrations Job's log still hold them")

    def organisations(self, key: str) -> dict[str, str]:
        """MSP id -> secret of the entries that can work (last one wins, as the backend's sync updates); the others
        are said and left out."""
        chart, full = BACKEND, f"addAccountOperator.{key}"
        entries = self.at(chart, full)
        found: dict[str, str] = {}
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            problems = organisation_problems(entry, key)
            if not problems and not (_text(entry["secret"]) and _text(entry["name"])):
                problems = ["its name or secret is a placeholder or a bundle's redaction, not a value"]
            fixable = problems and all(p.startswith("has a channel") for p in problems)
            if problems and not fixable:
                self.note("account", chart, full, f"{full}[{index}] is left out ({'; '.join(problems)}): the next "
                          "upgrade removes that organisation, give it again with a secret")
                continue
            if fixable:
                self.note("account", chart, full, f"{full}[{index}] ({entry['name']}) had a channel, so the backend "
                          "stored it under a wrong id: written without the channel, the organisation can "
                          "authenticate again")
            found[entry["name"]] = entry["secret"]
        if found:
            self.note("secret-moved", chart, full, f"{len(found)} organisation secret(s) inline in your values: with "
                      f"--out they move to {self.where(chart, 'accounts')}")
        return found
