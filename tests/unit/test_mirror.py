"""The image mirror: the reference mapping, what a mirror value may be (messages naming the field), and the values
keys the decision writes in each chart."""

from __future__ import annotations

import pytest

from wizard.charts.mirror import KEYS, inside, key_for, mirror_problem, mirrored, split
from wizard.core.errors import ConfigError
from wizard.planning.layers import Layer, build_plan
from wizard.writing.values import render

M = "registry.internal:5000/substra"


@pytest.mark.parametrize(("reference", "expected"), [
    ("ghcr.io/substra/substra-backend:1.0.1", f"{M}/substra/substra-backend:1.0.1"),
    ("docker.io/postgres:17", f"{M}/postgres:17"),  # no library/ added: the charts write it so (secure 36)
    ("registry:2.8.1", f"{M}/registry:2.8.1"),
    ("localstack/localstack:latest", f"{M}/localstack/localstack:latest"),
    ("gcr.io/kaniko-project/executor:v1.23.2", f"{M}/kaniko-project/executor:v1.23.2"),
    ("localhost:5000/a/b:1", f"{M}/a/b:1"),
])
def test_a_reference_keeps_its_repository_path_under_the_mirror(reference: str, expected: str) -> None:
    assert mirrored(reference, M) == expected
    assert inside(expected, M)
    assert not inside(reference, M)


def test_the_registry_host_is_told_as_docker_tells_it() -> None:
    assert split("bitnami/kubectl:latest") == (None, "bitnami/kubectl:latest")
    assert split("my.host/x:1") == ("my.host", "x:1")
    assert split("host:5000/x:1") == ("host:5000", "x:1")
    assert not inside("registry.internal:5000/substrax/a:1", M)  # a prefix of a path part is not inside
    assert not inside("anything", None)


@pytest.mark.parametrize("value", ["registry.internal:5000", "registry.internal", "localhost:5000",
                                   "10.0.0.1:5000/team/mirror", M])
def test_good_mirrors_pass(value: str) -> None:
    assert mirror_problem(value) is None


@pytest.mark.parametrize(("value", "message"), [
    ("registry", "would be read as a Docker Hub account"),
    ("https://registry.internal", "has a scheme: write it without one, e.g. registry.internal"),
    ("registry.internal/", 'ends with "/"'),
    ("registry.internal:0", 'the port "0" is not a number from 1 to 65535'),
    ("registry.internal/Team", 'the path part "Team" is not a repository name'),
    ("registry.internal//a", "empty path part"),
    ("registry.internal/a:1", 'the path part "a:1" is not a repository name'),
    ("reg istry.internal", "is not a registry"),
    ("registry.internal/a@sha256:0", "is an image, not a registry"),
])
def test_bad_mirrors_are_refused_with_what_to_write(value: str, message: str) -> None:
    problem = mirror_problem(value)
    assert problem is not None and message in problem


def test_the_plan_names_the_field_of_a_bad_mirror() -> None:
    with pytest.raises(ConfigError) as caught:
        build_plan([Layer("--set", {"features": {"image_mirror": "registry"}})])
    assert "features.image_mirror" in str(caught.value)
    assert "Docker Hub account" in str(caught.value)


def _values(data: dict) -> dict[str, dict]:
    return {c.chart: c for c in render(build_plan([Layer("test", data)]))}


def _everything(mirror: str | None) -> dict:
    data: dict = {"target": {"frontend": {"enabled": True}}, "ingress": {"backend_host": "api.example.com"},
                  "features": {"prepopulate": [{"image": "substra/tools:1"}, {"image": "x/y:2",
                                                                             "source_registry": "quay.io"}]}}
    if mirror:
        data["features"]["image_mirror"] = mirror
    return data


def test_every_image_key_of_every_chart_goes_to_the_mirror() -> None:
    charts = _values(_everything(M))
    for key in KEYS:
        settings = {".".join(s.path): s for s in charts[key.chart].settings}
        setting = settings[key.key]
        assert setting.field == "features.image_mirror"
        assert setting.value == M or setting.value.startswith(f"{M}/"), (key, setting.value)
    backend = {".".join(s.path): s.value for s in charts["substra-backend"].settings}
    assert backend["docker-registry.image.repository"] == f"{M}/registry"
    assert backend["localstack.image.repository"] == f"{M}/localstack/localstack"
    # An item without a source registry is copied from the mirror; an explicit one is the operator's.
    assert backend["containerRegistry.prepopulate"] == [
        {"image": "substra/tools:1", "sourceRegistry": M}, {"image": "x/y:2", "sourceRegistry": "quay.io"}]


def test_without_a_mirror_no_image_key_is_written() -> None:
    charts = _values(_everything(None))
    for chart in charts.values():
        assert not [s for s in chart.settings if s.field == "features.image_mirror"]
    backend = {".".join(s.path): s.value for s in charts["substra-backend"].settings}
    assert backend["containerRegistry.prepopulate"][0] == {"image": "substra/tools:1"}
    assert not any(".image." in ".".join(s.path) or s.path[0] == "global"
                   for c in charts.values() for s in c.overrides)


@pytest.mark.parametrize(("chart", "container", "obj", "key"), [
    ("substra-backend", "wait-init-migrations", "rel-substra-backend-api-events", "worker.events.image.registry"),
    ("substra-backend", "kubectl", "rel-substra-backend-hook-delete-worker-pvc",
     "hooks.deleteWorkerPvc.image.registry"),
    ("substra-backend", "kubectl", "rel-substra-backend-hook-delete-pods", "hooks.deleteComputePods.image.registry"),
    ("substra-backend", "postgresql", "rel-postgresql", "global.imageRegistry"),
    ("orchestrator", "db-migrations", "rel-orchestrator-migrations", "orchestrator.image.registry"),
    ("substra-frontend", "template-html", "rel-substra-frontend", "image.registry"),
    ("substra-backend", "pause", "rel-substra-backend-registry-prepopulate-0", None),
    ("orchestrator", "wget", "rel-orchestrator-test-connection", None),
])
def test_each_container_has_the_key_that_moves_its_image(chart: str, container: str, obj: str, key: str | None
                                                          ) -> None:
    assert key_for(chart, container, obj) == key
