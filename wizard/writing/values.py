"""Plan -> chart values: for each chart this cluster runs, every key the Plan decides and the field that decided it.

`render(plan)` is pure (apart from reading the private CA file the Plan names). It writes the keys that really work
in each chart version (claims.py holds the storage quirks) and keeps, for the values files, only what differs from
the chart's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.charts.chart_defaults import get_path, load_defaults
from wizard.charts.claims import CLAIMS
from wizard.charts.mirror import mirror_settings
from wizard.planning.declare import declaration
from wizard.planning.derive import (
    allowed_hosts,
    backend_url,
    channel_members,
    claim_in_use,
    common_domain,
    frontend_origin,
    json_list,
    orchestrator_address,
)
from wizard.planning.plan import Plan, Volume
from wizard.planning.rules import read_ca_file
from wizard.writing.credentials import private_settings, secret_names

ORCHESTRATOR, BACKEND, FRONTEND = "orchestrator", "substra-backend", "substra-frontend"
ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"


@dataclass(frozen=True)
class Setting:
    """One values key: its path in the chart values, its value, and the Plan field that decided it."""

    path: tuple[str, ...]
    value: Any
    field: str

    @property
    def comment(self) -> str:
        return f"wizard: {declaration(self.field).label} ({self.field})"


@dataclass(frozen=True)
class ChartValues:
    """The values of one chart release: `settings` holds every decided key, `overrides` those unlike the defaults."""

    chart: str
    version: str
    release: str
    namespace: str
    settings: tuple[Setting, ...]
    private: tuple[Setting, ...] = ()
    """Keys the chart takes only inline although they hold credentials (their values are `credentials.Ref`s): they go
    to helm from secrets/, never into the values file."""

    @property
    def overrides(self) -> tuple[Setting, ...]:
        defaults = load_defaults(self.chart, self.version)
        return tuple(s for s in self.settings if get_path(defaults, s.path) != s.value)

    @property
    def file_name(self) -> str:
        return f"{self.chart}-values.yaml"


class _Collector:
    def __init__(self) -> None:
        self.settings: list[Setting] = []

    def set(self, key: str | tuple[str, ...], value: Any, field: str) -> None:
        if value is not None:
            self.settings.append(Setting(tuple(key.split(".")) if isinstance(key, str) else key, value, field))


def render(plan: Plan) -> list[ChartValues]:
    """The values of every chart the Plan runs here, in install order (orchestrator, backend, frontend)."""
    rendered = []
    for chart, target, fill in (
        (ORCHESTRATOR, plan.target.orchestrator, _orchestrator),
        (BACKEND, plan.target.backend, _backend),
        (FRONTEND, plan.target.frontend, _frontend),
    ):
        if target.enabled:
            out = _Collector()
            fill(plan, out)
            _mirror(plan, chart, target.version, out)
            _volumes(plan, chart, out)
            _closed_storage(plan, chart, out)
            _credentials(plan, chart, out)
            private = tuple(Setting(path, value, "accounts")
                            for path, value in private_settings(plan).get(chart, {}).items())
            rendered.append(ChartValues(chart, target.version, target.release, target.namespace, tuple(out.settings),
                                        private))
    return rendered


_STORAGE_POLICIES = {ORCHESTRATOR: ("postgresql.primary",), BACKEND: ("postgresql.primary", "redis", "minio")}


def _closed_storage(plan: Plan, chart: str, out: _Collector) -> None:
    """The Bitnami subcharts' own policies: with `allowExternal` and `allowExternalEgress` off, a storage pod accepts
    only its own chart's pods and `<release>-<chart>-client` pods, and opens no connection (DNS aside). Substra's own
    policies still let the backend's pods in (render 20: every Substra pod keeps what it needs)."""
    for prefix in _STORAGE_POLICIES.get(chart, ()):
        if prefix == "minio" and plan.features.object_store != "minio":
            continue
        for key in ("allowExternal", "allowExternalEgress"):
            out.set(f"{prefix}.networkPolicy.{key}", not plan.features.close_storage, "features.close_storage")


