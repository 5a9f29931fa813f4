"""The Plan: every decision an operator makes for one organisation's cluster, declared once.

Each field carries its label, help text and the chart values keys it drives (`decision.decision`); field-level checks
(names, sizes, ports, choices) live on the types here, checks across fields live in `rules.py`, and how the Plan
turns into chart values lives in `values.py`. The Plan is frozen: a change makes a new Plan.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, create_model

from wizard.charts.claims import CLAIMS
from wizard.charts.mirror import declared_keys as mirror_keys
from wizard.charts.mirror import mirror_problem
from wizard.core.names import chart_source_problem, label_problem, subdomain_problem
from wizard.core.quantity import size_problem
from wizard.planning.decision import decision
from wizard.planning.passwords import username_problem


def _check(problem: str | None) -> None:
    if problem:
        raise ValueError(problem)


def _label(value: str) -> str:
    _check(label_problem(value))
    return value


def _release(value: str) -> str:
    _check(label_problem(value, max_length=53))
    return value


def _subdomain(value: str) -> str:
    _check(subdomain_problem(value))
    return value


def _size(value: str) -> str:
    _check(size_problem(value))
    return value


def _storage_class(value: str) -> str:
    if value != "-":
        _check(subdomain_problem(value))
    return value


def _identifier(value: str) -> str:
    allowed = value and value[0].isalnum() and all(c.isalnum() or c in "._-" for c in value) and value.isascii()
    if not allowed or len(value) > 64:
        raise ValueError(
            f'"{value}" is not a valid identifier: use letters, digits, ".", "_" and "-", starting with a letter '
            "or digit (at most 64 characters)"
        )
    return value


def _image(value: str) -> str:
    if not value or any(c.isspace() for c in value) or value != value.strip():
        raise ValueError(f'"{value}" is not an image reference: write it like registry.example.com/team/image:1.0')
    return value


def _chart_source(value: str) -> str:
    _check(chart_source_problem(value))
    return value


def _mirror(value: str) -> str:
    _check(mirror_problem(value))
    return value


def _username(value: str) -> str:
    _check(username_problem(value))
    return value


def _kube_version(value: str) -> str:
    head, _, minor = value.partition(".")
    if head != "1" or not minor.isdigit():
        raise ValueError(f'"{value}" is not a Kubernetes version: write it as 1.N, e.g. 1.31')
    if int(minor) < 19:
        raise ValueError(f"the charts need Kubernetes 1.19 or later (their kubeVersion is >= 1.19.0-0), not {value}")
    return value


def _tag(value: str) -> str:
    if not value or len(value) > 128 or not (value[0].isalnum() or value[0] == "_") or not all(
        c.isalnum() or c in "._-" for c in value
    ):
        raise ValueError(f'"{value}" is not an image tag: use letters, digits, ".", "_" and "-" (e.g. 1.0.1)')
    return value


Label = Annotated[str, AfterValidator(_label)]
Release = Annotated[str, AfterValidator(_release)]
Subdomain = Annotated[str, AfterValidator(_subdomain)]
Size = Annotated[str, AfterValidator(_size)]
StorageClass = Annotated[str, AfterValidator(_storage_class)]
Identifier = Annotated[str, AfterValidator(_identifier)]
Image = Annotated[str, AfterValidator(_image)]
Mirror = Annotated[str, AfterValidator(_mirror)]
def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"{value} is not a port: use a number from 1 to 65535")
    return value


Port = Annotated[int, AfterValidator(_port)]
AccessMode = Literal["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]


class Section(BaseModel):
    """Base of every Plan section: immutable, and unknown keys are errors (typos never pass silently)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- target: which charts run in this cluster, where ---------------------------------------------------------------


class OrchestratorChart(Section):
    enabled: bool = decision(True, label="Run the orchestrator here",
        help="Deploy the orchestrator chart in this cluster. One orchestrator serves the whole network; run it "
             "where every organisation trusts it. Turn off when another organisation runs it.")
    namespace: Label = decision("orchestrator", label="Namespace", help="Kubernetes namespace of the orchestrator.")
    release: Release = decision("orchestrator", label="Release name", help="Helm release name of the orchestrator.")
    version: Literal["8.8.0"] = decision("8.8.0", label="Chart version", help="orchestrator chart version.")


