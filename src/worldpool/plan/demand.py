"""The planner's demand input: the forecast's quantile function per (SKU, market).

:func:`demand_from_quantiles` reads a forecaster's long frame (``sku, market,
horizon_days``, quantile columns ``p50 … p99`` or ``q50 …``, levels in percent
or as fractions, and an optional ``mean``) into a :class:`DemandTable` that
keeps the quantiles themselves: the planner's newsvendor targets and expected
shortages are read off that quantile function (see
:mod:`worldpool.demand.dist`). The daily mean and standard deviation it also
carries are moments *of that same function* (for the pooled hub and the
allocation steps), not a second fit.

A sales history is not forecast here: :func:`demand_from_frame` sends it
through :func:`worldpool.demand.moments.quantiles_from_history` first, and the
history (when given) supplies each pair's days since launch and units sold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from worldpool.demand.dist import anchored, grid_moments
from worldpool.demand.moments import history_stats, quantiles_from_history
from worldpool.errors import InputError
from worldpool.plan.problem import FloatArray, IntArray

__all__ = [
    "MAX_WINDOW_UNITS",
    "UNKNOWN_HISTORY_DAYS",
    "DemandTable",
    "demand_from_frame",
    "demand_from_quantiles",
]

_QCOL = re.compile(r"^[pq](\d+(?:\.\d+)?)$")

MAX_WINDOW_UNITS = 1e12
"""Largest window demand a quantile may state, in units (beyond: a typo)."""

UNKNOWN_HISTORY_DAYS = 10_000
"""History length given to pairs when no sales history comes with the forecast:
they are taken as established (the launch rule needs the history to apply)."""


@dataclass(frozen=True, slots=True, eq=False)
class DemandTable:
    """Demand per (SKU, market) pair (arrays of length N)."""

    sku: tuple[str, ...]
    """SKU id of each row."""
    market: tuple[str, ...]
    """Marketplace id of each row."""
    mean: FloatArray
    """Mean daily demand, in units/day. [mu]"""
    std: FloatArray
    """Standard deviation of daily demand, in units/day. [sigma]"""
    history_days: IntArray
    """Days since the first sale (0 = never sold), in days."""
    history_units: FloatArray
    """Units sold so far, in units."""
    levels: FloatArray | None = None
    """(K,) levels of the quantile grid, from 0 (None: moments only)."""
    grid: FloatArray | None = None
    """(N, K) quantiles of demand over ``window_days``, in units."""
    window_days: FloatArray | None = None
    """(N,) window of the grid, in days. [H]"""

    def scaled(self, factor: float) -> DemandTable:
        """Return the same demand times ``factor`` (a what-if), grid included."""
        grid = None if self.grid is None else self.grid * factor
        return DemandTable(
            self.sku,
            self.market,
            self.mean * factor,
            self.std * factor,
            self.history_days,
            self.history_units,
            self.levels,
            grid,
            self.window_days,
        )


def _levels(columns: list[str]) -> dict[str, float]:
    out = {}
    for c in columns:
        m = _QCOL.match(c)
        if m:
            x = float(m.group(1))
            out[c] = x / 100.0 if x >= 1.0 else x
    return out


def _history(
    df: pd.DataFrame, history: pd.DataFrame | None
) -> tuple[IntArray, FloatArray]:
    n = len(df)
    if history is None or history.empty:
        return np.full(n, UNKNOWN_HISTORY_DAYS, np.int64), np.full(n, np.inf)
    stats = history_stats(history).set_index(["sku", "market"])
    keys = pd.MultiIndex.from_arrays([df["sku"].astype(str), df["market"].astype(str)])
    got = stats.reindex(keys)
    return (
        got["history_days"].fillna(0).to_numpy(np.int64),
        got["history_units"].fillna(0.0).to_numpy(float),
    )


def demand_from_quantiles(
    frame: Any, *, history: Any = None, mean_col: str = "mean"
) -> DemandTable:
    """Return the planner's demand from a long quantile forecast frame.

    Args:
        frame: Pandas or polars frame, one row per (sku, market), with
            ``sku, market, horizon_days`` and quantile columns.
        history: Optional daily sales ``sku, market, date, units`` the
            forecast was made from (days since launch, units sold).
        mean_col: Optional column of mean window demand, in units.

    Raises:
        InputError: when a column is missing or no median quantile is given.
    """
    df = frame if isinstance(frame, pd.DataFrame) else frame.to_pandas()
    for col in ("sku", "market", "horizon_days"):
        if col not in df.columns:
            raise InputError("missing column", record="demand", field=col)
    found = sorted(_levels([str(c) for c in df.columns]).items(), key=lambda x: x[1])
    found = [(c, a) for c, a in found if 0.0 < a < 1.0]
    if not any(abs(a - 0.5) < 1e-9 for _, a in found) or len(found) < 2:
        raise InputError(
            "needs a median quantile column (q50 or p50) and one above it",
            record="demand",
            field="q50",
        )
    h = np.maximum(df["horizon_days"].to_numpy(float), 1.0)
    values = np.column_stack([df[c].to_numpy(float) for c, _ in found])
    values = np.nan_to_num(values, nan=0.0)
    if not (np.isfinite(values) & (np.abs(values) <= MAX_WINDOW_UNITS)).all():
        raise InputError(
            f"quantiles must be finite and at most {MAX_WINDOW_UNITS:.0e} units",
            record="demand",
        )
    given = df[mean_col].to_numpy(float) if mean_col in df.columns else None
    levels, grid = anchored([a for _, a in found], values, given)
    g_mean, g_var = grid_moments(levels, grid)
    mean = g_mean if given is None else np.maximum(np.nan_to_num(given), 0.0)
    days, units = _history(df, None if history is None else _frame(history))
    return DemandTable(
        sku=tuple(df["sku"].astype(str)),
        market=tuple(df["market"].astype(str)),
        mean=mean / h,
        std=np.sqrt(g_var / h),
        history_days=days,
        history_units=units,
        levels=levels,
        grid=grid,
        window_days=h,
    )


def _frame(frame: Any) -> pd.DataFrame:
    out: pd.DataFrame = frame if isinstance(frame, pd.DataFrame) else frame.to_pandas()
    return out


def demand_from_frame(frame: Any, *, horizon_days: int = 28) -> DemandTable:
    """Return the planner's demand from either a history or a quantile frame.

    A frame with ``date`` and ``units`` columns is a sales history: its window
    quantiles come from :func:`~worldpool.demand.moments.quantiles_from_history`
    and it supplies the launch history. Anything else must be a quantile
    forecast (see :func:`demand_from_quantiles`).

    Args:
        frame: Pandas or polars frame.
        horizon_days: Window of the quantiles made from a history, in days.
    """
    df = _frame(frame)
    if {"date", "units"} <= set(df.columns):
        q = quantiles_from_history(df, horizon_days=horizon_days)
        return demand_from_quantiles(q, history=df)
    return demand_from_quantiles(df)
