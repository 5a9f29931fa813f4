"""`python -m wizard` runs the command-line entry point."""

from wizard.cli import main

raise SystemExit(main())
