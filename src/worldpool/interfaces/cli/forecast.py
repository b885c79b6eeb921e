"""``worldpool forecast``: quantiles of demand per (SKU, market), with a fan plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from worldpool.demand.service import (
    ForecastRequest,
    fan,
    read_history_file,
)
from worldpool.demand.service import (
    forecast as run_forecast,
)
from worldpool.errors import InputError
from worldpool.interfaces.cli.context import DbOption, cli_context
from worldpool.interfaces.cli.errors import handled

__all__ = ["forecast"]

console = Console(soft_wrap=True)


class _Bar:
    """Forecast callbacks drawing one Rich progress bar per step."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, TaskID] = {}

    def on_step(self, step: str, done: int, total: int) -> None:
        """Advance the bar of ``step``."""
        if step not in self.tasks:
            self.tasks[step] = self.bar.add_task(step, total=total)
        self.bar.update(self.tasks[step], completed=done, total=total)


def _write(frame: pd.DataFrame, out: Path) -> None:
    if out.suffix.lower() == ".json":
        out.write_text(
            json.dumps(frame.to_dict(orient="records"), default=str, indent=1)
        )
    elif out.suffix.lower() == ".csv":
        frame.to_csv(out, index=False)
    else:
        raise InputError("expected a .csv or .json output file", record=str(out))


def _plot(history: pd.DataFrame, series: str, out: Path, horizon: int) -> None:
    # Imported here: plotting libraries load only when a plot is asked for.
    from worldpool.report import fan_chart_html, fan_chart_png

    sku, _, market = series.partition(":")
    one, daily = fan(history, sku, market, horizon)
    title = f"SKU {sku} in {market}"
    if out.suffix.lower() == ".png":
        out.write_bytes(fan_chart_png(one, daily, title=title))
    else:
        out.write_text(fan_chart_html(one, daily, title=title))


def forecast(
    horizon: Annotated[
        int, typer.Option(help="Days in the window (lead time + review).")
    ] = 28,
    lead: Annotated[int, typer.Option(help="Days before the window starts.")] = 0,
    history: Annotated[
        Path | None,
        typer.Option(help="History file (CSV/parquet) instead of the ledger."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write quantiles to .csv or .json.")
    ] = None,
    plot: Annotated[str | None, typer.Option(help="Series SKU:MARKET to plot.")] = None,
    plot_out: Annotated[Path, typer.Option(help="Plot file (.html or .png).")] = Path(
        "forecast.html"
    ),
    backtest_windows: Annotated[
        int,
        typer.Option(
            "--backtest", help="Also backtest on this many rolling origins (0: no)."
        ),
    ] = 0,
    limit: Annotated[int, typer.Option(help="Rows to show at most.")] = 20,
    db: DbOption = None,
) -> None:
    """Forecast demand quantiles (P50-P99) of every SKU in every marketplace."""
    with handled():
        given = read_history_file(history) if history is not None else None
        request = ForecastRequest(
            horizon_days=horizon,
            lead_days=lead,
            history=given,
            backtest_windows=backtest_windows,
        )
        # A history file needs no database; the ledger's history does.
        with cli_context(db, require_schema=given is None) as ctx:
            columns = (TextColumn("{task.description:<24}"), BarColumn())
            with Progress(
                *columns, MofNCompleteColumn(), console=console, transient=True
            ) as bar:
                result = run_forecast(ctx, request, callbacks=_Bar(bar))
        if result.history.empty:
            raise InputError(
                "no shipped orders to forecast from; record sales or pass --history",
                record="worldpool forecast",
                field="--history",
            )
        if out is not None:
            _write(result.frame, out)
            console.print(f"wrote {len(result.frame)} forecasts to {out}")
        _show(result.frame, limit)
        if result.scores is not None:
            console.print(result.scores.summary())
        if plot is not None:
            _plot(result.history, plot, plot_out, horizon)
            console.print(f"wrote the quantile fan of {plot} to {plot_out}")


def _show(result: pd.DataFrame, limit: int) -> None:
    qcols = [c for c in result.columns if c.startswith("p") and c[1:2].isdigit()]
    t = Table("sku", "market", "mean", *qcols, "model", "segment")
    for row in result.head(limit).to_dict("records"):
        qs = [f"{row[c]:g}" for c in qcols]
        t.add_row(
            str(row["sku"]), str(row["market"]), f"{row['mean']:.1f}", *qs,
            str(row["model"]), str(row["segment"]),
        )  # fmt: skip
    console.print(t)
    if len(result) > limit:
        console.print(f"… {len(result) - limit} more rows (use --out or --limit)")
