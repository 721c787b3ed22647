"""`python -m journalgen` runs the CLI."""

from journalgen.cli import main

main()
