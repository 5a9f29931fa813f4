"""Chart values -> Plan data: the inverse of values.render, decision by decision.

Each decision is read from the values Helm would use (the customer's keys over the chart defaults), so a key the
customer left alone gives the chart's own default. Nothing here has to be perfect: whatever the Plan ends up unable
to say exactly is caught afterwards by comparing what it renders with the customer's values (see extras.py), and
kept verbatim. What this module must do is pick, for every decision, the value that makes the Plan render the
customer's keys, and say which customer key each decision came from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from wizard.charts.chart_defaults import MISSING, get_path
from wizard.charts.claims import CLAIMS
from wizard.writing.values import BACKEND, FRONTEND, ISSUER_ANNOTATION, ORCHESTRATOR

KeyPath = tuple[str, ...]
Source = tuple[str, KeyPath]
"""(chart, key path) of the customer key a decision was read from."""


class Reader:
    """The values of each imported chart, and the Plan data being filled from them."""

    def __init__(self, effective: Mapping[str, dict], given: Mapping[str, dict], defaults: Mapping[str, dict],
                 base: dict[str, Any]) -> None:
        self.effective, self.given, self.defaults = effective, given, defaults
        self.data = base
        self.origins: dict[str, list[Source]] = {}

    def get(self, chart: str, key: str | KeyPath) -> Any:
        path = tuple(key.split(".")) if isinstance(key, str) else key
        return get_path(self.effective.get(chart), path) if chart in self.effective else MISSING

    def changed(self, chart: str, key: str | KeyPath) -> bool:
        """The customer's value differs from the chart default (so the decision is theirs)."""
        path = tuple(key.split(".")) if isinstance(key, str) else key
        return chart in self.effective and get_path(self.effective[chart], path) != get_path(
            self.defaults[chart], path)

    def put(self, field: str, value: Any, *sources: tuple[str, str | KeyPath]) -> None:
        """Set a Plan field (dotted path, no list indexes) and remember the customer keys it came from."""
        if value is MISSING:
            return
        node = self.data
        steps = field.split(".")
        for step in steps[:-1]:
            node = node.setdefault(step, {})
        node[steps[-1]] = value
        found = []
        for chart, key in sources:
            path = tuple(key.split(".")) if isinstance(key, str) else key
            if get_path(self.given.get(chart, {}), path) is not MISSING:
                found.append((chart, path))
        if found:
            self.origins[field] = found


def reconstruct(reader: Reader) -> None:
    """Fill reader.data with every decision the imported charts' values make."""
    for chart, name in ((ORCHESTRATOR, "orchestrator"), (BACKEND, "backend"), (FRONTEND, "frontend")):
        reader.data["target"][name]["enabled"] = chart in reader.effective
    if BACKEND in reader.effective:
        reader.put("organisation.name", _text(reader.get(BACKEND, "organizationName")),
                   (BACKEND, "organizationName"))
        reader.put("organisation.msp_id", _text(reader.get(BACKEND, "orchestrator.mspID")),
                   (BACKEND, "orchestrator.mspID"))
    _channels(reader)
    _link(reader)
    if BACKEND in reader.effective:
        _features(reader)
        _registry(reader)
        _scale(reader)
        _accounts(reader)
    _close_storage(reader)
    _storage(reader)
    _ingress(reader)


def _text(value: Any) -> Any:
    return value if isinstance(value, str) or value is MISSING else MISSING


def _channels(reader: Reader) -> None:
    backend_list = reader.get(BACKEND, "orchestrator.channels")
    orchestrator_list = reader.get(ORCHESTRATOR, "channels")
    settings: dict[str, dict[str, Any]] = {}
    names: list[str] = []
    if isinstance(backend_list, list):
        for item in backend_list:
            if isinstance(item, dict) and len(item) == 1:
                name, options = next(iter(item.items()))
                names.append(name)
                settings[name] = options if isinstance(options, dict) else {}
    members: dict[str, list[str]] = {}
    if isinstance(orchestrator_list, list):
        ordered = []
        for item in orchestrator_list:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                ordered.append(item["name"])
                orgs = item.get("organizations")
                members[item["name"]] = [o for o in orgs if isinstance(o, str)] if isinstance(orgs, list) else []
        names = ordered + [n for n in names if n not in ordered]
    if backend_list is MISSING and orchestrator_list is MISSING:
        return
    msp = reader.data["organisation"]["msp_id"] if BACKEND in reader.effective else None
    channels = []
    for name in names:
        channel: dict[str, Any] = {"name": name,
                                   "organizations": [org for org in members.get(name, []) if org != msp]}
        for option in ("restricted", "model_export_enabled"):
            if isinstance(settings.get(name, {}).get(option), bool):
                channel[option] = settings[name][option]
        channels.append(channel)
    reader.put("channels", channels, (ORCHESTRATOR, "channels"), (BACKEND, "orchestrator.channels"))


