"""Discovery reads the cluster through the real kubernetes client (against the API double serving recorded answers)
into plain records, never raises for cluster trouble, and says why when it finds nothing."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from test_cluster_double import load_routes, serving

from wizard.cluster.discovery import discover


def test_reads_version_classes_namespaces_claims_and_ingress_classes(tmp_path: Path) -> None:
    with serving(load_routes("base")) as double:
        found = discover(kubeconfig=double.kubeconfig(tmp_path, context="kind-substra"))
    facts = found.facts
    assert facts is not None, found.reason
    assert (facts.context, facts.server, facts.server_version, facts.git_version) == (
        "kind-substra", double.url, "1.31", "v1.31.2")
    assert [c.name for c in facts.storage_classes] == ["standard", "fast-ssd"]
    assert facts.default_storage_class == "standard"
    assert facts.storage_classes[0].binding_mode == "WaitForFirstConsumer"
    org = facts.namespace("org-1")
    assert org is not None and org.pod_security == {"warn": "restricted"} and org.enforced_level == "privileged"
    media = facts.claim("org-1", "shared-media")
    assert media is not None and (media.phase, media.capacity, media.access_modes, media.storage_class) == (
        "Bound", "50Gi", ("ReadWriteMany",), "fast-ssd")
    waiting = facts.claim("org-1", "waiting-claim")
    assert waiting is not None and (waiting.phase, waiting.capacity, waiting.requested) == ("Pending", None, "10Gi")
    assert [c.name for c in facts.claims_in("org-1")][:2] == ["minio-data", "small-media"]
    assert facts.default_ingress_class == "nginx" and facts.ingress_classes[0].controller == "k8s.io/ingress-nginx"
    assert facts.unreadable == ()
    assert double.paths()[0] == "/version/"  # the client asks for the version first


def test_forbidden_lists_are_named_and_claims_fall_back_to_the_plan_namespaces(tmp_path: Path) -> None:
    with serving(load_routes("base", "forbidden")) as double:
        found = discover(kubeconfig=double.kubeconfig(tmp_path), namespaces=("org-1",))
    facts = found.facts
    assert facts is not None
    assert facts.namespaces == ()
    assert any(u.startswith("namespaces (") and "403" in u for u in facts.unreadable)
    assert [c.name for c in facts.claims] == ["minio-data"]  # from the namespaced list
    assert not any(u.startswith("claims") for u in facts.unreadable)


def test_an_unreachable_cluster_gives_a_reason_quickly(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\n"
        f"clusters: [{{name: c, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]\n"
        "contexts: [{name: gone, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {token: t}}]\n")
    started = time.monotonic()
    found = discover(timeout=2, kubeconfig=kubeconfig)
    assert found.facts is None and (found.context, found.server) == ("gone", f"http://127.0.0.1:{port}")
    assert "connection refused" in found.reason
    assert time.monotonic() - started < 5


def test_no_kubeconfig_is_a_reason_not_an_error(tmp_path: Path) -> None:
    found = discover(kubeconfig=tmp_path / "missing")
    assert found.facts is None and "no kubeconfig at" in found.reason and "KUBECONFIG" in found.reason


def test_an_unknown_context_is_named(tmp_path: Path) -> None:
    with serving(load_routes("base")) as double:
        found = discover(kubeconfig=double.kubeconfig(tmp_path), context="prod")
    assert found.facts is None and "no context named prod" in found.reason
