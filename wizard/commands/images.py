"""`wizard images`: every image a plan will run or pull, to copy into a mirror before installing air-gapped."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from wizard.commands.arguments import add_plan_sources
from wizard.core.errors import WizardError

SCHEMA = "substra-wizard/images@1"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard images",
        description="List every image the plan runs: the charts' and subcharts' containers, and the images the "
                    "backend starts or pulls while it runs (Kaniko executor and cache warmer, add-cert, "
                    "registry-prepopulate, compute tasks). text: one reference per line, sorted and unique, for "
                    "mirroring tools; copy: 'UPSTREAM MIRRORED' per image on the mirror (for crane copy or skopeo "
                    "copy); json: where each image runs and whether it comes from the mirror "
                    "(features.image_mirror). Images still outside the mirror are named on standard error.",
        epilog="Exit codes: 0 done, 2 invalid input.",
    )
    add_plan_sources(parser)
    parser.add_argument("--no-runtime-pods", action="store_true",
                        help="leave out the pods the backend creates while it runs (Kaniko builds, compute tasks)")
    parser.add_argument("--format", choices=("text", "copy", "json"), default="text")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard images`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    from wizard.commands.arguments import default_preset
    from wizard.planning.layers import build_plan, plan_layers
    from wizard.reporting.image_findings import mirror_findings
    from wizard.writing.images import plan_images, references

    plan = build_plan(plan_layers(default_preset(args.preset, args.answers), args.answers, args.sets))
    mirror = plan.features.image_mirror
    uses = plan_images(plan, runtime_pods=not args.no_runtime_pods)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(uses, mirror), indent=2) + "\n")
    elif args.format == "copy":
        if not mirror:
            raise WizardError("--format copy needs an image mirror: set features.image_mirror, e.g. --set "
                              "features.image_mirror=registry.internal:5000")
        pairs = sorted({(u.upstream, u.image) for u in uses if u.in_mirror(mirror) and u.upstream != u.image})
        sys.stdout.writelines(f"{upstream} {image}\n" for upstream, image in pairs)
    else:
        sys.stdout.writelines(f"{reference}\n" for reference in references(uses))
    for finding in mirror_findings(uses, mirror):
        print(f"wizard: {finding.message}", file=sys.stderr)
    return 0


def as_json(uses: Sequence[Any], mirror: str | None) -> dict[str, Any]:
    """The stable contract: one entry per image reference, sorted, with every place it runs."""
    by_image: dict[str, list[Any]] = {}
    for use in uses:
        by_image.setdefault(use.image, []).append(use)
    images = []
    for image, places in sorted(by_image.items()):
        first = places[0]
        images.append({
            "image": image, "upstream": first.upstream, "in_mirror": first.in_mirror(mirror),
            "built_here": first.built_here,
            "values_keys": sorted({u.values_key for u in places if u.values_key}),
            "uses": [{"chart": u.chart, "release": u.release, "component": u.component, "object": u.object,
                      "container": u.container, "runtime": u.runtime, "helm_test": u.helm_test, "pulled": u.pulled}
                     for u in places]})
    return {"schema": SCHEMA, "mirror": mirror, "images": images}
