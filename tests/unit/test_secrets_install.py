"""`--install` and the Secrets of secrets/: read from the files a run wrote, created (or the wizard's own replaced)
before each chart's helm run through the API, someone else's refused before anything changes, named in progress
events by Secret and key but never by value; helm gets the private credentials file after the values file; a dry run
creates nothing. And the upgrade notice: which users and organisations the backend's accounts sync deletes, shown
before the install is confirmed.

The Secret logic runs on an in-memory store (fake_cluster.FakeSecrets); the install and the CLI on the API double
through the real kubernetes client, with the recording fake Helm of test_install."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_cluster import FakeSecrets, secret
from test_cluster_double import ApiDouble, load_routes, load_stages, serving
from test_install import BACKEND, CHART, ORCHESTRATOR, FakeHelm, double_of  # noqa: F401 - double_of is a fixture

import wizard.helm
from wizard import cli
from wizard.cluster import accounts, secrets
from wizard.cluster.install import Event, install, values_files
from wizard.cluster.needs import Needs
from wizard.commands import install as install_command
from wizard.core.errors import OutputError
from wizard.helm.base import ChartSource, ReleaseInfo
from wizard.planning.layers import build_plan, plan_layers
from wizard.planning.plan import Plan
from wizard.writing import output, secret_files

NEEDS = Needs((ORCHESTRATOR, BACKEND))
"""The minimal preset's releases: orchestrator in `orchestrator`, backend in `org-1`."""


def written(folder: Path, *sets: str) -> tuple[Plan, Path, dict[str, str]]:
    """The minimal preset's files in `folder`/out; (plan, out, every credential written: id -> value)."""
    plan = build_plan(plan_layers("minimal", None, list(sets)))
    out = folder / "out"
    output.write_files(output.plan_files(plan, out))
    return plan, out, secret_files.read_existing(plan, out)


def decoded(body: dict[str, Any]) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in body["data"].items()}


def no_value_in(text: str, values: dict[str, str]) -> None:
    leaked = [ident for ident, value in values.items() if value in text]
    assert not leaked, f"credentials shown: {leaked}"


# --- reading secrets/ ----------------------------------------------------------------------------------------------


