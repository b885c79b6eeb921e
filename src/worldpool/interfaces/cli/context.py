"""Open the ledger for a CLI command (database URL from option or environment)."""

from __future__ import annotations

from typing import Annotated

import typer

from worldpool.ledger import Ledger

__all__ = ["DbOption", "open_ledger"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="WORLDPOOL_DATABASE_URL",
        help="Database URL (default: sqlite:///worldpool.db).",
        show_default=False,
    ),
]


def open_ledger(db: str | None) -> Ledger:
    """Open the ledger at ``db`` (or the configured default)."""
    return Ledger.open(db)
