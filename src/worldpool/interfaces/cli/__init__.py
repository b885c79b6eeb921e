"""The ``worldpool`` command line (Typer + Rich)."""

from worldpool.interfaces.cli.app import app, main

__all__ = ["app", "main"]