def test_the_secrets_a_run_wrote_are_read_per_chart_with_the_wizards_label(tmp_path: Path) -> None:
    plan, out, values = written(tmp_path)
    backend = secrets.load(out, "substra-backend", "org-1")
    assert [w.name for w in backend] == ["backend-accounts", "backend-database-credentials",
                                         "backend-postgresql-credentials", "backend-redis-credentials",
                                         "backend-minio-credentials"]
    assert [w.name for w in secrets.load(out, "orchestrator", "orchestrator")] == [
        "orchestrator-database-credentials", "orchestrator-postgresql-credentials"]
    assert secrets.load(out, "substra-frontend", "org-1") == []  # no file, no Secret
    redis = next(w for w in backend if w.name == "backend-redis-credentials")
    assert decoded(redis.body) == {"redis-password": values["substra-backend/redis"]}
    assert redis.body["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "substra-wizard"
    assert redis.body["metadata"]["namespace"] == "org-1" and redis.keys == ("redis-password",)
    no_value_in(repr(backend), values)  # a Wanted never shows its data


BROKEN = {
    "not a Secret": ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n",
                     "document 1: not a Secret"),
    "other namespace": ("apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: elsewhere}\n"
                        "stringData: {password: hunter2-is-not-shown}\n",
                        "Secret x is in namespace elsewhere, but the chart installs into org-1"),
    "not base64": ("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {password: 'hunter2-is-not-shown!'}\n",
                   "Secret x, key password: not base64"),
    "twice": ("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Secret\n"
              "metadata: {name: x}\n", "defines the Secret x more than once"),
    "no name": ("apiVersion: v1\nkind: Secret\nmetadata: {}\nstringData: {password: hunter2-is-not-shown}\n",
                "document 1: the Secret has no metadata.name"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_secrets_file_is_refused_naming_the_file_never_a_value(tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    (tmp_path / "secrets").mkdir()
    path = tmp_path / "secrets" / "substra-backend-secrets.yaml"
    path.write_text(text)
    with pytest.raises(OutputError) as caught:
        secrets.load(tmp_path, "substra-backend", "org-1")
    assert str(path) in caught.value.msg and expected in caught.value.msg
    assert "hunter2" not in str(caught.value)


def test_string_data_is_sent_as_data(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "orchestrator-secrets.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {password: s3cret}\n")
    [wanted] = secrets.load(tmp_path, "orchestrator", "orchestrator")
    assert wanted.body["data"] == {"password": base64.b64encode(b"s3cret").decode()} and "stringData" not in wanted.body
    assert wanted.body["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "substra-wizard"}


# --- create, keep, replace, refuse ---------------------------------------------------------------------------------


def _redis(tmp_path: Path) -> tuple[secrets.Wanted, str]:
    _, out, values = written(tmp_path)
    wanted = next(w for w in secrets.load(out, "substra-backend", "org-1") if w.name == "backend-redis-credentials")
    return wanted, values["substra-backend/redis"]


def test_an_absent_secret_is_created_and_an_identical_one_left_alone(tmp_path: Path) -> None:
    wanted, password = _redis(tmp_path)
    store = FakeSecrets()
    assert secrets.apply(store, wanted).action == "create"
    assert store.writes() == [("create", "org-1", "backend-redis-credentials")]
    stored = store.secrets[("org-1", "backend-redis-credentials")]
    assert decoded(stored) == {"redis-password": password}
    version = stored["metadata"]["resourceVersion"]
    change = secrets.apply(store, wanted)  # a re-run
    assert change.action == "unchanged" and len(store.writes()) == 1
    assert store.secrets[("org-1", "backend-redis-credentials")]["metadata"]["resourceVersion"] == version


def test_the_wizards_own_secret_with_other_values_is_replaced_keeping_other_labels(tmp_path: Path) -> None:
    wanted, password = _redis(tmp_path)
    store = FakeSecrets({("org-1", "backend-redis-credentials"): secret(
        "org-1", "backend-redis-credentials", {"redis-password": "the-old-one", "extra": "x"}, labels={"team": "a"})})
    change = secrets.apply(store, wanted)
    assert (change.action, change.changed) == ("replace", ("extra", "redis-password"))
    assert change.describe() == ("Secret backend-redis-credentials in org-1 (new values for keys extra, "
                                 "redis-password)")
    stored = store.secrets[("org-1", "backend-redis-credentials")]
    assert decoded(stored) == {"redis-password": password}
    assert stored["metadata"]["labels"]["team"] == "a"  # someone's label stays; the replace was not stale (fake)


def test_a_secret_someone_else_made_is_refused_and_left_untouched(tmp_path: Path) -> None:
    wanted, _ = _redis(tmp_path)
    theirs = secret("org-1", "backend-redis-credentials", {"redis-password": "theirs"}, wizard=False,
                    labels={"app.kubernetes.io/managed-by": "Helm"})
    store = FakeSecrets({("org-1", "backend-redis-credentials"): theirs})
    with pytest.raises(secrets.SecretRefused) as caught:
        secrets.apply(store, wanted)
    assert store.writes() == []
    message = caught.value.msg
    assert "Secret backend-redis-credentials in namespace org-1 (managed by Helm)" in message
    assert "Nothing was installed" in message and "app.kubernetes.io/managed-by=substra-wizard" in message
    assert "theirs" not in message


def test_check_findings_block_on_a_foreign_secret_and_warn_on_new_values_with_what_to_restart(tmp_path: Path
                                                                                               ) -> None:
    plan, out, values = written(tmp_path)
    wanted = secrets.load(out, "substra-backend", "org-1")
    store = FakeSecrets({
        ("org-1", "backend-redis-credentials"): secret("org-1", "backend-redis-credentials", {"redis-password": "x"},
                                                       wizard=False),
        ("org-1", "backend-database-credentials"): secret("org-1", "backend-database-credentials",
                                                          {"DATABASE_USERNAME": "postgres", "DATABASE_PASSWORD": "o"}),
        ("org-1", "backend-postgresql-credentials"): secret("org-1", "backend-postgresql-credentials",
                                                            {"postgres-password": "o"}),
        ("org-1", "backend-accounts"): secret("org-1", "backend-accounts", {"users": "admin old mychannel\n"})})
    found = secrets.findings(secrets.survey(store, wanted), secrets.restarts(plan), said_elsewhere={"backend-accounts"})
    assert store.writes() == []
    assert [(f.severity, f.check) for f in found] == [("blocking", "secret"), ("warning", "secret")]
    assert found[0].message.startswith("Secret backend-redis-credentials in namespace org-1 exists and was not made "
                                       "by the wizard")
    assert found[1].message == ("Secrets backend-database-credentials (DATABASE_PASSWORD) and "
                                "backend-postgresql-credentials (postgres-password) in namespace org-1 hold other "
                                "values than secrets/ for those keys: the install replaces them")
    assert "PostgreSQL keeps the password it was initialised with" in found[1].fix
    no_value_in("\n".join(str(f) for f in found), values)


# --- the install --------------------------------------------------------------------------------------------------


class OrderedHelm(FakeHelm):
    """The fake Helm, noting how many API requests the double had received when each chart's helm ran, and the full
    paths of the values files it was given."""

    def __init__(self, double: ApiDouble, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.double = double
        self.at: dict[str, int] = {}
        self.paths: list[Path] = []

    def upgrade_install(self, release: str, chart: ChartSource, namespace: str, values_files: Any, *,
                        dry_run: bool = False, timeout_seconds: int = 600) -> ReleaseInfo:
        self.at[release] = len(self.double.requests)
        self.paths += list(values_files)
        return super().upgrade_install(release, chart, namespace, values_files, dry_run=dry_run,
                                       timeout_seconds=timeout_seconds)


def _secret_writes(double: ApiDouble, upto: int | None = None) -> list[tuple[str, str]]:
    """(method, namespace/name) of each write of a Secret the double received (of the first `upto` requests)."""
    found = []
    for method, path, body in double.requests[:upto]:
        parts = path.split("?")[0].split("/")
        if method in ("POST", "PUT") and "secrets" in parts:
            found.append((method, f"{parts[parts.index('namespaces') + 1]}/{body['metadata']['name']}"))
    return found


def _run(out: Path, helm: FakeHelm, connection: Any, settings: Any, dry_run: bool = False) -> list[Event]:
    events: list[Event] = []
    install(NEEDS, out, helm, connection, events.append, kubernetes_version="1.31", settings=settings,
            dry_run=dry_run, source=lambda target: ChartSource(str(CHART)))
    return events


def test_each_charts_secrets_are_created_before_its_helm_run_and_helm_reads_the_credentials_file(
        double_of: Any, tmp_path: Path) -> None:
    _, out, values = written(tmp_path)
    double, connection, settings = double_of("install-happy")
    helm = OrderedHelm(double)
    events = _run(out, helm, connection, settings)
    orchestrator = [("POST", "orchestrator/orchestrator-database-credentials"),
                    ("POST", "orchestrator/orchestrator-postgresql-credentials")]
    backend = [("POST", f"org-1/{name}") for name in ("backend-accounts", "backend-database-credentials",
                                                      "backend-postgresql-credentials", "backend-redis-credentials",
                                                      "backend-minio-credentials")]
    assert _secret_writes(double, helm.at["orchestrator"]) == orchestrator
    assert _secret_writes(double, helm.at["backend"]) == orchestrator + backend
    assert [c[3] for c in helm.calls] == [("orchestrator-values.yaml",),
                                          ("substra-backend-values.yaml", "substra-backend-credentials.values")]
    said = [e.message for e in events if e.step == "secret"]
    assert said[2] == ("created Secret backend-accounts in org-1 (keys users, incoming_organizations, "
                       "outgoing_organizations)")
    assert len(said) == 7
    no_value_in("\n".join(e.message for e in events), values)
    namespace_post = next(i for i, (m, p, _) in enumerate(double.requests) if m == "POST" and p == "/api/v1/namespaces")
    first_secret = next(i for i, (m, p, _) in enumerate(double.requests) if m == "POST" and "/secrets" in p)
    assert namespace_post < next(i for i, (m, p, _) in enumerate(double.requests)
                                 if m == "POST" and "org-1/secrets" in p) and first_secret < helm.at["orchestrator"]


def test_a_secret_someone_else_made_stops_the_install_before_any_change(double_of: Any, tmp_path: Path) -> None:
    _, out, _ = written(tmp_path)
    double, connection, settings = double_of("install-happy")
    double.routes["GET /api/v1/namespaces/org-1/secrets/backend-minio-credentials"] = secret(
        "org-1", "backend-minio-credentials", {"root-user": "u", "root-password": "p"}, wizard=False)
    helm = OrderedHelm(double)
    with pytest.raises(secrets.SecretRefused, match="Secret backend-minio-credentials in namespace org-1"):
        _run(out, helm, connection, settings)
    assert helm.calls == [] and double.paths("POST") == [] and double.paths("PUT") == []


def test_the_wizards_secret_with_other_values_is_replaced_through_the_api(double_of: Any, tmp_path: Path) -> None:
    _, out, values = written(tmp_path)
    double, connection, settings = double_of("install-happy")
    route = {"GET /api/v1/namespaces/org-1/secrets/backend-redis-credentials": secret(
        "org-1", "backend-redis-credentials", {"redis-password": "old"}, labels={"team": "a"})}
    double.routes.update(route)
    advance = settings.sleep

    def keeping(seconds: float) -> None:  # each poll loads the scenario's next stage: the Secret stays in the cluster
        advance(seconds)
        double.routes.update(route)

    settings.sleep = keeping
    events = _run(out, OrderedHelm(double), connection, settings)
    [(method, path, body)] = [r for r in double.requests if r[0] == "PUT"]
    assert path == "/api/v1/namespaces/org-1/secrets/backend-redis-credentials?fieldManager=substra-wizard"
    assert body["metadata"]["resourceVersion"] == "7" and body["metadata"]["labels"]["team"] == "a"
    assert decoded(body) == {"redis-password": values["substra-backend/redis"]}
    assert "replaced Secret backend-redis-credentials in org-1 (new values for key redis-password)" in \
        [e.message for e in events]


def test_a_dry_run_creates_no_secret_and_says_which_it_would(double_of: Any, tmp_path: Path) -> None:
    _, out, values = written(tmp_path)
    double, connection, settings = double_of("install-happy")
    helm = OrderedHelm(double)
    events = _run(out, helm, connection, settings, dry_run=True)
    assert double.paths("POST") == [] and double.paths("PUT") == []
    said = [e.message for e in events if e.step == "dry-run"]
    assert "would create Secret backend-redis-credentials in org-1 (key redis-password)" in said
    assert said.index("would create Secret backend-minio-credentials in org-1 (keys root-user, root-password)") < \
        next(i for i, line in enumerate(said) if line.startswith("helm rendered backend"))
    assert [c[3] for c in helm.calls][1] == ("substra-backend-values.yaml", "substra-backend-credentials.values")
    no_value_in("\n".join(said), values)


def test_helm_gets_the_credentials_file_only_when_there_is_one(tmp_path: Path) -> None:
    _, out, _ = written(tmp_path)
    assert values_files(out, "substra-backend") == [out / "substra-backend-values.yaml",
                                                    out / "secrets" / "substra-backend-credentials.values"]
    assert values_files(out, "orchestrator") == [out / "orchestrator-values.yaml"]


def test_both_helm_backends_pass_the_credentials_file_after_the_values(tmp_path: Path) -> None:
    from wizard.helm.binary import _values_args
    from wizard.helm.sdk import merged_values

    _, out, values = written(tmp_path)
    files = values_files(out, "substra-backend")
    assert _values_args(files) == ["--values", str(files[0]), "--values", str(files[1])]
    merged = merged_values(files)  # the SDK's reading of several -f
    assert merged["minio"]["auth"]["rootPassword"] == values["substra-backend/minio-password"]
    assert merged["minio"]["auth"]["existingSecret"] == "backend-minio-credentials"  # from the values file


# --- the accounts sync, said before it runs ------------------------------------------------------------------------


def _accounts(users: str, incoming: str = "", outgoing: str = "", name: str = "backend-accounts") -> dict[str, Any]:
    return secret("org-1", name, {"users": users, "incoming_organizations": incoming,
                                  "outgoing_organizations": outgoing})


OLD = _accounts("admin oldpassword-not-shown mychannel\nbob bobs-password-not-shown mychannel\n",
                "Org1MSP self-secret-not-shown\nOrg2MSP other-secret-not-shown\n",
                "Org1MSP self-secret-not-shown\nOrg3MSP third-secret-not-shown\n")


def test_an_upgrade_says_which_users_and_organisations_the_sync_deletes(tmp_path: Path) -> None:
    _, out, values = written(tmp_path)
    store = FakeSecrets({("org-1", "backend-accounts"): OLD})
    found = accounts.review(store, BACKEND, out, secrets.load(out, "substra-backend", "org-1"), upgrade=True)
    assert found is not None and found.now_source == "backend-accounts"
    assert (found.deleted_users, found.deleted_organisations, found.created_users) == (
        ("bob",), ("Org2MSP (incoming)", "Org3MSP (outgoing)"), ())
    [warning] = accounts.findings(found)
    assert warning.message == ("the upgrade of backend in namespace org-1 deletes the user bob and the organisations "
                               "Org2MSP (incoming), Org3MSP (outgoing) from its database: the accounts Secret "
                               "backend-accounts in the cluster lists them, secrets/ does not")
    assert warning.field == "accounts.users" and "to keep an organisation" in warning.fix
    text = "\n".join([str(warning), *accounts.lines(found)])
    assert "users made in the web interface or with the API are deleted too" in text
    assert "not-shown" not in text
    no_value_in(text, values)
    assert store.writes() == []


def test_an_old_install_with_inline_lists_is_read_from_the_charts_own_secret(tmp_path: Path) -> None:
    _, out, _ = written(tmp_path, "accounts.users=[{name: carol}]")
    store = FakeSecrets({("org-1", "backend-substra-backend-add-account"): _accounts(
        "admin pw-not-shown mychannel\n", name="backend-substra-backend-add-account")})
    found = accounts.review(store, BACKEND, out, secrets.load(out, "substra-backend", "org-1"), upgrade=True)
    assert found is not None and found.now_source == "backend-substra-backend-add-account"
    assert (found.deleted_users, found.created_users) == (("admin",), ("carol",))
    lines = accounts.lines(found)
    assert ("  users created: carol; the backend prints their passwords in the log of Job "
            "backend-substra-backend-migrations: once it has completed, delete it (kubectl -n org-1 delete job "
            "backend-substra-backend-migrations)") in lines


def test_with_oidc_on_no_user_is_deleted_but_organisations_are(tmp_path: Path) -> None:
    _, out, _ = written(tmp_path)
    values = out / "substra-backend-values.yaml"
    values.write_text(values.read_text() + "oidc:\n  enabled: true\n")
    found = accounts.review(FakeSecrets({("org-1", "backend-accounts"): OLD}), BACKEND, out,
                            secrets.load(out, "substra-backend", "org-1"), upgrade=True)
    assert found is not None and found.deleted_users == () and len(found.deleted_organisations) == 2
    assert "  OIDC is on: the backend deletes no user" in accounts.lines(found)
    assert "the user bob" not in accounts.findings(found)[0].message


def test_an_installed_backend_without_an_accounts_secret_is_a_warning(tmp_path: Path) -> None:
    _, out, _ = written(tmp_path)
    found = accounts.review(FakeSecrets(), BACKEND, out, secrets.load(out, "substra-backend", "org-1"), upgrade=True)
    assert found is not None and found.now is None
    [warning] = accounts.findings(found)
    assert "neither of the Secrets its accounts could be in exists" in warning.message


def test_a_first_install_deletes_nothing_and_says_where_the_passwords_are_printed(tmp_path: Path) -> None:
    _, out, _ = written(tmp_path)
    store = FakeSecrets()
    found = accounts.review(store, BACKEND, out, secrets.load(out, "substra-backend", "org-1"), upgrade=False)
    assert found is not None and accounts.findings(found) == [] and store.calls == []  # nothing read
    assert accounts.lines(found)[1].startswith("  users created: admin; the backend prints their passwords")


# --- the command: the notice before the confirmation; the dry run's folder ---------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def upgrading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ApiDouble, FakeHelm]]:
    """The install cluster, where the backend is installed and its accounts Secret lists bob besides admin."""
    installed = ReleaseInfo("backend", "org-1", 1, "deployed", "substra-backend-26.15.3")
    routes = {**load_routes("base"), **load_stages("install-happy")[-1],
              "GET /api/v1/namespaces/org-1/secrets/backend-accounts": OLD}
    with serving(routes) as double:
        helm = OrderedHelm(double, history={"backend": [installed]})
        monkeypatch.setattr(wizard.helm, "choose", lambda *args, **kwargs: helm)
        monkeypatch.setenv("KUBECONFIG", str(double.kubeconfig(tmp_path, context="kind-substra")))
        yield double, helm


def test_the_deletions_are_said_before_the_confirmation_and_no_stops_everything(
        upgrading: tuple[ApiDouble, FakeHelm], tmp_path: Path) -> None:
    double, helm = upgrading
    plan, out, _ = written(tmp_path)
    said = io.StringIO()
    code = install_command.run(plan, out, yes=False, dry_run=False, out=said, ask=Terminal("n\n"))
    text = said.getvalue()
    assert code == 1 and helm.calls == [] and _secret_writes(double) == []
    warning = text.index("warning: the upgrade of backend in namespace org-1 deletes the user bob and the "
                         "organisations Org2MSP (incoming), Org3MSP (outgoing) from its database")
    assert warning < text.index("  users deleted: bob; kept: admin") < text.index("Install into context kind-substra")
    assert "not-shown" not in text


def test_yes_goes_ahead_and_syncs_the_accounts_secret(upgrading: tuple[ApiDouble, FakeHelm], tmp_path: Path) -> None:
    double, helm = upgrading
    plan, out, _ = written(tmp_path)
    said = io.StringIO()
    assert install_command.run(plan, out, yes=True, dry_run=False, out=said) == 0, said.getvalue()
    assert ("PUT", "org-1/backend-accounts") in _secret_writes(double)
    assert "deletes the user bob" in said.getvalue() and [c[1] for c in helm.calls] == ["orchestrator", "backend"]


def test_the_dry_run_compares_the_secrets_of_out_and_removes_its_folder(
        upgrading: tuple[ApiDouble, FakeHelm], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    double, helm = upgrading
    _, out, values = written(tmp_path)
    [redis] = [w for w in secrets.load(out, "substra-backend", "org-1") if w.name == "backend-redis-credentials"]
    double.routes["GET /api/v1/namespaces/org-1/secrets/backend-redis-credentials"] = {
        **redis.body, "metadata": {**redis.body["metadata"], "resourceVersion": "3"}}
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code = cli.main(["--preset", "minimal", "--non-interactive", "--dry-run", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "[substra-backend] would keep Secret backend-redis-credentials in org-1 (the same values)" in printed
    assert "would create Secret backend-database-credentials in org-1" in printed
    assert _secret_writes(double) == [] and {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    private = [p for p in helm.paths if p.name == "substra-backend-credentials.values"]
    assert private and not private[0].parent.parent.exists()  # the dry run's folder is gone
    no_value_in(printed, values)


def test_install_sh_checks_every_secret_of_secrets_before_its_apply(tmp_path: Path) -> None:
    _, out, _ = written(tmp_path)
    script = (out / "install.sh").read_text()
    loop = next(line for line in script.splitlines() if line.startswith("for secret in "))
    listed = loop.removeprefix("for secret in ").removesuffix("; do").split()
    assert listed == [f"{w.namespace}/{w.name}" for chart, namespace in (("orchestrator", "orchestrator"),
                                                                          ("substra-backend", "org-1"))
                      for w in secrets.load(out, chart, namespace)]
    assert script.index("kubectl create namespace org-1") < script.index(loop) < \
        script.index("kubectl apply --server-side --force-conflicts --field-manager=substra-wizard -f secrets/")
