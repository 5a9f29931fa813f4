"""Checks across Plan fields: `problems()` block writing, `notes()` inform (settings with no effect, chart quirks, where
the charts and the reference page disagree). Each message names the field and says what to do."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wizard.charts.claims import CLAIMS, Claim
from wizard.core.errors import Problem
from wizard.planning import release_checks
from wizard.planning.derive import claim_in_use, orchestrator_address
from wizard.planning.plan import Plan, Volume

_WHY_UNUSED = {
    "orchestrator": "the orchestrator does not run here",
    "backend": "the backend does not run here",
    "builder": "the image builder is off (features.builder)",
    "minio": "the object storage is not MinIO (features.object_store)",
    "localstack": "the object storage is not LocalStack (features.object_store)",
    "bundled_registry": "the registry is not the bundled one (features.registry)",
}


@dataclass(frozen=True)
class Note:
    """Something the operator should know that does not stop writing: `warning` (likely not what you want) or
    `info` (a chart behaviour, or the reference page disagreeing with the chart)."""

    severity: Literal["warning", "info"]
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def problems(plan: Plan) -> list[Problem]:
    """Everything that stops the Plan from being written, in field order."""
    found: list[Problem] = []
    for check in (_targets, _channels, _orchestrator, _private_ca, _registry, _ingress, _volumes, _replicas,
                  _accounts):
        found.extend(check(plan))
    return found


def _targets(plan: Plan) -> list[Problem]:
    target = plan.target
    if not (target.orchestrator.enabled or target.backend.enabled or target.frontend.enabled):
        return [Problem("target", "no chart is enabled: turn on at least one of target.orchestrator.enabled, "
                                  "target.backend.enabled and target.frontend.enabled")]
    return release_checks.problems(plan)


def _channels(plan: Plan) -> list[Problem]:
    if not (plan.target.orchestrator.enabled or plan.target.backend.enabled):
        return []
    if not plan.channels:
        return [Problem("channels", "at least one channel is needed: the orchestrator serves channels and the "
                                    "backend joins them (e.g. name: mychannel)")]
    found, seen = [], set()
    for index, channel in enumerate(plan.channels):
        if channel.name in seen:
            found.append(Problem(f"channels[{index}].name", f'channel "{channel.name}" is listed twice; '
                                                            "give each channel a different name"))
        seen.add(channel.name)
        if plan.target.orchestrator.enabled and not plan.target.backend.enabled and not channel.organizations:
            found.append(Problem(f"channels[{index}].organizations", "the channel has no members: list the MSP "
                                 "ids of the organisations in it"))
    return found


def _accounts(plan: Plan) -> list[Problem]:
    """A backend nobody can log into is useless, and a user on an unknown channel is created but sees nothing."""
    if not plan.target.backend.enabled:
        return []
    users = plan.accounts.users
    if not users:
        return [Problem("accounts.users", "at least one admin user is needed, or nobody can log in to the backend "
                                          "(e.g. name: admin)")]
    found, seen, channels = [], set(), [c.name for c in plan.channels]
    for index, user in enumerate(users):
        if user.name in seen:
            found.append(Problem(f"accounts.users[{index}].name", f'user "{user.name}" is listed twice; give each '
                                                                  "user a different name"))
        seen.add(user.name)
        if user.channel is not None and user.channel not in channels:
            found.append(Problem(f"accounts.users[{index}].channel", f'"{user.channel}" is not one of the plan\'s '
                                 f"channels ({', '.join(channels) or 'none'}): pick one of them, or leave it empty "
                                 "for the first"))
    return found


def _orchestrator(plan: Plan) -> list[Problem]:
    if plan.target.backend.enabled and orchestrator_address(plan).host is None:
        return [Problem("orchestrator.host", "required when the orchestrator runs elsewhere "
                        "(target.orchestrator.enabled is off): give its host name, e.g. orchestrator.example.com")]
    link, ingress = plan.orchestrator, plan.ingress
    if plan.target.orchestrator.enabled and link.tls and ingress.cluster_issuer and not ingress.orchestrator_host:
        return [Problem("ingress.orchestrator_host", "required for cert-manager to issue the orchestrator's "
                        "certificate (orchestrator.tls is on and ingress.cluster_issuer is set): give its public "
                        "host name, or empty ingress.cluster_issuer and create the TLS secrets yourself")]
    return []


def _private_ca(plan: Plan) -> list[Problem]:
    features = plan.features
    if not (plan.target.backend.enabled and features.private_ca):
        return []
    found = []
    if not features.add_cert_image_tag:
        found.append(Problem("features.add_cert_image_tag", "required with a private CA: the chart does not fall "
                             "back to its app version and renders the invalid image "
                             "ghcr.io/substra/substra-backend-ca-cert-injector:%!s(<nil>) without it; give the "
                             "tag of that image, e.g. 1.0.1"))
    if features.private_ca_file:
        problem = ca_file_problem(features.private_ca_file)
        if problem:
            found.append(Problem("features.private_ca_file", problem))
    return found


MAX_CA_BYTES = 1 << 20
"""A CA bundle of a few hundred certificates is ~500 KB; a bigger file is not a CA certificate."""


def read_ca_file(path: str) -> str:
    """The CA certificate text, for privateCa.secret.data (the chart creates the secret from it)."""
    from wizard.core import files

    return files.read_text(Path(path).expanduser(), limit=MAX_CA_BYTES, what="a CA certificate (PEM)")


def ca_file_problem(path: str) -> str | None:
    """Why the private CA file cannot be used, or None."""
    from wizard.core.errors import OutputError
    from wizard.core.paths import problem
    from wizard.core.shown import shown

    reason = problem(path)
    if reason:
        return f"{reason}: give the path of the CA certificate (PEM)"
    if not os.path.lexists(Path(path).expanduser()):
        return (f"{shown(path)} does not exist: give the path of the CA certificate (PEM), relative to the current "
                "folder")
    try:
        text = read_ca_file(path)
    except OutputError as error:
        return error.msg
    if "PRIVATE KEY" in text:
        return (f"{path} holds a private key: give the CA certificate only (-----BEGIN CERTIFICATE-----); "
                "the key must never go into a values file")
    if "-----BEGIN CERTIFICATE-----" not in text:
        return f"{path} is not a PEM certificate: it should contain -----BEGIN CERTIFICATE-----"
    return None


def _registry(plan: Plan) -> list[Problem]:
    features = plan.features
    if not plan.target.backend.enabled:
        return []
    found = []
    if features.registry == "remote" and not features.registry_host:
        found.append(Problem("features.registry_host", "required with a remote registry (features.registry: "
                                                       "remote): give its host name, e.g. registry.example.com"))
    if features.registry == "remote" and features.prepopulate:
        found.append(Problem("features.prepopulate", "the chart copies images only into the bundled registry "
                             "(containerRegistry.local); with a remote registry push them there yourself and empty "
                             "this list"))
    return found


def _ingress(plan: Plan) -> list[Problem]:
    ingress, found = plan.ingress, []
    if plan.target.frontend.enabled and not ingress.backend_host:
        found.append(Problem("ingress.backend_host", "required when the frontend runs here: the browser calls the "
                                                     "backend at this address (api.url)"))
    if ingress.frontend_host and ingress.frontend_host == ingress.backend_host:
        found.append(Problem("ingress.frontend_host", "is the same as ingress.backend_host: the frontend and the "
                                                      "backend need different host names"))
    return found


def _volumes(plan: Plan) -> list[Problem]:
    found = []
    for claim in CLAIMS:
        volume: Volume = getattr(plan.storage, claim.id)
        found.extend(_volume_problems(claim, volume, f"storage.{claim.id}"))
    return found


def _volume_problems(claim: Claim, volume: Volume, path: str) -> list[Problem]:
    found = []
    if volume.existing_claim and not claim.reusable:
        found.append(Problem(f"{path}.existing_claim", "the chart always creates this volume itself (one claim "
                                                       "per replica) and cannot reuse one; remove existing_claim"))
    elif volume.existing_claim:
        for field, what in (("size", "size"), ("storage_class", "storage class")):
            if getattr(volume, field) is not None:
                found.append(Problem(f"{path}.{field}", f"an existing claim keeps its own {what}, so the chart would "
                                                        f"ignore this one; remove {field} or existing_claim"))
    mode = volume.access_mode
    if mode and mode != "ReadWriteOnce" and claim.access == "fixed" and not volume.existing_claim:
        reuse = "; to share it, create a claim yourself and set existing_claim" if claim.reusable else ""
        found.append(Problem(f"{path}.access_mode", f"the chart always creates this claim ReadWriteOnce; remove "
                                                    f"access_mode{reuse}"))
    elif mode == "ReadOnlyMany":
        found.append(Problem(f"{path}.access_mode", f"{', '.join(claim.writers)} write to this volume, which "
                                                    "ReadOnlyMany cannot serve: use ReadWriteOnce or ReadWriteMany"))
    elif mode == "ReadWriteOncePod" and len(claim.writers) > 1:
        found.append(Problem(f"{path}.access_mode", f"{' and '.join(claim.writers)} pods mount this volume at the "
                             "same time, and ReadWriteOncePod allows a single pod: use ReadWriteOnce or ReadWriteMany"))
    return found


def _replicas(plan: Plan) -> list[Problem]:
    replicas, media = plan.scale.server_replicas, plan.storage.servermedias
    mode = (media.access_mode if media.existing_claim else None) or "ReadWriteOnce"
    if plan.target.backend.enabled and replicas > 1 and mode != "ReadWriteMany":
        outcome = "only one could start" if mode == "ReadWriteOncePod" else "they would all have to run on one node"
        return [Problem("scale.server_replicas", f"{replicas} server replicas share the server media volume, which "
                        f"is {mode}: {outcome}. Keep 1 replica, or reuse a ReadWriteMany claim "
                        "(storage.servermedias.existing_claim with storage.servermedias.access_mode: ReadWriteMany)")]
    return []


def notes(plan: Plan) -> list[Note]:
    """What the operator should know before installing: settings without effect, chart quirks, doc mismatches."""
    found: list[Note] = []
    for check in (_volume_notes, _feature_notes, _wiring_notes):
        found.extend(check(plan))
    found += [Note("warning", path, message) for path, message in release_checks.cut_warnings(plan)]
    return found


def _volume_notes(plan: Plan) -> list[Note]:
    found = []
    for claim in CLAIMS:
        volume: Volume = getattr(plan.storage, claim.id)
        path = f"storage.{claim.id}"
        if volume != Volume() and not claim_in_use(plan, claim):
            found.append(Note("warning", path, f"has no effect: {_WHY_UNUSED[claim.needs]}"))
        elif volume.storage_class and claim.class_ignored:
            found.append(Note("warning", f"{path}.storage_class", f"not written, it would have no effect: "
                                                                 f"{claim.class_ignored}"))
    if plan.target.backend.enabled:
        found.append(Note("info", "storage.servermedias", "the reference page's volume table leaves out this claim "
                          "(<release>-substra-backend-servermedias); the chart creates it, ReadWriteOnce"))
    return found


def _feature_notes(plan: Plan) -> list[Note]:
    features, found = plan.features, []
    if not plan.target.backend.enabled:
        return found
    if features.kaniko_cached_images and not features.builder:
        found.append(Note("warning", "features.kaniko_cached_images", "not written: the cache warmer runs in the "
                                                                      "builder, which is off (features.builder)"))
    if plan.scale.builder_replicas > 1 and not features.builder:
        found.append(Note("warning", "scale.builder_replicas", "has no effect: the builder is off"))
    if not features.private_ca and (features.private_ca_file or features.add_cert_image_tag):
        found.append(Note("warning", "features.private_ca", "is off, so the private CA file and add-cert tag are "
                                                            "not written"))
    if features.registry == "remote":
        found.append(Note("warning", "features.registry", "the chart's NetworkPolicies let the worker and builder "
                          "reach only public addresses (their internet egress excludes 10.0.0.0/8, 172.16.0.0/20 and "
                          "192.168.0.0/16), and the scheduler pods no outside address at all: a registry on a private "
                          "address is blocked until you adapt the networkpolicy templates"))
    if features.private_ca and not features.private_ca_file:
        found.append(Note("info", "features.private_ca_secret", f'the Secret "{features.private_ca_secret}" must '
                          f"exist in namespace {plan.target.backend.namespace} before installing"))
    return found


def _wiring_notes(plan: Plan) -> list[Note]:
    target, link, found = plan.target, plan.orchestrator, []
    if target.backend.enabled and target.orchestrator.enabled and link.same_cluster is False:
        found.append(Note("warning", "orchestrator.same_cluster", "is false although the orchestrator runs here: "
                          "the backend's NetworkPolicy then only lets it reach public addresses on the orchestrator "
                          "port, so it cannot reach the in-cluster service"))
    if (target.backend.enabled and target.orchestrator.enabled
            and target.backend.namespace == target.orchestrator.namespace):
        found.append(Note("warning", "target.backend.namespace", "is also the orchestrator's namespace: the two "
                          "charts' database NetworkPolicies select every PostgreSQL pod of the namespace, so each "
                          "applies to the other's database"))
    if target.backend.enabled and not plan.ingress.backend_host:
        found.append(Note("warning", "ingress.backend_host", "is empty, so server.defaultDomain stays the chart's "
                          "`localhost`, an address without a scheme: the orchestrator refuses it as the "
                          "organisation's address, and the backend's registration then retries for ever (read from "
                          "its code, partly inferred). Give the backend's public host; other organisations download "
                          "assets from it"))
    if link.ca_secret and not link.tls:
        found.append(Note("warning", "orchestrator.ca_secret", "has no effect without orchestrator.tls"))
    if link.ca_secret and link.tls:
        found.append(Note("info", "orchestrator.ca_secret", f'create "{link.ca_secret}" as a Secret with key ca.crt: '
                          "the chart mounts a Secret, although the docs create a ConfigMap"))
    if plan.ingress.cluster_issuer and not (plan.ingress.tls or link.tls):
        found.append(Note("warning", "ingress.cluster_issuer", "has no effect: neither ingress.tls nor "
                                                               "orchestrator.tls is on"))
    if target.frontend.enabled and plan.ingress.frontend_host:
        found.append(Note("info", "ingress.frontend_host", "the deployment guide never sets the frontend's "
                          "ingress.enabled (default false), so following it creates no Ingress; the wizard sets it"))
    return found
