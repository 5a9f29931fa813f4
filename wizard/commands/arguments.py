"""The command line's shared vocabulary: the options several commands take (where a Plan comes from, which cluster,
which manifests), each argument's check with a message naming what to do, and the defaults they share."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from wizard.charts import SUPPORTED_VERSIONS

DEFAULT_PRESET = "minimal"
DEFAULT_OUT = "substra-deploy"
DEFAULT_INSTALL_TIMEOUT = 600.0
"""Seconds each chart may take to become ready (--timeout)."""


def add_plan_sources(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """--preset, --answers and --set: where a Plan comes from (the wizard and `wizard explain` share them)."""
    parser.add_argument("--preset", metavar="NAME", type=preset_name,
                        help=f"start from a preset (default: {DEFAULT_PRESET} when no --answers is given; "
                             "see wizard --list-presets)")
    parser.add_argument("--answers", metavar="FILE", type=path_argument(),
                        help="start from an answers file (wizard-answers.yaml written by an earlier run)")
    parser.add_argument("--set", metavar="PATH=VALUE", action="append", default=[], dest="sets",
                        help="override one decision, e.g. --set features.builder=false "
                             "--set storage.worker.size=50Gi (repeatable)")


def add_cluster_options(parser: argparse.ArgumentParser, *, install: bool = True) -> None:
    """Options of every command that talks to a cluster: which one, where the charts come from, how long to wait."""
    parser.add_argument("--kubeconfig", metavar="FILE", type=kubeconfig_path,
                        help="kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--kube-context", metavar="NAME", help="context to use (default: the current one)")
    parser.add_argument("--charts", metavar="SOURCE", type=charts_source,
                        help="where Helm takes the charts: a folder of chart archives (helm pull) or unpacked "
                             "charts, oci://REGISTRY/PATH, or a chart repository URL (default: the Substra "
                             "repository; sets target.charts)")
    if install:
        parser.add_argument("--timeout", metavar="SECONDS", type=seconds, default=DEFAULT_INSTALL_TIMEOUT,
                            help=f"with --install: how long each chart may take to become ready (default "
                                 f"{DEFAULT_INSTALL_TIMEOUT:.0f})")


def charts_sets(args: argparse.Namespace) -> list[str]:
    """--set assignments with --charts as the last one (it is the target.charts decision)."""
    return [*args.sets, *([f"target.charts={args.charts}"] if args.charts else [])]


def path_argument(*, stdin: bool = False, output: bool = False) -> Callable[[str], Path]:
    """argparse `type=` of every path option: refuses an empty path, a NUL, an over-long name (wizard.core.paths)."""
    from wizard.core.paths import argument

    return argument(stdin=stdin, output=output)


def manifest_file(text: str) -> str:
    """argparse `type=` of the manifest files (FILE..., --manifests): a path as every path option checks it, or `-`
    for standard input; kept as the text given, which messages repeat."""
    return str(path_argument(stdin=True)(text))


def kubeconfig_path(text: str) -> str:
    """An empty --kubeconfig would fall back to $KUBECONFIG without a word: refused, as every empty path is."""
    return str(path_argument()(text))


def charts_source(text: str) -> str:
    """--charts is a folder or a URL: an empty one is refused (it would unset the source without a word), and a
    folder is checked as every path is."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the chart source is empty; give a folder, oci://... or a repository URL")
    if "://" not in text:
        path_argument()(text)
    return text


def preset_name(text: str) -> str:
    """An empty --preset would mean the default preset without a word: refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the preset name is empty; see wizard --list-presets")
    return text


def seconds(text: str) -> float:
    """argparse `type=` of --timeout: a number of seconds from 1 to 86400."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 1 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 1 to 86400")
    return value


def default_preset(preset: str | None, answers: Path | None) -> str | None:
    """The preset a run starts from: the one given, else minimal unless an answers file says everything."""
    return preset or (None if answers else DEFAULT_PRESET)


def chart_file(value: str) -> tuple[str, Path]:
    """CHART=FILE, CHART one of the supported charts (argparse type; its message lists them)."""
    chart, sep, path = value.partition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"{value!r}: write CHART=FILE, e.g. substra-backend=values.yaml")
    if chart not in SUPPORTED_VERSIONS:
        raise argparse.ArgumentTypeError(f"{chart!r} is not a chart the wizard knows; use one of "
                                         f"{', '.join(SUPPORTED_VERSIONS)}")
    return chart, path_argument()(path)


def imported_layers(files: list[tuple[str, Path]]) -> list:
    """The layer the --import files make (none without files), for planning.layers.plan_layers to put after the
    answers file and before the --set assignments."""
    if not files:
        return []
    from wizard.support.importing import import_values

    return [import_values(files).layer]


def add_manifest_files(parser: argparse.ArgumentParser) -> None:
    """The FILE... argument of the commands that read rendered manifests."""
    parser.add_argument("files", nargs="+", metavar="FILE", type=manifest_file,
                        help="manifest files (multi-document YAML, e.g. helm template output); - reads standard input")


def kubernetes_version(value: str) -> tuple[int, int]:
    """argparse type of --k8s-version: `1.N` or `latest`, refused with the reason otherwise."""
    from wizard.analysis import pss

    try:
        return pss.parse_version(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_report_options(parser: argparse.ArgumentParser, version_help: str) -> None:
    """--k8s-version and --no-runtime-pods: how the commands that build an explain report build it."""
    parser.add_argument("--k8s-version", type=kubernetes_version, default=None, metavar="1.N|latest",
                        help=version_help)
    parser.add_argument("--no-runtime-pods", action="store_true",
                        help="leave out the pods the backend creates at run time (Kaniko builds, compute tasks)")
