"""Hostile redaction: a corpus of values files planting every shape of secret that leaked (and more) with distinctive
random secrets; the bundle made from it must carry none of them, in any member, in any encoding, and list each in
redactions.json; what the wizard knows (images, sizes, storage classes, hosts, the Plan's values) stays in clear; and
every pattern runs in linear time on adversarial strings."""

from __future__ import annotations

import base64
import json
import random
import re
import string
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from wizard.cli import main
from wizard.support.redact import Redactor
from wizard.support.redact_shapes import is_secret_key

ROOT = "substra-wizard-bundle/"
BACKEND = "values/substra-backend-values.yaml"
ORCHESTRATOR = "values/orchestrator-values.yaml"
# Declared, ordinary string keys of substra-backend 26.15.3 the chart models render nothing from: each gets one planted
# shape, so that only the shape can give the secret away.
SLOTS = [tuple(path.split(".")) for path in (
    "server.service.clusterIP", "server.service.loadBalancerIP", "server.metrics.serviceMonitor.namespace",
    "server.metrics.serviceMonitor.interval", "server.metrics.serviceMonitor.scrapeTimeout",
    "postgresql.primary.priorityClassName", "postgresql.primary.schedulerName", "postgresql.primary.service.clusterIP",
    "postgresql.primary.service.loadBalancerIP", "postgresql.readReplicas.priorityClassName",
    "postgresql.readReplicas.schedulerName", "postgresql.readReplicas.service.clusterIP",
    "postgresql.readReplicas.service.loadBalancerIP", "postgresql.metrics.service.clusterIP",
    "postgresql.metrics.serviceMonitor.namespace", "postgresql.metrics.serviceMonitor.interval",
    "postgresql.metrics.serviceMonitor.scrapeTimeout", "redis.master.schedulerName", "redis.master.priorityClassName",
    "redis.master.service.clusterIP", "redis.master.service.loadBalancerIP", "redis.replica.schedulerName",
    "redis.replica.priorityClassName", "redis.replica.service.clusterIP", "redis.replica.service.loadBalancerIP",
    "redis.sentinel.service.clusterIP", "redis.sentinel.service.loadBalancerIP",
    "redis.sentinel.masterService.clusterIP", "redis.sentinel.masterService.loadBalancerIP",
    "redis.metrics.service.loadBalancerIP", "redis.metrics.service.clusterIP", "redis.metrics.serviceMonitor.namespace",
    "redis.metrics.serviceMonitor.interval", "redis.metrics.serviceMonitor.scrapeTimeout",
    "docker-registry.priorityClassName", "minio.schedulerName", "minio.provisioning.schedulerName",
    "minio.priorityClassName", "minio.service.clusterIP", "minio.service.loadBalancerIP",
    "minio.metrics.serviceMonitor.namespace", "minio.metrics.serviceMonitor.interval",
    "minio.metrics.serviceMonitor.scrapeTimeout")]


@dataclass(frozen=True)
class Planted:
    """Secrets planted at one place (None: where no record is expected, e.g. a comment, which is dropped whole)."""

    secrets: tuple[str, ...]
    file: str | None
    path: tuple[str | int, ...] | None
    shape: str


class Corpus:
    """Values files (as data and as extra YAML text) holding every shape, each with fresh random secrets."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.planted: list[Planted] = []
        self.backend: dict = {}
        self.orchestrator: dict = {}
        self.extra_text: list[str] = []
        self._slots = iter(SLOTS)

    def secret(self, length: int = 20, alphabet: str = string.ascii_letters + string.digits) -> str:
        while True:
            found = "".join(self.rng.choice(alphabet) for _ in range(length))
            if any(c.isdigit() for c in found) and any(c.isalpha() for c in found):
                return found

    def put(self, path: tuple, value: object, secrets: tuple[str, ...], shape: str, *, chart: str = "backend",
            record: bool = True) -> None:
        tree = self.backend if chart == "backend" else self.orchestrator
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        file = BACKEND if chart == "backend" else ORCHESTRATOR
        self.planted.append(Planted(secrets, file if record else None, path if record else None, shape))

    def slot(self, value: object, secrets: tuple[str, ...], shape: str) -> None:
        """Under a declared, ordinary key: only the value's shape tells it holds a secret."""
        self.put(next(self._slots), value, secrets, shape)


