"""Tests for wizard.charts.chart_defaults: Helm coalescing, the shipped defaults trees, and key checks."""

from __future__ import annotations

import copy

import pytest

from wizard.charts import SUPPORTED_VERSIONS
from wizard.charts.chart_defaults import (
    FREE_FORM,
    FREE_FORM_KEY_NAMES,
    MISSING,
    UNDECLARED_KEYS,
    coalesce,
    declared,
    get_path,
    load_defaults,
    nearest_keys,
)

BACKEND = ("substra-backend", "26.15.3")
ORCHESTRATOR = ("orchestrator", "8.8.0")
FRONTEND = ("substra-frontend", "1.2.3")


# --- coalesce ---------------------------------------------------------------------------------------


def test_coalesce_null_deletes_a_default() -> None:
    assert coalesce({"a": 1, "b": 2}, {"a": None}) == {"b": 2}


def test_coalesce_null_for_an_absent_key_adds_nothing() -> None:
    assert coalesce({"a": 1}, {"z": None}) == {"a": 1}


def test_coalesce_null_deletes_inside_nested_maps() -> None:
    base = {"image": {"tag": "v1", "repository": "r"}}
    assert coalesce(base, {"image": {"tag": None}}) == {"image": {"repository": "r"}}


def test_coalesce_maps_recurse() -> None:
    base = {"p": {"size": "8Gi", "accessModes": ["ReadWriteOnce"]}, "x": 1}
    result = coalesce(base, {"p": {"size": "20Gi", "storageClass": "fast"}})
    assert result == {"p": {"size": "20Gi", "accessModes": ["ReadWriteOnce"], "storageClass": "fast"}, "x": 1}


def test_coalesce_lists_are_replaced_whole() -> None:
    base = {"modes": ["ReadWriteOnce", "ReadOnlyMany"]}
    assert coalesce(base, {"modes": ["ReadWriteMany"]}) == {"modes": ["ReadWriteMany"]}


def test_coalesce_a_scalar_replaces_a_map_and_a_map_replaces_a_scalar() -> None:
    assert coalesce({"a": {"b": 1}}, {"a": "flat"}) == {"a": "flat"}
    assert coalesce({"a": "flat"}, {"a": {"b": 1}}) == {"a": {"b": 1}}


def test_coalesce_keeps_base_key_order_and_appends_new_keys() -> None:
    result = coalesce({"b": 1, "a": 2}, {"c": 3, "a": 4})
    assert list(result) == ["b", "a", "c"]


def test_coalesce_mutates_neither_input() -> None:
    base = {"a": {"b": [1, 2], "c": None}, "d": 1}
    override = {"a": {"b": [3], "e": {"f": 1}}, "d": None}
    base_before, override_before = copy.deepcopy(base), copy.deepcopy(override)
    coalesce(base, override)
    assert base == base_before
    assert override == override_before


def test_coalesce_result_shares_no_containers_with_its_inputs() -> None:
    base = {"kept": {"list": [1]}, "merged": {"x": {"y": 1}}}
    override = {"new": {"list": [2]}, "merged": {"z": [3]}}
    result = coalesce(base, override)
    result["kept"]["list"].append(9)
    result["new"]["list"].append(9)
    result["merged"]["x"]["y"] = 9
    result["merged"]["z"].append(9)
    assert base == {"kept": {"list": [1]}, "merged": {"x": {"y": 1}}}
    assert override == {"new": {"list": [2]}, "merged": {"z": [3]}}


def test_coalesce_over_the_cached_defaults_leaves_them_intact() -> None:
    defaults = load_defaults(*BACKEND)
    coalesce(defaults, {"server": {"replicaCount": 3, "persistence": None}})
    assert load_defaults(*BACKEND)["server"]["replicaCount"] == 1
    assert "persistence" in load_defaults(*BACKEND)["server"]


# --- get_path ---------------------------------------------------------------------------------------


def test_get_path_finds_nested_values() -> None:
    assert get_path({"a": {"b": {"c": 5}}}, ("a", "b", "c")) == 5


