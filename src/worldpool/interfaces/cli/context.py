"""Build the application context for a CLI command (``--db`` or the environment)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from worldpool.config import Settings
from worldpool.context import Context, open_context

__all__ = ["DbOption", "SellerOption", "cli_context"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="WORLDPOOL_DATABASE_URL",
        help="Database URL (default: sqlite:///worldpool.db).",
        show_default=False,
    ),
]

SellerOption = Annotated[
    str | None,
    typer.Option(
        "--seller",
        envvar="WORLDPOOL_SELLER",
        help="Seller to act for (3PL hubs; default: the configured default seller).",
        show_default=False,
    ),
]


@contextmanager
def cli_context(
    db: str | None,
    *,
    seller: str | None = None,
    require_schema: bool = True,
    fx_file: str | None = None,
) -> Iterator[Context]:
    """Yield the context for ``db`` (None: settings) and close it afterwards.

    The CLI acts as the machine's owner (``role="owner"``, user ``cli``).

    Args:
        db: Database URL from ``--db`` (None: settings).
        seller: Seller to act for (None: the default seller).
        require_schema: Refuse a missing or uninitialised database.
        fx_file: FX rates CSV from ``--fx`` (over the packaged table).
    """
    settings = Settings.from_env().with_(database_url=db, fx_file=fx_file)
    ctx = open_context(
        settings, seller=seller, user="cli", require_schema=require_schema
    )
    try:
        yield ctx
    finally:
        ctx.close()