def _link(reader: Reader) -> None:
    if BACKEND in reader.effective:
        reader.put("orchestrator.tls", reader.get(BACKEND, "orchestrator.tls.enabled"),
                   (BACKEND, "orchestrator.tls.enabled"))
        if reader.get(BACKEND, "orchestrator.tls.enabled") is True:
            reader.put("orchestrator.ca_secret", reader.get(BACKEND, "orchestrator.tls.cacert"),
                       (BACKEND, "orchestrator.tls.cacert"))
        for field, key in (("host", "host"), ("port", "port"), ("same_cluster", "sameCluster")):
            reader.put(f"orchestrator.{field}", reader.get(BACKEND, f"orchestrator.{key}"),
                       (BACKEND, f"orchestrator.{key}"))
    elif ORCHESTRATOR in reader.effective:
        reader.put("orchestrator.tls", reader.get(ORCHESTRATOR, "orchestrator.tls.enabled"),
                   (ORCHESTRATOR, "orchestrator.tls.enabled"))


def _features(reader: Reader) -> None:
    builder = reader.get(BACKEND, "builder.enabled")
    reader.put("features.builder", builder, (BACKEND, "builder.enabled"))
    if builder is True:
        key = "kaniko.cache.warmer.cachedImages"
        reader.put("features.kaniko_cached_images", reader.get(BACKEND, key), (BACKEND, key))
    private_ca = reader.get(BACKEND, "privateCa.enabled")
    reader.put("features.private_ca", private_ca, (BACKEND, "privateCa.enabled"))
    if private_ca is True:
        reader.put("features.private_ca_secret", reader.get(BACKEND, "privateCa.secret.name"),
                   (BACKEND, "privateCa.secret.name"))
        reader.put("features.add_cert_image_tag", reader.get(BACKEND, "privateCa.image.tag"),
                   (BACKEND, "privateCa.image.tag"))
    minio, localstack = reader.get(BACKEND, "minio.enabled"), reader.get(BACKEND, "localstack.enabled")
    store = "localstack" if localstack is True and minio is not True else "minio"
    reader.put("features.object_store", store, (BACKEND, "minio.enabled"), (BACKEND, "localstack.enabled"))


def _registry(reader: Reader) -> None:
    local = reader.get(BACKEND, "containerRegistry.local")
    bundled = local is not False
    reader.put("features.registry", "bundled" if bundled else "remote", (BACKEND, "containerRegistry.local"),
               (BACKEND, "docker-registry.enabled"))
    if bundled:
        items = reader.get(BACKEND, "containerRegistry.prepopulate")
        if isinstance(items, list) and all(isinstance(item, dict) for item in items):
            renamed = [{field: item.get(key) for field, key in (("image", "image"), ("source_registry",
                        "sourceRegistry"), ("dst_image", "dstImage")) if item.get(key)} for item in items]
            reader.put("features.prepopulate", renamed, (BACKEND, "containerRegistry.prepopulate"))
        return
    for field, key in (("registry_host", "host"), ("registry_port", "port"), ("registry_scheme", "scheme"),
                       ("registry_pull_domain", "pullDomain")):
        reader.put(f"features.{field}", reader.get(BACKEND, f"containerRegistry.{key}"),
                   (BACKEND, f"containerRegistry.{key}"))


def _scale(reader: Reader) -> None:
    for field, key in (("server_replicas", "server"), ("worker_replicas", "worker"), ("builder_replicas", "builder")):
        reader.put(f"scale.{field}", reader.get(BACKEND, f"{key}.replicaCount"), (BACKEND, f"{key}.replicaCount"))


