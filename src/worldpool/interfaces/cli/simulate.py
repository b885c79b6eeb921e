"""``worldpool simulate``: replay real demand under fulfilment policies side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from worldpool.interfaces.cli.context import DbOption, cli_context
from worldpool.interfaces.cli.errors import handled
from worldpool.sim import Comparison
from worldpool.sim.service import TwinRequest, simulate_policies

__all__ = ["simulate"]

console = Console(soft_wrap=True)


class _Bars:
    """SimCallbacks that draw one Rich bar per simulation run."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def on_start(self, label: str, total_days: int) -> None:
        """Open a bar for the run."""
        self.tasks[label] = self.progress.add_task(label, total=total_days)

    def on_advance(self, label: str, days: int) -> None:
        """Advance the run's bar by ``days``."""
        self.progress.advance(self.tasks[label], days)

    def on_end(self, label: str) -> None:
        """Drop the finished run's bar."""
        self.progress.remove_task(self.tasks.pop(label))


def _show(result: Comparison) -> None:
    t = Table(
        "policy", "point", "service", "fill", "stock-outs", "short days",
        "on hand", "turns/yr", "total cost", "margin",
        title="Policies at their best, at split's fill, at split's stock",
    )  # fmt: skip
    for name, points in result.runs.items():
        for point, r in points.items():
            k = r.kpis
            t.add_row(
                name, point, f"{r.service:.3f}", f"{k.fill_rate:.1%}",
                f"{k.stockout_rate:.1%}", f"{k.short_day_rate:.1%}",
                f"{k.avg_on_hand_value:,.0f}", f"{k.turnover:.2f}",
                f"{k.total_cost:,.0f}", f"{k.contribution_margin:,.0f}",
            )  # fmt: skip
    console.print(t)
    for key, value in result.headline.items():
        console.print(f"{key}: [bold]{value:.3f}[/]")


def simulate(
    data: Annotated[
        Path,
        typer.Option(
            help="Folder with daily_units_long.csv.gz, "
            "or a CSV of date, sku, market, units."
        ),
    ],
    policies: Annotated[
        str, typer.Option(help="Comma list of split,pool,echelon,ffo,oracle.")
    ] = "split,pool,ffo,oracle",
    skus: Annotated[int, typer.Option(help="Sample this many SKUs (0 = all).")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of transit draws and samples.")] = 0,
    currency: Annotated[
        str,
        typer.Option(
            help="Currency of prices (ISO 4217); converted with the FX table."
        ),
    ] = "USD",
    stores_as: Annotated[
        str | None,
        typer.Option(help="Marketplace whose lanes non-marketplace markets use."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write JSON here.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help="Write the HTML report here.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Simulate fulfilment policies on your demand history and compare them."""
    request = TwinRequest(
        demand=data,
        policies=tuple(p.strip() for p in policies.split(",") if p.strip()),
        skus=skus,
        seed=seed,
        currency=currency.upper(),
        stores_as=stores_as,
    )
    # The twin replays a file: it needs the catalog and FX table, not a database.
    with handled(), cli_context(db, require_schema=False) as ctx:
        columns = (TextColumn("{task.description:<22}"), BarColumn())
        with Progress(
            *columns, MofNCompleteColumn(), console=console, transient=True
        ) as bar:
            result = simulate_policies(ctx, request, callbacks=_Bars(bar))
    _show(result.comparison)
    if json_out is not None:
        json_out.write_text(json.dumps(result.comparison.to_dict(), indent=1))
    if html is not None:
        from worldpool.report.twin_report import write_twin_report

        write_twin_report(result.comparison, result.scenario, html)
        console.print(f"report written to {html}")