@dataclass(frozen=True)
class Tagged:
    """A scalar written with a YAML tag (!!binary ...)."""

    tag: str
    text: str


def docker_config(user: str, password: str) -> tuple[str, str]:
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    return json.dumps({"auths": {"registry.example.com": {"username": user, "password": password, "auth": auth}}}), auth


def pem(body: str, label: str = "RSA PRIVATE KEY") -> str:
    return f"-----BEGIN {label}-----\n{body[:32]}\n{body[32:]}\n-----END {label}-----\n"


def build_corpus(seed: int) -> Corpus:  # noqa: PLR0915 - one line per shape reads best
    c = Corpus(seed)
    s = c.secret
    for key in ("userPassword", "user_password", "clientSecret", "jwtSecret", "webhookSecret", "dbPass", "pw",
                "authKey", "licenseKey", "masterKey", "hmacKey", "pin", "private_key_id", "sessionCookie"):
        secret = s()
        c.put(("myApp", key), secret, (secret,), f"undeclared credential key {key}")
    for path in (("redis", "auth", "userPassword"), ("database", "dbPass"), ("server", "user_password"),
                 ("minio", "auth", "licenseKey")):
        secret = s()
        c.put(path, secret, (secret,), "credential key beside declared ones")
    pin = str(c.rng.randint(10000, 99999))
    c.put(("myApp", "device", "pin"), int(pin), (pin,), "numeric pin")
    c.put(("myApp", "ports", "listen"), int(pin), (pin,), "a number equal to the pin")
    password, user = s(), "robot"
    config, auth = docker_config(user, password)
    c.put(("server", "imagePullSecret"), base64.b64encode(config.encode()).decode(), (password, auth),
          "base64 docker config under imagePullSecret")
    secret = s()
    c.put(("minio", "auth", "adminPasswordFile"), f"{secret}\n", (secret,), "content of adminPasswordFile")
    secret, other = s(), s()
    c.put(("myApp", "password"), {"value": secret}, (secret,), "map under a secret key")
    c.put(("myApp", "auth"), {"key": other}, (other,), "map under auth")
    secret = s()
    c.put(("redis", "auth", "password"), {"value": secret}, (secret,), "map where the chart declares a password")
    secret = s()
    c.slot(json.dumps({"db_password": secret, "host": "db"}), (secret,), "JSON inside a string")
    password = s()
    config, auth = docker_config("deployer", password)
    c.slot(config, (password, auth), "plain docker config JSON")
    first, second = s(), s()
    c.slot(f"postgres://app:{first}/{second}@db.example.com:5432/substra", (first, second), "URL password with /")
    first, second = s(), s()
    c.slot(f"mysql://app:{first}@{second}@db.example.com/x", (first, second), "URL password with @")
    words = (s(8, string.ascii_lowercase + string.digits), s(8, string.ascii_lowercase + string.digits),
             s(8, string.ascii_lowercase + string.digits))
    c.slot(f'password="{" ".join(words)}"', words, "quoted multi-word assignment")
    aws = "AKIA" + s(16, string.ascii_uppercase + string.digits)
    c.slot(base64.b64encode(aws.encode()).decode(), (aws,), "base64 AWS key id under an ordinary key")
    body = s(64, string.ascii_letters + string.digits + "+/")
    c.slot(base64.b64encode(pem(body).encode()).decode(), (body[:32], body[32:]), "base64 PEM key")
    password = s()
    config, auth = docker_config("ci", password)
    c.slot(base64.b64encode(config.encode()).decode(), (password, auth), "base64 docker config, ordinary key")
    key_id, body = s(40, "0123456789abcdef"), s(64, string.ascii_letters + string.digits)
    account = {"type": "service_account", "project_id": "acme", "private_key_id": key_id,
               "private_key": pem(body, "PRIVATE KEY"), "client_email": "ci@acme.iam.gserviceaccount.com"}
    c.slot(json.dumps(account), (key_id, body[:32], body[32:]), "GCP service account JSON")
    key_id, body = s(40, "0123456789abcdef"), s(64, string.ascii_letters + string.digits)
    c.put(("myApp", "gcp"), {**account, "private_key_id": key_id, "private_key": pem(body, "PRIVATE KEY")},
          (key_id, body[:32], body[32:]), "GCP service account as YAML")
    secret = s()
    c.put(("myApp", "secrets"), [{"name": "API_CREDENTIAL", "value": secret}], (secret,), "name/value in secrets:")
    body = s(64)
    certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    c.put(("minio", "ingress", "secrets"), [{"name": "minio-tls", "key": pem(body, "EC PRIVATE KEY"),
                                             "certificate": certificate}],
          (body[:32], body[32:]), "PEM key in the chart's secrets list")
    secret = s()
    c.slot(f"db.example.com:5432:substra:substra:{secret}", (secret,), ".pgpass line")
    secret = "sk_live_" + s(24)
    c.slot(secret, (secret,), "sk_live_ key")
    team, bot, token = "T" + s(8, string.ascii_uppercase + string.digits), "B" + s(8, string.ascii_uppercase +
                                                                                   string.digits), s(24)
    c.slot(f"https://hooks.slack.com/services/{team}/{bot}/{token}", (team, bot, token), "Slack webhook path")
    for path in (("myApp", "apiTokens"), ("server", "podAnnotations"), ("server", "nodeSelector")):
        secret = s(24, string.ascii_letters + string.digits + "!#%")
        c.put(path, {secret: "ci"}, (secret,), "secret as a map key")
        c.planted[-1] = Planted((secret,), BACKEND, (*path, secret), "secret as a map key")
    short = s(5)
    c.put(("docker-registry", "proxy", "password"), short, (short,), "5-character secret")
    c.slot(short, (short,), "5-character secret reused under a declared key")
    c.put(("myApp", "label"), short, (short,), "5-character secret reused under an undeclared key")
    c.put(("minio", "auth", "rootPassword"), "off", (), "password: off")
    secret = s()
    c.slot(f"user: admin\npassword: {secret}\nlevel: debug\n", (secret,), "YAML block string")
    key_id, secret = "AKIA" + s(16, string.ascii_uppercase + string.digits), s(40)
    c.slot(f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n", (key_id, secret),
           "AWS credentials file")
    secret = s()
    c.put(("myApp", "tls.key"), secret, (secret,), "key with a dot")
    secret = s()
    c.put(("addAccountOperator", "users"), [{"name": "admin", "secret": secret, "channel": "mychannel"}], (secret,),
          "secret in a list of maps")
    secret = s()
    c.put(("postgresql", "primary", "extraEnvVars"), [{"name": "SOME_SETTING", "value": secret}], (secret,),
          "environment value under an ordinary name")
    secret = s()
    c.put(("myApp", "vars"), [{"key": "API_TOKEN", "value": secret}], (secret,), "key/value environment pair")
    secret = s()
    c.slot(f"Server=db.example.com;User Id=app;Password={secret};", (secret,), "ADO connection string")
    secret = s(32)
    c.slot(f"Bearer {secret}", (secret,), "Bearer token")
    jwt = ".".join(base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=") for part in (
        {"alg": "HS256"}, {"sub": s()})) + "." + s(43)
    c.slot(jwt, (jwt,), "JWT")
    secret = "пароль-" + s(12)
    c.put(("myApp", "unicodePassword"), secret, (secret,), "non-ASCII secret")
    # A lone surrogate is refused when the values file is read (test_hostile_yaml): it never reaches a bundle.
    secret = s(8) + "@s s/w:rd\"'\\" + s(8)
    c.put(("myApp", "specialPassword"), secret, (secret,), "secret with quotes, slashes and spaces")
    secret = s()
    c.put(("myApp", "foo"), secret, (secret,), "secret under an ordinary undeclared key")
    secret = s()
    c.put(("hunter",), secret, (secret,), "secret under an undeclared top-level key")
    secret = s(40, string.ascii_letters + string.digits + "+/")
    c.put(("config", "DJANGO_SECRET_KEY"), secret, (secret,), "secret in the free-form config")
    secret = s()
    c.put(("config", "EXTERNAL_SERVICE"), f"https://svc:{secret}@svc.example.com/api", (secret,),
          "URL credentials in the free-form config")
    secret = s()
    c.slot(f"apiVersion: v1\nkind: Secret\ndata:\n  password: {base64.b64encode(secret.encode()).decode()}\n",
           (secret,), "Kubernetes Secret manifest in a string")
    secret = s()
    c.put(("orchestrator", "password"), secret, (secret,), "credential beside the orchestrator settings")
    secret = s()
    c.put(("postgresql", "auth", "password"), secret, (secret,), "orchestrator database password", chart="orc")
    secret = s()
    c.put(("database", "auth", "password"), secret, (secret,), "orchestrator database password", chart="orc")
    secret = s()
    c.put(("myApp", "deep"), {"a": [{"b": {"c": [{"token": secret}]}}]}, (secret,), "deep in lists of maps")
    # !!binary (and every tag but the core ones) is refused when the values file is read (yamlguard).
    day = f"20{c.rng.randint(10, 99)}-0{c.rng.randint(1, 9)}-1{c.rng.randint(0, 9)}"
    c.put(("myApp", "expires"), Tagged("", day), (day,), "a date under an undeclared key")
    secret, other = s(), s()
    c.extra_text.append(f"# the admin password is {secret}\nanchored: &creds\n  password: {other}  # {secret}\n"
                        "aliased: *creds\n")
    c.planted.append(Planted((secret,), None, None, "comments"))
    c.planted.append(Planted((other,), BACKEND, ("anchored", "password"), "anchor"))
    c.planted.append(Planted((other,), BACKEND, ("aliased", "password"), "alias"))
    return c