def _storage(reader: Reader) -> None:
    for claim in CLAIMS:
        if claim.chart not in reader.effective:
            continue
        at = f"storage.{claim.id}"
        keys: list[tuple[str, KeyPath]] = [("size", (*claim.prefix, "size"))]
        if not claim.class_ignored:
            keys.append(("storage_class", (*claim.prefix, "storageClass")))
        if claim.reusable:
            keys.append(("existing_claim", (*claim.prefix, "existingClaim")))
        for field, path in keys:
            value = reader.get(claim.chart, path)
            if reader.changed(claim.chart, path) and value not in ("", None):
                reader.put(f"{at}.{field}", value, (claim.chart, path))
        if claim.access != "fixed" and reader.changed(claim.chart, claim.access_path):
            mode = reader.get(claim.chart, claim.access_path)
            if isinstance(mode, list) and len(mode) == 1 and claim.access != "string":
                mode = mode[0]
            if isinstance(mode, str):
                reader.put(f"{at}.access_mode", mode, (claim.chart, claim.access_path))


def _json_list(value: Any) -> list[str] | None:
    if not isinstance(value, str):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    return items if isinstance(items, list) and all(isinstance(i, str) for i in items) else None


def _host_of(url: Any) -> tuple[str | None, bool]:
    """(host, https) of a URL such as https://api.example.com."""
    if not isinstance(url, str):
        return None, False
    parts = urlsplit(url)
    return parts.hostname, parts.scheme == "https"


def _ingress(reader: Reader) -> None:
    tls = False
    if reader.get(BACKEND, "server.ingress.enabled") is True:
        reader.put("ingress.backend_host", reader.get(BACKEND, "server.ingress.hostname"),
                   (BACKEND, "server.ingress.hostname"), (BACKEND, "server.ingress.enabled"))
        reader.put("ingress.class_name", reader.get(BACKEND, "server.ingress.ingressClassName"),
                   (BACKEND, "server.ingress.ingressClassName"))
        extra_tls = reader.get(BACKEND, "server.ingress.extraTls")
        tls = isinstance(extra_tls, list) and bool(extra_tls)
        reader.put("ingress.tls", tls, (BACKEND, "server.ingress.extraTls"))
        issuer_key = ("server", "ingress", "annotations", ISSUER_ANNOTATION)
        if tls:
            reader.put("ingress.cluster_issuer", reader.get(BACKEND, issuer_key), (BACKEND, issuer_key))
    elif FRONTEND in reader.effective:
        host, https = _host_of(reader.get(FRONTEND, "api.url"))
        reader.put("ingress.backend_host", host or MISSING, (FRONTEND, "api.url"))
        tls = https
        reader.put("ingress.tls", https, (FRONTEND, "api.url"))
    if BACKEND in reader.effective and reader.get(BACKEND, "config.ALLOWED_HOSTS") is MISSING:
        reader.put("ingress.allowed_hosts", [])  # the Plan writes no ALLOWED_HOSTS for an empty list
    elif BACKEND in reader.effective and reader.changed(BACKEND, "config.ALLOWED_HOSTS"):
        hosts = _json_list(reader.get(BACKEND, "config.ALLOWED_HOSTS"))
        reader.put("ingress.allowed_hosts", hosts if hosts is not None else MISSING,
                   (BACKEND, "config.ALLOWED_HOSTS"))
    _frontend_host(reader, tls)
    _orchestrator_ingress(reader)


