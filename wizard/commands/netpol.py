"""`wizard netpol FILE...`: who may connect to whom once the NetworkPolicies of rendered manifests are applied.

Exit codes: 0 done (findings are information, not failure), 2 unreadable input or a policy the API server would
reject (raised as WizardError and reported by `cli.main`). Results go to stdout; argparse's usage errors to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from wizard.analysis.manifests import Manifest, read_manifests
from wizard.analysis.netpol import (
    EGRESS,
    INGRESS,
    KUBE_DNS,
    OTHER_NAMESPACES,
    Connection,
    Connectivity,
    Finding,
    Peer,
    Pod,
    analyze,
    from_manifests,
)
from wizard.analysis.ports import Ports
from wizard.commands.arguments import add_manifest_files
from wizard.core.errors import WizardError

_EXTERNAL_WORDS = {
    "internet": "internet",
    "cluster-private": "cluster-private addresses",
    OTHER_NAMESPACES: "pods in namespaces not in these files",
}
_LEGEND = ("internet = public addresses; cluster-private addresses = 10/8, 172.16/12, 192.168/16 (the Kubernetes "
           "API, nodes, other private hosts); kube-dns = the cluster DNS in kube-system.")


def _namespace_label(text: str) -> tuple[str, str, str]:
    namespace, _, pair = text.partition(":")
    key, sep, value = pair.partition("=")
    if not namespace or not key or not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: write NAMESPACE:KEY=VALUE, e.g. kube-system:team=platform")
    return namespace, key, value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard netpol",
        description="Read rendered Kubernetes manifests (e.g. the output of helm template) and say, for each pod, "
                    "who may connect to it and whom it may connect to, on which ports, once their "
                    "NetworkPolicies apply (on a CNI that enforces them).",
        epilog="Exit codes: 0 done, 2 unreadable input, a policy the API server would reject, or bad arguments.",
    )
    add_manifest_files(parser)
    parser.add_argument("--namespace", default="default", metavar="NS",
                        help="namespace of objects that name none (helm template --namespace; default: default)")
    parser.add_argument("--namespace-label", action="append", default=[], type=_namespace_label,
                        metavar="NS:KEY=VALUE", help="a label the cluster gives a namespace, for namespaceSelectors "
                                                     "(repeatable; kubernetes.io/metadata.name is always set)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard netpol`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    labels: dict[str, dict[str, str]] = {}
    for namespace, key, value in args.namespace_label:
        labels.setdefault(namespace, {})[key] = value
    manifests = read_manifests(args.files)
    _warn_mixed_namespaces(manifests, args.namespace)
    pods, policies, namespaces = from_manifests(manifests, args.namespace, labels)
    for note in dict.fromkeys(note for policy in policies for note in policy.notes):
        sys.stderr.write(f"wizard netpol: note: {note}\n")
    if not pods:
        raise WizardError(f"no pods or workloads in {', '.join(args.files)}: give rendered manifests, e.g. the "
                          "output of helm template")
    result = analyze(pods, policies, namespaces)
    if args.format == "json":
        json.dump(_json(result, len(policies)), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(sys.stdout, result, len(policies))
    return 0


def _warn_mixed_namespaces(manifests: Sequence[Manifest], default: str) -> None:
    """Some charts hard-code a namespace in part of their objects: if the rest fall in another namespace (the default
    one), policies stop selecting pods they would select in the cluster, silently. Say so. Cluster-scoped objects
    (a Namespace, a ClusterRole ...) live in no namespace, so they count on neither side."""
    scoped = [m for m in manifests if not m.cluster_scoped]
    named = {m.namespace for m in scoped if m.namespace}
    unnamed = sum(1 for m in scoped if not m.namespace)
    if unnamed and named and default not in named:
        objects = "1 object names no namespace and is" if unnamed == 1 else \
            f"{unnamed} objects name no namespace and are"
        sys.stderr.write(f"wizard netpol: {objects} taken to be in {default}, while "
                         f"others name {', '.join(sorted(named))}; if you rendered with helm template --namespace NS, "
                         "pass the same --namespace NS\n")


# --- text -------------------------------------------------------------------------------------------------------


def _print_text(out: TextIO, result: Connectivity, policy_count: int) -> None:
    out.write(f"{len(result.pods)} pods, {policy_count} NetworkPolicies. {_LEGEND}\n"
              "Connections need both ends to allow them; replies are always allowed.\n")
    notes: dict[str, int] = {}
    for pod in result.pods:
        out.write(f"\n{pod.name} ({pod.kind}, namespace {pod.namespace})\n")
        _print_side(out, result, pod, INGRESS, notes)
        _print_side(out, result, pod, EGRESS, notes)
    if notes:
        out.write("\nNotes:\n")
        out.writelines(f"  [{number}] {text}\n" for text, number in notes.items())
    findings = result.findings
    if findings:
        out.write("\nFindings:\n")
        out.writelines(f"  ! {_pod_name(f.pod, None)}: {f.message}\n" for f in findings)


def _print_side(out: TextIO, result: Connectivity, pod: Pod, direction: str, notes: dict[str, int]) -> None:
    word = "incoming" if direction == INGRESS else "outgoing"
    if not result.isolated(pod, direction):
        what = "accepts connections from any pod or address" if direction == INGRESS else \
            "may connect to any pod or address"
        out.write(f"  {word}: not isolated (no policy selects it for {direction}): {what}, on any port\n")
        return
    conns = result.incoming(pod) if direction == INGRESS else result.outgoing(pod)
    policies = ", ".join(result.policies(pod, direction))
    if not conns:
        out.write(f"  {word}: none (blocked by {policies})\n")
        return
    out.write(f"  {word} (allowed by {policies}):\n")
    lines = _lines(result, pod, conns, direction, notes)
    out.writelines(f"    {line}\n" for line in lines)


def _lines(result: Connectivity, pod: Pod, conns: list[Connection], direction: str,
           notes: dict[str, int]) -> list[str]:
    """Pods with the same ports share a line; everything-on-the-same-ports becomes "anyone"."""
    by_ports: dict[Ports, list[Connection]] = {}
    for conn in conns:
        by_ports.setdefault(conn.ports, []).append(conn)
    lines = []
    for ports, group in by_ports.items():
        peers = [c.source if direction == INGRESS else c.destination for c in group]
        if _is_anyone(result, pod, peers):
            lines.append(f"{'! ' if direction == INGRESS else ''}anyone (every pod, any address): {ports.describe()}")
            continue
        names = [_pod_name(p.name, pod.namespace) for p in peers if p.kind == "pod"]
        if names:
            lines.append(f"{', '.join(names)}: {ports.describe()}")
        lines += [_external_line(c, p, direction, notes) for c, p in zip(group, peers, strict=True)
                  if p.kind != "pod"]
    return lines


def _is_anyone(result: Connectivity, pod: Pod, peers: list[Peer]) -> bool:
    pods = {p.name for p in peers if p.kind == "pod"}
    if len(pods) < len(result.everyone) - 1:  # quick no: listing every pod for every line is quadratic
        return False
    externals = {p.name for p in peers if p.kind != "pod" and p.detail in ("", "any pod")}
    everyone = {p.key for p in result.everyone if p.key != pod.key}
    return pods >= everyone and externals >= set(_EXTERNAL_WORDS)


def _external_line(conn: Connection, peer: Peer, direction: str, notes: dict[str, int]) -> str:
    """One external peer; caveats become numbered notes printed once at the end."""
    name = _EXTERNAL_WORDS.get(peer.name, peer.name)
    text = f"{name} ({peer.detail})" if peer.detail else name
    alert = "! " if direction == INGRESS and peer.name == "internet" else ""
    marks = "".join(f" [{notes.setdefault(c, len(notes) + 1)}]" for c in conn.caveats)
    return f"{alert}{text}: {conn.ports.describe()}{marks}"


def _pod_name(key: str, namespace: str | None) -> str:
    pod_namespace, _, name = key.partition("/")
    if key == KUBE_DNS.key:
        return "kube-dns"
    return name if pod_namespace == namespace else key


# --- json -------------------------------------------------------------------------------------------------------


def _json(result: Connectivity, policy_count: int) -> dict[str, Any]:
    return {
        "policies": policy_count,
        "pods": [_pod_json(result, pod) for pod in result.pods],
        "findings": [_finding_json(f) for f in result.findings],
    }


def _pod_json(result: Connectivity, pod: Pod) -> dict[str, Any]:
    return {
        "name": pod.name, "namespace": pod.namespace, "kind": pod.kind,
        "ingress_isolated_by": result.policies(pod, INGRESS),
        "egress_isolated_by": result.policies(pod, EGRESS),
        "incoming": [_conn_json(c, c.source) for c in result.incoming(pod)],
        "outgoing": [_conn_json(c, c.destination) for c in result.outgoing(pod)],
    }


def _conn_json(conn: Connection, peer: Peer) -> dict[str, Any]:
    return {"peer": peer.name, "peer_kind": peer.kind, "detail": peer.detail, "ports": conn.ports.to_json(),
            "caveats": list(conn.caveats)}


def _finding_json(finding: Finding) -> dict[str, str]:
    return {"pod": finding.pod, "message": finding.message}
