"""Daily demand history: long frame → dense panel, with stock-out censoring.

Censored demand is **imputed**, not excluded: a stock-out day's units become
the larger of what was sold and the mean of the series' in-stock days in the
``window`` days before it (or of all its in-stock days when that window has
none). Imputing keeps every series on one calendar, which the vectorised
models need; excluding the day would need per-series calendars.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from worldpool.demand.forecasters import FloatArray
from worldpool.errors import InputError

__all__ = ["Panel", "history_panel", "impute_stockouts", "to_panel", "to_weekly"]


@dataclass(frozen=True, slots=True)
class Panel:
    """Daily demand of ``N`` (sku, market) series on one calendar of ``T`` days."""

    sku: NDArray[np.object_]
    """SKU id of each series, ``(N,)``."""
    market: NDArray[np.object_]
    """Marketplace id of each series, ``(N,)``."""
    start: pd.Timestamp
    """First day of the calendar (UTC date)."""
    y: FloatArray
    """Units per day, ``(T, N)``; imputed on stock-out days after imputation."""
    stockout: NDArray[np.bool_]
    """True on days a series was out of stock, ``(T, N)``."""

    @property
    def dates(self) -> pd.DatetimeIndex:
        """The ``T`` calendar days."""
        return pd.date_range(self.start, periods=self.y.shape[0], freq="D")


def _require(frame: pd.DataFrame, columns: dict[str, str]) -> None:
    for role, col in columns.items():
        if col not in frame.columns:
            raise InputError(
                f"missing the {role} column", record="demand history", field=col
            )


def to_panel(
    frame: Any,
    *,
    sku_col: str = "sku",
    market_col: str = "market",
    date_col: str = "date",
    units_col: str = "units",
    stockout_col: str = "stockout",
    end: str | pd.Timestamp | None = None,
) -> Panel:
    """Turn a long demand frame into a dense daily panel (missing days sell 0).

    Args:
        frame: Long frame (pandas, or polars via narwhals) with one row per
            series and day; repeated rows are summed.
        sku_col: Column of SKU ids.
        market_col: Column of marketplace ids.
        date_col: Column of dates (UTC days).
        units_col: Column of units sold, in units (non-negative).
        stockout_col: Optional boolean column, true on stock-out days.
        end: Last calendar day (default: the last date in the frame).

    Returns:
        The panel, series sorted by (sku, market).
    """
    df = _to_pandas(frame)
    _require(df, {"sku": sku_col, "market": market_col, "date": date_col})
    _require(df, {"units": units_col})
    if df.empty:
        raise InputError("no demand rows to forecast from", record="demand history")
    units = _units(df, units_col)
    days = pd.to_datetime(df[date_col]).dt.tz_localize(None).dt.normalize()
    last = pd.Timestamp(end).normalize() if end is not None else days.max()
    stock = (
        df[stockout_col].fillna(False).astype(bool)
        if stockout_col in df.columns
        else pd.Series(False, index=df.index)
    )
    long = pd.DataFrame(
        {"k0": df[sku_col].astype(str), "k1": df[market_col].astype(str)}
    ).assign(d=days, u=units.astype(np.float64), s=stock)
    long = long[long["d"] <= last]
    agg = long.groupby(["d", "k0", "k1"], sort=True).agg(u=("u", "sum"), s=("s", "any"))
    calendar = pd.date_range(days.min(), last, freq="D")
    wide_u = agg["u"].unstack(["k0", "k1"], fill_value=0)
    wide_u = wide_u.reindex(calendar, fill_value=0.0)
    wide_s = agg["s"].unstack(["k0", "k1"], fill_value=False)
    wide_s = wide_s.reindex(calendar, fill_value=False)
    wide_u = wide_u.sort_index(axis=1)
    wide_s = wide_s.reindex(columns=wide_u.columns)
    cols = wide_u.columns
    return Panel(
        sku=np.asarray(cols.get_level_values(0), dtype=object),
        market=np.asarray(cols.get_level_values(1), dtype=object),
        start=calendar[0],
        y=wide_u.to_numpy(dtype=np.float64),
        stockout=wide_s.to_numpy(dtype=bool),
    )


def _units(df: pd.DataFrame, units_col: str) -> pd.Series:
    """Return the units column as numbers; refuse a negative or non-number, by row."""
    units = pd.to_numeric(df[units_col], errors="coerce")
    bad = units.isna() | (units < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise InputError(
            "units must be a non-negative number",
            record="demand history",
            row=row,
            field=units_col,
            value=df[units_col].iloc[row - 1],
        )
    return units


def _to_pandas(frame: Any) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame):
        return frame
    import narwhals as nw

    out: pd.DataFrame = nw.from_native(frame, eager_only=True).to_pandas()
    return out


def impute_stockouts(panel: Panel, window: int = 28) -> Panel:
    """Replace stock-out days' units by an estimate of the demand that was lost.

    Args:
        panel: The history; ``stockout`` marks censored days.
        window: Trailing days whose in-stock mean estimates demand, in days.

    Returns:
        The panel with ``y`` imputed (``stockout`` is kept, for reporting).
    """
    if not panel.stockout.any():
        return panel
    instock = ~panel.stockout
    vals = np.where(instock, panel.y, 0.0)
    zero = np.zeros((1, vals.shape[1]))
    s = np.vstack([zero, np.cumsum(vals, axis=0)])
    c = np.vstack([zero, np.cumsum(instock, axis=0)])
    t = np.arange(vals.shape[0])
    lo = np.maximum(t - window, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        trailing = (s[t] - s[lo]) / (c[t] - c[lo])
        overall = s[-1] / c[-1]
    estimate = np.where(np.isnan(trailing), overall[None, :], trailing)
    estimate = np.nan_to_num(estimate)
    y = np.where(panel.stockout, np.maximum(panel.y, estimate), panel.y)
    return replace(panel, y=y)


def history_panel(frame: Any, columns: Mapping[str, str], window: int) -> Panel:
    """Return the panel of ``frame`` with stock-out days imputed (the pipeline input).

    Args:
        frame: Long demand history.
        columns: Column-name keywords of :func:`to_panel` (``sku_col`` ...).
        window: Trailing window of the imputation, in days.
    """
    return impute_stockouts(to_panel(frame, **columns), window)


def to_weekly(
    panel: Panel, *, week_start: int = 0
) -> tuple[pd.DatetimeIndex, FloatArray, NDArray[np.bool_]]:
    """Sum a daily panel into whole weeks (for weekly planning and reports).

    Args:
        panel: The daily history (impute stock-outs first to sum demand, not
            sales).
        week_start: Weekday a week starts on, 0 = Monday.

    Returns:
        ``(week_starts, units, stockout)``: the first day of each complete
        week, units per week ``(W, N)``, and whether any day of the week was
        a stock-out ``(W, N)``. Days before the first complete week and after
        the last are left out.
    """
    dates = panel.dates
    first = int(np.argmax(dates.weekday == week_start))
    whole = (panel.y.shape[0] - first) // 7
    cut = slice(first, first + 7 * whole)
    n = panel.y.shape[1]
    units = np.asarray(panel.y[cut].reshape(whole, 7, n).sum(axis=1), dtype=np.float64)
    out = np.asarray(panel.stockout[cut].reshape(whole, 7, n).any(axis=1), dtype=bool)
    return dates[cut][::7], units, out
