"""`wizard network add` and `wizard network edit`: the network file changed through questions instead of by hand.

`add` asks for one more organisation (name, MSP id, kube context, namespace, public host, the channels it joins)
and appends it to the file. `edit FILE ORGANISATION` opens that organisation's steps as `wizard` does (the
full-screen wizard, or line prompts with --plain), its cluster being its own kube context; what the operator decides
there becomes the organisation's `plan` in the file, and the network is written again. `edit FILE` alone is the
network mode: the organisations and the paths between them, from which to add one, open one's steps, or write the
network. Every change keeps the file's comments.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path
from typing import Any

from wizard.core import files
from wizard.core.errors import WizardError

EXIT_OK = 0


def add(args: argparse.Namespace) -> int:
    from wizard.frontend.network_overview import QUESTIONS, answer_problem, channel_choices, new_organisation
    from wizard.frontend.prompts_askers import terminal_asker, wrap
    from wizard.network import model

    network = model.load(args.file)
    asker = terminal_asker(sys.stdout)
    print(wrap(f"A new organisation for {args.file} ({len(network.organisations)} so far: "
               f"{', '.join(o.name for o in network.organisations)}).", ""))
    answers: dict[str, str] = {}
    for key, question, help_text in QUESTIONS:
        default = network.orchestrator.context if key == "context" else ""
        while True:
            answers[key] = asker.text(question, default, wrap(help_text))
            problem = answer_problem(network, key, answers[key])
            if problem is None:
                break
            asker.refused(question, problem)
    channels = [name for name, members in channel_choices(network)
                if asker.confirm(f"Join channel {name} (members: {members})?", True, "")]
    name = add_organisation(args.file, new_organisation(network, answers), channels)
    print(f"Added {name} to {args.file}" + (f", in {', '.join(channels)}." if channels else
                                            ", in no channel yet: add it to a channel's members.")
          + f" Next: wizard network edit {args.file} {name} (its own decisions), then wizard network write "
          f"{args.file} --out DIR.")
    return EXIT_OK


def add_organisation(path: Path, organisation: dict[str, Any], channels: list[str]) -> str:
    """Append the organisation to the network file (comments kept); its name."""
    from wizard.network import edits, model

    text = files.read_text(path, limit=model.MAX_BYTES, what="a network file")
    files.atomic_write(path, edits.with_organisation(text, str(path), organisation, channels),
                       mode=files.PRIVATE_FILE)
    return str(organisation["name"])


def edit(args: argparse.Namespace) -> int:
    from wizard.network import model
    from wizard.network.edits import organisation_index
    from wizard.network.plans import plan_network

    network = model.load(args.file)
    plan_network(network, str(args.file))  # the whole network plans, or every problem is said first
    typed: dict[str, dict[str, str]] = {}
    if args.organisation is None:
        if not _network_mode(args, typed):
            print("Nothing was written (changes made to the network file stay there).", file=sys.stderr)
            return EXIT_OK
    else:
        index = organisation_index(network, args.organisation)
        if not _edit_one(args, index, typed):
            print("Nothing was changed.", file=sys.stderr)
            return EXIT_OK
    return _write(args, typed)


def _edit_one(args: argparse.Namespace, index: int, typed: dict[str, dict[str, str]]) -> bool:
    """Walk organisation `index`'s steps and keep its own decisions in the file; False when the operator left."""
    from wizard.network import edits, model
    from wizard.network.plans import base_plan, organisation_layers
    from wizard.planning.layers import build_plan

    network = model.load(args.file)
    organisation = network.organisations[index]
    layers = organisation_layers(network, index, str(args.file))
    given = typed.setdefault(organisation.name, {})
    chosen = _ask(build_plan(layers), layers, organisation.context, args.out / organisation.name, given,
                  plain=args.plain)
    if chosen is None:
        return False
    decisions, dropped = edits.own_decisions(chosen, base_plan(network, index, str(args.file)))
    for path in dropped:
        print(f"note: {path} is the network's to decide (in {args.file}), so your change there was not kept",
              file=sys.stderr)
    text = files.read_text(args.file, limit=model.MAX_BYTES, what="a network file")
    changed = edits.with_plan(text, str(args.file), index, decisions)
    if changed != text:
        files.atomic_write(args.file, changed, mode=files.PRIVATE_FILE)
    count = sum(1 for _ in _leaves(decisions))
    print(f"{organisation.name}: {count} decision{'s' if count != 1 else ''} of its own kept in {args.file}.")
    return True


