"""A chart comparable to what the embedded model renders, generated at bench time, for timing Helm's engine.

Substra's chart templates are not ours to copy, so this writes its own: for one release of a preset, a parent chart
plus one subchart per subchart the model shows (helm.sh/chart label: postgresql, redis, minio, docker-registry...),
with a dependency and `condition` each, and one template file per object the model renders (same kinds, same
counts), plus one Service per Deployment/StatefulSet (the real charts have them; the model leaves them out).
Every template is generic and driven by values, the way chart templates are: `include`d name, label and image
helpers, an `if` on the object's `enabled`, `range` over containers, ports, labels and policy rules, `toYaml` of
security contexts, volumes and selectors. Each values.yaml holds the chart's real default values (data, not
templates) plus the per-object data under `benchObjects`, and the render gets the preset's own override values, so
Helm coalesces trees of the real size. What is left out: the real charts' ConfigMaps, Secrets, RBAC and Ingresses.

Only bench/explain_cost.py uses this; helm_python is imported by the caller.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from wizard.analysis.manifests import pod_metadata, pod_spec
from wizard.charts.chart_defaults import load_defaults

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
