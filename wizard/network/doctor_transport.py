"""How each backend reaches the orchestrator, and the others reach it (FACTS.md §4, FACTS_ACCOUNTS_NETWORK_IMAGES.md
§1.7, §5): `orchestrator.host`/`port` against the orchestrator's ingress or Service, TLS and mTLS on both sides, the
client CAs the orchestrator trusts per MSP id, and `server.defaultDomain`, the address the backend registers.

`orchestrator.sameCluster` decides the backend's egress policy to the orchestrator: private ranges when true (the
Service, `<release>-server.<namespace>`, port `service.port`), the public internet when false (the ingress host, port
443 with TLS, 80 without). An address of the other kind is blocked by the backend's own NetworkPolicy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from wizard.charts.orchestrator_8_8_0 import kebabcase
from wizard.core.names import label_problem
from wizard.core.shown import shown
from wizard.network.doctor_model import Backend, Finding, NetworkSet, Orchestrator

CLIENT_CA_VOLUME = "orchestrator-tls-client-cacert-"
_SERVICE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?-server\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.svc(\.[-a-z0-9.]+)?)?$")
_UPGRADE = "then helm upgrade the backend"


def transport_findings(network: NetworkSet) -> Iterator[Finding]:
    for backend in network.backends:
        yield from _default_domain(backend)
        yield from _ca_of(backend)
    orchestrator = network.orchestrator
    if orchestrator is None:
        return
    yield from _client_ca_keys(orchestrator)
    for backend in network.backends:
        yield from _address(backend, orchestrator)
        yield from _tls(backend, orchestrator)


def _default_domain(backend: Backend) -> Iterator[Finding]:
    value = backend.values.get("server.defaultDomain")
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is not None and parts.scheme in ("http", "https") and parts.hostname:
        return
    yield Finding("default-domain-no-scheme", "danger",
                  f"{backend.msp_id}'s server.defaultDomain is not an absolute http(s) URL: the backend registers it "
                  "with the orchestrator, which refuses an address without a scheme, so registration retries for "
                  "ever and the readiness check fails; the addresses of its assets are built from it too.",
                  f"set server.defaultDomain to the backend's public URL, e.g. {_url_example(backend)}.",
                  (backend.values.shown_at("server.defaultDomain"),), (backend.msp_id,))


def _ca_of(backend: Backend) -> Iterator[Finding]:
    """With TLS the backend trusts only the CA of the Secret `orchestrator.tls.cacert` names (§5.1, render 40)."""
    values = backend.values
    if values.get("orchestrator.tls.enabled") and not values.get("orchestrator.tls.cacert"):
        yield Finding("tls-no-ca", "danger",
                      f"{backend.msp_id} has TLS to the orchestrator but orchestrator.tls.cacert names no Secret: "
                      "six of its pods (server, worker, builder, scheduler, api-events, worker-events) mount a "
                      "Secret volume with no name, which the API server rejects.",
                      "create a Secret with the orchestrator's CA as ca.crt (a Secret, not the ConfigMap the docs "
                      f"say) and name it in orchestrator.tls.cacert, {_UPGRADE}.",
                      (values.shown_at("orchestrator.tls.enabled"), values.shown_at("orchestrator.tls.cacert")),
                      (backend.msp_id,))


def _url_example(backend: Backend) -> str:
    host = backend.values.get("server.ingress.hostname") if backend.values.get("server.ingress.enabled") else None
    return f"https://{shown(host)}" if isinstance(host, str) and host else "https://api.org1.example.com"


def _port(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value == int(value):
        return int(value)
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def _service_form(host: str, orchestrator: Orchestrator) -> bool:
    """`<release>-server.<namespace>` (the release is in no values file: any such name), `*.svc...`, or the
    `orchestrator.fullnameOverride` the orchestrator's values give the server."""
    override = orchestrator.values.get("orchestrator.fullnameOverride")
    host = host.lower()
    return bool(_SERVICE.match(host)) or ".svc." in f"{host}." or \
        bool(override and isinstance(override, str) and host.startswith(f"{override.lower()}."))


def _ingress_hosts(orchestrator: Orchestrator) -> list[str]:
    values = orchestrator.values
    if not values.get("ingress.enabled"):
        return []
    extra = [item.get("name") for item in values.get("ingress.extraHosts") or [] if isinstance(item, dict)]
    return [h.lower() for h in (values.get("ingress.hostname"), *extra) if isinstance(h, str) and h]


