"""Every credential a Plan's charts need: the Secret and key that hold it, what it is for, and what must restart when
it changes. The values files only name these Secrets (the charts' existingSecret-style keys); the values live in
secrets/ (secret_files.py) and nowhere else.

Two chart quirks decide the shape (FACTS_ACCOUNTS_NETWORK_IMAGES.md §3): the backend's object-store Secret takes
MinIO's root user and password (and LocalStack's keys) only inline, with no key that points it at a Secret, so those
also go to helm from a private values file under secrets/; and the bundled PostgreSQL accepts any client unless
`enablePostgresUser` is on, so the wizard turns it on with the same password the backend uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wizard.charts.chart_defaults import load_defaults
from wizard.charts.helm_names import fullname
from wizard.planning.passwords import generate_key, generate_password, generate_token
from wizard.planning.plan import Plan

BACKEND, ORCHESTRATOR = "substra-backend", "orchestrator"
DATABASE_USER = "postgres"
"""The charts' own database user: the backend and the orchestrator connect as it, so its password is the one
PostgreSQL enforces (the Bitnami chart's admin password)."""
LOCALSTACK_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")

Kind = Literal["password", "key", "user", "token"]


@dataclass(frozen=True)
class Credential:
    """One secret value. `id` is stable across runs (`substra-backend/admin/alice`), so a re-run finds it again."""

    id: str
    chart: str
    purpose: str
    kind: Kind
    restart: str
    """What must happen for a new value to take effect (said by --rotate-secrets)."""

    def generate(self) -> str:
        if self.kind == "password":
            return generate_password()
        if self.kind == "token":
            return generate_token()
        if self.kind == "user":
            return "substra-" + generate_key(8).lower()
        return generate_key()


@dataclass(frozen=True)
class SecretObject:
    """One Kubernetes Secret the wizard writes: its name, namespace, purpose and data (key -> text)."""

    chart: str
    namespace: str
    name: str
    purpose: str
    data: tuple[tuple[str, str], ...]

    def manifest(self) -> dict[str, Any]:
        import base64

        return {
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": self.name, "namespace": self.namespace,
                         "labels": {"app.kubernetes.io/managed-by": "substra-wizard",
                                    "app.kubernetes.io/part-of": self.chart},
                         "annotations": {"substra-wizard.io/purpose": self.purpose}},
            "data": {key: base64.b64encode(value.encode()).decode() for key, value in self.data},
        }


def admin_id(name: str) -> str:
    return f"{BACKEND}/admin/{name}"


def organisation_id(direction: Literal["incoming", "outgoing"], msp_id: str) -> str:
    return f"{BACKEND}/{direction}/{msp_id}"


def secret_names(plan: Plan) -> dict[str, str]:
    """The names of the Secrets the wizard writes, by role; derived from the release names so they never collide with
    the Secrets the charts make (`<release>-postgresql`, `<release>-substra-backend-database`, ...)."""
    backend, orchestrator = plan.target.backend.release, plan.target.orchestrator.release
    return {"accounts": f"{backend}-accounts", "database": f"{backend}-database-credentials",
            "postgresql": f"{backend}-postgresql-credentials", "redis": f"{backend}-redis-credentials",
            "minio": f"{backend}-minio-credentials", "localstack": f"{backend}-localstack-credentials",
            "orchestrator-database": f"{orchestrator}-database-credentials",
            "orchestrator-postgresql": f"{orchestrator}-postgresql-credentials"}