class BackendChart(Section):
    enabled: bool = decision(True, label="Run this organisation's backend here",
        help="Deploy substra-backend: the organisation's API, workers, image builder and storage.")
    namespace: Label = decision("org-1", label="Namespace", help="Kubernetes namespace of the backend.")
    release: Release = decision("backend", label="Release name",
        help="Helm release name of the backend: at most 28 characters (29 without the image builder), since the "
             "chart appends up to 24 to it in StatefulSet names, whose pods Kubernetes refuses past 52.")
    version: Literal["26.15.3"] = decision("26.15.3", label="Chart version", help="substra-backend chart version.")


class FrontendChart(Section):
    enabled: bool = decision(False, label="Run the frontend here",
        help="Deploy substra-frontend, the web interface. It needs the backend's public address "
             "(ingress.backend_host).")
    namespace: Label = decision("org-1", label="Namespace", help="Kubernetes namespace of the frontend.")
    release: Release = decision("frontend", label="Release name", help="Helm release name of the frontend.")
    version: Literal["1.2.3"] = decision("1.2.3", label="Chart version", help="substra-frontend chart version.")


class Target(Section):
    kubernetes_version: Annotated[str, AfterValidator(_kube_version)] = decision(
        "1.31", label="Kubernetes version",
        help="Version of the target cluster (1.N, at least 1.19, which the charts require). The analysis uses it "
             "for the Pod Security rules of that version.")
    charts: Annotated[str, AfterValidator(_chart_source)] | None = decision(None, label="Chart source",
        empty="Substra's charts",
        help="Where Helm takes the charts from. Empty: the Substra chart repository (https://substra.github.io/"
             "charts). For a cluster without internet: a folder of chart archives (as helm pull writes them) or "
             "unpacked charts, an oci:// registry, or your chart repository mirror's URL (--charts on the command "
             "line).")
    orchestrator: OrchestratorChart = decision(OrchestratorChart(), label="Orchestrator",
                                               help="The orchestrator chart.")
    backend: BackendChart = decision(BackendChart(), label="Backend", help="The substra-backend chart.")
    frontend: FrontendChart = decision(FrontendChart(), label="Frontend", help="The substra-frontend chart.")


# --- organisation, channels and the link to the orchestrator -------------------------------------------------------


class Organisation(Section):
    name: Identifier = decision("org-1", label="Organisation name", keys=["substra-backend:organizationName"],
        help="This organisation's name in the backend (ORG_NAME; also part of its task queue names).")
    msp_id: Identifier = decision("Org1MSP", label="MSP id", keys=["substra-backend:orchestrator.mspID"],
        help="This organisation's id on the orchestrator. Channels and the other organisations' incoming and "
             "outgoing lists use it. The docs use the organisation name for both.")


class Channel(Section):
    name: Identifier = decision(label="Channel name", help="Name of the channel on the orchestrator.",
        keys=["orchestrator:channels", "substra-backend:orchestrator.channels"])
    organizations: tuple[Identifier, ...] = decision((), label="Other member organisations",
        keys=["orchestrator:channels"],
        help="MSP ids of the channel's other members (this organisation is added when its backend runs here). "
             "Only the orchestrator reads this list.")
    restricted: bool = decision(False, label="Restricted", keys=["substra-backend:orchestrator.channels"],
        help="Backend setting for this channel: restrict what the organisation shares on it.")
    model_export_enabled: bool = decision(False, label="Model export", keys=["substra-backend:orchestrator.channels"],
        help="Backend setting for this channel: allow models to be downloaded.")


class OrchestratorLink(Section):
    host: Subdomain | None = decision(None, label="Orchestrator host", keys=["substra-backend:orchestrator.host"],
        empty="in-cluster service", help="Where the backend reaches the orchestrator. Empty: its in-cluster "
             "service when it runs here (<release>-server.<namespace>); otherwise its public host name, required.")
    port: Port | None = decision(None, label="Orchestrator port", keys=["substra-backend:orchestrator.port"],
        empty="9000, 443 or 80", help="Empty: 9000 in the same cluster; 443 with TLS or 80 without "
             "through an ingress.")
    tls: bool = decision(False, label="TLS to the orchestrator",
        keys=["orchestrator:orchestrator.tls.enabled", "substra-backend:orchestrator.tls.enabled"],
        help="The orchestrator terminates TLS itself (the ingress passes TLS through). Recommended in production.")
    ca_secret: Subdomain | None = decision(None, empty="none (a public CA)", label="Orchestrator CA secret",
        keys=["substra-backend:orchestrator.tls.cacert"],
        help="Secret in the backend namespace holding the orchestrator's CA as ca.crt, when its certificate is not "
             "from a public CA. The docs create a ConfigMap, but the chart mounts a Secret.")
    same_cluster: bool | None = decision(None, empty="true if it is here", label="Orchestrator in the same cluster",
        keys=["substra-backend:orchestrator.sameCluster"],
        help="Empty: true when the orchestrator runs here. Decides whether the backend's NetworkPolicy lets it reach "
             "private addresses (same cluster) or public ones (another cluster) on the orchestrator port.")


