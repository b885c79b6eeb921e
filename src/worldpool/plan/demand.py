"""Demand inputs of the planner: daily mean and spread per (SKU, market).

The planner needs, per pair, the mean and standard deviation of *daily*
demand (it rescales them to each lane's lead time + review period). Two
adapters build that table:

* :func:`demand_from_quantiles` reads a forecaster's long quantile frame with
  columns ``sku, market, horizon_days`` and quantiles named ``q50, q80, q90,
  q95, q99`` (or ``p50 …``, ``q0.5 …``; levels in percent or as fractions),
  plus an optional ``mean``. Quantiles describe total demand over the
  ``horizon_days`` window.
* :func:`demand_from_history` reads a long history ``sku, market, date,
  units`` and takes the moments of daily sales, missing days counting as 0.

Both are robust to short and all-zero series: zero demand gives mean 0 and
std 0, which never creates stock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from worldpool.errors import InputError
from worldpool.plan.problem import FloatArray, IntArray

__all__ = [
    "DemandTable",
    "demand_from_frame",
    "demand_from_history",
    "demand_from_quantiles",
]

_QCOL = re.compile(r"^[pq](\d+(?:\.\d+)?)$")
_MIN_WINDOW_DAYS = 14


@dataclass(frozen=True, slots=True, eq=False)
class DemandTable:
    """Daily demand moments per (SKU, market) pair (arrays of length N)."""

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


def _pandas(frame: Any) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame):
        return frame
    if hasattr(frame, "to_pandas"):
        out: pd.DataFrame = frame.to_pandas()
        return out
    raise InputError(
        "expected a pandas or polars data frame",
        record="demand",
        value=type(frame).__name__,
    )


def _levels(columns: list[str]) -> dict[str, float]:
    out = {}
    for c in columns:
        m = _QCOL.match(c)
        if m:
            x = float(m.group(1))
            out[c] = x / 100.0 if x >= 1.0 else x
    return out


def demand_from_quantiles(
    frame: Any,
    *,
    sku_col: str = "sku",
    market_col: str = "market",
    horizon_col: str = "horizon_days",
    mean_col: str = "mean",
) -> DemandTable:
    """Return daily demand moments from a long quantile forecast frame.

    The spread is fitted on the upper quantiles (what service levels use):
    sigma_H = mean over levels a > 0.5 of (q_a - q_50) / z_a, then scaled to
    a day as sigma_H / sqrt(H); the mean is ``mean`` or else ``q50``, over H.

    Args:
        frame: Pandas or polars frame, one row per (sku, market).
        sku_col: Column of SKU ids.
        market_col: Column of marketplace ids.
        horizon_col: Window length H of the quantiles, in days.
        mean_col: Optional column of mean window demand, in units.

    Raises:
        InputError: when a column is missing or no median quantile is given.
    """
    from statistics import NormalDist

    df = _pandas(frame)
    for col in (sku_col, market_col, horizon_col):
        if col not in df.columns:
            raise InputError("missing column", record="demand", field=col)
    levels = _levels([str(c) for c in df.columns])
    med = [c for c, a in levels.items() if abs(a - 0.5) < 1e-9]
    if not med:
        raise InputError(
            "needs a median quantile column (q50 or p50)", record="demand", field="q50"
        )
    h = np.maximum(df[horizon_col].to_numpy(float), 1.0)
    q50 = np.maximum(df[med[0]].to_numpy(float), 0.0)
    mean = df[mean_col].to_numpy(float) if mean_col in df.columns else q50
    upper = [(c, a) for c, a in levels.items() if 0.5 < a < 1.0]
    sig = np.zeros(len(df))
    for c, a in upper:
        sig += np.maximum(df[c].to_numpy(float) - q50, 0.0) / NormalDist().inv_cdf(a)
    sig = sig / max(len(upper), 1)
    mean = np.nan_to_num(np.maximum(mean, 0.0))
    return DemandTable(
        sku=tuple(df[sku_col].astype(str)),
        market=tuple(df[market_col].astype(str)),
        mean=mean / h,
        std=np.nan_to_num(sig) / np.sqrt(h),
        history_days=np.full(len(df), 10_000, np.int64),
        history_units=np.where(mean > 0, np.inf, 0.0),
    )


def demand_from_history(
    frame: Any,
    *,
    as_of: date | None = None,
    window_days: int = 91,
    sku_col: str = "sku",
    market_col: str = "market",
    date_col: str = "date",
    units_col: str = "units",
) -> DemandTable:
    """Return daily demand moments from a long sales history (missing days = 0).

    Args:
        frame: Pandas or polars frame of daily sales.
        as_of: Last day of history; default the latest date in ``frame``.
        window_days: Days of history the moments use, in days.
        sku_col: Column of SKU ids.
        market_col: Column of marketplace ids.
        date_col: Column of dates.
        units_col: Column of units sold, in units.
    """
    df = _pandas(frame)[[sku_col, market_col, date_col, units_col]].copy()
    df[date_col] = pd.to_datetime(df[date_col]).dt.normalize()
    end = pd.Timestamp(as_of) if as_of else df[date_col].max()
    df = df[df[date_col] <= end]
    keys = [sku_col, market_col]
    first = df.groupby(keys)[date_col].min()
    total = df.groupby(keys)[units_col].sum()
    recent = df[df[date_col] > end - pd.Timedelta(days=window_days)]
    daily = recent.groupby([*keys, date_col])[units_col].sum().groupby(keys)
    s1, s2 = daily.sum(), daily.apply(lambda x: float((x**2).sum()))
    age = ((end - first).dt.days + 1).clip(lower=1)
    n = np.maximum(np.minimum(age.to_numpy(float), window_days), _MIN_WINDOW_DAYS)
    s1 = s1.reindex(first.index, fill_value=0.0)
    s2 = s2.reindex(first.index, fill_value=0.0)
    mean = s1.to_numpy(float) / n
    var = np.maximum(s2.to_numpy(float) / n - mean**2, 0.0) * n / np.maximum(n - 1, 1)
    idx = first.index
    return DemandTable(
        sku=tuple(str(x) for x in idx.get_level_values(0)),
        market=tuple(str(x) for x in idx.get_level_values(1)),
        mean=np.maximum(mean, 0.0),
        std=np.sqrt(var),
        history_days=age.to_numpy(np.int64),
        history_units=total.reindex(idx, fill_value=0).to_numpy(float),
    )


def demand_from_frame(frame: Any) -> DemandTable:
    """Return demand moments from either a history or a quantile frame.

    A frame with ``date`` and ``units`` columns is a sales history; anything
    else must be a quantile forecast (see :func:`demand_from_quantiles`).
    """
    df = _pandas(frame)
    if {"date", "units"} <= set(df.columns):
        return demand_from_history(df)
    return demand_from_quantiles(df)
