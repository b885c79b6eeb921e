"""Probabilistic demand forecasts of (SKU, market) series, frames in and out.

``forecast`` answers the planner's question "how much will sell in this
window?" with calibrated quantiles of the window total; ``daily_forecast``
gives each day's mean and quantiles (for plots and daily scoring).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from worldpool.demand.coldstart import cold_quantiles, cold_start
from worldpool.demand.history import Panel, history_panel
from worldpool.demand.params import ForecastCallbacks, ForecastParams
from worldpool.demand.pipeline import MatrixForecast, forecast_matrix
from worldpool.demand.segment import abc_classes

__all__ = ["daily_forecast", "forecast", "quantile_columns"]

_RATE_DAYS = 91


def quantile_columns(levels: Sequence[float]) -> list[str]:
    """Column names of quantile levels: 0.5 → ``p50``, 0.995 → ``p99.5``."""
    return [f"p{round(q * 100, 1):g}" for q in levels]


def forecast(
    frame: Any,
    *,
    horizon_days: int = 28,
    lead_days: int = 0,
    new_pairs: Sequence[tuple[str, str]] = (),
    categories: Mapping[str, str] | None = None,
    market_size: Mapping[str, float] | None = None,
    params: ForecastParams | None = None,
    callbacks: ForecastCallbacks | None = None,
    sku_col: str = "sku",
    market_col: str = "market",
    date_col: str = "date",
    units_col: str = "units",
    stockout_col: str = "stockout",
) -> Any:
    """Forecast total demand over a window for every series, with quantiles.

    Args:
        frame: Long demand history (pandas, or polars via narwhals).
        horizon_days: Days in the window, in days (lead time + review period).
        lead_days: Days from the day after the history to the window start.
        new_pairs: (sku, market) pairs to forecast even without history (cold
            start); pairs with history are forecast as usual.
        categories: Category per SKU, used by cold start.
        market_size: Relative size per market, used by cold start.
        params: Pipeline settings (quantile levels among them).
        callbacks: Progress hooks.
        sku_col: Column of SKU ids.
        market_col: Column of marketplace ids.
        date_col: Column of dates.
        units_col: Column of units sold, in units.
        stockout_col: Optional boolean column marking stock-out days.

    Returns:
        One row per series: ``sku, market, horizon_start, horizon_days,
        lead_days, mean, p50 … p99, model, segment, abc, source, why``; units
        for ``mean`` and the quantiles. Same frame kind as ``frame``.
    """
    p = params or ForecastParams()
    cols = _col_names(sku_col, market_col, date_col, units_col, stockout_col)
    panel = history_panel(frame, cols, p.impute_window_days)
    mf = _run(panel, p, callbacks, horizon_days=horizon_days, lead_days=lead_days)
    start = panel.dates[-1] + pd.Timedelta(days=1 + lead_days)
    out = _history_rows(panel, mf, p.quantiles, p.select_horizon_days)
    cold = _cold_rows(panel, new_pairs, categories, market_size, horizon_days, p)
    out = pd.concat([out, cold], ignore_index=True) if len(cold) else out
    window: list[Any] = [start.date(), horizon_days, lead_days]
    for i, name in enumerate(("horizon_start", "horizon_days", "lead_days")):
        out.insert(2 + i, name, window[i])
    out = out.rename(columns={"sku": sku_col, "market": market_col})
    return _like(frame, out)


def _run(
    panel: Panel, p: ForecastParams, callbacks: ForecastCallbacks | None, **window: Any
) -> MatrixForecast:
    """The pipeline on a panel; a SKU's series in every market pool their level."""
    return forecast_matrix(
        panel.y,
        first_weekday=panel.start.weekday(),
        params=p,
        callbacks=callbacks,
        start=panel.start.date(),
        groups=np.unique(panel.sku.astype(str), return_inverse=True)[1],
        **window,
    )


def _history_rows(
    panel: Panel, mf: MatrixForecast, levels: Sequence[float], select_days: int
) -> pd.DataFrame:
    out = pd.DataFrame({"sku": panel.sku, "market": panel.market})
    out["mean"] = mf.total_mean
    for name, col in zip(quantile_columns(levels), mf.total_quantiles.T, strict=True):
        out[name] = col
    out["model"] = mf.model
    out["segment"] = mf.segment
    out["abc"] = abc_classes(panel.y[-_RATE_DAYS:].sum(axis=0))
    out["source"] = "history"
    days = panel.y.shape[0]
    # The same bound as the pipeline's: one window plus 35 days of context.
    short = days < 35 + select_days
    out["why"] = [
        "no demand in the history"
        if s == "none"
        else f"default {m}: {days} days of history are too few to backtest"
        if short
        else f"{m} chosen for {s} series by rolling-origin backtest"
        for m, s in zip(mf.model, mf.segment, strict=True)
    ]
    return out