# --- features -------------------------------------------------------------------------------------------------------


class Prepopulate(Section):
    image: Image = decision(label="Image", help="Image to copy into the bundled registry, e.g. substra/tools:1.0.",
        keys=["substra-backend:containerRegistry.prepopulate"])
    source_registry: Subdomain | None = decision(None, empty="Docker Hub", label="Source registry",
        help="Registry to copy it from.", keys=["substra-backend:containerRegistry.prepopulate"])
    dst_image: Image | None = decision(None, empty="the same name", label="Name in the bundled registry",
        help="", keys=["substra-backend:containerRegistry.prepopulate"])


class Features(Section):
    builder: bool = decision(True, label="Image builder (Kaniko)", keys=["substra-backend:builder.enabled"],
        help="Build function images in this organisation. At least one backend per network needs it. Kaniko build "
             "pods run as root.")
    kaniko_cached_images: tuple[Image, ...] = decision((), label="Images to pre-cache for Kaniko",
        keys=["substra-backend:kaniko.cache.warmer.cachedImages"],
        help="Base images the cache warmer pulls before builds (adds an init container to the builder).")
    private_ca: bool = decision(False, label="Private CA", keys=["substra-backend:privateCa.enabled"],
        help="Trust a private certificate authority: an add-cert init container, running as root, installs it in "
             "the server, worker, builder, api-events, worker-events and scheduler-worker pods.")
    private_ca_secret: Subdomain = decision("substra-private-ca", label="Private CA secret",
        keys=["substra-backend:privateCa.secret.name"],
        help="Secret holding the CA certificate. It must exist unless a CA file is given.")
    private_ca_file: str | None = decision(None, empty="a Secret you create", label="Private CA file",
        keys=["substra-backend:privateCa.secret.data"],
        help="PEM file of the CA certificate (relative to the current folder). The chart then creates the secret.")
    add_cert_image_tag: Annotated[str, AfterValidator(_tag)] | None = decision(None,
        label="add-cert image tag", keys=["substra-backend:privateCa.image.tag"],
        help="Tag of ghcr.io/substra/substra-backend-ca-cert-injector. Required with a private CA: the chart does "
             "not fall back to its app version and renders an invalid image without it.")
    object_store: Literal["minio", "localstack"] = decision("minio", label="Object storage",
        keys=["substra-backend:minio.enabled", "substra-backend:localstack.enabled"],
        help="MinIO (the default) or LocalStack S3 (development). Exactly one runs.")
    registry: Literal["bundled", "remote"] = decision("bundled", label="Container registry",
        keys=["substra-backend:docker-registry.enabled", "substra-backend:containerRegistry.local"],
        help="bundled: a registry in the backend's namespace, pulled through a NodePort on 127.0.0.1. "
             "remote: a registry you run (host, port, scheme).")
    registry_host: Subdomain | None = decision(None, label="Registry host",
        keys=["substra-backend:containerRegistry.host"], help="Host of the remote registry.")
    registry_port: Port = decision(443, label="Registry port", keys=["substra-backend:containerRegistry.port"],
        help="Port of the remote registry.")
    registry_scheme: Literal["https", "http"] = decision("https", label="Registry scheme",
        keys=["substra-backend:containerRegistry.scheme"], help="How the backend talks to the remote registry.")
    registry_pull_domain: Subdomain | None = decision(None, empty="the registry host", label="Registry pull domain",
        keys=["substra-backend:containerRegistry.pullDomain"],
        help="Host the kubelet pulls built images from.")
    image_mirror: Mirror | None = decision(None, empty="public registries", label="Image mirror", keys=mirror_keys(),
        help="Registry (host[:port][/path]) holding copies of every image the charts run, for a cluster that "
             "cannot reach public registries: each image keeps its repository path under it "
             "(ghcr.io/substra/substra-backend:1.0.1 -> <mirror>/substra/substra-backend:1.0.1). Empty: images "
             "come from their public registries. `wizard images` lists what to copy.")
    prepopulate: tuple[Prepopulate, ...] = decision((), label="Images to copy into the bundled registry",
        item="image", keys=["substra-backend:containerRegistry.prepopulate"],
        help="Each image gets a registry-prepopulate Deployment that copies it in. Bundled registry only.")
    close_storage: bool = decision(True, label="Close the storage pods to outsiders",
        keys=[f"{chart}:{sub}.networkPolicy.{key}" for chart, sub in (
            ("substra-backend", "postgresql.primary"), ("substra-backend", "redis"), ("substra-backend", "minio"),
            ("orchestrator", "postgresql.primary")) for key in ("allowExternal", "allowExternalEgress")],
        help="The database, Redis and MinIO then accept only the Substra pods that use them: nothing from the "
             "internet, other namespaces or other pods, and they open no connection themselves. Off: the Bitnami "
             "charts' defaults, which let any source reach them.")