def needed(plan: Plan) -> list[Credential]:
    """Every credential the Plan's charts need, in the order `wizard secrets` lists them."""
    found: list[Credential] = []
    if plan.target.orchestrator.enabled:
        found.append(Credential(f"{ORCHESTRATOR}/database", ORCHESTRATOR, "orchestrator database password (user "
                                f"{DATABASE_USER})", "key", _database_restart(plan, ORCHESTRATOR)))
    if not plan.target.backend.enabled:
        return found
    backend = plan.target.backend.release
    found += [Credential(admin_id(user.name), BACKEND, f"admin user {user.name} (channel {user_channel(plan, user)})",
                         "password", "helm upgrade (install.sh): the migrations Job sets the new password")
              for user in plan.accounts.users]
    msp = plan.organisation.msp_id
    found.append(Credential(organisation_id("incoming", msp), BACKEND, f"this organisation's own credentials ({msp} "
                            "calls itself: the worker reaches its own server)", "token",
                            "helm upgrade (install.sh): the migrations Job syncs the organisation lists"))
    found.append(Credential(f"{BACKEND}/database", BACKEND, f"backend database password (user {DATABASE_USER})", "key",
                            _database_restart(plan, BACKEND)))
    found.append(Credential(f"{BACKEND}/redis", BACKEND, "Redis password", "key",
                            f"restart Redis and the backend: kubectl -n {plan.target.backend.namespace} rollout "
                            f"restart statefulset/{fullname(backend, 'redis')}-master, then every backend "
                            "Deployment and StatefulSet"))
    if plan.features.object_store == "minio":
        restart = (f"helm upgrade (install.sh), then kubectl -n {plan.target.backend.namespace} rollout restart "
                   f"deployment/{fullname(backend, 'minio')} and the backend's server, worker and builder")
        found.append(Credential(f"{BACKEND}/minio-user", BACKEND, "MinIO root user", "user", restart))
        found.append(Credential(f"{BACKEND}/minio-password", BACKEND, "MinIO root password", "key", restart))
    else:
        restart = "helm upgrade (install.sh): LocalStack accepts any key, the backend sends the new one"
        found.append(Credential(f"{BACKEND}/localstack-key-id", BACKEND, "LocalStack access key id", "user", restart))
        found.append(Credential(f"{BACKEND}/localstack-secret", BACKEND, "LocalStack secret key", "key", restart))
    return found


def _database_restart(plan: Plan, chart: str) -> str:
    target = plan.target.orchestrator if chart == ORCHESTRATOR else plan.target.backend
    pod = f"{fullname(target.release, 'postgresql')}-0"
    return (f"PostgreSQL keeps the password it was initialised with: first set the new one inside it (kubectl -n "
            f"{target.namespace} exec -it {pod} -- psql -U {DATABASE_USER}, then \\password {DATABASE_USER}), then "
            "helm upgrade (install.sh) and restart the pods that use the database")


def user_channel(plan: Plan, user: Any) -> str:
    """The channel an admin user works on: the one given, else the plan's first channel."""
    return str(user.channel or (plan.channels[0].name if plan.channels else ""))


def secret_objects(plan: Plan, vault: Mapping[str, str]) -> list[SecretObject]:
    """The Secrets of the Plan filled from `vault` (id -> value; every id of `needed(plan)` must be there; extra
    organisation entries, from an import, are written too)."""
    names = secret_names(plan)
    found: list[SecretObject] = []
    if plan.target.orchestrator.enabled:
        ns, password = plan.target.orchestrator.namespace, vault[f"{ORCHESTRATOR}/database"]
        found += [
            SecretObject(ORCHESTRATOR, ns, names["orchestrator-database"], "how the orchestrator logs into its "
                         "database", (("DATABASE_USERNAME", DATABASE_USER), ("DATABASE_PASSWORD", password))),
            SecretObject(ORCHESTRATOR, ns, names["orchestrator-postgresql"], "the password the orchestrator's "
                         "PostgreSQL enforces", (("postgres-password", password),)),
        ]
    if not plan.target.backend.enabled:
        return found
    ns, password = plan.target.backend.namespace, vault[f"{BACKEND}/database"]
    found += [
        SecretObject(BACKEND, ns, names["accounts"], "admin users and organisation credentials (the migrations Job "
                     "syncs them on every install and upgrade)", accounts_data(plan, vault)),
        SecretObject(BACKEND, ns, names["database"], "how the backend logs into its database",
                     (("DATABASE_USERNAME", DATABASE_USER), ("DATABASE_PASSWORD", password))),
        SecretObject(BACKEND, ns, names["postgresql"], "the password the backend's PostgreSQL enforces",
                     (("postgres-password", password),)),
        SecretObject(BACKEND, ns, names["redis"], "the Redis password (the worker and builder read this key name)",
                     (("redis-password", vault[f"{BACKEND}/redis"]),)),
    ]
    if plan.features.object_store == "minio":
        found.append(SecretObject(BACKEND, ns, names["minio"], "MinIO's root user and password",
                                  (("root-user", vault[f"{BACKEND}/minio-user"]),
                                   ("root-password", vault[f"{BACKEND}/minio-password"]))))
    else:
        found.append(SecretObject(BACKEND, ns, names["localstack"], "the keys the backend sends to LocalStack (kept "
                                  "here for you; LocalStack accepts any key)",
                                  tuple((key, vault[f"{BACKEND}/{suffix}"]) for key, suffix in
                                        zip(LOCALSTACK_KEYS, ("localstack-key-id", "localstack-secret"), strict=True))))
    return found


