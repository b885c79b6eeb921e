"""Open the application context for a CLI command (``--db`` over the settings)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.ledger import Ledger

__all__ = ["DbOption", "cli_context", "open_ledger"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="WORLDPOOL_DATABASE_URL",
        help="Database URL (default: sqlite:///worldpool.db).",
        show_default=False,
    ),
]


@contextmanager
def cli_context(db: str | None, *, require_schema: bool = True) -> Iterator[Context]:
    """Yield the context for ``db`` (settings from the environment), then close it.

    Args:
        db: The ``--db`` option; None keeps the configured database.
        require_schema: Refuse a missing or uninitialised database.
    """
    ctx = open_context(
        Settings.from_env().with_(database_url=db), require_schema=require_schema
    )
    try:
        yield ctx
    finally:
        ctx.close()


def open_ledger(db: str | None) -> Ledger:
    """Open the ledger at ``db`` (or the configured default)."""
    return Ledger.open(db)