def forms(secret: str) -> set[str]:
    """Every encoding the bundle must not hold: plain, base64 at each offset (standard and URL-safe, padded or not),
    URL-encoded, JSON-escaped, hex."""
    raw = secret.encode("utf-8", "surrogatepass")
    found = {secret, quote(raw, safe=""), quote_plus(raw), json.dumps(secret)[1:-1],
             json.dumps(secret, ensure_ascii=False)[1:-1], raw.hex(), raw.hex().upper()}
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        core = encoded[-(-8 * offset // 6):8 * (offset + len(raw)) // 6]
        found |= {core, core.replace("+", "-").replace("/", "_")}
    full = base64.b64encode(raw).decode()
    found |= {full, full.rstrip("="), base64.urlsafe_b64encode(raw).decode()}
    return {form for form in found if len(form) >= 5}


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {info.name.removeprefix(ROOT): tar.extractfile(info).read()  # type: ignore[union-attr]
                for info in tar if info.isreg()}


def write_corpus(corpus: Corpus, folder: Path) -> tuple[Path, Path]:
    backend, orchestrator = folder / "backend.yaml", folder / "orchestrator.yaml"
    backend.write_text(_as_block(corpus.backend) + "".join(corpus.extra_text))
    orchestrator.write_text(_as_block(corpus.orchestrator))
    return backend, orchestrator


def _as_block(tree: dict) -> str:
    """Block-style YAML with every scalar as a JSON string (valid YAML), multi-line strings as literal blocks."""
    lines: list[str] = []

    def scalar(value: object, indent: str) -> str:
        if isinstance(value, str) and value.endswith("\n") and all(line.strip() == line for line in
                                                                   value.splitlines()):
            return "|\n" + "".join(f"{indent}  {line}\n" for line in value.splitlines()).rstrip("\n")
        if isinstance(value, Tagged):
            return f"{value.tag} {value.text}"
        text = json.dumps(value, ensure_ascii=False)
        return text if text.isascii() or "\ud800" not in text else json.dumps(value)

    def walk(node: object, indent: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict | list) and value:
                    lines.append(f"{indent}{json.dumps(key, ensure_ascii=False)}:")
                    walk(value, indent + "  ")
                else:
                    lines.append(f"{indent}{json.dumps(key, ensure_ascii=False)}: {scalar(value, indent)}")
        else:
            for item in node:  # type: ignore[union-attr]
                if isinstance(item, dict | list) and item:
                    lines.append(f"{indent}-")
                    walk(item, indent + "  ")
                else:
                    lines.append(f"{indent}- {scalar(item, indent)}")

    walk(tree, "")
    return "\n".join(lines) + "\n"


def place_pattern(path: tuple[str | int, ...]) -> re.Pattern[str]:
    parts = []
    for key in path:
        if isinstance(key, int):
            parts.append(rf"\[{key}\]")
            continue
        shown = f'"{key}"' if "." in key or "[" in key else key
        parts.append(rf"(?:\.)?(?:{re.escape(shown)}|<redacted:\d+>)")
    return re.compile("".join(parts))


@pytest.fixture(scope="module")
def corpus_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, dict[str, bytes]]:
    folder = tmp_path_factory.mktemp("corpus")
    corpus = build_corpus(1302)
    backend, orchestrator = write_corpus(corpus, folder)
    out = folder / "b.tar.gz"
    assert main(["bundle", "--from", f"values:substra-backend={backend},orchestrator={orchestrator}",
                 "--out", str(out)]) == 0
    assert main(["explain", "--bundle", str(out), "--format", "json"]) == 0  # it still opens and explains
    return corpus, members(out)


def test_the_corpus_plants_every_shape(corpus_bundle) -> None:
    corpus, _ = corpus_bundle
    assert len(corpus.planted) >= 60 and len({p.shape for p in corpus.planted}) >= 55
    assert sum(len(p.secrets) for p in corpus.planted) >= 80


def test_no_planted_secret_is_in_any_member_in_any_encoding(corpus_bundle) -> None:
    corpus, files = corpus_bundle
    assert {BACKEND, ORCHESTRATOR, "explain.json", "explain.md", "import-notes.json", "redactions.json",
            "manifest.json", "wizard-answers.yaml"} <= set(files)
    leaks = [(planted.shape, name, form) for planted in corpus.planted for secret in planted.secrets
             for form in forms(secret) for name, data in files.items()
             if form.encode("utf-8", "surrogatepass") in data]
    assert not leaks


def test_every_member_still_parses(corpus_bundle) -> None:
    from wizard.yamlkit import yamlio

    _, files = corpus_bundle
    for name, data in files.items():
        if name.endswith(".json"):
            assert json.loads(data), name
        elif name.endswith(".yaml"):
            assert isinstance(yamlio.load_plain(data.decode(), name), dict), name


def test_redactions_json_lists_every_planted_place(corpus_bundle) -> None:
    corpus, files = corpus_bundle
    records = json.loads(files["redactions.json"])["redactions"]
    for planted in corpus.planted:
        if planted.path is None:
            continue
        pattern = place_pattern(planted.path)
        assert any(r["file"] == planted.file and pattern.fullmatch(r["place"]) for r in records), planted.shape
    assert not any(secret in json.dumps(records) for p in corpus.planted for secret in p.secrets)


def test_a_password_of_off_is_redacted_where_it_is(corpus_bundle) -> None:
    _, files = corpus_bundle
    assert re.search(r"rootPassword: <redacted:\d+>", files[BACKEND].decode())


def test_declared_values_keep_what_is_not_secret_around_a_secret(corpus_bundle) -> None:
    _, files = corpus_bundle
    values = files[BACKEND].decode()
    for kept in ("postgres://app:<redacted:", "db.example.com:5432:substra:substra:<redacted:",
                 "Server=db.example.com;User Id=app;Password=<redacted:", "https://hooks.slack.com/<redacted:",
                 '\\"host\\": \\"db\\"', "aws_access_key_id = <redacted:"):
        assert kept in values, kept
    assert "minio-tls" not in values  # under a secrets: list even a name is taken out


# --- each class on its own -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["userPassword", "user_password", "clientSecret", "jwtSecret", "webhookSecret",
                                  "imagePullSecret", "adminPasswordFile", "dbPass", "pw", "authKey", "licenseKey",
                                  "masterKey", "hmacKey", "pin", "private_key_id", "minioSecretKey"])
