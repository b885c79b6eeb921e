"""``worldpool demo``: build a demo pool from real demand and show what it holds."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
)
from rich.table import Table

from worldpool.context import Context
from worldpool.demo import DemoSummary, build_demo
from worldpool.demo.orders_day import OrdersDaySummary, orders_day
from worldpool.interfaces.cli.context import cli_context
from worldpool.interfaces.cli.errors import handled
from worldpool.inventory import check

__all__ = ["demo"]

console = Console(soft_wrap=True)


def demo(
    directory: Annotated[
        Path, typer.Argument(help="Fresh folder for the demo database.")
    ] = Path("worldpool-demo"),
) -> None:
    """Build a demo world (300 real SKUs, 18 marketplaces) and print the pool."""
    with handled():
        with Progress(
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def report(step: str, done: int, total: int) -> None:
                """Show one bar per demo step."""
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total)
                bar.update(tasks[step], completed=done, total=total)

            summary = build_demo(directory, progress=report)
            report("routing a day of channel orders", 0, 1)
            with cli_context(summary.database_url) as ctx:
                day = orders_day(ctx, orders=200, seed=7)
                report("routing a day of channel orders", 1, 1)
                report("forecasting and planning", 0, 1)
                planned = _forecast_and_plan(summary.directory)
                report("forecasting and planning", 1, 1)
                _show(ctx, summary, day)
        for line in planned:
            console.print(escape(line), highlight=False)


def _show(ctx: Context, s: DemoSummary, day: OrdersDaySummary) -> None:
    console.print(
        f"[bold]worldpool demo[/] in {s.directory} — {s.skus} SKUs from "
        f"Online Retail II (CC BY 4.0, UCI), {len(s.markets)} marketplaces: "
        f"{', '.join(s.markets)}"
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for b in s.balances:
        row = totals[b.node]
        row[0] += b.on_hand
        row[1] += b.reserved
        row[2] += b.in_transit
        row[3] += 1
    t = Table(
        "node",
        "kind",
        "SKUs",
        "on hand",
        "reserved",
        "available",
        "in transit",
        "value GBP",
        title="The pool, by node (units; value at unit cost)",
    )
    for node_id, (oh, rs, it, n) in sorted(totals.items()):
        kind = ctx.catalog.node(node_id).kind.value
        value = s.value_by_node.get(node_id, 0)
        t.add_row(
            *(node_id, kind, str(n), f"{oh:,}", f"{rs:,}", f"{oh - rs:,}"),
            *(f"{it:,}", f"{value:,.0f}"),
        )
    console.print(t)
    console.print(
        f"last 14 days of real orders: {s.orders_from_fc} lines from local FCs, "
        f"{s.orders_from_origin} fulfilled from origin, {s.orders_lost} lost"
    )
    _show_orders(day)
    report = check(ctx)
    console.print(
        f"journal check: {report.movements} movements, "
        f"{report.rows_checked} balance rows, drift {len(report.drifts)}"
    )
    console.print(
        f"next: [bold]WORLDPOOL_DATABASE_URL={s.database_url} worldpool stock "
        f"--marketplace DE[/]"
    )


def _show_orders(day: OrdersDaySummary) -> None:
    channels = ", ".join(f"{c} {n}" for c, n in sorted(day.by_channel.items()))
    sources = ", ".join(f"{k} {n}" for k, n in sorted(day.by_source.items()))
    console.print(
        f"a day of {day.orders} channel orders ({channels}) routed from the pool: "
        f"lines by source: {sources}; {day.rejected} rejected"
    )
    for key, why in day.examples[:4]:
        console.print(f"  {key}: {why}", highlight=False)


def _forecast_and_plan(folder: Path) -> list[str]:
    """Forecast and plan the demo world when the ``ml`` and ``report`` extras exist."""
    try:
        from worldpool.interfaces.cli._demo_plan import forecast_and_plan
    except ModuleNotFoundError as exc:
        return [
            f"forecast and plan skipped: {exc.name} is not installed "
            "(pip install 'worldpool[ml,report]')"
        ]
    return forecast_and_plan(folder)
