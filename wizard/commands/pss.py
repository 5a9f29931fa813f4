"""`wizard pss FILE...`: which pods of rendered manifests a namespace enforcing a Pod Security level would reject.

Exit codes: 0 every workload allowed, 1 some workload not allowed, 2 unreadable input (raised as WizardError and
reported by `cli.main`). Results go to stdout; argparse's usage errors to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from wizard.analysis import pss
from wizard.analysis.manifests import Manifest, read_manifests
from wizard.commands.arguments import add_manifest_files, kubernetes_version

EXIT_ALLOWED, EXIT_NOT_ALLOWED = 0, 1
_CONTROLLERS_NOTE = ("Note: the API server admits Deployments, StatefulSets, DaemonSets, Jobs and CronJobs anyway (it "
                     "only warns); it rejects the pods they create, so `helm install` succeeds but those pods never "
                     "start (`kubectl describe` on the ReplicaSet, StatefulSet or Job shows the error).")


@dataclass(frozen=True)
class Result:
    """One workload's verdict at the requested level."""

    manifest: Manifest
    violations: list[pss.Violation]
    highest_level: str

    @property
    def allowed(self) -> bool:
        return not self.violations


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard pss",
        description="Check rendered Kubernetes manifests (e.g. the output of helm template) against a Pod Security "
                    "Standards level, as the PodSecurity admission controller of a namespace labelled "
                    "pod-security.kubernetes.io/enforce=LEVEL would, and say what each workload must change.",
        epilog="Exit codes: 0 every workload allowed, 1 at least one workload not allowed, 2 unreadable input "
               "or bad arguments.",
    )
    add_manifest_files(parser)
    parser.add_argument("--level", choices=pss.LEVELS[1:], default="restricted",
                        help="the level the namespace enforces (default: restricted, the strictest)")
    parser.add_argument("--k8s-version", type=kubernetes_version, default=pss.LATEST, metavar="1.N|latest",
                        help=f"the policy version (the namespace's enforce-version label; default: latest, "
                             f"i.e. {pss.format_version(pss.LATEST)}, the newest rules this wizard knows)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard pss`; returns the exit code. Unreadable files raise OutputError (exit 2 in cli.main)."""
    args = _parser().parse_args(list(argv))
    version = pss.clamp(args.k8s_version)
    if version != tuple(args.k8s_version):
        print(f"wizard pss: v1.{args.k8s_version[1]} is newer than the newest rules this wizard knows; evaluating "
              f"with {pss.format_version(version)}.", file=sys.stderr)
    manifests = read_manifests(args.files)
    results = [result for m in manifests if (result := _evaluate(m, args.level, version)) is not None]
    skipped = len(manifests) - len(results)
    if args.format == "json":
        _print_json(sys.stdout, results, args.level, version, skipped)
    else:
        _print_text(sys.stdout, results, args.level, version, skipped)
    return EXIT_ALLOWED if all(result.allowed for result in results) else EXIT_NOT_ALLOWED


def _evaluate(manifest: Manifest, level: str, version: tuple[int, int]) -> Result | None:
    violations = pss.evaluate_object(manifest.obj, level, version)
    if violations is None:
        return None
    return Result(manifest, violations, _highest(manifest, level, violations, version))


def _highest(manifest: Manifest, level: str, violations: list[pss.Violation], version: tuple[int, int]) -> str:
    """The strictest level the workload passes, reusing the verdict already computed at `level`."""
    if level == "restricted" and not violations:
        return "restricted"
    other = "baseline" if level == "restricted" else "restricted"
    passes_other = pss.evaluate_object(manifest.obj, other, version) == []
    if level == "restricted":
        return "baseline" if passes_other else "privileged"
    return "restricted" if passes_other else ("baseline" if not violations else "privileged")


def _where(manifest: Manifest) -> str:
    namespace = f"namespace {manifest.namespace}, " if manifest.namespace else ""
    return f"{namespace}document {manifest.document}"


def _verdict(result: Result, label: str) -> str:
    if result.allowed:
        stricter = "; it also passes restricted" if result.highest_level != label.split(":")[0] else ""
        return f"allowed at {label}{stricter}"
    if result.highest_level == "privileged":
        too = " it fails baseline too and" if label.startswith("restricted") else ""
        return f"NOT allowed at {label};{too} it needs a privileged namespace. To fix:"
    return f"NOT allowed at {label}; it passes {result.highest_level}. To fix:"


def _print_text(out: TextIO, results: list[Result], level: str, version: tuple[int, int], skipped: int) -> None:
    label = f"{level}:{pss.format_version(version)}"
    out.write(f"Pod Security {label}: what a namespace labelled pod-security.kubernetes.io/enforce={level} "
              f"(enforce-version {pss.format_version(version)}) would admit.\n")
    current_file = None
    for result in results:
        if result.manifest.file != current_file:
            current_file = result.manifest.file
            out.write(f"{current_file}:\n")
        out.write(f"  {result.manifest.label} ({_where(result.manifest)}): {_verdict(result, label)}\n")
        for violation in result.violations:
            out.write(f"      - {violation}\n")
    out.write(_summary_line(results, label, skipped) + "\n")
    for note in _notes(results):
        out.write(note + "\n")


def _notes(results: list[Result]) -> list[str]:
    """Say when the rejection happens: bare pods at install, controllers' pods later (admission §1.5)."""
    failing = {result.manifest.kind for result in results if not result.allowed}
    notes = []
    if failing - {"Pod"}:
        notes.append(_CONTROLLERS_NOTE)
    if "Pod" in failing:
        notes.append("Note: a Pod that is not allowed is rejected when it is created (for Helm test pods: when "
                     "`helm test` runs).")
    return notes


def _summary_line(results: list[Result], label: str, skipped: int) -> str:
    allowed = sum(result.allowed for result in results)
    workloads = f"{len(results)} workload{'s' if len(results) != 1 else ''}"
    others = f"; {skipped} other object{'s' if skipped != 1 else ''} skipped (no pod template)" if skipped else ""
    return f"{workloads}: {allowed} allowed, {len(results) - allowed} not allowed at {label}{others}."


def _print_json(out: TextIO, results: list[Result], level: str, version: tuple[int, int], skipped: int) -> None:
    allowed = sum(result.allowed for result in results)
    document = {
        "level": level,
        "version": f"{version[0]}.{version[1]}",
        "objects": [_json_object(result, level, version) for result in results],
        "summary": {"workloads": len(results), "allowed": allowed, "not_allowed": len(results) - allowed,
                    "skipped": skipped},
    }
    json.dump(document, out, indent=2)
    out.write("\n")


def _json_object(result: Result, level: str, version: tuple[int, int]) -> dict[str, Any]:
    m = result.manifest
    return {
        "kind": m.kind, "name": m.name, "namespace": m.namespace, "file": m.file, "document": m.document,
        "allowed": result.allowed, "highest_level": result.highest_level,
        "message": pss.message(result.violations, level, version) if result.violations else None,
        "violations": [{"check": v.check, "reason": v.reason, "detail": v.detail, "message": str(v)}
                       for v in result.violations],
    }
