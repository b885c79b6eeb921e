"""The demo's forecast-and-plan step (needs the ``ml`` and ``report`` extras)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from worldpool.demand import forecast
from worldpool.demo.plan_step import PlanStep, plan_demo
from worldpool.plan.demand import DemandTable, demand_from_quantiles
from worldpool.report.plan_report import plan_html

__all__ = ["forecast_and_plan"]

HORIZON_DAYS = 42
"""Forecast horizon: about five weeks of sea lead time plus a weekly review, in days."""


def forecast_and_plan(folder: Path) -> list[str]:
    """Forecast every (SKU, market), plan from the quantiles, write the files.

    Writes ``forecast.csv``, ``plan.json`` and ``plan.html`` into ``folder`` and
    returns the lines to print.
    """
    step, quantiles = _plan(folder)
    quantiles.to_csv(folder / "forecast.csv", index=False)
    (folder / "plan.html").write_text(plan_html(step.plan))
    return [
        f"forecast: {len(quantiles)} (SKU, market) series, P50-P99 over "
        f"{HORIZON_DAYS} days -> {folder / 'forecast.csv'}",
        step.plan.summary(),
        f"plan report: {folder / 'plan.html'}; approve with "
        f"worldpool plan apply {step.plan.id} --db {step.database_url}",
    ]


def _plan(folder: Path) -> tuple[PlanStep, pd.DataFrame]:
    kept: list[pd.DataFrame] = []

    def forecaster(history: pd.DataFrame) -> DemandTable:
        """Forecast the horizon and keep the quantiles for the report."""
        quantiles = forecast(history, horizon_days=HORIZON_DAYS)
        kept.append(quantiles)
        return demand_from_quantiles(quantiles, history=history)

    step = plan_demo(folder, forecaster=forecaster)
    return step, kept[0]
