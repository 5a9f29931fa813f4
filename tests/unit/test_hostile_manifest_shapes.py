"""Hostile manifest shapes: every field of real renders, turned into each wrong type, ends in exit 0 (or 1, pss's "not
allowed") or in one `wizard: ...` line with exit 2, never in exit 70, in every command that reads manifests.

The objects come from the embedded chart models and the cluster objects of tests/data (always here) and from the
real renders in ../shared (when checked out). Each distinct field is replaced by each wrong type in turn: list items
count once, a pod template's fields count once whatever the workload kind (every kind's template is read the same
way), metadata fields once whatever the kind. The mutated object is given with a plain Pod beside it (so
`wizard netpol` always has a pod to analyse). YAML parsing is not what is under test (tests/unit/test_yamlio.py
is), so the commands read the objects from memory: the rest of each command runs as on the command line, through
`cli.main`.
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from wizard import cli
from wizard.analysis import manifests as manifests_module
from wizard.analysis.manifests import POD_SPEC_PATHS
from wizard.charts.renderer import EmbeddedRenderer

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
DATA = Path(__file__).resolve().parents[1] / "data"
RENDER_FOLDERS = ("substra-renders", "substra-renders-releases", "substra-renders-secure")
WRONG: dict[str, Any] = {"a string": "x", "a number": 7, "true": True, "a list": ["x"], "a map": {"x": "y"},
                         "null": None}
COMMANDS = {"explain": (["explain", "--manifests"], {0, 2}), "pss": (["pss"], {0, 1, 2}),
            "netpol": (["netpol"], {0, 2})}
COMPANION = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "companion", "labels": {"app": "companion"}},
             "spec": {"containers": [{"name": "c", "image": "busybox", "ports": [{"name": "http",
                                                                                  "containerPort": 8080}]}]}}

Path_ = tuple[str | int, ...]


def _type_word(value: Any) -> str:
    return next((word for word, wrong in WRONG.items() if type(wrong) is type(value)), "other")


def _fields(node: Any, at: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) below `node`, the node itself first."""
    yield at, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _fields(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _fields(value, (*at, index))


def _mutations(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], Path_, str]]:
    """(signature, object, path, wrong type) for each distinct field of the objects and each type it is not."""
    seen: set[tuple[Any, ...]] = set()
    found = []
    for obj in objects:
        for path, value in _fields(obj):
            if not path:
                continue
            signature = _signature(str(obj.get("kind")), path)
            if signature in seen:
                continue
            seen.add(signature)
            found += [(f"{obj.get('kind')} {_dotted(path)}", obj, path, word) for word in WRONG
                      if word != _type_word(value)]
    return found


def _signature(kind: str, path: Path_) -> tuple[str, ...]:
    steps = tuple("[]" if isinstance(step, int) else step for step in path)
    template = POD_SPEC_PATHS.get(kind, ())[:-1]  # where the pod's {metadata, spec} sit
    if kind in POD_SPEC_PATHS and steps[:len(template)] == template:
        return ("<pod template>", *steps[len(template):])
    if steps[0] == "metadata":
        return ("<any kind>", *steps)
    return (kind, *steps)


def _dotted(path: Path_) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


