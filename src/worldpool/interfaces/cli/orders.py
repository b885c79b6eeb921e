"""``worldpool orders`` and ``worldpool route`` (dead letters: ``dead-letters``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from worldpool.errors import InputError
from worldpool.interfaces.cli.context import DbOption, SellerOption, cli_context
from worldpool.interfaces.cli.errors import handled
from worldpool.orders import service
from worldpool.orders.channels import adapter, adapters
from worldpool.orders.rules import RoutingParams
from worldpool.textio import decode_text, load_json

__all__ = ["orders_app", "route"]

EXIT_PARTIAL = 8
"""Exit code when some records were dead-lettered (the good ones were kept)."""

console = Console(soft_wrap=True)
orders_app = typer.Typer(
    help="Channel orders: import, list, cancel.", no_args_is_help=True
)


def _read(path: Path, fmt: str) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", record=str(path)) from None
    if fmt == "csv":
        return decode_text(raw, str(path))
    return load_json(raw, str(path))


@orders_app.command("import")
def import_orders(
    file: Path,
    channel: Annotated[str, typer.Option(help="Channel id (amazon, shopify ...).")],
    split: Annotated[
        bool, typer.Option(help="Let one order ship from several nodes.")
    ] = False,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Import a channel's orders file (JSON reply or CSV export); bad ones are kept."""
    with handled(), cli_context(db, seller=seller) as ctx:
        ad = adapter(channel)
        params = RoutingParams(split=True) if split else None
        document = _read(file, ad.FORMAT)
        report = service.import_orders(ctx, channel, document, str(file), params)
    for o in report.outcomes:
        why = (o.decision or {}).get("why", "")
        console.print(f"{o.key}: [bold]{o.action}[/] {why}", highlight=False)
    for source, error, _field in report.rejected:
        console.print(f"[yellow]dead-lettered[/] {source}: {error}", highlight=False)
    counts = ", ".join(
        f"{report.count(a)} {a}"
        for a in ("created", "updated", "duplicate", "cancelled")
    )
    console.print(f"orders: {counts}, {len(report.rejected)} rejected")
    if report.rejected:
        raise typer.Exit(EXIT_PARTIAL)


@orders_app.command("list")
def list_orders(
    status: Annotated[
        str | None, typer.Option(help="open, cancelled, shipped.")
    ] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
    limit: int = 50,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """List orders, newest first, with where they ship from."""
    with handled(), cli_context(db, seller=seller) as ctx:
        rows = service.list_orders(ctx, status=status, channel=channel, limit=limit)
    t = Table("order", "market", "status", "value", "from", "backordered")
    for r in rows:
        nodes = {a["node"] for a in json.loads(r.decision).get("assignments", [])}
        t.add_row(
            r.key,
            r.market,
            r.status,
            f"{r.order_value:.2f} {r.currency}",
            ", ".join(sorted(n for n in nodes if n)) or "-",
            str(r.backordered),
        )
    console.print(t)


@orders_app.command("channels")
def channels() -> None:
    """List the channels with an adapter and their input format."""
    for name, ad in adapters().items():
        console.print(f"{name}: {ad.FORMAT}")


@orders_app.command("cancel")
def cancel(
    channel: str, order_id: str, db: DbOption = None, seller: SellerOption = None
) -> None:
    """Cancel an order and release what it holds."""
    with handled(), cli_context(db, seller=seller) as ctx:
        outcome = service.cancel_order(ctx, channel, order_id)
    console.print(f"{outcome.key}: {outcome.status}")


def route(
    order: Annotated[str, typer.Argument(help="CHANNEL:ORDER_ID, e.g. shopify:1001.")],
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Show where an order ships from, its promise, cost and the reason."""
    channel, _, order_id = order.partition(":")
    with handled(), cli_context(db, seller=seller) as ctx:
        if not order_id:
            raise InputError("expected CHANNEL:ORDER_ID", record="order", value=order)
        row = service.get_order(ctx, channel, order_id)
    d = json.loads(row.decision)
    t = Table("line", "sku", "units", "source", "node", "P50/P90 days")
    for a in d.get("assignments", []):
        t.add_row(
            a["line_id"],
            a["sku"],
            str(a["qty"]),
            a["source"],
            a["node"] or "-",
            f"{a['p50_days']:g}/{a['p90_days']:g}",
        )
    console.print(f"[bold]{row.key}[/] to {row.market} ({row.status})")
    console.print(t)
    console.print(f"cost ${d.get('cost_usd', '0')}; why: {d['why']}", highlight=False)