def test_get_path_tells_a_null_default_from_a_missing_key() -> None:
    tree = {"a": {"tag": None}}
    assert get_path(tree, ("a", "tag")) is None
    assert get_path(tree, ("a", "other")) is MISSING


def test_get_path_does_not_go_through_scalars_or_lists() -> None:
    tree = {"name": "owkin", "items": [{"a": 1}]}
    assert get_path(tree, ("name", "x")) is MISSING
    assert get_path(tree, ("items", "a")) is MISSING
    assert get_path(tree, ("items", "0")) is MISSING


def test_get_path_of_the_empty_path_is_the_tree() -> None:
    tree = {"a": 1}
    assert get_path(tree, ()) is tree


def test_missing_is_falsy_and_named() -> None:
    assert not MISSING
    assert repr(MISSING) == "MISSING"


# --- load_defaults ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("chart", "version"), sorted(SUPPORTED_VERSIONS.items()))
def test_every_supported_chart_loads(chart: str, version: str) -> None:
    tree = load_defaults(chart, version)
    assert isinstance(tree, dict)
    assert "image" in tree or "server" in tree or "orchestrator" in tree


def test_load_defaults_is_cached() -> None:
    assert load_defaults(*BACKEND) is load_defaults(*BACKEND)


def test_unknown_chart_is_refused_with_the_supported_list() -> None:
    with pytest.raises(ValueError, match=r"substra-backend 26\.15\.3") as error:
        load_defaults("substra-backnd", "26.15.3")
    assert "orchestrator 8.8.0" in str(error.value)
    assert "substra-frontend 1.2.3" in str(error.value)


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="26.14.2"):
        load_defaults("substra-backend", "26.14.2")


def test_backend_anchors_are_resolved() -> None:
    tree = load_defaults(*BACKEND)
    assert get_path(tree, ("postgresql", "auth", "database")) == "substra"
    assert get_path(tree, ("postgresql", "auth", "username")) == "postgres"
    assert get_path(tree, ("kaniko", "cache", "warmer", "image", "tag")) == "v1.23.2"


def test_backend_parent_values_override_the_subchart() -> None:
    tree = load_defaults(*BACKEND)
    assert get_path(tree, ("docker-registry", "persistence", "size")) == "10Gi"
    assert get_path(tree, ("docker-registry", "persistence", "enabled")) is True  # subchart says false
    # accessMode comes from the subchart only
    assert get_path(tree, ("docker-registry", "persistence", "accessMode")) == "ReadWriteOnce"
    assert get_path(tree, ("docker-registry", "persistence", "deleteEnabled")) is True  # parent only


def test_backend_localstack_mixes_subchart_and_parent_values() -> None:
    tree = load_defaults(*BACKEND)
    assert get_path(tree, ("localstack", "persistence", "accessModes")) == ["ReadWriteOnce"]
    assert get_path(tree, ("localstack", "persistence", "size")) == "5Gi"
    assert get_path(tree, ("localstack", "enabled")) is False


def test_backend_includes_every_dependency_even_disabled_ones() -> None:
    tree = load_defaults(*BACKEND)
    for dep in ("redis", "common", "postgresql", "docker-registry", "minio", "localstack"):
        assert isinstance(tree.get(dep), dict), dep
    assert get_path(tree, ("common", "exampleValue")) == "common-chart"
    assert get_path(tree, ("redis", "master", "persistence", "size")) == "8Gi"
    assert get_path(tree, ("minio", "persistence", "size")) == "8Gi"


def test_backend_keeps_null_defaults_and_file_key_order() -> None:
    tree = load_defaults(*BACKEND)
    assert get_path(tree, ("privateCa", "image", "tag")) is None
    first = ["global", "settings", "config", "organizationName", "DataSampleStorageInServerMedia"]
    assert list(tree)[:5] == first