def _mutated(obj: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(obj)
    node: Any = copied
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = copy.deepcopy(value)
    return copied


def _model_objects() -> list[dict[str, Any]]:
    renderer = EmbeddedRenderer()
    return [obj for chart, version in renderer.supported()
            for obj in renderer.render_with_runtime_pods(chart, version, None, release="rel", namespace="org-1")]


def _data_objects() -> list[dict[str, Any]]:
    """The Kubernetes objects in tests/data's recorded cluster answers (items of lists included)."""
    import json

    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("kind")
            if isinstance(kind, str) and "metadata" in node and not kind.endswith("List") and kind != "Status":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((DATA / "cluster").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def _render_objects(folder: str) -> list[dict[str, Any]]:
    found = []
    for path in sorted((SHARED / folder).rglob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            found += [doc for doc in yaml.load_all(handle, Loader=yaml.CSafeLoader) if isinstance(doc, dict)]
    return found


@pytest.fixture
def given(monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """The documents the commands read, whatever file they are given: set `given[0]`."""
    documents: list[list[Any]] = [[]]
    monkeypatch.setattr(manifests_module, "_read", lambda path: ("", str(path)))
    monkeypatch.setattr(manifests_module.yamlio, "load_documents", lambda text, source: documents[0])
    return documents


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, err.getvalue()


def _failures(objects: list[dict[str, Any]], given: list[list[Any]]) -> tuple[list[str], int]:
    failures, count = [], 0
    for name, obj, path, word in _mutations(objects):
        given[0] = [_mutated(obj, path, WRONG[word]), copy.deepcopy(COMPANION)]
        for command, (argv, allowed) in COMMANDS.items():
            code, err = _run([*argv, "rendered.yaml"])
            count += 1
            one_line = code != 2 or (err.startswith("wizard: ") and err.count("\n") == 1)
            if code not in allowed or not one_line or "Traceback" in err:
                failures.append(f"{command}: {name} as {word}: exit {code}: {err.strip()[:300]}")
    return failures, count


def test_every_field_of_the_renders_in_every_wrong_type(given: list[list[Any]]) -> None:
    objects = _model_objects() + _data_objects()
    assert any(obj["kind"] == "Deployment" for obj in _data_objects())
    for folder in RENDER_FOLDERS:
        objects += _render_objects(folder) if (SHARED / folder).is_dir() else []
    failures, count = _failures(objects, given)
    assert count > 3000
    assert not failures, f"{len(failures)} of {count} runs failed:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize(("change", "words"), [
    (lambda o: o["spec"].update(containers="x"), "spec.containers is a string"),
    (lambda o: o["spec"].update(securityContext="x"), "spec.securityContext is a string"),
    (lambda o: o["spec"]["containers"][0].update(securityContext=5),
     "spec.containers[0].securityContext is the number"),
    (lambda o: o["spec"].update(volumes={"a": 1}), "spec.volumes is a map"),
    (lambda o: o["metadata"].update(labels=["a"]), "metadata.labels is a list"),
])
def test_each_command_refuses_the_same_malformed_object_with_the_same_line(change: Any, words: str,
                                                                          given: list[list[Any]]) -> None:
    pod = copy.deepcopy(COMPANION)
    change(pod)
    given[0] = [pod]
    lines = set()
    for argv, _ in COMMANDS.values():
        code, err = _run([*argv, "pods.yaml"])
        assert code == 2 and words in err and "the API server would refuse" in err
        lines.add(err)
    assert len(lines) == 1 and "pods.yaml, document 1 (Pod/companion)" in lines.pop()


def test_a_statefulset_with_claim_templates_of_the_wrong_shape_is_refused(given: list[list[Any]]) -> None:
    given[0] = [{"kind": "StatefulSet", "metadata": {"name": "s"},
                 "spec": {"volumeClaimTemplates": "x", "template": {"spec": {"containers": [{"name": "c"}]}}}}]
    for argv, _ in COMMANDS.values():
        code, err = _run([*argv, "s.yaml"])
        assert code == 2 and "spec.volumeClaimTemplates is a string" in err


def test_two_billion_replicas_list_a_hundred_claims_and_one_line_for_the_rest(given: list[list[Any]]) -> None:
    from wizard.analysis.manifests import Manifest
    from wizard.analysis.volumes import MAX_LISTED_REPLICAS, inventory

    statefulset = {"kind": "StatefulSet", "metadata": {"name": "s"},
                   "spec": {"replicas": 2_000_000_000, "template": {"spec": {"containers": [{"name": "c"}]}},
                            "volumeClaimTemplates": [{"metadata": {"name": "d"}, "spec": {}}]}}
    claims = inventory([Manifest(statefulset, "s.yaml", 1)])
    assert len(claims) == MAX_LISTED_REPLICAS + 1
    assert claims[-1].name == f"d-s-{MAX_LISTED_REPLICAS}...1999999999"
    given[0] = [statefulset]
    assert _run(["explain", "--manifests", "s.yaml"])[0] == 0


def test_the_quick_check_and_the_full_check_agree_on_every_mutation() -> None:
    from wizard.analysis import shapes

    for name, obj, path, word in _mutations(_model_objects()):
        mutated = _mutated(obj, path, WRONG[word])
        kind = mutated.get("kind")
        fields = shapes._FIELDS.get(kind, shapes._OTHER) if isinstance(kind, str) else shapes._OTHER
        quick = all(mutated.get(key) is None or node.ok(mutated.get(key)) for key, node in fields)
        full: list[Any] = []
        for key, node in fields:
            if mutated.get(key) is not None:
                node.check(mutated[key], (key,), full)
        assert quick == (not full), f"{name} as {word}: quick {quick}, full {[str(p) for p in full]}"


def test_model_renders_with_malformed_fields_are_analysed_without_them_and_said_to_be_refused() -> None:
    """The embedded models render someone's values: a field of the wrong type is taken out, the report is built,
    and a danger finding names the field (the API server would refuse the object)."""
    from wizard.analysis.manifests import from_render
    from wizard.reporting.findings import add_findings
    from wizard.reporting.report import build

    failures = []
    for name, obj, path, word in _mutations(_model_objects()):
        manifests = from_render([_mutated(obj, path, WRONG[word]), copy.deepcopy(COMPANION)], "model")
        try:
            report = add_findings(build(manifests, version=(1, 37), default_namespace="org-1", source="embedded"),
                                  manifests)
        except Exception as error:  # noqa: BLE001 - any exception is the failure this test looks for
            from wizard.core.errors import WizardError

            if not isinstance(error, WizardError):
                failures.append(f"{name} as {word}: {type(error).__name__}: {error}")
            continue
        said = [f.message for f in report.findings if "the API server will refuse" in f.message]
        if manifests[0].malformed and not said:
            failures.append(f"{name} as {word}: malformed {manifests[0].malformed} but no finding")
    assert not failures, "\n".join(failures[:40])


def test_explain_of_values_that_render_a_malformed_pod_says_helm_install_fails(tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("postgresql: {primary: {podSecurityContext: {enabled: true, seccompProfile: x}}}\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["explain", "--values", f"substra-backend={values}"]) == 0
    said = " ".join(out.getvalue().split())  # each finding is wrapped whole over as many lines as it needs
    assert ("StatefulSet/backend-postgresql as substra-backend 26.15.3 (embedded model) renders it: "
            "spec.template.spec.securityContext.seccompProfile is a string") in said
    assert "the API server will refuse this object, so helm install fails" in said


@pytest.mark.parametrize(("documents", "words"), [
    ([], {"netpol": "no pods or workloads in rendered.yaml", "explain": "no Kubernetes objects in rendered.yaml"}),
    ([{"kind": "Secret", "metadata": {"name": "s"}}], {"netpol": "no pods or workloads in rendered.yaml"}),
    ([{"kind": "List", "items": "x"}], {c: "items is not a list of objects" for c in COMMANDS}),
    ([{"kind": "List", "items": ["x"]}], {c: "not a Kubernetes object" for c in COMMANDS}),
    ([{"kind": "PodList", "items": {"a": 1}}], {"netpol": "no pods or workloads"}),
    ([["a"], "x"], {c: "not a Kubernetes object" for c in COMMANDS}),
    ([{"kind": ["Pod"], "metadata": {"name": "p"}}], {c: "kind is a list" for c in COMMANDS}),
    ([{"kind": "Pod", "metadata": {"name": "p", "labels": {1: "a"}}}],
     {c: "metadata.labels[1] is a key that is not a string" for c in COMMANDS}),
])
def test_files_without_pods_or_with_odd_lists_end_in_a_line_or_an_answer(documents: list[Any], words: dict[str, str],
                                                                         given: list[list[Any]]) -> None:
    for command, (argv, allowed) in COMMANDS.items():
        given[0] = copy.deepcopy(documents)
        code, err = _run([*argv, "rendered.yaml"])
        assert code in allowed and "internal error" not in err, (command, err)
        if command in words:
            assert code == 2 and words[command] in err, (command, err)