def test_the_key_names_that_leaked_are_credentials(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize("name", ["imagePullSecrets", "existingSecret", "rootPasswordSecretKey", "usePasswordFiles",
                                  "CORS_ALLOW_CREDENTIALS", "tokenUrl", "prometheusAuthType", "passthrough",
                                  "automountServiceAccountToken", "secretKeys", "clientSecretName", "pinned"])
def test_references_and_switches_are_not_credentials(name: str) -> None:
    assert not is_secret_key(name)


def test_undeclared_strings_and_keys_are_redacted_and_known_ones_kept() -> None:
    redactor = Redactor()
    data = {"hunter": "hunter2hunter2", "server": {"ingress": {"hostname": "api.acme.example.com"},
                                                   "replicaCount": 3, "nodeSelector": {"kubernetes.io/os": "linux",
                                                                                       "Xy9#secretkey": "yes"},
                                                   "tolerations": [{"key": "gpu", "operator": "Exists"}],
                                                   "resources": {"limits": {"cpu": "2", "memory": "8Gi"}}},
            "worker": {"persistence": {"size": "50Gi", "storageClass": "fast-ssd"}, "someFlag": True, "extra": 7}}
    redactor.learn_values(data, "substra-backend")
    out = redactor.values(data, "v", "substra-backend")
    assert out["<redacted:1>"] == "<redacted:2>" and "hunter" not in json.dumps(out)  # key and value
    server = out["server"]
    assert server["ingress"] == {"hostname": "api.acme.example.com"} and server["replicaCount"] == 3
    assert server["nodeSelector"]["kubernetes.io/os"] == "linux" and "Xy9#secretkey" not in server["nodeSelector"]
    assert server["tolerations"] == [{"key": "gpu", "operator": "Exists"}]
    assert server["resources"] == {"limits": {"cpu": "2", "memory": "8Gi"}}
    assert out["worker"] == {"persistence": {"size": "50Gi", "storageClass": "fast-ssd"}, "<redacted:5>": True,
                             "<redacted:6>": 7}  # numbers and booleans are kept outside credential keys
    assert [(r.place, r.reason) for r in redactor.redactions][:2] == [
        ("<redacted:1>", "map key not declared by the chart"), ("<redacted:1>", "not declared by the chart")]


def test_a_misspelt_key_is_kept_and_a_misspelt_credential_is_one() -> None:
    redactor = Redactor()
    data = {"docker-registry": {"proxy": {"pasword": "Zx81-misspelt"}}, "worker": {"persistance": {"size": "20Gi"}}}
    redactor.learn_values(data, "substra-backend")
    out = redactor.values(data, "v", "substra-backend")
    assert out == {"docker-registry": {"proxy": {"pasword": "<redacted:1>"}},
                   "worker": {"persistance": {"size": "<redacted:2>"}}}
    assert redactor.redactions[0].reason == "credential key"


def test_a_value_equal_to_a_secret_found_elsewhere_is_redacted_everywhere() -> None:
    redactor = Redactor()
    data = {"redis": {"auth": {"password": "q7Zx2"}}, "server": {"ingress": {"hostname": "q7Zx2"}},
            "database": {"host": "db-q7Zx2.example.com"}}
    redactor.learn_values(data, "substra-backend")
    out = redactor.values(data, "v", "substra-backend")
    assert out["server"]["ingress"]["hostname"] == out["redis"]["auth"]["password"] == "<redacted:1>"
    assert "q7Zx2" not in json.dumps(out)


def test_the_plan_values_and_the_charts_defaults_are_no_secrets() -> None:
    redactor = Redactor()
    data = {"database": {"auth": {"password": "postgres", "username": "postgres"}}, "config": {"X_MODE": "strict"}}
    redactor.learn_values(data, "substra-backend")
    out = redactor.values(data, "v", "substra-backend", plan={"config": {"X_MODE": "strict"}})
    assert out == {"database": {"auth": {"password": "<redacted:1>", "username": "postgres"}},
                   "config": {"X_MODE": "strict"}}  # the chart's own default password is public: not searched for


@pytest.mark.parametrize("encode", [
    lambda s: s, lambda s: base64.b64encode(s.encode()).decode(),
    lambda s: base64.b64encode(b"x" + s.encode()).decode(), lambda s: base64.b64encode(b"xy" + s.encode()).decode(),
    lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="), lambda s: quote(s, safe=""),
    lambda s: quote_plus(s), lambda s: json.dumps(s), lambda s: s.encode().hex(), lambda s: s.encode().hex().upper()])
def test_scrub_finds_a_known_secret_in_every_encoding(encode) -> None:
    redactor = Redactor()
    secret = "s3cr+t/v@lue \"x\" ü"
    redactor.learn_values({"password": secret}, "substra-backend")
    text = f"before {encode(secret)} after"
    scrubbed = redactor.scrub(text, "explain.md")
    assert all(form not in scrubbed for form in forms(secret)), scrubbed


def test_a_secret_overlapping_a_shape_is_taken_out_whole() -> None:
    redactor = Redactor()
    redactor.learn_values({"redis": {"auth": {"password": "Zq9;overlap-tail"}}}, "substra-backend")
    kept = redactor.text("password=abcZq9;overlap-tail", "v", "server.ingress.hostname")
    assert kept.startswith("password=<redacted:") and "tail" not in kept and "Zq9" not in kept


def test_messages_quoting_a_withheld_value_do_not_carry_it() -> None:
    redactor = Redactor()
    data = {"myApp": {"x": "opaque-value"}}
    redactor.learn_values(data, "substra-backend")
    redactor.values(data, "v", "substra-backend")
    assert "opaque-value" not in redactor.message("yours ('opaque-value') is kept verbatim", "n")


def test_a_recursive_alias_does_not_recurse_for_ever() -> None:
    node: dict = {}
    node["c"] = node
    redactor = Redactor()
    redactor.learn_values({"b": node}, "substra-backend")
    out = redactor.values({"b": node}, "v", "substra-backend")
    assert json.dumps(out)  # finite


# --- secrets on the command line and in answers files ---------------------------------------------------------------


def test_set_assignments_and_answers_extras_carry_no_secret(tmp_path: Path) -> None:
    corpus = Corpus(7)
    set_secret, extra_secret, extra_plain = corpus.secret(), corpus.secret(), corpus.secret()
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"schema: substra-wizard/answers@1\nplan: {{}}\nextras:\n  substra-backend:\n    redis:\n"
                       f"      auth:\n        password: {extra_secret}\n    foo: {extra_plain}\n")
    out = tmp_path / "a.tar.gz"
    assert main(["bundle", "--answers", str(answers), "--out", str(out), "--set",
                 f"features.kaniko_cached_images=[https://robot:{set_secret}@registry.example.com/py:3]"]) == 0
    files = members(out)
    for secret in (set_secret, extra_secret, extra_plain):
        assert not [(name, form) for form in forms(secret) for name, data in files.items() if form.encode() in data]
    manifest = json.loads(files["manifest.json"])
    assert re.search(r"robot:<redacted:\d+>@registry", manifest["input"]["sets"][0])


