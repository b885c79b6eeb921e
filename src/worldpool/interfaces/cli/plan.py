"""``worldpool plan``: make a plan (optionally a what-if) and ``plan apply`` it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from rich.table import Table

from worldpool.errors import InputError
from worldpool.interfaces.cli.context import DbOption, cli_context
from worldpool.interfaces.cli.errors import handled
from worldpool.plan import Plan, PlanCallbacks, PlanParams
from worldpool.plan.build import SupplyTerms
from worldpool.plan.service import PlanRequest, apply_plan, make_plan
from worldpool.report.plan_report import plan_html

__all__ = ["app"]

app = typer.Typer(
    help="Plan transfers and purchase orders from the global pool.",
    no_args_is_help=False,
)
console = Console(soft_wrap=True)


class _Bar(PlanCallbacks):
    """Drive a Rich progress bar from the planner's phase hooks."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self.bar, self.task = bar, task

    def on_phase(self, name: str, done: int, total: int) -> None:
        """Show the phase that starts."""
        self.bar.update(self.task, description=name, completed=done, total=total)

    def on_phase_end(self, name: str, seconds: float) -> None:
        """Advance the bar by one phase."""
        self.bar.advance(self.task)


def _what_if(path: Path | None) -> tuple[dict[str, Any], PlanParams, SupplyTerms]:
    if path is None:
        return {}, PlanParams(), SupplyTerms()
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    terms = SupplyTerms(**data.get("terms", {}))
    return data, PlanParams.from_mapping(data.get("plan", {})), terms


def _demand_rows(
    file: Path | None, what_if: dict[str, Any], base: Path | None
) -> pd.DataFrame | None:
    """Read the demand file named by ``--demand`` or the what-if (None: ledger)."""
    name = file or what_if.get("demand")
    if name is None:
        return None
    path = Path(name)
    if file is None and base is not None and not path.is_absolute():
        path = base.parent / path
    if not path.is_file():
        raise InputError("file not found", record=str(path), field="--demand")
    return pd.read_csv(path, dtype={"sku": str, "market": str})


def _show(plan: Plan, limit: int) -> None:
    console.print(plan.summary())
    t = Table("sku", "fc", "mode", "qty", "eta", "why", title="Transfers")
    for _, x in zip(range(limit), plan.transfer_lines(), strict=False):
        t.add_row(x.sku, x.fc, x.mode, str(x.qty), str(x.eta), x.why)
    console.print(t)
    o = Table("sku", "qty", "eta", "why", title="Purchase orders")
    for _, y in zip(range(limit), plan.order_lines(), strict=False):
        o.add_row(y.sku, str(y.qty), str(y.eta), y.why)
    console.print(o)


def _write(
    result: Plan, json_out: Path | None, csv_dir: Path | None, html_out: Path | None
) -> None:
    if json_out is not None:
        json_out.write_text(result.to_json())
    if html_out is not None:
        html_out.write_text(plan_html(result))
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)
        (csv_dir / "transfers.csv").write_text(result.transfers_csv())
        (csv_dir / "orders.csv").write_text(result.orders_csv())
        (csv_dir / "markets.csv").write_text(result.markets_csv())


@app.callback(invoke_without_command=True)
def plan(
    ctx: typer.Context,
    demand: Annotated[
        Path | None,
        typer.Option(
            help="CSV of demand (forecast quantiles or daily sales); default: "
            "forecast the ledger's own order history."
        ),
    ] = None,
    what_if: Annotated[
        Path | None,
        typer.Option(
            "--what-if", help="TOML: plan and terms tables, demand, demand_scale."
        ),
    ] = None,
    hub: Annotated[str | None, typer.Option(help="Origin hub id.")] = None,
    horizon: Annotated[
        int, typer.Option(help="Forecast window for the ledger's demand, days.")
    ] = 28,
    seed: Annotated[int, typer.Option(help="Solver seed.")] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write JSON.")] = None,
    csv_dir: Annotated[
        Path | None,
        typer.Option(
            "--csv-dir", help="Write transfers.csv, orders.csv, markets.csv here."
        ),
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML report.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Lines to print per table.")] = 20,
    db: DbOption = None,
) -> None:
    """Make a plan from the pool and its demand, store it as a draft, show it."""
    if ctx.invoked_subcommand is not None:
        return
    with handled(), cli_context(db) as app_ctx:
        wi, params, terms = _what_if(what_if)
        request = PlanRequest(
            demand=_demand_rows(demand, wi, what_if),
            demand_scale=float(wi.get("demand_scale", 1.0)),
            horizon_days=horizon,
            hub=hub,
            terms=terms,
            params=params,
            seed=seed,
            what_if=what_if is not None,
        )
        columns = (TextColumn("{task.description:<12}"), BarColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("planning", total=5)
            outcome = make_plan(app_ctx, request, callbacks=_Bar(bar, task))
    _show(outcome.plan, limit)
    _write(outcome.plan, json_out, csv_dir, html_out)
    note = (
        "what-if: not stored"
        if outcome.status == "what-if"
        else f"stored as draft; apply with: worldpool plan apply {outcome.plan.id}"
    )
    console.print(note)


@app.command("apply")
def apply(
    plan_id: Annotated[str, typer.Argument(help="Id of a stored plan.")],
    db: DbOption = None,
) -> None:
    """Post a stored plan's transfers to the ledger, all in one transaction (once)."""
    with handled(), cli_context(db) as ctx:
        result = apply_plan(ctx, plan_id)
    console.print(result.summary())
