"""`wizard network add` and `wizard network edit`: the network file changed through questions instead of by hand.

`add` asks for one more organisation (name, MSP id, kube context, namespace, public host, the channels it joins)
and appends it to the file. `edit ORGANISATION` opens that organisation's steps as `wizard` does (the full-screen
wizard, or line prompts with --plain), its cluster being its own kube context; what the operator decides there
becomes the organisation's `plan` in the file, and the network is written again. Both keep the file's comments.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import Any

from wizard.core import files
from wizard.core.errors import WizardError

EXIT_OK = 0


def add(args: argparse.Namespace) -> int:
    from wizard.frontend.prompts_askers import terminal_asker, wrap
    from wizard.network import edits, model

    network = model.load(args.file)
    text = files.read_text(args.file, limit=model.MAX_BYTES, what="a network file")
    asker = terminal_asker(sys.stdout)
    print(wrap(f"A new organisation for {args.file} ({len(network.organisations)} so far: "
               f"{', '.join(o.name for o in network.organisations)}).", ""))
    answers: dict[str, Any] = {}
    for key, question, help_text in _QUESTIONS:
        default = network.orchestrator.context if key == "context" else ""
        while True:
            answer = asker.text(question, default, wrap(help_text))
            problem = _refused(network, key, answer)
            if problem is None:
                break
            asker.refused(question, problem)
        if answer:
            answers[key] = answer
    channels = [c.name for c in network.channels
                if asker.confirm(f"Join channel {c.name} (members: {', '.join(c.members)})?", True, "")]
    added = edits.with_organisation(text, str(args.file), answers, channels)
    files.atomic_write(args.file, added, mode=files.PRIVATE_FILE)
    print(f"Added {answers['name']} to {args.file}" + (f", in {', '.join(channels)}." if channels else
                                                         ", in no channel yet: add it to a channel's members.")
          + f" Next: wizard network edit {args.file} {answers['name']} (its own decisions), then wizard network "
          f"write {args.file} --out DIR.")
    return EXIT_OK


_QUESTIONS = (
    ("name", "Organisation name", "The backend's organizationName, and its folder in the output (letters, digits "
                                  "and '-', e.g. org-4)."),
    ("msp_id", "MSP id", "Its id on the orchestrator and for the other organisations (e.g. Org4MSP)."),
    ("context", "Kube context", "The context of its cluster in your kubeconfig (kubectl config get-contexts)."),
    ("namespace", "Namespace", "Empty: the organisation's name."),
    ("host", "Public host of its backend", "The other organisations download assets from it (e.g. "
                                           "api.org-4.example.com)."),
)


def _refused(network: Any, key: str, answer: str) -> str | None:
    """Why the answer cannot be the new organisation's `key`, checked as the network file will be."""
    from pydantic import ValidationError

    from wizard.network import model

    if not answer:
        return None if key == "namespace" else "an answer is needed"
    probe = {"name": "probe", "msp_id": "ProbeMSP", "context": "probe", "host": "probe.example.com", key: answer}
    try:
        model.Organisation.model_validate(probe)
    except ValidationError as error:
        return str(error.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
    if key in ("name", "msp_id", "host") and any(getattr(o, key).lower() == answer.lower()
                                                 for o in network.organisations):
        return f"another organisation already has {answer} as its {key}"
    return None


def edit(args: argparse.Namespace) -> int:
    from wizard.network import edits, model
    from wizard.network.output import plan_network_files, write_network
    from wizard.network.plans import base_plan, organisation_layers, plan_network
    from wizard.planning.layers import build_plan

    network = model.load(args.file)
    index = edits.organisation_index(network, args.organisation)
    organisation = network.organisations[index]
    plan_network(network, str(args.file))  # the whole network plans, or every problem is said first
    layers = organisation_layers(network, index, str(args.file))
    given: dict[str, str] = {}
    chosen = _ask(build_plan(layers), layers, organisation.context, args.out / organisation.name, given,
                  plain=args.plain)
    if chosen is None:
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_OK
    decisions, dropped = edits.own_decisions(chosen, base_plan(network, index, str(args.file)))
    for path in dropped:
        print(f"note: {path} is the network's to decide (in {args.file}), so your change there was not kept",
              file=sys.stderr)
    text = files.read_text(args.file, limit=model.MAX_BYTES, what="a network file")
    changed = edits.with_plan(text, str(args.file), index, decisions)
    network = model.parse(_plain(changed, str(args.file)), str(args.file))
    run = plan_network_files(network, args.file, args.out, force=args.force, typed={organisation.name: given})
    if changed != text:
        files.atomic_write(args.file, changed, mode=files.PRIVATE_FILE)
    write_network(run)
    count = sum(1 for _ in _leaves(decisions))
    print(f"{organisation.name}: {count} decision{'s' if count != 1 else ''} of its own kept in {args.file}; the "
          f"network is written in {args.out}/ (read it, then: sh {args.out / 'install.sh'}).")
    return EXIT_OK


def _ask(plan: Any, layers: Any, context: str, out_dir: Path, given: dict[str, str], *, plain: bool) -> Any:
    import os

    if plain or os.environ.get("TERM") == "dumb":
        from wizard.frontend import prompts

        return prompts.run(plan, given_secrets=given, out_dir=out_dir)
    if not sys.stdin.isatty():
        raise WizardError("there is no terminal to ask questions in (standard input is not a TTY): add --plain to "
                          "answer line by line, or edit the organisation's plan in the network file.")
    from screens.app import make_app
    from wizard.cluster.admission import judge
    from wizard.cluster.choices import discover_for

    app = make_app(plan, None, functools.partial(discover_for, context=context), layers,
                   functools.partial(judge, context=context), out_dir=out_dir)
    chosen = app.run()
    given.update(app.given_secrets)
    return chosen


def _plain(text: str, source: str) -> Any:
    from wizard.yamlkit import yamlio

    return yamlio.load_plain(text, source)


def _leaves(tree: Any) -> Any:
    for value in tree.values():
        if isinstance(value, dict):
            yield from _leaves(value)
        else:
            yield value