def _address(backend: Backend, orchestrator: Orchestrator) -> Iterator[Finding]:
    values = backend.values
    host = str(values.get("orchestrator.host") or "")
    same_cluster = bool(values.get("orchestrator.sameCluster"))
    service = _service_form(host, orchestrator)
    public = _ingress_hosts(orchestrator)
    host_at, same_at = values.shown_at("orchestrator.host"), values.shown_at("orchestrator.sameCluster")
    if same_cluster and not service:
        yield _host_mismatch(backend, orchestrator, "sameCluster is true, so the backend's egress policy lets it "
                             "reach only private addresses (10/8, 172.16/20, 192.168/16), but orchestrator.host is no "
                             "Service name of this cluster (assumed: <release>-server.<namespace>)",
                             "set orchestrator.host to the orchestrator's Service (e.g. orchestrator-server."
                             "orchestrator for release orchestrator in namespace orchestrator), or, if the "
                             "orchestrator is in another cluster, orchestrator.sameCluster false",
                             (host_at, same_at))
        return
    if same_cluster:
        expected = _port(orchestrator.values.get("service.port"))
        yield from _port_mismatch(backend, orchestrator, expected, "service.port", "the port of the orchestrator's "
                                  f"Service (assumed: {shown(host)} is that Service)")
        return
    if service:
        yield _host_mismatch(backend, orchestrator, "orchestrator.host names a Service of a cluster, but sameCluster "
                             "is false, so the backend's egress policy lets it reach only public addresses (private "
                             "ranges excluded)", "set orchestrator.sameCluster true if the orchestrator runs in this "
                             "cluster, else orchestrator.host to its public ingress host", (host_at, same_at))
        return
    if not public:
        yield from _not_exposed(backend, orchestrator)
        return
    if host.lower() not in public:
        yield _host_mismatch(backend, orchestrator, "orchestrator.host is not the orchestrator's ingress host (the "
                             "backend calls another address than the orchestrator's; with TLS, the orchestrator's "
                             "certificate must also name the host called)",
                             f"set orchestrator.host to {shown(public[0])}", (host_at,))
        return
    tls = bool(orchestrator.values.get("orchestrator.tls.enabled"))
    yield from _port_mismatch(backend, orchestrator, 443 if tls else 80, "orchestrator.tls.enabled",
                              f"the orchestrator's ingress port {'with' if tls else 'without'} TLS")


def _host_mismatch(backend: Backend, orchestrator: Orchestrator, what: str, fix: str,
                   places: tuple[Any, ...]) -> Finding:
    ingress = orchestrator.values.shown_at("ingress.hostname")
    return Finding("orchestrator-host-mismatch", "danger",
                   f"{backend.msp_id} cannot reach the orchestrator: {what}.", f"{fix}, {_UPGRADE}.",
                   (*places, ingress), (backend.msp_id,))


def _port_mismatch(backend: Backend, orchestrator: Orchestrator, expected: int | None, key: str,
                   what: str) -> Iterator[Finding]:
    port = _port(backend.values.get("orchestrator.port"))
    if expected is None or port == expected:
        return
    yield Finding("orchestrator-port-mismatch", "danger",
                  f"{backend.msp_id} calls the orchestrator on port {_port_text(backend)}, but {what} is "
                  f"{expected}: the connection fails (the backend's egress policy opens only the port it calls).",
                  f"set orchestrator.port to {expected}, {_UPGRADE}.",
                  (backend.values.shown_at("orchestrator.port"), orchestrator.values.shown_at(key)),
                  (backend.msp_id,))


def _port_text(backend: Backend) -> str:
    return shown(backend.values.get("orchestrator.port"))


def _not_exposed(backend: Backend, orchestrator: Orchestrator) -> Iterator[Finding]:
    kind = orchestrator.values.get("service.type")
    places = (backend.values.shown_at("orchestrator.host"), backend.values.shown_at("orchestrator.sameCluster"),
              orchestrator.values.shown_at("ingress.enabled"), orchestrator.values.shown_at("service.type"))
    if kind in ("LoadBalancer", "NodePort"):
        yield Finding("orchestrator-address-unchecked", "info",
                      f"{backend.msp_id} reaches the orchestrator from another cluster, and the orchestrator has no "
                      f"ingress but a {kind} Service, whose address no values file holds: host and port not checked.",
                      f"check that {shown(backend.values.get('orchestrator.host'))}:{_port_text(backend)} is that "
                      "Service's address.", places, (backend.msp_id,))
        return
    yield Finding("orchestrator-not-exposed", "warning",
                  f"{backend.msp_id} reaches the orchestrator from another cluster (sameCluster false), but the "
                  "orchestrator has no ingress and a ClusterIP Service: nothing outside its cluster reaches it, "
                  "unless something this set does not show (a VPN, a proxy) does.",
                  "enable the orchestrator's ingress (ingress.enabled, ingress.hostname) and point orchestrator.host "
                  "at it; or, on the orchestrator's cluster, use its Service with sameCluster true.",
                  places, (backend.msp_id,))


