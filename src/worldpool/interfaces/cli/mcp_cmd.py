"""``worldpool mcp``: serve the assistant's tools to AI agents over MCP."""

from __future__ import annotations

from typing import Annotated

import mcp as _mcp_sdk  # noqa: F401  (the guard in app.py names the extra when missing)
import typer

from worldpool.interfaces.cli.context import DbOption
from worldpool.interfaces.cli.errors import handled

__all__ = ["mcp"]


def mcp(
    http: Annotated[
        bool, typer.Option("--http", help="Serve streamable HTTP.")
    ] = False,
    host: Annotated[str, typer.Option(help="HTTP host.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port.")] = 8765,
    db: DbOption = None,
    seller: Annotated[str | None, typer.Option(help="Seller to act for.")] = None,
) -> None:
    """Serve the assistant's tools over MCP (stdio by default, or --http).

    Calls act as their API key: the X-API-Key header over HTTP, the
    WORLDPOOL_API_KEY environment variable over stdio.
    """
    from worldpool.interfaces.mcp.server import run

    with handled():
        run(db=db, seller=seller, http=http, host=host, port=port)