def test_globals_are_exposed_at_the_top_and_in_subcharts() -> None:
    backend = load_defaults(*BACKEND)
    assert get_path(backend, ("global", "storageClass")) == ""
    assert get_path(backend, ("global", "redis", "password")) == ""  # only redis declares it
    assert get_path(backend, ("postgresql", "global", "imageRegistry")) == ""
    orchestrator = load_defaults(*ORCHESTRATOR)
    assert get_path(orchestrator, ("global", "storageClass")) == ""


def test_orchestrator_defaults() -> None:
    tree = load_defaults(*ORCHESTRATOR)
    assert get_path(tree, ("postgresql", "auth", "database")) == "orchestrator"
    assert get_path(tree, ("postgresql", "primary", "persistence", "size")) == "8Gi"
    assert get_path(tree, ("postgresql", "primary", "extendedConfiguration")) == "tcp_keepalives_idle = 5"
    assert get_path(tree, ("service", "port")) == 9000


def test_frontend_defaults_have_no_dependencies() -> None:
    tree = load_defaults(*FRONTEND)
    assert get_path(tree, ("api", "url")) == "http://substra-backend.local:8000"
    assert get_path(tree, ("replicaCount",)) == 1
    assert "global" not in tree


# --- declared ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ("config", "ALLOWED_HOSTS"),
        ("server", "persistence", "servermedias", "storageClass"),
        ("server", "persistence", "servermedias", "size"),
        ("worker", "accessModes"),
        ("localstack", "persistence", "accessModes"),
        ("docker-registry", "persistence", "accessMode"),
        ("docker-registry", "persistence", "storageClass"),
        ("docker-registry", "persistence", "existingClaim"),
        ("redis", "host"),
        ("privateCa", "image", "apkAdd"),
        ("privateCa", "image", "tag"),  # null by default, still a key
        ("orchestrator", "channels"),
        ("server", "ingress", "annotations", "cert-manager.io/cluster-issuer"),
        ("server", "nodeSelector", "disktype"),
        ("postgresql", "primary", "podLabels", "team"),
        ("minio", "commonLabels", "team"),
        ("global", "storageClass"),
    ],
)
def test_backend_declared(path: tuple[str, ...]) -> None:
    assert declared(*BACKEND, path)


@pytest.mark.parametrize(
    "path",
    [
        ("server", "persistence", "servermedias", "storageClas"),
        ("organizationName", "x"),  # through a scalar
        ("orchestrator", "channels", "mychannel"),  # into a list
        ("server", "podAnnotations", "x"),  # server has no podAnnotations map
        ("redis", "hostname"),
        ("localstack", "persistence", "accessModes", "0"),
        ("serverr",),
        (),
    ],
)
def test_backend_not_declared(path: tuple[str, ...]) -> None:
    assert not declared(*BACKEND, path)


def test_orchestrator_declared() -> None:
    assert declared(*ORCHESTRATOR, ("postgresql", "primary", "persistence", "storageClass"))
    assert declared(*ORCHESTRATOR, ("orchestrator", "tls", "mtls", "clientCACerts", "orchestrator-ca"))
    assert declared(*ORCHESTRATOR, ("podAnnotations", "prometheus.io/scrape"))
    assert not declared(*ORCHESTRATOR, ("config", "ALLOWED_HOSTS"))  # free-form only in the backend
    assert not declared(*ORCHESTRATOR, ("orchestrator", "tls", "mtls", "clientCACert", "x"))
    assert not declared(*ORCHESTRATOR, ("redis", "host"))  # a backend-only undeclared key


def test_frontend_declared() -> None:
    assert declared(*FRONTEND, ("ingress", "annotations", "kubernetes.io/ingress.class"))
    assert declared(*FRONTEND, ("resources", "limits", "memory"))
    assert not declared(*FRONTEND, ("api", "uri"))


def test_free_form_names_only_open_maps(monkeypatch: pytest.MonkeyPatch) -> None:
    # No shipped chart has a scalar `annotations`, so use a small tree in place of the cached one.
    from wizard.charts import chart_defaults

    tree = {"a": {"annotations": "not-a-map", "labels": None, "podLabels": {}}}
    monkeypatch.setattr(chart_defaults, "_load", lambda chart, version: tree)
    assert not declared(*FRONTEND, ("a", "annotations", "x"))
    assert declared(*FRONTEND, ("a", "labels", "x"))  # a null default may still be given a map
    assert declared(*FRONTEND, ("a", "podLabels", "x", "y"))  # anything below a free-form map
    assert declared(*FRONTEND, ("a", "annotations"))