def _tls(backend: Backend, orchestrator: Orchestrator) -> Iterator[Finding]:
    b, o, msp = backend.values, orchestrator.values, backend.msp_id
    b_tls, o_tls = bool(b.get("orchestrator.tls.enabled")), bool(o.get("orchestrator.tls.enabled"))
    if b_tls != o_tls:
        yield Finding("tls-one-side", "danger",
                      f"TLS is on for {'the backend' if b_tls else 'the orchestrator'} only ({msp}): the backend "
                      f"speaks {'TLS to a server that does not' if b_tls else 'plain gRPC to a server expecting TLS'}, "
                      "so every call to the orchestrator fails.",
                      "set orchestrator.tls.enabled the same on both (true, with the orchestrator's CA as "
                      "orchestrator.tls.cacert on the backend), then helm upgrade the one changed.",
                      (b.shown_at("orchestrator.tls.enabled"), o.shown_at("orchestrator.tls.enabled")), (msp,))
        return
    if not b_tls:
        return
    b_mtls, o_mtls = bool(b.get("orchestrator.tls.mtls.enabled")), bool(o.get("orchestrator.tls.mtls.enabled"))
    places = (b.shown_at("orchestrator.tls.mtls.enabled"), o.shown_at("orchestrator.tls.mtls.enabled"))
    if o_mtls and not b_mtls:
        yield Finding("mtls-backend-missing", "danger",
                      f"the orchestrator requires a client certificate (mTLS) and {msp} presents none: the "
                      "orchestrator refuses every call.",
                      "on the backend, set orchestrator.tls.mtls.enabled true and clientCertificate to a tls Secret "
                      f"whose certificate (O={msp}) the orchestrator's CA signed, {_UPGRADE}.", places, (msp,))
    elif b_mtls and not o_mtls:
        yield Finding("mtls-orchestrator-off", "warning",
                      f"{msp} has a client certificate (mTLS) but the orchestrator asks for none: the certificate "
                      "is never checked, and mTLS is not in force.",
                      "turn mTLS on at the orchestrator too (orchestrator.tls.mtls.enabled and clientCACerts), or "
                      "off at the backend.", places, (msp,))
    elif b_mtls and o.get("orchestrator.verifyClientMSPID"):
        keys = o.get("orchestrator.tls.mtls.clientCACerts") or {}
        if isinstance(keys, dict) and msp not in keys:
            yield Finding("mtls-msp-not-trusted", "danger",
                          f"the orchestrator checks client MSP ids (verifyClientMSPID), and {msp} is no key of its "
                          "clientCACerts: a certificate is accepted only when a CA listed under the key equal to the "
                          "caller's MSP id signed it, so every call from it is refused.",
                          f"add `{shown(msp)}: [<the Secret with the CA that signed its certificate>]` to the "
                          "orchestrator's orchestrator.tls.mtls.clientCACerts, then helm upgrade the orchestrator.",
                          (b.shown_at("orchestrator.mspID"), o.place("orchestrator.tls.mtls.clientCACerts",
                                                                      "keys: " + (", ".join(map(shown, keys))
                                                                                  or "none"))), (msp,))


def _volume_suffix(key: str) -> str:
    """Sprig's kebabcase of a clientCACerts key. It keeps a dot (FACTS_ACCOUNTS_NETWORK_IMAGES.md §5.2, a probe render:
    `Org_1.MSP` -> `org-1.msp`), where the embedded model's kebabcase, which only ever sees valid names, makes it a
    dash: each part between dots is cased on its own."""
    return ".".join(kebabcase(part) for part in key.split("."))


def _client_ca_keys(orchestrator: Orchestrator) -> Iterator[Finding]:
    """Each key of clientCACerts becomes a volume `orchestrator-tls-client-cacert-<kebabcase(key)>` (§5.2)."""
    values = orchestrator.values
    keys = values.get("orchestrator.tls.mtls.clientCACerts")
    if not (values.get("orchestrator.tls.enabled") and values.get("orchestrator.tls.mtls.enabled")) or \
            not isinstance(keys, dict):
        return
    at = values.place("orchestrator.tls.mtls.clientCACerts")
    by_volume: dict[str, list[str]] = {}
    for key in keys:
        by_volume.setdefault(_volume_suffix(str(key)), []).append(str(key))
    for volume, names in by_volume.items():
        if len(names) > 1:
            yield Finding("client-ca-key-collision", "danger",
                          f"the orchestrator's clientCACerts keys {', '.join(map(shown, names))} all become the "
                          f"volume {CLIENT_CA_VOLUME}{shown(volume)}: the pod has a duplicate volume name and is "
                          "rejected.", "merge them under one key (the MSP id, when verifyClientMSPID is on).",
                          (at,), tuple(names))
        problem = label_problem(CLIENT_CA_VOLUME + volume)
        if problem:
            yield Finding("client-ca-key-invalid", "danger",
                          f"the orchestrator's clientCACerts key {shown(names[0])} makes the volume name "
                          f"{shown(CLIENT_CA_VOLUME + volume)}, which is no DNS label ({problem}): the pod is "
                          "rejected.", "use keys of letters, digits, - and _ (no dot), short enough for a 63-"
                          "character volume name.", (at,), (names[0],))
