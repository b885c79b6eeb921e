"""``worldpool channels``, ``worldpool sync`` and ``worldpool ship``."""

from __future__ import annotations

import getpass
import logging
from dataclasses import replace
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from worldpool.config import Settings
from worldpool.connectors import service
from worldpool.connectors.worker import Worker, WorkerParams
from worldpool.context import Context, open_context
from worldpool.interfaces.cli.context import DbOption
from worldpool.interfaces.cli.errors import handled
from worldpool.textio import parse_pairs

__all__ = ["channels_app", "ship", "sync_app"]

console = Console(soft_wrap=True)
channels_app = typer.Typer(help="Live channel connections.", no_args_is_help=True)
sync_app = typer.Typer(help="The sync worker and its status.", no_args_is_help=True)


def _ctx(db: str | None, role: str = "owner", *, pre_ping: bool = True) -> Context:
    settings = Settings.from_env()
    if db:
        settings = replace(settings, database_url=db)
    return open_context(settings, role=role, pre_ping=pre_ping)  # type: ignore[arg-type]


def _pairs(values: list[str], what: str, *, secret: bool = False) -> dict[str, Any]:
    out = parse_pairs(values, what, json_values=not secret)
    if secret:  # a value '-' is asked for, unechoed
        for name, value in out.items():
            if value == "-":
                out[name] = getpass.getpass(f"{name}: ")
    return out


@channels_app.command("connect")
def connect(
    name: str,
    channel: Annotated[
        str,
        typer.Option(
            help="shopify, amazon, ebay, tiktok_shop, walmart, temu or shein."
        ),
    ],
    url: Annotated[
        str, typer.Option(help="API root of the shop/region (a folder: temu, shein).")
    ],
    market: Annotated[str, typer.Option(help="Marketplace id (US, UK, DE ...).")],
    setting: Annotated[
        list[str], typer.Option("--set", help="NAME=VALUE non-secret setting.")
    ] = [],  # noqa: B006 (Typer reads the default)
    secret: Annotated[
        list[str], typer.Option(help="NAME=VALUE credential; VALUE '-' prompts.")
    ] = [],  # noqa: B006
    db: DbOption = None,
) -> None:
    """Connect a channel account; credentials are stored encrypted."""
    with handled():
        ctx = _ctx(db)
        settings = {**_pairs(setting, "--set"), "market": market}
        info = service.connect(
            ctx,
            service.ConnectRequest(
                name, channel, url, _pairs(secret, "--secret", secret=True), settings
            ),
        )
    console.print(f"connected [bold]{info.name}[/] ({info.channel}, {info.market})")


@channels_app.command("list")
def list_channels(db: DbOption = None) -> None:
    """List connections (credential values are never shown)."""
    with handled():
        rows = service.list_connections(_ctx(db, "viewer"))
    table = Table("name", "channel", "market", "status", "credentials", "url")
    for r in rows:
        table.add_row(
            r.name, r.channel, r.market, r.status, ", ".join(r.credentials), r.base_url
        )
    console.print(table)


@channels_app.command("test")
def test(name: str, db: DbOption = None) -> None:
    """Call the channel with the stored credentials."""
    with handled():
        console.print(service.test_connection(_ctx(db, "operator"), name))


@channels_app.command("disconnect")
def disconnect(name: str, db: DbOption = None) -> None:
    """Stop syncing a connection (its history is kept)."""
    with handled():
        service.disconnect(_ctx(db), name)
    console.print(f"disconnected {name}")


@sync_app.command("run")
def run(
    slots: Annotated[int, typer.Option(help="Connections worked at once.")] = 8,
    spare_slots: Annotated[
        int | None,
        typer.Option(
            help="Extra slots, only to take over a dead worker's connections "
            "while every slot is busy (default: as many as --slots)."
        ),
    ] = None,
    seconds: Annotated[
        float | None, typer.Option(help="Stop after this long (default: never).")
    ] = None,
    health_port: Annotated[
        int | None, typer.Option(help="Serve /healthz and /metrics here.")
    ] = None,
    log_level: Annotated[
        str,
        typer.Option(
            help="Worker events to stderr: warning (errors only), info (also "
            "leases taken and given back), or off."
        ),
    ] = "warning",
    db: DbOption = None,
) -> None:
    """Run the sync worker: poll orders, publish stock, deliver the outbox."""
    _log_to_stderr(log_level)
    with handled():
        params = WorkerParams(slots=slots, spare_slots=spare_slots)
        # Every worker loop survives a failed statement: no checkout ping.
        worker = Worker(_ctx(db, "system", pre_ping=False), params)
        console.print(f"sync worker {worker.name} running (Ctrl-C stops it)")
        try:
            worker.run(seconds, health_port)
        except KeyboardInterrupt:
            worker.stop.set()
    console.print(dict(worker.counters))


def _log_to_stderr(level: str) -> None:
    """Send the worker's event log (``worldpool.sync``) to stderr at ``level``."""
    if level == "off":
        return
    if level not in ("error", "warning", "info", "debug"):
        raise typer.BadParameter(
            f"--log-level: {level!r} is not one of off, error, warning, info, debug"
        )
    log = logging.getLogger("worldpool.sync")
    if not any(getattr(h, "worldpool_cli", False) for h in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handler.worldpool_cli = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(level.upper())


@sync_app.command("status")
def status(db: DbOption = None) -> None:
    """Lag, last error and queue depth per connection."""
    with handled():
        rows = service.sync_status(_ctx(db, "viewer"))
    table = Table(
        "connection",
        "channel",
        "status",
        "lag s",
        "pending",
        "dead",
        "oldest s",
        "delivered",
        "orders",
        "last error",
    )
    for r in rows:
        table.add_row(
            r.name,
            r.channel,
            r.status,
            _num(r.lag_s),
            str(r.queue_pending),
            str(r.queue_dead),
            _num(r.oldest_pending_s),
            str(r.delivered),
            str(r.orders_ingested),
            r.last_error or "",
        )
    console.print(table)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def ship(
    channel: str,
    order_id: str,
    carrier: Annotated[str, typer.Option(help="Carrier name or code.")],
    tracking: Annotated[str, typer.Option(help="Tracking number.")],
    db: DbOption = None,
) -> None:
    """Mark an order shipped and queue the tracking push to its channel."""
    with handled():
        result = service.ship(
            _ctx(db, "operator"),
            service.ShipRequest(channel, order_id, carrier, tracking),
        )
    pushed = "queued" if result.push_enqueued else "already queued or no connection"
    console.print(f"{result.order}: {result.status}; tracking push {pushed}")