def _cold_rows(
    panel: Panel,
    new_pairs: Sequence[tuple[str, str]],
    categories: Mapping[str, str] | None,
    market_size: Mapping[str, float] | None,
    horizon_days: int,
    p: ForecastParams,
) -> pd.DataFrame:
    known = set(zip(panel.sku, panel.market, strict=True))
    todo = [(str(s), str(m)) for s, m in new_pairs if (s, m) not in known]
    if not todo:
        return pd.DataFrame()
    recent = panel.y[-_RATE_DAYS:].mean(axis=0)
    rates = {
        (str(s), str(m)): float(r)
        for s, m, r in zip(panel.sku, panel.market, recent, strict=True)
    }
    got = cold_start(rates, todo, categories=categories, market_size=market_size)
    mean = np.array([c.rate * horizon_days for c in got])
    q = cold_quantiles(mean, p.quantiles)
    out = pd.DataFrame(
        {"sku": [c.sku for c in got], "market": [c.market for c in got], "mean": mean}
    )
    for name, col in zip(quantile_columns(p.quantiles), q.T, strict=True):
        out[name] = col
    out["model"] = "cold_start"
    out["segment"] = "new"
    out["abc"] = "C"
    out["source"] = [c.source for c in got]
    out["why"] = [c.why for c in got]
    return out


def daily_forecast(
    frame: Any,
    *,
    horizon_days: int = 28,
    params: ForecastParams | None = None,
    callbacks: ForecastCallbacks | None = None,
    sku_col: str = "sku",
    market_col: str = "market",
    date_col: str = "date",
    units_col: str = "units",
    stockout_col: str = "stockout",
) -> Any:
    """Forecast each of the next ``horizon_days`` days, with daily quantiles.

    Args:
        frame: Long demand history (pandas, or polars via narwhals).
        horizon_days: Days forecast, in days.
        params: Pipeline settings.
        callbacks: Progress hooks.
        sku_col: Column of SKU ids.
        market_col: Column of marketplace ids.
        date_col: Column of dates.
        units_col: Column of units sold, in units.
        stockout_col: Optional boolean column marking stock-out days.

    Returns:
        Long frame ``sku, market, date, mean, p50 … p99, model``, units per
        day. Same frame kind as ``frame``.
    """
    p = params or ForecastParams()
    cols = _col_names(sku_col, market_col, date_col, units_col, stockout_col)
    panel = history_panel(frame, cols, p.impute_window_days)
    mf = _run(panel, p, callbacks, horizon_days=horizon_days, daily=True)
    assert mf.daily_quantiles is not None  # daily=True guarantees it
    n = panel.y.shape[1]
    dates = pd.date_range(panel.dates[-1] + pd.Timedelta(days=1), periods=horizon_days)
    out = pd.DataFrame(
        {
            sku_col: np.repeat(panel.sku, horizon_days),
            market_col: np.repeat(panel.market, horizon_days),
            date_col: np.tile(dates, n),
            "mean": mf.mean_path.T.ravel(),
        }
    )
    dq = mf.daily_quantiles.transpose(1, 0, 2).reshape(n * horizon_days, -1)
    for name, col in zip(quantile_columns(p.quantiles), dq.T, strict=True):
        out[name] = col
    out["model"] = np.repeat(mf.model, horizon_days)
    return _like(frame, out)


def _col_names(
    sku_col: str, market_col: str, date_col: str, units_col: str, stockout_col: str
) -> dict[str, str]:
    """Return the column-name keywords of :func:`history_panel`."""
    return {
        "sku_col": sku_col,
        "market_col": market_col,
        "date_col": date_col,
        "units_col": units_col,
        "stockout_col": stockout_col,
    }


def _like(frame: Any, out: pd.DataFrame) -> Any:
    """Return ``out`` as the same kind of frame as ``frame``."""
    if isinstance(frame, pd.DataFrame):
        return out
    import narwhals as nw
    import pyarrow as pa

    backend = nw.get_native_namespace(nw.from_native(frame, eager_only=True))
    table = pa.Table.from_pandas(out, preserve_index=False)
    return nw.from_arrow(table, backend=backend).to_native()
