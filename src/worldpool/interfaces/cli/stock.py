"""``worldpool stock``: balances per node, and ATP per marketplace."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from worldpool import inventory
from worldpool.interfaces.cli.context import DbOption, SellerOption, cli_context
from worldpool.interfaces.cli.errors import handled

__all__ = ["stock"]

console = Console(soft_wrap=True)


def stock(
    sku: Annotated[str | None, typer.Option(help="Only this SKU.")] = None,
    node: Annotated[str | None, typer.Option(help="Only this node.")] = None,
    marketplace: Annotated[
        str | None, typer.Option(help="Show available-to-promise in this marketplace.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show at most.")] = 50,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Show stock balances (on hand, reserved, available, in transit) and ATP."""
    with handled(), cli_context(db, seller=seller) as ctx:
        rows = inventory.balances(ctx, sku=sku, node=node, market=marketplace)
        t = Table("sku", "node", "on hand", "reserved", "available", "in transit")
        for b in rows[:limit]:
            t.add_row(
                b.sku,
                b.node,
                str(b.on_hand),
                str(b.reserved),
                str(b.available),
                str(b.in_transit),
            )
        console.print(t)
        if len(rows) > limit:
            console.print(f"… {len(rows) - limit} more rows (use --limit)")
        if marketplace is None:
            return
        skus = [sku] if sku else sorted({b.sku for b in rows})
        atp = Table(
            f"sku @ {marketplace}", "ATP", "sources (node: units, P50/P90 days)"
        )
        for s in skus[:limit]:
            a = inventory.atp(ctx, s, marketplace)
            atp.add_row(
                s,
                str(a.total),
                "; ".join(
                    f"{src.node}{' (FFO)' if src.fulfil_from_origin else ''}: "
                    f"{src.available}, "
                    f"{src.p50_days:g}/{src.p90_days:g}d"
                    for src in a.sources
                ),
            )
        console.print(atp)
