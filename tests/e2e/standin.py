"""Stand-in charts for the end-to-end tests: the real Substra charts cannot be fetched here (and their templates
never enter the project), so for a Plan each chart becomes a chart whose templates are the embedded model's own
manifests for that Plan. What Helm then creates in the test cluster is exactly what the model says the real chart
creates: the same objects, names, labels, hooks, claims and security contexts.

The archives are written as `helm pull` writes them (`<chart>-<version>.tgz`, one top folder named after the chart),
so the tests install them through the wizard's own `--charts FOLDER`.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

from wizard.charts.renderer import EmbeddedRenderer
from wizard.planning.plan import Plan
from wizard.writing.chart_inputs import plan_inputs


def manifests(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """chart -> the objects the embedded model renders for this Plan (no run-time pods: the backend makes those),
    plus the ServiceAccounts its pods run as: the real charts create them, the model leaves them out (nothing it
    analyses reads them), and the API server refuses a pod whose service account does not exist."""
    renderer = EmbeddedRenderer()
    found = {}
    for item in plan_inputs(plan):
        release = item.release
        objects = renderer.render(release.chart, release.version, dict(item.values), release=release.release,
                                  namespace=release.namespace)
        found[release.chart] = objects + service_accounts(objects, release.namespace)
    return found


def service_accounts(objects: list[dict[str, Any]], namespace: str) -> list[dict[str, Any]]:
    from wizard.analysis.manifests import pod_spec

    names = sorted({str(spec["serviceAccountName"]) for spec in map(pod_spec, objects)
                    if spec and spec.get("serviceAccountName") and spec["serviceAccountName"] != "default"})
    return [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}}
            for name in names]


def template(obj: dict[str, Any]) -> str:
    """One object as a template that renders to itself: JSON is YAML, and `{{` is the only text Helm would read as
    an action, so it is written as a template that prints it."""
    return json.dumps(obj, indent=1, sort_keys=True).replace("{{", '{{ "{{" }}') + "\n"


def package(plan: Plan, folder: Path) -> dict[str, Path]:
    """Write one archive per chart of the Plan into `folder`; chart -> archive."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for item, objects in zip(plan_inputs(plan), manifests(plan).values(), strict=True):
        chart, version = item.release.chart, item.release.version
        files = {"Chart.yaml": json.dumps({"apiVersion": "v2", "name": chart, "version": version,
                                           "description": f"stand-in for {chart} {version}: the wizard's model"}),
                 "values.yaml": "{}\n"}
        for index, obj in enumerate(objects):
            files[f"templates/{index:03d}-{obj['kind'].lower()}.yaml"] = template(obj)
        archive = folder / f"{chart}-{version}.tgz"
        with tarfile.open(archive, "w:gz") as tar:
            for name, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(f"{chart}/{name}")
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
        written[chart] = archive
    return written


def images(plan: Plan) -> set[str]:
    """Every image of every container (init containers included) in the stand-in charts' manifests."""
    from wizard.analysis.manifests import pod_spec

    found = set()
    for objects in manifests(plan).values():
        for obj in objects:
            spec = pod_spec(obj) or {}
            for container in [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]:
                found.add(str(container.get("image")))
    return found