def _credentials(plan: Plan, chart: str, out: _Collector) -> None:
    """Point every credential key at the Secrets under secrets/ and blank the inline defaults, so that no chart
    default password stays in effect and none lands in a pod spec (the wait-postgresql init containers copy
    database.auth.password into plain env; they only run pg_isready, which needs none)."""
    names = secret_names(plan)
    prefix = "orchestrator-" if chart == ORCHESTRATOR else ""
    if chart not in (ORCHESTRATOR, BACKEND):
        return
    if chart == BACKEND:
        out.set("addAccountOperator.existingSecret", names["accounts"], "accounts.users")
    out.set("database.auth.credentialsSecretName", names[f"{prefix}database"], "accounts")
    out.set("database.auth.password", "", "accounts")
    out.set("postgresql.auth.enablePostgresUser", True, "accounts")
    out.set("postgresql.auth.existingSecret", names[f"{prefix}postgresql"], "accounts")
    out.set("postgresql.auth.password", "", "accounts")
    if chart == BACKEND:
        out.set("redis.auth.existingSecret", names["redis"], "accounts")
        out.set("redis.auth.password", "", "accounts")
        if plan.features.object_store == "minio":
            out.set("minio.auth.existingSecret", names["minio"], "accounts")


def _orchestrator(plan: Plan, out: _Collector) -> None:
    channels = [{"name": c.name, "organizations": channel_members(plan, i)} for i, c in enumerate(plan.channels)]
    out.set("channels", channels, "channels")
    host, ingress = plan.ingress.orchestrator_host, plan.ingress
    if host:
        out.set("ingress.enabled", True, "ingress.orchestrator_host")
        out.set("ingress.hostname", host, "ingress.orchestrator_host")
        out.set("ingress.ingressClassName", ingress.class_name, "ingress.class_name")
    out.set("orchestrator.tls.enabled", plan.orchestrator.tls, "orchestrator.tls")
    if plan.orchestrator.tls and ingress.cluster_issuer and host:
        out.set("orchestrator.tls.createCertificates.enabled", True, "ingress.cluster_issuer")
        out.set("orchestrator.tls.createCertificates.domains", [host], "ingress.orchestrator_host")
        out.set("orchestrator.tls.createCertificates.issuer", ingress.cluster_issuer, "ingress.cluster_issuer")


def _backend(plan: Plan, out: _Collector) -> None:
    out.set("organizationName", plan.organisation.name, "organisation.name")
    out.set("orchestrator.mspID", plan.organisation.msp_id, "organisation.msp_id")
    _orchestrator_link(plan, out)
    _features(plan, out)
    _registry(plan, out)
    out.set("server.replicaCount", plan.scale.server_replicas, "scale.server_replicas")
    out.set("worker.replicaCount", plan.scale.worker_replicas, "scale.worker_replicas")
    if plan.features.builder:
        out.set("builder.replicaCount", plan.scale.builder_replicas, "scale.builder_replicas")
    _backend_ingress(plan, out)


def _orchestrator_link(plan: Plan, out: _Collector) -> None:
    address, link = orchestrator_address(plan), plan.orchestrator
    out.set("orchestrator.host", address.host, "orchestrator.host")
    out.set("orchestrator.port", address.port, "orchestrator.port")
    out.set("orchestrator.sameCluster", address.same_cluster, "orchestrator.same_cluster")
    out.set("orchestrator.tls.enabled", link.tls, "orchestrator.tls")
    if link.tls:
        out.set("orchestrator.tls.cacert", link.ca_secret, "orchestrator.ca_secret")
    channels = [{c.name: {"restricted": c.restricted, "model_export_enabled": c.model_export_enabled}}
                for c in plan.channels]
    out.set("orchestrator.channels", channels, "channels")


def _features(plan: Plan, out: _Collector) -> None:
    features = plan.features
    out.set("builder.enabled", features.builder, "features.builder")
    if features.builder:
        images = list(features.kaniko_cached_images)
        out.set("kaniko.cache.warmer.cachedImages", images, "features.kaniko_cached_images")
    out.set("privateCa.enabled", features.private_ca, "features.private_ca")
    if features.private_ca:
        out.set("privateCa.secret.name", features.private_ca_secret, "features.private_ca_secret")
        if features.private_ca_file:
            out.set("privateCa.secret.data", read_ca_file(features.private_ca_file), "features.private_ca_file")
        out.set("privateCa.image.tag", features.add_cert_image_tag, "features.add_cert_image_tag")
    out.set("minio.enabled", features.object_store == "minio", "features.object_store")
    out.set("localstack.enabled", features.object_store == "localstack", "features.object_store")


