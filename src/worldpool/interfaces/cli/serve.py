"""``worldpool serve`` (the HTTP API on loopback) and ``worldpool api-key``."""

from __future__ import annotations

import threading
from typing import Annotated

import typer
from rich.console import Console

from worldpool.interfaces.cli.context import DbOption, cli_context
from worldpool.interfaces.cli.errors import handled

__all__ = ["api_key_app", "serve", "warm_hs_model"]

console = Console(soft_wrap=True)
api_key_app = typer.Typer(help="API keys (stored hashed).", no_args_is_help=True)


def warm_hs_model() -> bool:
    """Fit the packaged HS suggester now, so the first /customs/hs is fast (~10 s).

    Returns:
        True when fitted; False when the ``customs`` extra is not installed.
    """
    try:
        from worldpool.customs import service
    except ImportError:
        return False
    service.hs_model(())
    return True


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    split: Annotated[
        bool, typer.Option(help="Let one order ship from several nodes.")
    ] = False,
    warm: Annotated[
        bool, typer.Option(help="Fit the HS suggester in the background at start.")
    ] = True,
    db: DbOption = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs); loopback only unless --host says."""
    # Imported here: the server extra is optional for the rest of the CLI.
    import uvicorn

    from worldpool.interfaces.api import create_app
    from worldpool.inventory import init_schema
    from worldpool.orders.rules import RoutingParams

    with handled(), cli_context(db, require_schema=False) as ctx:
        init_schema(ctx)
        console.print(
            f"worldpool API on http://{host}:{port} (docs at /docs, cockpit at /ui/)"
        )
        app = create_app(ctx, params=RoutingParams(split=True) if split else None)
        if warm:
            threading.Thread(
                target=warm_hs_model, name="hs-warm-up", daemon=True
            ).start()
        uvicorn.run(app, host=host, port=port, log_level="warning")


@api_key_app.command("create")
def create(
    name: str,
    scope: Annotated[str, typer.Option(help="read, write or admin.")] = "read",
    seller: Annotated[
        str | None,
        typer.Option(help="Seller the key acts for; '*' for a 3PL operator key."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create an API key; it is printed once and stored only as a hash."""
    from worldpool.access import create_key

    # The CLI is the machine's operator: it may create keys for any seller.
    with handled(), cli_context(db) as ctx:
        key = create_key(ctx.acting_as(role="hub"), name, scope, seller)
    console.print(key, highlight=False)


@api_key_app.command("revoke")
def revoke(name: str, db: DbOption = None) -> None:
    """Revoke every key with this name (effective at once)."""
    from worldpool.access import revoke_key

    with handled(), cli_context(db) as ctx:
        count = revoke_key(ctx.acting_as(role="hub"), name)
    console.print(f"{count} key(s) revoked")


@api_key_app.command("list")
def list_keys(db: DbOption = None) -> None:
    """List API keys (name, scope, seller, created, revoked); never the keys."""
    from rich.table import Table

    from worldpool.access import list_keys as keys_of

    with handled(), cli_context(db) as ctx:
        keys = keys_of(ctx.acting_as(role="hub"))
    table = Table("name", "scope", "seller", "created (UTC)", "revoked (UTC)")
    for k in keys:
        table.add_row(
            k.name,
            k.scope,
            k.seller,
            f"{k.created_at:%Y-%m-%d %H:%M}" if k.created_at else "",
            f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "",
        )
    console.print(table)