# --- what a bundle keeps ---------------------------------------------------------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data" / "customer"
CUSTOMER = """\
organizationName: acme
server:
  image: {registry: registry.acme.example.com, repository: substra/substra-backend, tag: 0.45.0}
  ingress: {enabled: true, hostname: api.acme.example.com, ingressClassName: nginx,
            annotations: {cert-manager.io/cluster-issuer: letsencrypt-prod}}
  resources: {requests: {cpu: 500m, memory: 4Gi}, limits: {cpu: "2", memory: 8Gi, ephemeral-storage: 20Gi}}
  tolerations: [{key: dedicated, operator: Equal, value: substra, effect: NoSchedule}]
  nodeSelector: {kubernetes.io/os: linux}
  podSecurityContext: {enabled: true, runAsUser: 1001, fsGroup: 1001}
worker:
  replicaCount: 2
  persistence: {size: 200Gi, storageClass: fast-ssd}
  computePod: {securityContext: {capabilities: {drop: [ALL]}}}
database:
  host: pg.acme.internal
  auth: {username: substra, password: Tr0ub4dor-and-3}
postgresql: {enabled: false}
minio: {persistence: {size: 500Gi, storageClass: standard-rwo}}
"""


def test_customer_values_keep_images_sizes_classes_and_hosts(tmp_path: Path, capsys) -> None:
    values = tmp_path / "acme.yaml"
    values.write_text(CUSTOMER)
    out = tmp_path / "c.tar.gz"
    assert main(["bundle", "--from", f"values:substra-backend={values}", "--out", str(out)]) == 0
    text = members(out)[BACKEND].decode()
    for kept in ("registry.acme.example.com", "substra/substra-backend", "0.45.0", "api.acme.example.com", "nginx",
                 "letsencrypt-prod", "500m", "4Gi", "8Gi", "20Gi", "200Gi", "fast-ssd", "pg.acme.internal",
                 "500Gi", "standard-rwo", "NoSchedule", "dedicated", "linux", "username: substra", "- ALL"):
        assert kept in text, kept
    assert "Tr0ub4dor-and-3" not in text
    capsys.readouterr()
    assert main(["explain", "--bundle", str(out), "--format", "json"]) == 0
    bundled = json.loads(capsys.readouterr().out)
    assert main(["explain", "--values", f"substra-backend={values}", "--format", "json"]) == 0
    assert bundled == json.loads(capsys.readouterr().out)  # nothing the analysis reads was taken out


