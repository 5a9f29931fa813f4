"""Generate wizard/charts/defaults/<chart>-<version>.json from the reference chart data files.

The wizard loads these JSON trees at run time (stdlib json only), so YAML parsing, anchor resolution
and subchart coalescing happen here, once, and the result is committed.

    python scripts/sync_chart_defaults.py [SOURCE]          # write the JSON files
    python scripts/sync_chart_defaults.py [SOURCE] --check  # exit 1 if a shipped file is out of date

SOURCE defaults to ../shared/reference/substra-charts, relative to the project root. It holds, per chart,
values.yaml, Chart.yaml, Chart.lock and subcharts/<dependency>/{values.yaml,Chart.yaml}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = PROJECT_ROOT.parent / "shared" / "reference" / "substra-charts"
OUTPUT_DIR = PROJECT_ROOT / "wizard" / "charts" / "defaults"

# Run as a plain script, the project root is not on sys.path; the wizard package holds the chart list
# and the coalesce rules, which must be the same at generation and at run time.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from ruamel.yaml import YAML  # noqa: E402

from wizard.charts import SUPPORTED_VERSIONS  # noqa: E402
from wizard.charts.chart_defaults import coalesce  # noqa: E402


class SourceError(Exception):
    """The reference data is missing or disagrees with itself; generating from it would mislead."""


def load_yaml(path: Path) -> object:
    """Parse one YAML file with the safe loader, which also resolves anchors and aliases."""
    if not path.is_file():
        raise SourceError(f"missing file: {path}")
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def check_json_safe(value: object, where: str = "") -> None:
    """Refuse data JSON can't hold faithfully (dates, non-string keys), rather than change it silently."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise SourceError(f"non-string key {key!r} at {where or '<root>'}")
            check_json_safe(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_json_safe(item, f"{where}[{index}]")
    elif not (value is None or isinstance(value, (str, int, float, bool))):
        raise SourceError(f"unsupported {type(value).__name__} value at {where}: {value!r}")


def load_map(path: Path) -> dict:
    """Load a YAML file that must be a map (an empty file counts as an empty map, as in Helm)."""
    data = load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(f"{path} is not a map")
    return data


def dependencies(chart_dir: Path, version: str) -> list[dict]:
    """Read Chart.yaml's dependencies, after checking the chart version and Chart.lock agree with it."""
    chart_yaml = load_map(chart_dir / "Chart.yaml")
    if str(chart_yaml.get("version")) != version:
        found = chart_yaml.get("version")
        raise SourceError(f"{chart_dir.name}: Chart.yaml has version {found}, expected {version}")
    deps = chart_yaml.get("dependencies") or []
    if deps:
        lock = load_map(chart_dir / "Chart.lock")
        locked = {d["name"]: str(d["version"]) for d in lock.get("dependencies") or []}
        for dep in deps:
            if locked.get(dep["name"]) != str(dep["version"]):
                raise SourceError(f"{chart_dir.name}: Chart.lock disagrees with Chart.yaml on {dep['name']}")
    return deps


def subchart_values(chart_dir: Path, dep: dict) -> dict:
    """Load one dependency's values.yaml, after checking its Chart.yaml is the version the parent pins."""
    sub_dir = chart_dir / "subcharts" / dep["name"]
    sub_version = str(load_map(sub_dir / "Chart.yaml").get("version"))
    if sub_version != str(dep["version"]):
        raise SourceError(f"{sub_dir}: version {sub_version}, but the parent pins {dep['version']}")
    return load_map(sub_dir / "values.yaml")


def build_tree(chart_dir: Path, version: str) -> dict:
    """Compute the values Helm would see with no overrides, every dependency included.

    Subchart values go under the dependency's name (or alias), with the parent's section coalesced over
    them. Globals: each subchart gets the parent's global merged over its own; the top-level `global`
    is the union of the subcharts' globals with the parent's over it, so every global key a chart in
    the tree reads is a known key.
    """
    parent = load_map(chart_dir / "values.yaml")
    parent_global = parent.get("global") or {}
    merged: dict[str, dict] = {}
    top_global: dict = {}
    for dep in dependencies(chart_dir, version):
        key = dep.get("alias") or dep["name"]
        section = parent.get(key) or {}
        if not isinstance(section, dict):
            raise SourceError(f"{chart_dir.name}: values for dependency {key} are not a map")
        values = coalesce(subchart_values(chart_dir, dep), section)
        if "global" in values or parent_global:
            top_global = coalesce(top_global, values.get("global") or {})
            values["global"] = coalesce(values.get("global") or {}, parent_global)
        merged[key] = values
    tree: dict = {}
    if top_global or "global" in parent:
        tree["global"] = coalesce(top_global, parent_global)
    for key, value in parent.items():
        if key != "global":
            tree[key] = merged.pop(key, value)
    tree.update(merged)  # dependencies the parent's values.yaml does not mention
    return tree


def render(tree: dict) -> str:
    """Serialise a tree the same way every time, in file key order, so --check can compare text."""
    check_json_safe(tree)
    return json.dumps(tree, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def generate(source: Path) -> dict[str, str]:
    """Return {file name: JSON text} for every supported chart version."""
    if not source.is_dir():
        raise SourceError(f"source directory not found: {source}")
    return {
        f"{chart}-{version}.json": render(build_tree(source / chart, version))
        for chart, version in SUPPORTED_VERSIONS.items()
    }


def stale_files(output_dir: Path, expected: dict[str, str]) -> list[Path]:
    """List JSON files in the output directory that no supported chart version produces any more."""
    return sorted(p for p in output_dir.glob("*.json") if p.name not in expected)


def out_of_date(output_dir: Path, expected: dict[str, str]) -> list[str]:
    """Describe every shipped file that differs from what the source produces."""
    problems = []
    for name, text in expected.items():
        path = output_dir / name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: differs from {name} generated from the source")
    for path in stale_files(output_dir, expected):
        problems.append(f"{path}: no supported chart version produces it")
    return problems


def write(output_dir: Path, expected: dict[str, str]) -> None:
    """Write the generated files and drop stale ones, so the directory mirrors SUPPORTED_VERSIONS."""
    output_dir.mkdir(parents=True, exist_ok=True)
    for name, text in expected.items():
        (output_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote {output_dir / name} ({len(text.encode('utf-8'))} bytes)")
    for path in stale_files(output_dir, expected):
        path.unlink()
        print(f"removed stale {path}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="reference charts directory"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped JSON is out of date")
    args = parser.parse_args(argv)
    try:
        expected = generate(args.source)
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        problems = out_of_date(OUTPUT_DIR, expected)
        for problem in problems:
            print(f"out of date: {problem}")
        if problems:
            print("run: python scripts/sync_chart_defaults.py")
        return 1 if problems else 0
    write(OUTPUT_DIR, expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
