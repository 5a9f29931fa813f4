"""`wizard` itself, without a command name: build the Plan from its layers, ask through a front end (the
full-screen wizard, or line prompts with --plain), write the files, then install when asked."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from wizard.commands.arguments import DEFAULT_OUT, charts_sets, default_preset, imported_layers
from wizard.core.errors import WizardError

if TYPE_CHECKING:  # the Plan's module builds pydantic models: imported only once a run needs it
    from wizard.planning.layers import Layer
    from wizard.planning.plan import Plan
    from wizard.planning.rules import Note

EXIT_OK = 0
_DONE = {"create": "created", "rewrite": "rewrote", "merge": "merged", "replace": "replaced", "unchanged": "unchanged"}


def list_presets(out: TextIO) -> int:
    from wizard.planning import presets

    for name in presets.names():
        preset = presets.load(name)
        out.write(f"{name}\n")
        for line in preset.description.splitlines():
            out.write(f"    {line}\n")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    from wizard.planning.layers import build_plan, plan_layers

    if args.install and not (args.yes or args.dry_run) and not sys.stdin.isatty():
        from wizard.commands.install import refusal

        raise WizardError(refusal())  # before any question or file: nothing could be installed this way
    if args.rotate_secrets and (args.install or args.dry_run):
        raise WizardError("--rotate-secrets writes new credentials, and the database passwords must be changed "
                          "inside PostgreSQL before the pods use them: rotate without --install or --dry-run, do what "
                          "it then says, and install after")
    args.non_interactive = args.non_interactive or args.yes
    args.sets = charts_sets(args)
    layers = _bundle_layers(args) if args.bundle else plan_layers(
        args.preset if args.imports else default_preset(args.preset, args.answers), args.answers, args.sets,
        imported_layers(args.imports))
    plan = build_plan(layers)
    started_from = " + ".join(layer.source for layer in layers)
    if not args.non_interactive:
        chosen = _ask(plan, args, layers)
        if chosen is None:
            print("Nothing was written.", file=sys.stderr)
            return EXIT_OK
        plan, started_from = chosen, f"{started_from}, then your answers"
    if args.dry_run:
        from wizard.commands import install

        return install.run(plan, None, yes=args.yes, dry_run=True, secrets_from=args.out, **_cluster_args(args))
    from wizard.planning.layers import extras_of, secrets_of

    code = _write(plan, args, started_from=started_from, extras=extras_of(layers), given_secrets=secrets_of(layers))
    if args.rotate_secrets and code == EXIT_OK:
        from wizard.commands.secrets import rotation_report

        print(rotation_report(plan, args.out), end="")
        args.install = False  # the database passwords first (rotation_report says how), then install.sh
    if args.install and code == EXIT_OK:
        from wizard.commands import install

        code = install.run(plan, args.out, yes=args.yes, dry_run=False, **_cluster_args(args))
    if not args.non_interactive:
        from wizard.frontend import resume

        resume.clear()  # the answers are in the written answers file now
    return code


def _cluster_args(args: argparse.Namespace) -> dict[str, object]:
    return {"kubeconfig": args.kubeconfig, "context": args.kube_context, "timeout": args.timeout}


def _bundle_layers(args: argparse.Namespace) -> list[Layer]:
    """The answers a bundle carries, then --set over them."""
    from wizard.core.errors import ConfigError, Problem
    from wizard.planning.layers import apply_sets
    from wizard.support.bundle import answers_layer

    if args.preset or args.answers:
        raise ConfigError([Problem("--bundle", "give either --bundle or --preset/--answers, not both")])
    layer = answers_layer(args.bundle)
    return [layer, apply_sets(layer.data, args.sets)] if args.sets else [layer]


def _ask(plan: Plan, args: argparse.Namespace, layers: Sequence[Layer]) -> Plan | None:
    """The operator's decisions through a front end: the line prompts with --plain or on a dumb terminal, the
    full-screen wizard on a terminal. Without a terminal and without --plain, say what to do instead of hanging."""
    if args.plain or os.environ.get("TERM") == "dumb":
        from wizard.frontend import prompts, resume

        fresh = args.answers or args.bundle or args.imports  # given input, not an unfinished run, is the start
        args.given_secrets = {}  # the passwords typed, for _write (never in the Plan, answers or draft)
        return prompts.run(plan, saved=None if fresh else resume.load(), keep=resume.save,
                           given_secrets=args.given_secrets, out_dir=_kept_from(args))
    if not sys.stdin.isatty():
        raise WizardError(
            "there is no terminal to ask questions in (standard input is not a TTY). To write the files without "
            f"questions, add --non-interactive (and --out DIR, default {DEFAULT_OUT}); to answer line by line from "
            "standard input, add --plain.")
    from screens.app import make_app
    from wizard.cluster.admission import judge
    from wizard.cluster.choices import discover_for
    from wizard.frontend import resume
    from wizard.frontend.review import DRY_RUN_ENDING, WRITE_ENDING

    app = make_app(plan, None if args.answers or args.bundle or args.imports else resume.load(), discover_for,
                   layers, judge, out_dir=_kept_from(args), ending=DRY_RUN_ENDING if args.dry_run else WRITE_ENDING)
    chosen = app.run()
    args.given_secrets = app.given_secrets  # the passwords typed, for _write (never in the Plan, answers or draft)
    if chosen is not None and app.install_requested:
        args.install = True  # "Write the files, then install": the checks and the confirmation follow here
    return chosen


def _kept_from(args: argparse.Namespace) -> Path | None:
    """The folder whose secrets/ the front ends list as kept; none with --rotate-secrets (every one is made anew)."""
    return None if args.rotate_secrets else args.out


def _write(plan: Plan, args: argparse.Namespace, started_from: str, extras: dict | None = None,
           given_secrets: dict[str, str] | None = None) -> int:
    from wizard.planning import rules
    from wizard.writing import output

    out_dir = args.out
    planned = output.plan_files(plan, out_dir, force=args.force, answers_from=args.answers, extras=extras,
                                given_secrets={**(given_secrets or {}), **(getattr(args, "given_secrets", None) or {})},
                                rotate_secrets=args.rotate_secrets)
    _print_notes(rules.notes(plan))
    output.write_files(planned)
    print(f"Plan from {started_from}. Files in {out_dir}/:")
    for item in planned:
        backup = f" (your edited version kept as {item.path.name}.bak)" if item.backup is not None else ""
        shown = item.path.name if item.path.parent == out_dir else f"{item.path.parent.name}/{item.path.name}"
        print(f"  {_DONE[item.action]:<9} {shown}{backup}")
    for path in output.unused_values_files(planned):
        print(f"  left as is {path.name}: this plan does not run that chart")
    if not args.install:  # with --install, installing is what comes next
        print(f"Next: read the files, then run: sh {out_dir / 'install.sh'}")
    return EXIT_OK


def _print_notes(notes: Sequence[Note]) -> None:
    for note in notes:
        print(f"{note.severity}: {note}", file=sys.stderr)