@pytest.mark.parametrize(("name", "kept"), [
    ("comments-everywhere.yaml", ("orchestrator.consortium.example.com", "AcmeMSP", "50Gi", "pg.acme.internal",
                                  "consortium-ca", "consortium")),
    ("anchors-and-aliases.yaml", ("30Gi", "fast-ssd", "40Gi")),
    ("typos.yaml", ("api.acme.example.com", "organisationName:", "replicaCont: 2", "persistance:", "enabeld: true")),
])
def test_the_customer_files_keep_what_reproduces_the_deployment(name: str, kept: tuple[str, ...],
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "c.tar.gz"
    assert main(["bundle", "--from", f"values:substra-backend={DATA / name}", "--out", str(out)]) == 0
    text = members(out)[BACKEND].decode()
    assert all(value in text for value in kept), text


@pytest.mark.parametrize("preset", ["minimal", "production"])
def test_a_preset_bundle_takes_nothing_out_and_explains_the_same(preset: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.tar.gz"
    assert main(["bundle", "--from", f"preset:{preset}", "--out", str(out)]) == 0
    assert json.loads(members(out)["redactions.json"])["redactions"] == []
    capsys.readouterr()
    assert main(["explain", "--bundle", str(out), "--format", "json"]) == 0
    bundled = json.loads(capsys.readouterr().out)
    assert main(["explain", "--preset", preset, "--format", "json"]) == 0
    assert bundled == json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("values", "note"), [
    ("worker:\n  persistence:\n    size: Qz9xk\ndocker-registry:\n  proxy:\n    password: Qz9xk\n",
     "describe the values as bundled"),
    ("server:\n  service:\n    port: qzportx\ndocker-registry:\n  proxy:\n    password: qzportx\n",
     "the values as bundled cannot be explained"),
])
def test_the_manifest_says_when_redaction_changes_the_report(values: str, note: str, tmp_path: Path) -> None:
    """A declared value equal to a secret is taken out: the report is of the values as bundled (explain --bundle
    says the same), or, when those cannot be explained, of the values as given with the secret scrubbed."""
    path, out = tmp_path / "v.yaml", tmp_path / "b.tar.gz"
    path.write_text(values)
    assert main(["bundle", "--from", f"values:substra-backend={path}", "--out", str(out)]) == 0
    files = members(out)
    assert any(note in line for line in json.loads(files["manifest.json"])["notes"])
    secret = values.split()[-1]
    assert not [name for name, data in files.items() for form in forms(secret) if form.encode() in data]


# --- linear time -----------------------------------------------------------------------------------------------------

SIZE = 200_000
ADVERSARIAL = {
    "colons": "a:" * (SIZE // 2), "schemes": "a://" * (SIZE // 4), "ats": "a@" * (SIZE // 2),
    "scheme and ats": "x://" + "a@" * (SIZE // 2), "base64 run": "A" * SIZE, "words": "a.b-" * (SIZE // 4),
    "password chain": "password=" * (SIZE // 9), "quoted chain": 'password="' * (SIZE // 10),
    "eyJ run": "eyJ" * (SIZE // 3), "bearer chain": "Bearer " * (SIZE // 7),
    "pem headers": "-----BEGIN " * (SIZE // 11),
    "colon lines": "a:1:a:a:\n" * (SIZE // 9), "spaces": " " * SIZE, "key run": "k" * SIZE + "=v",
}


def test_every_pattern_is_linear_on_adversarial_strings() -> None:
    """Each 200 KB string is redacted, in a fresh process, far within a bound a quadratic pattern cannot meet (the
    base redactor took over 100 s on the base64 run); the bench (bench/hostile_redact.py) measures medians."""
    script = (
        "import json, sys\nfrom wizard.support.redact import Redactor\n"
        "for text in json.load(sys.stdin).values():\n"
        "    r = Redactor()\n    r.learn_text(text)\n"
        "    r.values({'server': {'ingress': {'hostname': text}}, 'x': text}, 'v', 'substra-backend')\n"
        "    r.scrub(text, 't', quoted=True)\n")
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(ADVERSARIAL), text=True, timeout=60,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
