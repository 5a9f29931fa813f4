"""install.sh: the exact helm commands that install what the Plan describes, in order, with what must exist first."""

from __future__ import annotations

import shlex

from wizard.charts.claims import CLAIMS
from wizard.helm.sources import SUBSTRA_REPO, Origin, locate, origin
from wizard.planning.derive import claim_in_use
from wizard.planning.plan import Plan, Volume
from wizard.writing.values import BACKEND, ORCHESTRATOR, ChartValues

REPO_NAME, REPO_URL = "substra", SUBSTRA_REPO
FILE_NAME = "install.sh"
SECRETS = "secrets"


def prerequisites(plan: Plan) -> list[str]:
    """What the charts expect to find in the cluster, and the Plan does not create."""
    needs: list[str] = []
    backend_ns = plan.target.backend.namespace
    if plan.target.backend.enabled:
        features, link = plan.features, plan.orchestrator
        if features.private_ca and not features.private_ca_file:
            needs.append(f"Secret {features.private_ca_secret} (key private-ca.crt: the CA certificate) in "
                         f"namespace {backend_ns}")
        if link.tls and link.ca_secret:
            needs.append(f"Secret {link.ca_secret} (key ca.crt: the orchestrator's CA) in namespace {backend_ns}; "
                         "a Secret, not the ConfigMap the docs create")
    if plan.target.orchestrator.enabled and plan.orchestrator.tls:
        ns = plan.target.orchestrator.namespace
        needs.append(f"Secret orchestrator-tls-cacert (key ca.crt) in namespace {ns}")
        if not (plan.ingress.cluster_issuer and plan.ingress.orchestrator_host):
            needs.append(f"Secret orchestrator-tls-server-pair (type kubernetes.io/tls) in namespace {ns}")
    needs += _tls_secrets(plan)
    if plan.ingress.cluster_issuer:
        needs.append(f"cert-manager with the ClusterIssuer {plan.ingress.cluster_issuer}")
    for claim in CLAIMS:
        volume: Volume = getattr(plan.storage, claim.id)
        if volume.existing_claim and claim_in_use(plan, claim):
            ns = plan.target.orchestrator.namespace if claim.chart == ORCHESTRATOR else backend_ns
            needs.append(f"PersistentVolumeClaim {volume.existing_claim}, Bound, in namespace {ns} ({claim.label})")
    return needs


def _tls_secrets(plan: Plan) -> list[str]:
    if not plan.ingress.tls or plan.ingress.cluster_issuer:
        return []
    found = []
    for target, host in ((plan.target.backend, plan.ingress.backend_host),
                         (plan.target.frontend, plan.ingress.frontend_host)):
        if target.enabled and host:
            found.append(f"Secret {target.release}-tls (type kubernetes.io/tls, for {host}) in namespace "
                         f"{target.namespace}")
    return found


def script(plan: Plan, charts: list[ChartValues], kube_context: str | None = None) -> str:
    """The body of install.sh (the caller adds the header and fingerprint). With `kube_context` every kubectl and helm
    command names that context (a network's organisations each install into their own cluster); without, they use
    the current one."""
    lines = ["#!/bin/sh", "# Installs the charts in order; safe to run again (helm upgrade --install).",
             "set -eu", 'cd "$(dirname "$0")"', ""]
    needs = prerequisites(plan)
    if needs:
        lines.append("# Before running, make sure these exist (the charts do not create them):")
        lines += [f"#   - {need}" for need in needs]
        lines.append("")
    lines += image_comment(plan)
    where = origin(plan.target.charts)
    lines += _source_lines(where, charts)
    lines += _secret_lines(plan, charts, kube_context)
    for values in charts:
        args = [*_helm(kube_context), "upgrade", "--install", values.release,
                *_chart_args(where, values.chart, values.version), "--namespace", values.namespace,
                "--create-namespace", "-f", values.file_name]
        if values.private:
            args += ["-f", f"{SECRETS}/{values.chart}-credentials.values"]
        if values.chart == ORCHESTRATOR:
            lines.append("# The backend fails to start while the orchestrator is unreachable: wait for it.")
            args += ["--wait", "--timeout", "10m"]
        lines += [_command(*args), ""]
    return "\n".join(lines)


def apply_secrets_command(folder: str, kube_context: str | None = None) -> str:
    """How the Secrets of secrets/ are applied, everywhere the wizard says it: server-side (no last-applied copy of a
    credential) under the wizard's own field manager, so a re-apply over what --install made does not conflict."""
    return _command(*_kubectl(kube_context), "apply", "--server-side", "--force-conflicts",
                    "--field-manager=substra-wizard", "-f", folder)