def _frontend_host(reader: Reader, tls: bool) -> None:
    if FRONTEND in reader.effective:
        hosts = reader.get(FRONTEND, "ingress.hosts")
        if reader.get(FRONTEND, "ingress.enabled") is True and isinstance(hosts, list) and hosts \
                and isinstance(hosts[0], dict):
            reader.put("ingress.frontend_host", hosts[0].get("host"), (FRONTEND, "ingress.hosts"),
                       (FRONTEND, "ingress.enabled"))
            annotations = reader.get(FRONTEND, "ingress.annotations")
            annotations = annotations if isinstance(annotations, dict) else {}
            if reader.data["ingress"].get("class_name") is None:
                reader.put("ingress.class_name", annotations.get("kubernetes.io/ingress.class", MISSING),
                           (FRONTEND, ("ingress", "annotations", "kubernetes.io/ingress.class")))
            frontend_tls = reader.get(FRONTEND, "ingress.tls")
            if isinstance(frontend_tls, list) and frontend_tls and not tls:
                reader.put("ingress.tls", True, (FRONTEND, "ingress.tls"))
            if reader.data["ingress"].get("cluster_issuer") is None and ISSUER_ANNOTATION in annotations:
                reader.put("ingress.cluster_issuer", annotations[ISSUER_ANNOTATION],
                           (FRONTEND, ("ingress", "annotations", ISSUER_ANNOTATION)))
        return
    origins = _json_list(reader.get(BACKEND, "config.CORS_ORIGIN_WHITELIST"))
    if origins and len(origins) == 1:
        host, _ = _host_of(origins[0])
        reader.put("ingress.frontend_host", host or MISSING, (BACKEND, "config.CORS_ORIGIN_WHITELIST"))


def _orchestrator_ingress(reader: Reader) -> None:
    if reader.get(ORCHESTRATOR, "ingress.enabled") is not True:
        return
    reader.put("ingress.orchestrator_host", reader.get(ORCHESTRATOR, "ingress.hostname"),
               (ORCHESTRATOR, "ingress.hostname"), (ORCHESTRATOR, "ingress.enabled"))
    if reader.data["ingress"].get("class_name") is None:
        reader.put("ingress.class_name", reader.get(ORCHESTRATOR, "ingress.ingressClassName"),
                   (ORCHESTRATOR, "ingress.ingressClassName"))
    if reader.get(ORCHESTRATOR, "orchestrator.tls.createCertificates.enabled") is True \
            and reader.data["ingress"].get("cluster_issuer") is None:
        key = "orchestrator.tls.createCertificates.issuer"
        reader.put("ingress.cluster_issuer", reader.get(ORCHESTRATOR, key), (ORCHESTRATOR, key))


def _accounts(reader: Reader) -> None:
    """The admin users (name and channel; their passwords go to secrets/, see importing.credentials): each entry the
    Plan can hold, once, with its channel when that is one of the Plan's. None listed: the Plan keeps its own admin."""
    from pydantic import ValidationError

    from wizard.planning.plan import AdminUser

    entries = reader.get(BACKEND, "addAccountOperator.users")
    channels = [c.get("name") for c in reader.data.get("channels", []) if isinstance(c, dict)]
    users: list[dict[str, Any]] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or any(u["name"] == entry.get("name") for u in users):
            continue
        channel = entry.get("channel")
        try:
            user = AdminUser.model_validate({"name": entry.get("name"),
                                             "channel": channel if channel in channels else None})
        except ValidationError:
            continue
        users.append({"name": user.name, "channel": user.channel})
    if users:
        reader.put("accounts.users", users, (BACKEND, "addAccountOperator.users"))


STORAGE_POLICIES = {ORCHESTRATOR: ("postgresql.primary",), BACKEND: ("postgresql.primary", "redis", "minio")}
"""The subchart policies features.close_storage closes (minio only with MinIO as the object store)."""


def storage_policy_keys(reader: Reader) -> list[tuple[str, str]]:
    """(chart, key) of every policy key features.close_storage would write for the imported charts."""
    keys = []
    for chart, prefixes in STORAGE_POLICIES.items():
        if chart not in reader.effective:
            continue
        for prefix in prefixes:
            if prefix == "minio" and reader.data["features"].get("object_store") != "minio":
                continue
            keys += [(chart, f"{prefix}.networkPolicy.{key}") for key in ("allowExternal", "allowExternalEgress")]
    return keys


def _close_storage(reader: Reader) -> None:
    """On only when the customer closed every storage policy the decision closes, so that the Plan writes their
    policies back as they are; anything left open keeps it off (and the import says what is open)."""
    keys = storage_policy_keys(reader)
    if keys:
        left_open = [(chart, key) for chart, key in keys if reader.get(chart, key) is not False]
        reader.put("features.close_storage", not left_open, *(left_open or keys))
