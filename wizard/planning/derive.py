"""What the Plan leaves empty on purpose, worked out from the rest: the orchestrator's address, public URLs, the
common cookie domain, and which volumes the charts will create. One place, so the values writer, the rules and the
front ends agree on what "empty" means."""

from __future__ import annotations

import json
from dataclasses import dataclass

from wizard.charts.claims import Claim
from wizard.charts.helm_names import fullname
from wizard.planning.plan import Plan


@dataclass(frozen=True)
class OrchestratorAddress:
    host: str | None
    port: int
    same_cluster: bool


def orchestrator_address(plan: Plan) -> OrchestratorAddress:
    """Where the backend reaches the orchestrator; an explicit Plan value always wins."""
    link, here = plan.orchestrator, plan.target.orchestrator
    if here.enabled:
        host = link.host or f"{fullname(here.release, 'orchestrator')}-server.{here.namespace}"
        default_port = 9000 if link.host is None else (443 if link.tls else 80)
    else:
        host, default_port = link.host, (443 if link.tls else 80)
    same = link.same_cluster if link.same_cluster is not None else here.enabled
    return OrchestratorAddress(host, link.port or default_port, same)


def scheme(plan: Plan) -> str:
    return "https" if plan.ingress.tls else "http"


def backend_url(plan: Plan) -> str | None:
    host = plan.ingress.backend_host
    return f"{scheme(plan)}://{host}" if host else None


def frontend_origin(plan: Plan) -> str | None:
    host = plan.ingress.frontend_host
    return f"{scheme(plan)}://{host}" if host else None


def common_domain(plan: Plan) -> str | None:
    """The parent domain the backend and frontend hosts share (for cookies), if it has at least two labels."""
    backend, frontend = plan.ingress.backend_host, plan.ingress.frontend_host
    if not backend or not frontend:
        return None
    shared: list[str] = []
    for left, right in zip(reversed(backend.split(".")), reversed(frontend.split(".")), strict=False):
        if left != right:
            break
        shared.insert(0, left)
    if shared == backend.split(".") or shared == frontend.split("."):
        shared = shared[1:]  # one host is the parent of the other: share the parent's parent at most
    return ".".join(shared) if len(shared) >= 2 else None


def allowed_hosts(plan: Plan) -> list[str]:
    if plan.ingress.allowed_hosts is not None:
        return list(plan.ingress.allowed_hosts)
    return [plan.ingress.backend_host] if plan.ingress.backend_host else []


def json_list(items: list[str]) -> str:
    """The backend reads ALLOWED_HOSTS and the CORS lists as JSON text in an environment variable."""
    return json.dumps(items)


def channel_members(plan: Plan, index: int) -> list[str]:
    """Who the orchestrator lists in a channel: this organisation (when its backend runs here) and the others."""
    channel = plan.channels[index]
    members = [plan.organisation.msp_id] if plan.target.backend.enabled else []
    return members + [org for org in channel.organizations if org not in members]


def claim_in_use(plan: Plan, claim: Claim) -> bool:
    """Whether the chart creates (or mounts) this volume with this Plan."""
    backend = plan.target.backend.enabled
    return {
        "orchestrator": plan.target.orchestrator.enabled,
        "backend": backend,
        "builder": backend and plan.features.builder,
        "minio": backend and plan.features.object_store == "minio",
        "localstack": backend and plan.features.object_store == "localstack",
        "bundled_registry": backend and plan.features.registry == "bundled",
    }[claim.needs]
