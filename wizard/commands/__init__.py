"""`wizard NAME ...` commands, one module each with `main(argv) -> int` (see cli.SUBCOMMANDS)."""