def accounts_data(plan: Plan, vault: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The three keys of the accounts Secret, one entry per line as the backend parses them: users `name password
    channel`, organisations `msp-id secret` (no channel: the backend would read it as the secret)."""
    users = "".join(f"{u.name} {vault[admin_id(u.name)]} {user_channel(plan, u)}\n" for u in plan.accounts.users)
    lists = []
    for direction in ("incoming", "outgoing"):
        entries = organisations(plan, vault, direction)  # type: ignore[arg-type]
        lists.append("".join(f"{msp} {secret}\n" for msp, secret in entries))
    return (("users", users), ("incoming_organizations", lists[0]), ("outgoing_organizations", lists[1]))


def organisations(plan: Plan, vault: Mapping[str, str],
                  direction: Literal["incoming", "outgoing"]) -> list[tuple[str, str]]:
    """(MSP id, secret) of one organisation list: this organisation itself first (the same secret both ways: it
    calls itself), then any other entries the vault holds, by MSP id."""
    own = plan.organisation.msp_id
    prefix = f"{BACKEND}/{direction}/"
    others = sorted((key[len(prefix):], value) for key, value in vault.items()
                    if key.startswith(prefix) and key[len(prefix):] != own)
    return [(own, vault[organisation_id("incoming", own)]), *others]


@dataclass(frozen=True)
class Ref:
    """A credential in a values setting: written as its value only into the private values file under secrets/."""

    id: str


def private_settings(plan: Plan) -> dict[str, dict[tuple[str, ...], Any]]:
    """Per chart, the values the chart can only take inline (no existingSecret key reaches the object-store Secret):
    path -> value with `Ref`s where the credential goes."""
    if not plan.target.backend.enabled:
        return {}
    if plan.features.object_store == "minio":
        return {BACKEND: {("minio", "auth", "rootUser"): Ref(f"{BACKEND}/minio-user"),
                          ("minio", "auth", "rootPassword"): Ref(f"{BACKEND}/minio-password")}}
    refs = dict(zip(LOCALSTACK_KEYS, (Ref(f"{BACKEND}/localstack-key-id"), Ref(f"{BACKEND}/localstack-secret")),
                    strict=True))
    environment = [dict(item, value=refs[item["name"]]) if item.get("name") in refs else dict(item)
                   for item in load_defaults(BACKEND, plan.target.backend.version)["localstack"]["environment"]]
    return {BACKEND: {("localstack", "environment"): environment}}


def resolve(value: Any, lookup: Mapping[str, str] | None) -> Any:
    """`value` with every Ref replaced by its credential (lookup None: by a placeholder that names it, for the
    analysis, which must never see a credential)."""
    if isinstance(value, Ref):
        return f"(secret {value.id})" if lookup is None else lookup[value.id]
    if isinstance(value, list):
        return [resolve(item, lookup) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, lookup) for key, item in value.items()}
    return value