# --- storage ---------------------------------------------------------------------------------------------------------


class Volume(Section):
    """One volume's decisions. Empty fields keep the chart's default."""

    size: Size | None = decision(None, label="Size", keys=["*.size"],
        help="Requested size (Kubernetes quantity, e.g. 20Gi).")
    storage_class: StorageClass | None = decision(None, label="Storage class", keys=["*.storageClass"],
        empty="the default class", help="'-': no class (only pre-provisioned volumes bind).")
    access_mode: AccessMode | None = decision(None, label="Access mode", keys=["*.accessModes", "*.accessMode"],
        empty="ReadWriteOnce", help="With an existing claim, say what that claim offers (used for checks only).")
    existing_claim: Subdomain | None = decision(None, label="Existing claim", keys=["*.existingClaim"],
        empty="a new claim",
        help="Reuse this claim instead of creating one (it must exist in the namespace and be Bound).")


Storage = create_model(  # one field per volume of the catalogue, so a new volume is declared in claims.py only
    "Storage",
    __base__=Section,
    __doc__="Every volume the charts create, keyed by claims.CLAIMS ids.",
    **{c.id: (Volume, decision(Volume(), label=c.label, help=c.help, keys=c.key_names)) for c in CLAIMS},  # type: ignore[call-overload]
)


class Scale(Section):
    server_replicas: int = decision(1, label="Server replicas", keys=["substra-backend:server.replicaCount"], ge=1,
        help="Backend API pods. They share the server media volume, so more than one needs a ReadWriteMany claim.")
    worker_replicas: int = decision(1, label="Worker replicas", keys=["substra-backend:worker.replicaCount"], ge=1,
        help="Compute workers; each gets its own worker volume.")
    builder_replicas: int = decision(1, label="Builder replicas", keys=["substra-backend:builder.replicaCount"], ge=1,
        help="Image builders; each gets its own builder and Kaniko cache volumes.")


# --- ingress ---------------------------------------------------------------------------------------------------------


class Ingress(Section):
    backend_host: Subdomain | None = decision(None, empty="no ingress", label="Backend host",
        keys=["substra-backend:server.ingress.hostname", "substra-backend:server.ingress.enabled",
              "substra-backend:server.defaultDomain", "substra-backend:config.ALLOWED_HOSTS",
              "substra-frontend:api.url"],
        help="Public host name of the backend API (e.g. api.org-1.example.com). Other organisations download "
             "assets from it, and the frontend calls it.")
    orchestrator_host: Subdomain | None = decision(None, empty="no ingress", label="Orchestrator host",
        keys=["orchestrator:ingress.hostname", "orchestrator:ingress.enabled",
              "orchestrator:orchestrator.tls.createCertificates.domains"],
        help="Public host name of the orchestrator, when it runs here and other clusters reach it.")
    frontend_host: Subdomain | None = decision(None, empty="no ingress", label="Frontend host",
        keys=["substra-frontend:ingress.hosts", "substra-frontend:ingress.enabled",
              "substra-backend:config.CORS_ORIGIN_WHITELIST", "substra-backend:config.CSRF_TRUSTED_ORIGINS",
              "substra-backend:config.CORS_ALLOW_CREDENTIALS", "substra-backend:server.commonHostDomain"],
        help="Public host name of the web interface. The backend then accepts the browser's requests from it "
             "(CORS and CSRF origins).")
    class_name: Subdomain | None = decision(None, empty="the default class", label="Ingress class",
        keys=["substra-backend:server.ingress.ingressClassName", "orchestrator:ingress.ingressClassName",
              "substra-frontend:ingress.annotations"],
        help="Ingress class (e.g. nginx).")
    tls: bool = decision(False, label="HTTPS on the ingresses",
        keys=["substra-backend:server.ingress.extraTls", "substra-frontend:ingress.tls"],
        help="Serve the backend and frontend over HTTPS, with a TLS secret named <release>-tls per host.")
    cluster_issuer: Subdomain | None = decision(None, label="cert-manager ClusterIssuer",
        empty="your TLS secrets", keys=["substra-backend:server.ingress.annotations",
              "substra-frontend:ingress.annotations", "orchestrator:orchestrator.tls.createCertificates"],
        help="Let cert-manager issue the certificates (e.g. letsencrypt-prod).")
    allowed_hosts: tuple[str, ...] | None = decision(None, empty="the backend host", label="Allowed hosts",
        keys=["substra-backend:config.ALLOWED_HOSTS"],
        help="Host names the backend answers to (Django ALLOWED_HOSTS; a leading dot allows subdomains).")


