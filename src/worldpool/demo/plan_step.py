"""Demo step: plan the demo pool from its own sales history and store the plan.

Call it after :func:`worldpool.demo.build_demo`::

    summary = build_demo(folder)
    step = plan_demo(summary.directory)
    print(step.plan.summary())

``forecaster`` turns the demo's history frame into a
:class:`~worldpool.plan.demand.DemandTable`; the default takes the quantiles of
a gamma law on the last 91 days of sales
(:func:`~worldpool.demand.moments.quantiles_from_history`). Plug the
forecasting capability in with, e.g.,
``lambda df: demand_from_quantiles(forecast(df, horizon_days=42), history=df)``.
The plan is made and stored through :func:`worldpool.plan.service.make_plan`,
like every other face's; SKU costs in GBP convert at the packaged FX table's
rate.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from worldpool.config import Settings
from worldpool.context import open_context
from worldpool.demand.moments import quantiles_from_history
from worldpool.plan import Plan, PlanCallbacks, PlanParams
from worldpool.plan.build import SupplyTerms
from worldpool.plan.demand import DemandTable, demand_from_quantiles
from worldpool.plan.service import PlanRequest, make_plan

__all__ = ["PlanStep", "plan_demo"]


@dataclass(frozen=True, slots=True, eq=False)
class PlanStep:
    """What the demo's planning step produced."""

    plan: Plan
    """The plan (stored as a draft in the demo ledger)."""
    database_url: str
    """SQLAlchemy URL of the demo database."""
    json_path: Path
    """The plan as JSON, in the demo folder."""


def plan_demo(
    directory: str | Path,
    *,
    forecaster: Callable[[pd.DataFrame], DemandTable] | None = None,
    params: PlanParams | None = None,
    callbacks: PlanCallbacks | None = None,
) -> PlanStep:
    """Plan the demo world in ``directory``, store the plan and write it as JSON.

    Args:
        directory: Folder made by ``build_demo`` (holds ``worldpool.db``).
        forecaster: History frame -> demand moments (default: recent moments).
        params: Planner settings.
        callbacks: Progress hooks.
    """
    folder = Path(directory)
    history = pd.read_csv(
        folder / "demand_history.csv.gz", dtype={"sku": str, "market": str}
    )
    demand = (forecaster or _recent_moments)(history)
    url = f"sqlite:///{(folder / 'worldpool.db').resolve()}"
    as_of = pd.to_datetime(history["date"]).max().date()
    terms = SupplyTerms(margin=_price_margins(), moq={}, default_lead_days=30.0)
    request = PlanRequest(demand=demand, as_of=as_of, terms=terms)
    if params is not None:
        request = PlanRequest(demand=demand, as_of=as_of, terms=terms, params=params)
    ctx = open_context(Settings.from_env().with_(database_url=url), role="system")
    try:
        plan = make_plan(ctx, request, callbacks=callbacks).plan
    finally:
        ctx.close()
    path = folder / "plan.json"
    path.write_text(plan.to_json())
    return PlanStep(plan, url, path)


def _recent_moments(history: pd.DataFrame) -> DemandTable:
    """Return the demand of a gamma law on the recent daily sales moments."""
    return demand_from_quantiles(quantiles_from_history(history), history=history)


def _price_margins() -> dict[str, float]:
    """Return list price minus unit cost per demo SKU (GBP list price as is)."""
    here = Path(__file__).with_name("data") / "online_retail_skus.csv"
    with here.open(newline="") as fh:
        return {
            r["sku"]: max(float(r["unit_price_gbp"]) - float(r["unit_cost"]), 0.01)
            for r in csv.DictReader(fh)
        }
