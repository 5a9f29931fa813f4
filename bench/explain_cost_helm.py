"""Charts comparable to what the embedded model renders, written at bench time, to time Helm's engine on them.

The command line writes a preset's comparable charts and, with helm-python-sdk, times their render:

    python bench/explain_cost_helm.py [--preset NAME ...] [--out FOLDER] [--runs 30] [--no-render] [--shared PATH]

Substra's chart templates are not ours to copy (../shared holds the real charts' values, not their templates), so this
writes its own: for one release of a preset, a parent chart plus one subchart per subchart the model shows
(helm.sh/chart label: postgresql, redis, minio, docker-registry...), with a dependency and `condition` each, and one
template file per object the model renders (same kinds, same counts), plus one Service per Deployment/StatefulSet
(the real charts have them; the model leaves them out). Every template is generic and driven by values, the way chart
templates are: `include`d name, label and image helpers, an `if` on the object's `enabled`, `range` over containers,
ports, labels and policy rules, `toYaml` of security contexts, volumes and selectors. Each values.yaml holds the
chart's real default values (data, not templates) plus the per-object data under `benchObjects`, and the render gets
the preset's own override values, so Helm coalesces trees of the real size.

What is left out, and why these charts understate Helm's cost: the real charts' ConfigMaps, Secrets, RBAC
(ServiceAccounts, Roles, RoleBindings), PodDisruptionBudget and Ingresses, and the Bitnami `common` library helpers
their templates call for nearly every field. The real substra-backend default render in ../shared has 81 objects in
103 KiB of YAML; the comparable backend chart of `--preset minimal` renders 47 objects in 44.5 KiB.

How far below: issue 15 measured the real substra-backend chart's Helm render at 90-112 ms, 21x the whole embedded
explain, on its host, and the comparable charts at about a quarter of the real cost. The real chart cannot be rendered
here (../shared holds its values, not its templates), so that figure is the issue's, not ours. Measured here (2 CPUs,
a noisy shared host, several runs): the comparable substra-backend chart renders in 29-47 ms depending on the preset
and the run (1.9-3.9x below the issue's 90-112 ms, across hosts), and comes to 2.6-4.8x the whole embedded explain in
the same run of bench/explain_cost.py, against the issue's 21x for the real chart: 4-8x below. Read every
"comparable" Helm figure as a floor, not as Helm's cost.

Without --out the charts go to a temporary folder, removed afterwards. Timing needs helm-python-sdk (in the test
extra); without it the command says so and exits 2 (--no-render only writes the charts). Not a test.
bench/explain_cost.py imports preset_plan, write_preset and render_times from here for its per-preset Helm comparison.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.analysis.manifests import pod_metadata, pod_spec
from wizard.charts.chart_defaults import load_defaults
from wizard.charts.renderer import EmbeddedRenderer
from wizard.planning import presets
from wizard.planning.layers import Layer, build_plan
from wizard.planning.plan import Plan
from wizard.reporting.explain import plan_inputs

CHART_LABEL = "helm.sh/chart"
WORKLOADS = ("Deployment", "StatefulSet", "Job", "Pod")

HELPERS = """{{- define "bench.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "bench.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | default .Chart.Version | quote }}
{{- end -}}

{{- define "bench.image" -}}
{{- if .registry }}{{ .registry }}/{{ end }}{{ .repository }}:{{ .tag | default "latest" }}
{{- end -}}

{{- define "bench.containers" -}}
{{- range . }}
- name: {{ .name }}
  image: {{ include "bench.image" .image | quote }}
  {{- with .securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .ports }}
  ports:
    {{- range .ports }}
    - name: {{ .name | default "port" }}
      containerPort: {{ .containerPort }}
      protocol: {{ .protocol | default "TCP" }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end -}}