def _kubectl(kube_context: str | None) -> list[str]:
    return ["kubectl", "--context", kube_context] if kube_context else ["kubectl"]


def _helm(kube_context: str | None) -> list[str]:
    return ["helm", "--kube-context", kube_context] if kube_context else ["helm"]


def _secret_lines(plan: Plan, charts: list[ChartValues], kube_context: str | None = None) -> list[str]:
    """The Secrets before any chart: its pods (and the backend's migrations Job) read them at start. Server-side
    apply, so that no copy of a credential lands in a last-applied annotation."""
    if not any(values.chart in (ORCHESTRATOR, BACKEND) for values in charts):
        return []
    lines = ["# The credentials, from secrets/ (never in the values files): the namespaces first, then the Secrets."]
    kubectl = _command(*_kubectl(kube_context))
    for namespace in dict.fromkeys(v.namespace for v in charts if v.chart in (ORCHESTRATOR, BACKEND)):
        lines.append(f"{kubectl} get namespace {shlex.quote(namespace)} >/dev/null 2>&1 || "
                     f"{kubectl} create namespace {shlex.quote(namespace)}")
    lines += _foreign_guard(plan, kubectl)
    lines.append(apply_secrets_command(f"{SECRETS}/", kube_context))
    if plan.target.backend.enabled:
        lines.append("# Every upgrade syncs the admin users and organisations of secrets/ into the backend: those not "
                     "listed there are deleted (users made in the web interface included, unless OIDC is on).")
    return [*lines, ""]


def _foreign_guard(plan: Plan, kubectl: str = "kubectl") -> list[str]:
    """Stop before a Secret of the same name that the wizard did not make: --force-conflicts would take it over and
    replace its values without a word (--install refuses it the same way)."""
    from wizard.writing.credentials import needed, secret_objects

    objects = secret_objects(plan, {credential.id: "" for credential in needed(plan)})
    if not objects:
        return []
    label = "app.kubernetes.io/managed-by"
    return [
        "# Secrets of these names that the wizard did not make are refused: the apply below would replace them.",
        "for secret in " + " ".join(shlex.quote(f"{o.namespace}/{o.name}") for o in objects) + "; do",
        f'  found=$({kubectl} -n "${{secret%%/*}}" get secret "${{secret#*/}}" --ignore-not-found -o '
        f"'jsonpath={{.metadata.name}}={{.metadata.labels.{label.replace('.', chr(92) + '.')}}}')",
        '  case "$found" in',
        "    ''|*=substra-wizard) ;;",
        f'    *) echo "Secret ${{secret#*/}} in namespace ${{secret%%/*}} exists and was not made by the wizard (no '
        f'label {label}=substra-wizard): no Secret was applied and no chart installed. Delete it if it is a '
        'leftover, or label it to let the wizard replace it." >&2; exit 1 ;;',
        "  esac",
        "done",
    ]


def _source_lines(where: Origin, charts: list[ChartValues]) -> list[str]:
    """How the script reaches the charts: the Substra repository is added under its usual name; a mirror, a
    registry or a folder is named on each command (no repository to add, nothing fetched from the internet)."""
    if where.is_default:
        return [_command("helm", "repo", "add", REPO_NAME, REPO_URL, "--force-update"),
                _command("helm", "repo", "update", REPO_NAME), ""]
    lines = [f"# Charts from {where.describe()}; nothing is fetched from the Substra repository."]
    if where.kind == "folder":
        lines.append("# Fill it where there is internet: " + "; ".join(
            _command("helm", "pull", c.chart, "--repo", REPO_URL, "--version", c.version, "-d", where.location)
            for c in charts))
    return [*lines, ""]


def _chart_args(where: Origin, chart: str, version: str) -> list[str]:
    if where.is_default:
        return [f"{REPO_NAME}/{chart}", "--version", version]
    source = locate(where, chart, version)
    if where.kind == "folder":
        return [source.name]  # the archive or folder holds one version: no --version
    return [source.name, "--version", version, *(["--repo", source.repo_url] if source.repo_url else [])]


def image_comment(plan: Plan) -> list[str]:
    """A comment listing every image the plan pulls (wizard images), one per line, so an operator knows what to
    mirror; the cluster's own built images are left out."""
    from wizard.writing.images import plan_images, references

    lines = ["# Images this plan pulls (wizard images lists them; --format json says where each runs):"]
    if plan.features.image_mirror:
        lines.append(f"# copy them into {plan.features.image_mirror} first (wizard images --format copy gives "
                     "their sources).")
    return [*lines, *(f"#   {reference}" for reference in references(plan_images(plan))), ""]


def _command(*args: str) -> str:
    return " ".join(shlex.quote(arg) for arg in args)
