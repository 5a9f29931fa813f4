"""The SDK backend runs Helm's real engine (helm-python-sdk) offline on the test chart: rendering, and client-side
dry-run installs, with values files merged as helm -f merges them. Release lookups go to the API double (Helm only
asks it for /version; release records live in the SDK's in-memory storage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cluster_double import load_routes, serving

from wizard.helm.base import ChartSource, HelmFailure
from wizard.helm.sdk import SdkHelm, merged_values
from wizard.yamlkit import yamlio

pytest.importorskip("helm_python", reason="the helm-python-sdk extra is not installed")

CHART = ChartSource(str(Path(__file__).resolve().parents[1] / "data" / "charts" / "tiny-app"))


def _objects(text: str) -> dict[str, dict]:
    return {f"{d['kind']}/{d['metadata']['name']}": d for d in yamlio.load_documents(text, "rendered") if d}


@pytest.fixture
def values(tmp_path: Path) -> list[Path]:
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    first.write_text("web:\n  replicaCount: 2\ndb:\n  persistence:\n    size: 3Gi\n")
    second.write_text("db:\n  persistence:\n    storageClass: fast-ssd\n")
    return [first, second]


def test_values_files_merge_key_by_key_later_files_win(values: list[Path], tmp_path: Path) -> None:
    third = tmp_path / "three.yaml"
    third.write_text("web:\n  replicaCount: 4\n")
    assert merged_values([*values, third]) == {"web": {"replicaCount": 4},
                                               "db": {"persistence": {"size": "3Gi", "storageClass": "fast-ssd"}}}


def test_template_renders_the_chart_with_the_values(values: list[Path], tmp_path: Path) -> None:
    text = SdkHelm(tmp_path / "no-kubeconfig", storage_driver="memory").template("demo", CHART, "org-1", values)
    objects = _objects(text)
    assert set(objects) == {"Deployment/demo-web", "StatefulSet/demo-db", "Service/demo-web"}
    assert objects["Deployment/demo-web"]["spec"]["replicas"] == 2
    claim = objects["StatefulSet/demo-db"]["spec"]["volumeClaimTemplates"][0]["spec"]
    assert claim["storageClassName"] == "fast-ssd" and claim["resources"]["requests"]["storage"] == "3Gi"


def test_client_dry_run_install_never_contacts_the_cluster(values: list[Path], tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"  # a server that does not exist: a client dry run must not need it
    kubeconfig.write_text("apiVersion: v1\nkind: Config\ncurrent-context: x\n"
                          "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\n"
                          "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                          "users: [{name: u, user: {token: t}}]\n")
    helm = SdkHelm(kubeconfig, storage_driver="memory")
    release = helm.upgrade_install("demo", CHART, "org-1", values, dry_run=True)
    assert (release.name, release.namespace, release.revision, release.chart) == ("demo", "org-1", 1,
                                                                                  "tiny-app-0.3.0")
    assert _objects(release.manifest)["Deployment/demo-web"]["spec"]["replicas"] == 2
    helm.close()


def test_a_chart_error_is_a_helm_failure_with_helms_words(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("web:\n  image: null\n")  # null removes the chart's default: the template's `required` fails
    with pytest.raises(HelmFailure, match="helm upgrade --install demo failed: .*web.image is required"):
        SdkHelm(tmp_path / "none", storage_driver="memory").upgrade_install("demo", CHART, "org-1", [bad],
                                                                             dry_run=True)


def test_status_and_history_of_an_absent_release(tmp_path: Path) -> None:
    with serving(load_routes("base")) as double:
        helm = SdkHelm(double.kubeconfig(tmp_path), storage_driver="memory")
        assert helm.status("backend", "org-1") is None
        assert helm.history("backend", "org-1") == []
        assert helm.last_deployed("backend", "org-1") is None
        helm.close()
    assert all(path.startswith("/version") for path in double.paths())  # Helm's reachability probe only


def test_template_ends_each_document_before_the_next_separator(tmp_path: Path) -> None:
    chart = tmp_path / "no-newline"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: no-newline\nversion: 0.1.0\n")
    for name in ("a", "b"):  # a template without a trailing newline, as many real charts have
        (chart / "templates" / f"{name}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  size: \"10Gi\"")
    text = SdkHelm(tmp_path / "none", storage_driver="memory").template("demo", ChartSource(str(chart)), "org-1", [])
    assert '"10Gi"---' not in text
    assert set(_objects(text)) == {"ConfigMap/a", "ConfigMap/b"}
    assert all(d["data"]["size"] == "10Gi" for d in _objects(text).values())
