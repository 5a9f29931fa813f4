"""`wizard NAME ...` commands, one module each with `main(argv) -> int` (see cli.SUBCOMMANDS); `write` is `wizard`
itself, without a command name (plan, ask, write, install), and `arguments` holds the options they share. cli.main
turns argparse's exits and WizardError into exit codes, so the commands only parse, work and print.

May import: core, yamlkit, analysis, helm, charts, planning, writing, reporting, support, cluster, network, frontend,
screens.
"""
