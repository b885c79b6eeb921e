"""``python -m worldpool`` runs the CLI."""

from worldpool.interfaces.cli.app import main

main()
