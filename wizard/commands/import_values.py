"""`wizard import`: read a customer's values files back into a Plan, report what they do, optionally write the files
a normal run writes (values with the customer's other keys kept verbatim, answers, install.sh)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wizard.charts import SUPPORTED_VERSIONS
from wizard.commands.arguments import chart_file, path_argument

if TYPE_CHECKING:
    from wizard.writing.secret_files import Vault


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wizard import",
        description="Read a customer's values files (as given to helm -f, or helm get values output) back into the "
                    "wizard's decisions. Reports what each file decides, keys the wizard does not model (kept "
                    "verbatim), keys the chart does not have, keys without effect and contradictions, and every "
                    "credential: a chart default, a password the backend refuses, an account entry it crashes on. "
                    "With --out, writes the values files, answers file and install.sh, and moves the credentials "
                    "inline in the files into Kubernetes Secrets under DIR/secrets/ (new ones where they were the "
                    "charts' defaults); Helm merges the written values to the same result as the customer's, apart "
                    "from the credential keys, which name those Secrets.",
        epilog="Exit codes: 0 imported (notes are warnings), 2 unreadable input or files that would be overwritten.",
    )
    parser.add_argument("--values", metavar="CHART=FILE", type=chart_file, action="append", required=True,
                        help="a values file (repeatable; several files of one chart merge in order like helm -f); "
                             f"CHART is one of {', '.join(SUPPORTED_VERSIONS)}")
    parser.add_argument("--out", metavar="DIR", type=path_argument(output=True),
                        help="write the run's files into this folder")
    parser.add_argument("--force", action="store_true",
                        help="with --out: merge into values files edited by hand (comments and extra keys kept)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `wizard import`; returns the exit code."""
    args = _parser().parse_args(list(argv))
    from wizard.planning.layers import build_plan
    from wizard.support.importing import import_values
    from wizard.support.importing.report import as_json, text
    from wizard.writing import output

    result = import_values(args.values)
    plan = build_plan([result.layer])
    planned = output.plan_files(plan, args.out, force=args.force, extras=result.extras,
                                given_secrets=result.secrets) if args.out else []
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(result), indent=2, default=str) + "\n")
    else:
        sys.stdout.write(text(result))
    if planned:
        output.write_files(planned)
        shown = [item.path.name if item.path.parent == args.out else f"{item.path.parent.name}/{item.path.name}"
                 for item in planned]
        print(f"Files in {args.out}/: {', '.join(shown)}", file=sys.stderr)
        _say_secrets(planned.vault)
    return 0


def _say_secrets(vault: Vault) -> None:
    """Which credentials came from the customer's files and which were made anew (ids only, never a value)."""
    given, generated = vault.given, vault.generated
    if given:
        print(f"Moved into secrets/ from your files: {', '.join(given)}", file=sys.stderr)
    if generated:
        print(f"Generated into secrets/ (no usable value in your files): {', '.join(generated)}", file=sys.stderr)
