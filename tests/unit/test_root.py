"""Who runs as root: explicit uid 0, or nothing stopping the image's own user."""

from __future__ import annotations

from typing import Any

from wizard.analysis.root import IMAGE_DEFAULT, root_containers


def pod(spec_context: dict[str, Any] | None = None, **containers: dict[str, Any] | None) -> dict[str, Any]:
    return {"metadata": {}, "spec": {"securityContext": spec_context,
                                     "containers": [{"name": n, "securityContext": c} for n, c in containers.items()]}}


def reasons(p: dict[str, Any]) -> dict[str, str]:
    return {r.container: r.reason for r in root_containers(p)}


def test_explicit_uid_0_in_the_container() -> None:
    assert reasons(pod(None, a={"runAsUser": 0})) == {"a": "runAsUser: 0 (container securityContext)"}


def test_uid_0_from_the_pod_unless_the_container_overrides_it() -> None:
    assert reasons(pod({"runAsUser": 0}, a=None, b={"runAsUser": 1000})) == {
        "a": "runAsUser: 0 (pod securityContext)"}


def test_run_as_non_root_stops_the_image_user() -> None:
    assert reasons(pod({"runAsNonRoot": True}, a=None)) == {}
    assert reasons(pod({"runAsNonRoot": True}, a={"runAsNonRoot": False})) == {"a": IMAGE_DEFAULT}


def test_nothing_set_means_the_image_decides() -> None:
    assert reasons(pod(None, a=None)) == {"a": IMAGE_DEFAULT}


def test_init_containers_count_and_windows_pods_are_skipped() -> None:
    p = pod({"runAsUser": 1000}, a=None)
    p["spec"]["initContainers"] = [{"name": "init", "securityContext": {"runAsUser": 0}}]
    assert reasons(p) == {"init": "runAsUser: 0 (container securityContext)"}
    p["spec"]["os"] = {"name": "windows"}
    assert reasons(p) == {}