def _registry(plan: Plan, out: _Collector) -> None:
    features = plan.features
    bundled = features.registry == "bundled"
    out.set("docker-registry.enabled", bundled, "features.registry")
    out.set("containerRegistry.local", bundled, "features.registry")
    if bundled:
        # With a mirror, an image that names no source registry is copied from the mirror, not Docker Hub.
        items = [
            {key: value for key, value in (("image", item.image),
                                           ("sourceRegistry", item.source_registry or features.image_mirror),
                                           ("dstImage", item.dst_image)) if value}
            for item in features.prepopulate
        ]
        out.set("containerRegistry.prepopulate", items, "features.prepopulate")
        return
    out.set("containerRegistry.host", features.registry_host, "features.registry_host")
    out.set("containerRegistry.port", features.registry_port, "features.registry_port")
    out.set("containerRegistry.scheme", features.registry_scheme, "features.registry_scheme")
    pull_domain = features.registry_pull_domain or features.registry_host
    out.set("containerRegistry.pullDomain", pull_domain,
            "features.registry_pull_domain" if features.registry_pull_domain else "features.registry_host")


def _backend_ingress(plan: Plan, out: _Collector) -> None:
    ingress, host = plan.ingress, plan.ingress.backend_host
    if host:
        out.set("server.ingress.enabled", True, "ingress.backend_host")
        out.set("server.ingress.hostname", host, "ingress.backend_host")
        out.set("server.ingress.ingressClassName", ingress.class_name, "ingress.class_name")
        if ingress.tls:
            tls = [{"hosts": [host], "secretName": f"{plan.target.backend.release}-tls"}]
            out.set("server.ingress.extraTls", tls, "ingress.tls")
            out.set(("server", "ingress", "annotations", ISSUER_ANNOTATION), ingress.cluster_issuer,
                    "ingress.cluster_issuer")
        out.set("server.defaultDomain", backend_url(plan), "ingress.backend_host")
    hosts_field = "ingress.allowed_hosts" if ingress.allowed_hosts is not None else "ingress.backend_host"
    if allowed_hosts(plan):
        out.set("config.ALLOWED_HOSTS", json_list(allowed_hosts(plan)), hosts_field)
    origin = frontend_origin(plan)
    if origin:
        out.set("config.CORS_ORIGIN_WHITELIST", json_list([origin]), "ingress.frontend_host")
        out.set("config.CSRF_TRUSTED_ORIGINS", json_list([origin]), "ingress.frontend_host")
        out.set("config.CORS_ALLOW_CREDENTIALS", "true", "ingress.frontend_host")
        out.set("server.commonHostDomain", common_domain(plan), "ingress.frontend_host")


def _frontend(plan: Plan, out: _Collector) -> None:
    ingress, host = plan.ingress, plan.ingress.frontend_host
    out.set("api.url", backend_url(plan), "ingress.backend_host")
    if not host:
        return
    out.set("ingress.enabled", True, "ingress.frontend_host")
    out.set("ingress.hosts", [{"host": host, "paths": ["/"]}], "ingress.frontend_host")
    # The frontend chart has no ingressClassName key: the class goes in the (deprecated, still honoured) annotation.
    out.set(("ingress", "annotations", "kubernetes.io/ingress.class"), ingress.class_name, "ingress.class_name")
    if ingress.tls:
        out.set("ingress.tls", [{"hosts": [host], "secretName": f"{plan.target.frontend.release}-tls"}], "ingress.tls")
        out.set(("ingress", "annotations", ISSUER_ANNOTATION), ingress.cluster_issuer, "ingress.cluster_issuer")


def _mirror(plan: Plan, chart: str, version: str, out: _Collector) -> None:
    """Every image key of the chart onto the mirror (mirror.py). Written whatever the toggles, so that turning a
    component on later keeps it on the mirror."""
    if plan.features.image_mirror:
        for path, value in mirror_settings(chart, version, plan.features.image_mirror):
            out.set(path, value, "features.image_mirror")


def _volumes(plan: Plan, chart: str, out: _Collector) -> None:
    for claim in CLAIMS:
        if claim.chart != chart or not claim_in_use(plan, claim):
            continue
        volume: Volume = getattr(plan.storage, claim.id)
        path = f"storage.{claim.id}"
        out.set((*claim.prefix, "size"), volume.size, f"{path}.size")
        if not claim.class_ignored:  # see rules.notes: written nowhere, since the chart would ignore it
            out.set((*claim.prefix, "storageClass"), volume.storage_class, f"{path}.storage_class")
        if volume.access_mode and claim.access != "fixed" and not volume.existing_claim:
            mode = volume.access_mode if claim.access == "string" else [volume.access_mode]
            out.set(claim.access_path, mode, f"{path}.access_mode")
        if claim.reusable:
            out.set((*claim.prefix, "existingClaim"), volume.existing_claim, f"{path}.existing_claim")
