"""Each preflight finding, from cluster facts read through the real kubernetes client out of recorded API answers
(the API double), and Plans built the way the CLI builds them."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from test_cluster_double import load_routes, serving

from wizard.cluster.discovery import discover
from wizard.cluster.facts import ClusterFacts
from wizard.cluster.needs import needs
from wizard.cluster.preflight import Finding, blocking, preflight
from wizard.helm.base import ReleaseInfo
from wizard.planning.layers import build_plan, plan_layers
from wizard.planning.plan import Plan
from wizard.reporting.explain import explain, plan_inputs, plan_version


@functools.cache
def facts(*scenario: str) -> ClusterFacts:
    with tempfile.TemporaryDirectory() as folder, serving(load_routes("base", *scenario)) as double:
        found = discover(kubeconfig=double.kubeconfig(Path(folder)), namespaces=("orchestrator", "org-1"))
    assert found.facts is not None, found.reason
    return found.facts


def plan(*sets: str, preset: str = "minimal") -> Plan:
    return build_plan(plan_layers(preset, None, list(sets)))


def check(the_plan: Plan, cluster: ClusterFacts, releases: dict[str, ReleaseInfo | None] | None = None
          ) -> list[Finding]:
    report = explain(plan_inputs(the_plan), version=plan_version(the_plan), plan=the_plan)
    return preflight(the_plan, cluster, needs(the_plan, report), releases)


def only(found: list[Finding], check_name: str) -> list[Finding]:
    return [f for f in found if f.check == check_name]


def test_the_minimal_plan_passes_on_a_kind_like_cluster() -> None:
    found = check(plan(), facts())
    assert blocking(found) == []
    assert all(f.check == "pod-security" for f in found)  # only the warn=restricted note on org-1


def test_unknown_storage_class_suggests_the_existing_ones_and_the_default() -> None:
    found = only(check(plan("storage.worker.storage_class=gold"), facts()), "storage-class")
    assert len(found) == 1 and found[0].severity == "blocking"
    assert "no storage class 'gold'" in found[0].message and "standard (default), fast-ssd" in found[0].message
    assert "use standard" in found[0].fix and found[0].field == "storage.worker.storage_class"


def test_no_default_storage_class_blocks_the_volumes_that_rely_on_it() -> None:
    found = only(check(plan("target.kubernetes_version=1.29"), facts("bare")), "storage-class")
    assert len(found) == 1 and found[0].severity == "blocking"
    assert "no default storage class" in found[0].message and "Backend database volume" in found[0].message
    assert "is-default-class" in found[0].fix


def test_existing_claim_missing() -> None:
    found = only(check(plan("storage.minio.existing_claim=minio-old"), facts()), "existing-claim")
    assert [f.severity for f in found] == ["blocking"]
    assert "minio-old in namespace org-1 does not exist" in found[0].message and "minio-data" in found[0].message


def test_existing_claim_not_bound() -> None:
    found = only(check(plan("storage.minio.existing_claim=waiting-claim"), facts()), "existing-claim")
    assert [f.severity for f in found] == ["blocking"] and "is Pending, not Bound" in found[0].message


def test_existing_claim_pending_until_first_consumer_is_only_a_warning() -> None:
    found = only(check(plan("storage.minio.existing_claim=late-claim"), facts()), "existing-claim")
    assert [f.severity for f in found] == ["warning"] and "first pod uses it" in found[0].message


def test_existing_claim_smaller_than_the_chart_would_create() -> None:
    small = only(check(plan("storage.minio.existing_claim=small-media"), facts()), "existing-claim")
    assert [f.severity for f in small] == ["warning"]  # the plan cannot ask a size of an existing claim (rules.py)
    assert "holds 1Gi, less than the 8Gi the chart would create" in small[0].message
    assert only(check(plan("storage.minio.existing_claim=minio-data"), facts()), "existing-claim") == []


def test_existing_claim_without_the_access_mode_the_workload_needs() -> None:
    found = only(check(plan("storage.servermedias.existing_claim=minio-data",
                            "storage.servermedias.access_mode=ReadWriteMany", "scale.server_replicas=2"), facts()),
                 "existing-claim")
    assert any(f.severity == "blocking" and "offers ReadWriteOnce, and the workload needs ReadWriteMany" in f.message
               for f in found)
    shared = only(check(plan("storage.servermedias.existing_claim=shared-media",
                             "storage.servermedias.access_mode=ReadWriteMany", "scale.server_replicas=2"), facts()),
                  "existing-claim")
    assert shared == []


@pytest.mark.parametrize(("sets", "pod", "check_text"), [
    ((), "backend-task-build", "runAsNonRoot != true"),  # Kaniko, on by default
    (("features.builder=false", "features.private_ca=true", "features.add_cert_image_tag=1.0"),
     "backend-server", "allowPrivilegeEscalation != false"),  # the add-cert init container
])
def test_a_namespace_enforcing_restricted_names_the_pods_and_checks_it_rejects(sets: tuple[str, ...], pod: str,
                                                                                check_text: str) -> None:
    found = [f for f in only(check(plan(*sets), facts("pss-restricted")), "pod-security") if f.severity == "blocking"]
    assert len(found) == 1
    assert "namespace org-1 enforces Pod Security 'restricted'" in found[0].message
    assert pod in found[0].message and check_text in found[0].message
    assert "pod-security.kubernetes.io/enforce=baseline" in found[0].fix


def test_restricted_namespace_is_fine_when_every_pod_passes() -> None:
    found = only(check(plan("features.builder=false"), facts("pss-restricted")), "pod-security")
    assert blocking(found) == []


def test_warn_label_is_a_warning_naming_the_pods() -> None:
    found = only(check(plan(), facts()), "pod-security")
    assert [f.severity for f in found] == ["warning"] and "backend-task-build" in found[0].message


def test_kubernetes_version_mismatch_is_a_warning_with_the_fix() -> None:
    found = only(check(plan(), facts("bare")), "kubernetes-version")
    assert [f.severity for f in found] == ["warning"]
    assert "set target.kubernetes_version to 1.29" == found[0].fix


@pytest.mark.parametrize(("status", "revision", "severity", "words"), [
    ("deployed", 4, "warning", "the install upgrades it"),
    ("failed", 2, "warning", "the install upgrades it"),
    ("pending-upgrade", 5, "warning", "rolls it back to its last deployed revision"),
    ("pending-rollback", 5, "warning", "rolls it back to its last deployed revision"),
    ("pending-install", 1, "warning", "removes the unfinished first install"),
    ("uninstalling", 3, "blocking", "wait until"),
])
def test_releases_already_present_or_stuck(status: str, revision: int, severity: str, words: str) -> None:
    info = ReleaseInfo("backend", "org-1", revision, status, "substra-backend-26.15.3")
    found = only(check(plan(), facts(), {"backend": info, "orchestrator": None}), "release")
    assert [f.severity for f in found] == [severity]
    assert words in found[0].fix and "release backend in namespace org-1" in found[0].message


def test_a_release_name_taken_by_another_chart_blocks() -> None:
    info = ReleaseInfo("backend", "org-1", 1, "deployed", "wordpress-19.0.1")
    found = only(check(plan(), facts(), {"backend": info}), "release")
    assert [f.severity for f in found] == ["blocking"] and "wordpress-19.0.1" in found[0].message


def test_ingress_class_missing() -> None:
    found = only(check(plan("ingress.backend_host=api.org-1.example.com", "ingress.class_name=haproxy"), facts()),
                 "ingress-class")
    assert [f.severity for f in found] == ["blocking"]
    assert "no IngressClass 'haproxy'" in found[0].message and "(the cluster has: nginx)" in found[0].message
    assert found[0].fix.endswith("--set ingress.class_name=nginx")


def test_no_default_ingress_class_and_none_named_is_a_warning() -> None:
    found = only(check(plan("ingress.backend_host=api.org-1.example.com", "target.kubernetes_version=1.29"),
                       facts("bare")), "ingress-class")
    assert [f.severity for f in found] == ["warning"] and "ingress.class_name=traefik" in found[0].fix
    assert only(check(plan("ingress.backend_host=api.org-1.example.com"), facts()), "ingress-class") == []


def test_what_could_not_be_read_is_said_and_its_checks_skipped() -> None:
    found = check(plan("storage.minio.existing_claim=minio-data"), facts("forbidden"))
    access = only(found, "access")
    assert len(access) == 1 and access[0].message.startswith("could not read namespaces")
    assert only(found, "pod-security") == []  # no namespaces known: nothing claimed about them
    assert only(found, "existing-claim") == []  # the claim was read from the namespaced list: Bound, 20Gi


def test_blocking_findings_come_first() -> None:
    found = check(plan("storage.worker.storage_class=gold"), replace(facts(), server_version="1.30"))
    assert [f.severity for f in found] == sorted((f.severity for f in found), key=lambda s: s != "blocking")
    assert found[0].severity == "blocking"


def test_a_claim_left_by_an_earlier_install_keeps_its_size_and_class() -> None:
    found = only(check(plan("storage.orchestrator_database.size=20Gi",
                            "storage.orchestrator_database.storage_class=fast-ssd"), facts()), "existing-claim")
    assert [f.severity for f in found] == ["warning", "warning"]
    assert "data-orchestrator-postgresql-0 in namespace orchestrator is left from an earlier install with 8Gi" in \
        found[0].message and "will not resize it" in found[0].message
    assert "class standard; it keeps it, not fast-ssd" in found[1].message
    assert only(check(plan("storage.orchestrator_database.size=8Gi"), facts()), "existing-claim") == []