def _write(args: argparse.Namespace, typed: dict[str, dict[str, str]]) -> int:
    from wizard.network import model
    from wizard.network.output import plan_network_files, write_network

    run = plan_network_files(model.load(args.file), args.file, args.out, force=args.force, typed=typed)
    write_network(run)
    print(f"The network is written in {args.out}/ (read it, then: sh {args.out / 'install.sh'}).")
    return EXIT_OK


def _network_mode(args: argparse.Namespace, typed: dict[str, dict[str, str]]) -> bool:
    """The organisations and their paths; add one, open one's steps, until the operator writes (True) or leaves."""
    from wizard.network import model

    while True:
        action, name = _choose(args)
        if action == "write":
            return True
        if action == "quit":
            return False
        if action == "add":
            add(args)
        elif action == "edit":
            from wizard.network.edits import organisation_index

            _edit_one(args, organisation_index(model.load(args.file), name), typed)


def _choose(args: argparse.Namespace) -> tuple[str, str]:
    """What to do next: ("add"|"added"|"edit"|"write"|"quit", organisation name); "added": the full-screen mode
    asked the questions and the organisation is in the file."""
    from wizard.frontend.network_overview import overview
    from wizard.network import model

    network = model.load(args.file)
    shown = overview(network, args.file, args.out if args.out.is_dir() else None)
    if _plain(args):
        from wizard.frontend.prompts_askers import terminal_asker, wrap

        print("\n" + "\n".join([shown.title, shown.orchestrator, shown.channels, *(
            f"  {row[0]} ({row[1]}): context {row[2]}, namespace {row[3]}, {row[4]}; channels {row[5]}"
            for row in shown.organisations), *shown.findings]))
        choices = ["Add an organisation", *(f"Edit {o.name}" for o in network.organisations), "Write the network",
                   "Quit"]
        picked = terminal_asker(sys.stdout).select("Next", choices, "Write the network",
                                                   wrap("Edit opens an organisation's steps."))
        if picked.startswith("Edit "):
            return "edit", picked.removeprefix("Edit ")
        return {"Add an organisation": "add", "Write the network": "write"}.get(picked, "quit"), ""
    _need_terminal()
    from screens.network_app import NetworkApp

    chosen = NetworkApp(shown, network).run()
    if chosen is not None and chosen[0] == "add":  # the app asked the questions: add what it was told
        return "added", add_organisation(args.file, chosen[2], chosen[3])
    return (chosen[0], chosen[1]) if chosen else ("quit", "")


def _ask(plan: Any, layers: Any, context: str, out_dir: Path, given: dict[str, str], *, plain: bool) -> Any:
    if plain or os.environ.get("TERM") == "dumb":
        from wizard.frontend import prompts

        return prompts.run(plan, given_secrets=given, out_dir=out_dir)
    _need_terminal()
    from screens.app import make_app
    from wizard.cluster.admission import judge
    from wizard.cluster.choices import discover_for
    from wizard.frontend.review import KEEP_ENDING

    app = make_app(plan, None, functools.partial(discover_for, context=context), layers,
                   functools.partial(judge, context=context), out_dir=out_dir, ending=KEEP_ENDING)
    chosen = app.run()
    given.update(app.given_secrets)
    return chosen


def _plain(args: argparse.Namespace) -> bool:
    return bool(args.plain) or os.environ.get("TERM") == "dumb"


def _need_terminal() -> None:
    if not sys.stdin.isatty():
        raise WizardError("there is no terminal to ask questions in (standard input is not a TTY): add --plain to "
                          "answer line by line, or edit the network file.")


def _leaves(tree: Any) -> Any:
    for value in tree.values():
        if isinstance(value, dict):
            yield from _leaves(value)
        else:
            yield value
