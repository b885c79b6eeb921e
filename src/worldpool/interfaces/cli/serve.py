"""``worldpool serve`` (the HTTP API on loopback) and ``worldpool api-key``."""

from __future__ import annotations

import threading
from typing import Annotated

import typer
from rich.console import Console

from worldpool.interfaces.cli.context import DbOption, open_ledger
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
    from worldpool.orders.rules import RoutingParams

    with handled():
        ledger = open_ledger(db)
        ledger.init()
    console.print(
        f"worldpool API on http://{host}:{port} (docs at /docs, cockpit at /ui/)"
    )
    app = create_app(ledger, params=RoutingParams(split=split))
    if warm:
        threading.Thread(target=warm_hs_model, name="hs-warm-up", daemon=True).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
    ledger.close()


@api_key_app.command("create")
def create(
    name: str,
    scope: Annotated[str, typer.Option(help="read, write or admin.")] = "read",
    db: DbOption = None,
) -> None:
    """Create an API key; it is printed once and stored only as a hash."""
    from worldpool.ledger.api_keys import create_api_key

    with handled(), open_ledger(db) as ledger:
        key = create_api_key(ledger.engine, name, scope)
    console.print(key, highlight=False)


@api_key_app.command("revoke")
def revoke(name: str, db: DbOption = None) -> None:
    """Revoke every key with this name."""
    from worldpool.ledger.api_keys import revoke_api_key

    with handled(), open_ledger(db) as ledger:
        count = revoke_api_key(ledger.engine, name)
    console.print(f"{count} key(s) revoked")