# --- accounts and secrets -------------------------------------------------------------------------------------------


class AdminUser(Section):
    name: Annotated[str, AfterValidator(_username)] = decision(label="User name",
        keys=["substra-backend:addAccountOperator.existingSecret"],
        help="Name to log in with (SDK and web interface). Not external or deleted, which the backend keeps.")
    channel: Identifier | None = decision(None, empty="the first channel", label="Channel",
        keys=["substra-backend:addAccountOperator.existingSecret"],
        help="The channel this admin works on: one of the plan's channels.")


class Accounts(Section):
    users: tuple[AdminUser, ...] = decision((AdminUser(name="admin"),), label="Admin users", item="user",
        keys=["substra-backend:addAccountOperator.existingSecret"],
        help="Users the backend creates, each an admin of its channel. Their passwords are generated (or typed in the "
             "wizard) and kept in secrets/, never in a values or answers file. Each upgrade deletes users not in "
             "this list, those made in the web interface included (unless OIDC is on).")


# --- the plan ------------------------------------------------------------------------------------------------------


class Plan(Section):
    """One organisation's cluster: which charts, wired how, with which features, storage and ingress."""

    target: Target = decision(Target(), label="Target", help="Which charts run in this cluster, and where.")
    organisation: Organisation = decision(Organisation(), label="Organisation", help="Who this organisation is.")
    channels: tuple[Channel, ...] = decision((Channel(name="mychannel"),), label="Channels", item="channel",
        help="Channels on the orchestrator: this organisation joins each of them.",
        keys=["orchestrator:channels", "substra-backend:orchestrator.channels"])
    orchestrator: OrchestratorLink = decision(OrchestratorLink(), label="Orchestrator connection",
        help="How the backend reaches the orchestrator.")
    features: Features = decision(Features(), label="Features", help="Image builder, private CA, storage backends.")
    storage: Storage = decision(Storage(), label="Storage", help="Size, class and reuse of every volume.")  # type: ignore[valid-type]
    scale: Scale = decision(Scale(), label="Scale", help="Replica counts.")
    ingress: Ingress = decision(Ingress(), label="Ingress", help="Public host names and TLS.")
    accounts: Accounts = decision(Accounts(), label="Accounts and secrets",
        keys=[f"substra-backend:{key}" for key in (
            "addAccountOperator.existingSecret", "database.auth.credentialsSecretName", "database.auth.password",
            "postgresql.auth.enablePostgresUser", "postgresql.auth.existingSecret", "postgresql.auth.password",
            "redis.auth.existingSecret", "redis.auth.password", "minio.auth.existingSecret", "minio.auth.rootUser",
            "minio.auth.rootPassword", "localstack.environment")] + [f"orchestrator:{key}" for key in (
            "database.auth.credentialsSecretName", "database.auth.password", "postgresql.auth.enablePostgresUser",
            "postgresql.auth.existingSecret", "postgresql.auth.password")],
        help="Admin users, and where every credential lives: Kubernetes Secrets written to secrets/ (0600 files in a "
             "0700 folder), which the charts read by name. Generated once, kept on every re-run; --rotate-secrets "
             "makes new ones.")