def test_declared_refuses_unknown_versions() -> None:
    with pytest.raises(ValueError):
        declared("orchestrator", "8.7.7", ("channels",))


@pytest.mark.parametrize(
    ("chart", "path"), [(chart, path) for chart, paths in UNDECLARED_KEYS.items() for path in paths]
)
def test_undeclared_keys_are_really_absent_from_values_yaml(chart: str, path: tuple[str, ...]) -> None:
    # If a chart starts declaring one of these, the table line is stale and should go.
    tree = load_defaults(chart, SUPPORTED_VERSIONS[chart])
    assert get_path(tree, path) is MISSING
    assert isinstance(get_path(tree, path[:-1]), dict)
    assert declared(chart, SUPPORTED_VERSIONS[chart], path)


@pytest.mark.parametrize(("chart", "prefix"), [(c, p) for c, prefixes in FREE_FORM.items() for p in prefixes])
def test_free_form_prefixes_are_maps_in_the_defaults(chart: str, prefix: tuple[str, ...]) -> None:
    version = SUPPORTED_VERSIONS[chart]
    assert isinstance(get_path(load_defaults(chart, version), prefix), dict)
    assert declared(chart, version, prefix + ("ANY_NAME_AT_ALL",))


def test_every_chart_has_a_table_entry() -> None:
    assert set(UNDECLARED_KEYS) == set(SUPPORTED_VERSIONS)
    assert set(FREE_FORM) == set(SUPPORTED_VERSIONS)
    assert all(FREE_FORM_KEY_NAMES.values())


# --- nearest_keys -----------------------------------------------------------------------------------


def test_nearest_keys_fixes_a_typo_under_an_existing_parent() -> None:
    suggestions = nearest_keys(*BACKEND, ("server", "persistence", "servermedia", "size"))
    assert suggestions[0] == "server.persistence.servermedias.size"
    assert len(suggestions) <= 3


def test_nearest_keys_prefers_keys_under_the_existing_parent() -> None:
    # worker.persistence.size is closer as a string; the operator was inside server.persistence.
    suggestions = nearest_keys(*BACKEND, ("server", "persistence", "size"))
    assert suggestions[0] == "server.persistence.servermedias.size"
    assert nearest_keys(*BACKEND, ("kaniko", "persistence", "size"))[0] == "kaniko.cache.persistence.size"


def test_nearest_keys_fixes_a_typo_in_the_first_segment() -> None:
    assert nearest_keys(*BACKEND, ("sever", "replicaCount"))[0] == "server.replicaCount"
    suggestions = nearest_keys(*BACKEND, ("docker-registy", "persistence", "size"))
    assert suggestions[0] == "docker-registry.persistence.size"


def test_nearest_keys_suggests_undeclared_keys_too() -> None:
    suggestions = nearest_keys(*BACKEND, ("server", "persistence", "servermedias", "storageClas"))
    assert suggestions[0] == "server.persistence.servermedias.storageClass"


def test_nearest_keys_respects_n_and_gives_nothing_for_nonsense() -> None:
    assert len(nearest_keys(*ORCHESTRATOR, ("postgresql", "primary", "persistance"), n=1)) == 1
    assert nearest_keys(*BACKEND, ("qqqqqqqq",)) == []
    assert nearest_keys(*BACKEND, ("server", "persistence"), n=0) == []


def test_coalesce_copies_values_marshal_cannot_carry() -> None:
    import datetime

    override = {"a": {"when": [datetime.date(2024, 1, 1)]}}
    result = coalesce({"a": {"b": 1}}, override)
    assert result == {"a": {"b": 1, "when": [datetime.date(2024, 1, 1)]}}
    assert result["a"]["when"] is not override["a"]["when"]
