"""Demand from a plain sales history, without the forecaster: recent moments.

For a history the full pipeline (:func:`worldpool.demand.forecast`) is not
run on (a quick what-if, a file of sales, a twin's own estimate), the window
demand is a gamma law matched on the mean and variance of recent daily sales,
missing days counting as zero, returned in the forecast's own frame shape
(``sku, market, horizon_days, mean, p50 … p99, source``) so that the planner
has one input whatever made it. :func:`history_stats` gives what the
planner's launch rule needs (days since the first sale, units sold).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from worldpool.demand.dist import LEVELS, quantile
from worldpool.demand.forecast import quantile_columns
from worldpool.errors import InputError

__all__ = ["MIN_WINDOW_DAYS", "history_stats", "quantiles_from_history"]

MIN_WINDOW_DAYS = 14
"""Fewest days the daily moments are taken over (a new series is not spiky)."""


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


def _daily(frame: Any, as_of: date | None) -> tuple[pd.DataFrame, pd.Timestamp]:
    cols = ["sku", "market", "date", "units"]
    df = _pandas(frame)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError("missing column", record="demand", field=missing[0])
    df = df[cols].copy()
    df["sku"], df["market"] = df["sku"].astype(str), df["market"].astype(str)
    df["date"] = pd.to_datetime(df["date"]).dt.normalize()
    end = pd.Timestamp(as_of) if as_of else df["date"].max()
    return df[df["date"] <= end], end


def history_stats(frame: Any, *, as_of: date | None = None) -> pd.DataFrame:
    """Return days since the first sale and units sold, per (sku, market).

    Args:
        frame: Long daily sales ``sku, market, date, units`` (pandas or polars).
        as_of: Last day of history; default the latest date in ``frame``.

    Returns:
        Columns ``sku, market, history_days, history_units``.
    """
    df, end = _daily(frame, as_of)
    g = df.groupby(["sku", "market"])
    first, total = g["date"].min(), g["units"].sum()
    age = ((end - first).dt.days + 1).clip(lower=1)
    return pd.DataFrame(
        {"history_days": age.astype("int64"), "history_units": total.astype(float)}
    ).reset_index()


def quantiles_from_history(
    frame: Any,
    *,
    horizon_days: int = 28,
    as_of: date | None = None,
    window_days: int = 91,
    levels: tuple[float, ...] = LEVELS,
) -> pd.DataFrame:
    """Return window-demand quantiles from the moments of recent daily sales.

    Args:
        frame: Long daily sales ``sku, market, date, units`` (pandas or polars).
        horizon_days: Window the quantiles describe, in days. [H]
        as_of: Last day of history; default the latest date in ``frame``.
        window_days: Days of history the moments use, in days.
        levels: Quantile levels to return.

    Returns:
        ``sku, market, horizon_days, mean, p50 … p99, source``; units.
    """
    df, end = _daily(frame, as_of)
    keys = ["sku", "market"]
    first = df.groupby(keys)["date"].min()
    recent = df[df["date"] > end - pd.Timedelta(days=window_days)]
    daily = recent.groupby([*keys, "date"])["units"].sum().groupby(keys)
    s1 = daily.sum().reindex(first.index, fill_value=0.0).to_numpy(float)
    s2 = daily.apply(lambda x: float((x**2).sum())).reindex(first.index, fill_value=0.0)
    age = ((end - first).dt.days + 1).clip(lower=1).to_numpy(float)
    n = np.maximum(np.minimum(age, window_days), MIN_WINDOW_DAYS)
    mean = np.maximum(s1 / n, 0.0)
    var = np.maximum(s2.to_numpy(float) / n - mean**2, 0.0) * n / np.maximum(n - 1, 1)
    out = first.index.to_frame(index=False)
    out["horizon_days"] = horizon_days
    out["mean"] = mean * horizon_days
    q = quantile(
        (mean * horizon_days)[:, None],
        (var * horizon_days)[:, None],
        np.asarray(levels)[None, :],
    )
    for name, col in zip(quantile_columns(levels), q.T, strict=True):
        out[name] = col
    out["source"] = "history moments"
    return out