"""

WORKLOAD = """{{- $o := .Values.benchObjects.%(key)s }}
{{- if $o.enabled }}
apiVersion: %(api)s
kind: %(kind)s
metadata:
  name: {{ .Release.Name }}-{{ $o.suffix }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "bench.labels" . | nindent 4 }}
  {{- with $o.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
%(body)s
{{- end }}
"""



def _pod_spec(indent: int) -> str:
    """The pod spec part of a workload template, its keys at column `indent`."""
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in f"""{{{{- with $o.serviceAccountName }}}}
serviceAccountName: {{{{ . }}}}
{{{{- end }}}}
{{{{- with $o.podSecurityContext }}}}
securityContext:
  {{{{- toYaml . | nindent {indent + 2} }}}}
{{{{- end }}}}
{{{{- if $o.initContainers }}}}
initContainers:
  {{{{- include "bench.containers" $o.initContainers | nindent {indent + 2} }}}}
{{{{- end }}}}
containers:
  {{{{- include "bench.containers" $o.containers | nindent {indent + 2} }}}}
{{{{- with $o.volumes }}}}
volumes:
  {{{{- toYaml . | nindent {indent + 2} }}}}
{{{{- end }}}}""".splitlines())


def _pod_labels(indent: int) -> str:
    pad = " " * indent
    return "\n".join(pad + line for line in """labels:
  {{- range $name, $value := $o.podLabels }}
  {{ $name }}: {{ $value | quote }}
  {{- end }}""".splitlines())


SERVICE = """{{- $o := .Values.benchObjects.%(key)s }}
{{- if $o.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-{{ $o.suffix }}
  labels:
    {{- include "bench.labels" . | nindent 4 }}
spec:
  type: {{ $o.serviceType | default "ClusterIP" }}
  ports:
    {{- range $o.containers }}{{ range .ports }}
    - name: {{ .name | default "port" }}
      port: {{ .containerPort }}
      targetPort: {{ .name | default .containerPort }}
    {{- end }}{{ end }}
  selector:
    {{- range $name, $value := $o.podLabels }}
    {{ $name }}: {{ $value | quote }}
    {{- end }}
{{- end }}
"""

POLICY = """{{- $o := .Values.benchObjects.%(key)s }}
{{- if $o.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $o.name }}
  namespace: {{ .Release.Namespace }}
spec:
  podSelector:
    {{- toYaml $o.podSelector | nindent 4 }}
  {{- with $o.policyTypes }}
  policyTypes:
    {{- range . }}
    - {{ . }}
    {{- end }}
  {{- end }}
  {{- range $direction, $peers := dict "ingress" "from" "egress" "to" }}
  {{- if hasKey $o $direction }}
  {{ $direction }}:
    {{- range (get $o $direction) }}
    - {{- if hasKey . $peers }}
      {{ $peers }}:
        {{- toYaml (get . $peers) | nindent 8 }}
      {{- end }}
      {{- with .ports }}
      ports:
        {{- range . }}
        - {{- with .port }} port: {{ . }}{{ end }}
          protocol: {{ .protocol | default "TCP" }}
        {{- end }}
      {{- end }}
    {{- end }}
  {{- end }}
  {{- end }}
{{- end }}
"""

CLAIM = """{{- $o := .Values.benchObjects.%(key)s }}
{{- if $o.enabled }}
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ $o.name }}
  labels:
    {{- include "bench.labels" . | nindent 4 }}
spec:
  accessModes:
    {{- range $o.accessModes }}
    - {{ . | quote }}
    {{- end }}
  resources:
    requests:
      storage: {{ $o.size | quote }}
  {{- if $o.storageClass }}
  storageClassName: {{ $o.storageClass | quote }}
  {{- end }}
{{- end }}
"""


def _image(text: str) -> dict[str, str]:
    """`registry/repository:tag` back into the map charts keep in their values."""
    name, _, tag = str(text).rpartition(":") if ":" in str(text).rsplit("/", 1)[-1] else (str(text), "", "")
    registry, _, repository = name.partition("/") if "." in name.split("/", 1)[0] else ("", "", name)
    return {"registry": registry, "repository": repository, "tag": tag}


def _containers(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{"name": c.get("name"), "image": _image(c.get("image", "")), "securityContext": c.get("securityContext"),
             "ports": c.get("ports") or []} for c in items or []]


def _workload_data(obj: dict[str, Any], release: str) -> dict[str, Any]:
    spec = pod_spec(obj) or {}
    meta = obj.get("metadata") or {}
    data = {"enabled": True, "suffix": str(meta.get("name", "")).removeprefix(f"{release}-"),
            "annotations": meta.get("annotations"), "podLabels": pod_metadata(obj).get("labels") or {},
            "serviceAccountName": spec.get("serviceAccountName"), "podSecurityContext": spec.get("securityContext"),
            "initContainers": _containers(spec.get("initContainers")),
            "containers": _containers(spec.get("containers")),
            "volumes": spec.get("volumes"), "replicas": (obj.get("spec") or {}).get("replicas"),
            "claimTemplates": (obj.get("spec") or {}).get("volumeClaimTemplates")}
    return {key: value for key, value in data.items() if value is not None}


def _workload_template(kind: str, key: str) -> str:
    if kind == "Pod":
        body = f"{_pod_labels(2)}\nspec:\n{_pod_spec(2)}"
    else:
        replicas = "  replicas: {{ $o.replicas | default 1 }}\n" if kind != "Job" else ""
        claims = ("  {{- with $o.claimTemplates }}\n  volumeClaimTemplates:\n    {{- toYaml . | nindent 4 }}\n"
                  "  {{- end }}\n") if kind == "StatefulSet" else ""
        selector = ("  selector:\n    matchLabels:\n      app.kubernetes.io/instance: {{ .Release.Name | quote }}\n"
                    if kind != "Job" else "")
        body = (f"spec:\n{replicas}{selector}{claims}  template:\n    metadata:\n{_pod_labels(6)}\n"
                f"    spec:\n{_pod_spec(6)}")
    api = {"Pod": "v1", "Job": "batch/v1"}.get(kind, "apps/v1")
    return WORKLOAD % {"key": key, "api": api, "kind": kind, "body": body}


def _policy_data(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec") or {}
    data = {"enabled": True, "name": (obj.get("metadata") or {}).get("name"), "podSelector": spec.get("podSelector"),
            "policyTypes": spec.get("policyTypes")}
    for direction in ("ingress", "egress"):
        if direction in spec:
            data[direction] = spec[direction] or []
    return data


def _claim_data(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec") or {}
    return {"enabled": True, "name": (obj.get("metadata") or {}).get("name"), "accessModes": spec.get("accessModes"),
            "size": ((spec.get("resources") or {}).get("requests") or {}).get("storage"),
            "storageClass": spec.get("storageClassName")}


def _chart_files(name: str, version: str, objects: list[dict[str, Any]], release: str, defaults: dict[str, Any],
                 subcharts: list[tuple[str, str]]) -> tuple[dict[str, str], Counter[str]]:
    """The files of one chart (parent or subchart): Chart.yaml, values.yaml, helpers, one template per object."""
    files = {"templates/_helpers.tpl": HELPERS}
    data: dict[str, Any] = {}
    kinds: Counter[str] = Counter()
    for index, obj in enumerate(objects):
        kind, key = obj.get("kind", ""), f"o{index}"
        if kind in WORKLOADS:
            data[key] = _workload_data(obj, release)
            files[f"templates/{kind.lower()}-{index}.yaml"] = _workload_template(kind, key)
            if kind in ("Deployment", "StatefulSet"):
                files[f"templates/service-{index}.yaml"] = SERVICE % {"key": key}
                kinds["Service"] += 1
        elif kind == "NetworkPolicy":
            data[key] = _policy_data(obj)
            files[f"templates/networkpolicy-{index}.yaml"] = POLICY % {"key": key}
        elif kind == "PersistentVolumeClaim":
            data[key] = _claim_data(obj)
            files[f"templates/pvc-{index}.yaml"] = CLAIM % {"key": key}
        else:
            continue
        kinds[kind] += 1
    chart = {"apiVersion": "v2", "name": name, "version": version, "type": "application",
             "dependencies": [{"name": sub, "version": ver, "condition": f"{sub}.enabled"} for sub, ver in subcharts]}
    files["Chart.yaml"] = json.dumps(chart, indent=1)  # JSON is YAML
    files["values.yaml"] = json.dumps({**defaults, "benchObjects": data}, indent=1)
    return files, kinds


def write_chart(folder: Path, chart: str, version: str, objects: list[dict[str, Any]], release: str
                ) -> Counter[str]:
    """Write a chart comparable to these model objects (one release) under folder/chart; the object kinds it has."""
    own = f"{chart}-{version}"
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for obj in objects:
        label = (pod_metadata(obj).get("labels") or {}).get(CHART_LABEL) or \
            ((obj.get("metadata") or {}).get("labels") or {}).get(CHART_LABEL) or own
        name, _, ver = str(label).rpartition("-")
        groups.setdefault((name, ver) if label != own and name else (chart, version), []).append(obj)
    defaults = load_defaults(chart, version)
    subcharts = [key for key in groups if key != (chart, version)]
    total: Counter[str] = Counter()
    for (name, ver), members in groups.items():
        parent = (name, ver) == (chart, version)
        tree = defaults if parent else (defaults.get(name) if isinstance(defaults.get(name), dict) else {})
        files, kinds = _chart_files(name, ver, members, release, tree, subcharts if parent else [])
        root = folder / chart if parent else folder / chart / "charts" / name
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        total += kinds
    return total


# ---- a preset's comparable charts, and their render with Helm's engine ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared"
REAL_BACKEND_RENDER = "reference/substra-renders/substra-backend/00-defaults.yaml"
ISSUE_REAL_BACKEND_MS = (90.0, 112.0)
"""Issue 15's measurement of the real substra-backend chart's Helm render (its host, not this run's)."""


@dataclass(frozen=True)
class ComparableRelease:
    """One release of a preset: where its comparable chart was written, and what Helm's render gets."""

    chart: str
    folder: Path
    release: str
    namespace: str
    values: dict[str, Any]
    kinds: Counter[str]


def preset_plan(name: str) -> Plan:
    return build_plan([Layer(name, presets.load(name).plan)])


def write_preset(folder: Path, plan: Plan) -> list[ComparableRelease]:
    """A comparable chart for each release the plan installs, under folder/<chart>."""
    renderer = EmbeddedRenderer()
    written = []
    for item in plan_inputs(plan):
        release = item.release
        objects = renderer.render(release.chart, release.version, dict(item.values), release=release.release,
                                  namespace=release.namespace)
        kinds = write_chart(folder, release.chart, release.version, objects, release.release)
        written.append(ComparableRelease(release.chart, folder / release.chart, release.release, release.namespace,
                                         dict(item.values), kinds))
    return written


def render_times(releases: list[ComparableRelease], runs: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Wall ms of Helm's render of each release, `runs` rounds after a warm-up (charts loaded once), and each
    release's rendered YAML. Needs helm_python."""
    import helm_python  # type: ignore[import-not-found]

    charts = [helm_python.Chart.load(str(item.folder)) for item in releases]
    try:
        def render(chart: Any, item: ComparableRelease) -> dict[str, str]:
            return chart.render(dict(item.values), name=item.release, namespace=item.namespace)

        pairs = list(zip(charts, releases, strict=True))
        outputs = {item.chart: "".join(render(chart, item).values()) for chart, item in pairs}
        times: dict[str, list[float]] = {item.chart: [] for item in releases}
        for _ in range(runs):
            for chart, item in pairs:
                start = time.perf_counter()
                render(chart, item)
                times[item.chart].append((time.perf_counter() - start) * 1000)
    finally:
        for chart in charts:
            chart.close()
    return times, outputs


def _objects(yaml_text: str) -> Counter[str]:
    """Kinds of the objects in Helm output (each object's `kind:` at column 0)."""
    return Counter(re.findall(r"^kind: *(\S+)", yaml_text, re.MULTILINE))


def _real_backend(shared: Path) -> str:
    """A line on the real substra-backend default render in the shared folder, or why there is none."""
    path = shared / REAL_BACKEND_RENDER
    if not path.is_file():
        return f"  (no real backend render at {path} to compare sizes with; --shared PATH)"
    text = path.read_text(encoding="utf-8")
    kinds = _objects(text)
    return (f"  real substra-backend, default values ({path.name} in ../shared, Helm's output): "
            f"{sum(kinds.values())} objects, {len(text.encode()) / 1024:.1f} KiB")


def _report_preset(name: str, releases: list[ComparableRelease], runs: int) -> float | None:
    """Print each release's render; the comparable substra-backend chart's median ms, if the preset has one."""
    times, outputs = render_times(releases, runs)
    print(f"helm render --preset {name}: comparable charts, median of {runs} renders each after a warm-up:")
    for item in releases:
        kinds = _objects(outputs[item.chart])
        print(f"  {item.chart:<16} {statistics.median(times[item.chart]):7.2f} ms  {sum(kinds.values()):3} objects  "
              f"{len(outputs[item.chart].encode()) / 1024:5.1f} KiB")
    totals = [sum(round_) for round_ in zip(*times.values(), strict=True)]
    print(f"  {'every release':<16} {statistics.median(totals):7.2f} ms")
    return statistics.median(times["substra-backend"]) if "substra-backend" in times else None


def _compare_with_real(backend_ms: list[float], shared: Path) -> None:
    """The comparable backend charts beside the real chart: its size measured here, its time as the issue gives it."""
    print("the real substra-backend chart (its templates are not here, so Helm cannot render it in this run):")
    path = shared / REAL_BACKEND_RENDER
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        print(f"  its default render in the shared folder ({path.name}): {sum(_objects(text).values())} objects, "
              f"{len(text.encode()) / 1024:.1f} KiB of YAML")
    else:
        print(f"  (no render at {path} to compare sizes with; give the shared folder with --shared PATH)")
    low, high = ISSUE_REAL_BACKEND_MS
    fastest, slowest = min(backend_ms), max(backend_ms)
    print(f"  issue 15 measured its Helm render at {low:.0f}-{high:.0f} ms on the host it was filed from (not this "
          f"run): {low / slowest:.1f}-{high / fastest:.1f}x the comparable substra-backend charts here "
          f"({fastest:.1f}-{slowest:.1f} ms), a comparison across hosts; bench/explain_cost.py compares on one host")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Exit codes: 0 done, 2 bad option or helm-python-sdk missing for timing.")
    parser.add_argument("--preset", action="append", choices=presets.names(), metavar="NAME",
                        help=f"a preset to write charts for (repeatable; default: all of {', '.join(presets.names())})")
    parser.add_argument("--out", type=Path, metavar="FOLDER",
                        help="write the charts under FOLDER/<preset>/<chart> and keep them (default: a temporary "
                             "folder)")
    parser.add_argument("--runs", type=int, default=30, help="timed renders per release (default: 30)")
    parser.add_argument("--no-render", action="store_true", help="only write the charts, do not time Helm")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help=f"the project's shared folder, for the real render's size (default: {DEFAULT_SHARED})")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs {args.runs}: give 1 or more")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out}: exists and is not a folder; give a folder")
    helm = importlib.util.find_spec("helm_python") is not None
    if not helm and not args.no_render and args.out is None:
        print("explain_cost_helm: helm-python-sdk is not installed, so Helm's engine cannot be timed (pip install "
              "helm-python-sdk, or the project's test extra); --out FOLDER --no-render only writes the charts",
              file=sys.stderr)
        return 2
    backend_ms: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        base = args.out if args.out is not None else Path(scratch)
        for name in args.preset or presets.names():
            releases = write_preset(base / name, preset_plan(name))
            if args.out is not None:
                print(f"--preset {name}: wrote {', '.join(str(item.folder) for item in releases)}")
            if helm and not args.no_render:
                backend = _report_preset(name, releases, args.runs)
                backend_ms += [backend] if backend is not None else []
    if backend_ms:
        _compare_with_real(backend_ms, args.shared)
    if not helm and not args.no_render:
        print("explain_cost_helm: helm-python-sdk is not installed, so Helm's engine was not timed (pip install "
              "helm-python-sdk, or the project's test extra)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
