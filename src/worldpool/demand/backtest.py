"""Rolling-origin backtest of the default pipeline, reported per segment.

At each origin the pipeline sees only the days before it, forecasts the next
``horizon_days`` day by day, and is scored on what happened: MASE, RMSSE, the
weighted RMSSE of the segment, mean pinball loss over the quantile levels and
the coverage of the central 90% interval (P5-P95).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from worldpool.demand.forecasters import FloatArray
from worldpool.demand.history import history_panel
from worldpool.demand.metrics import mase, pinball, rmsse
from worldpool.demand.params import ForecastCallbacks, ForecastParams, NoCallbacks
from worldpool.demand.pipeline import forecast_matrix
from worldpool.demand.segment import abc_classes

__all__ = ["BacktestResult", "backtest", "backtest_matrix"]


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Scores of a rolling-origin backtest."""

    by_segment: pd.DataFrame
    """One row per Syntetos-Boylan segment, per ABC class (``abc A`` ...) and
    ``all``: ``segment, series, windows, mase, rmsse, wrmsse, pinball,
    coverage_90``."""
    by_series: pd.DataFrame
    """One row per series and window: ``series, origin, segment, model, mase,
    rmsse, pinball, coverage_90, weight, abc``."""

    def summary(self) -> str:
        """The per-segment table as text (what the CLI prints)."""
        return self.by_segment.to_string(index=False, float_format="{:.3f}".format)


def _levels(p: ForecastParams) -> tuple[float, ...]:
    return tuple(sorted({*p.quantiles, 0.05, 0.95}))


def _score_window(
    y: FloatArray,
    origin: int,
    horizon: int,
    first_weekday: int,
    p: ForecastParams,
    start: date | None,
) -> pd.DataFrame:
    levels = _levels(p)
    q = ForecastParams(**{**_fields(p), "quantiles": levels})
    mf = forecast_matrix(
        y[:origin],
        first_weekday=first_weekday,
        horizon_days=horizon,
        daily=True,
        params=q,
        start=start,
    )
    assert mf.daily_quantiles is not None  # daily=True guarantees it
    train, actual = y[:origin], y[origin : origin + horizon]
    dq = mf.daily_quantiles
    lo, hi = levels.index(0.05), levels.index(0.95)
    inside = (actual >= dq[:, :, lo]) & (actual <= dq[:, :, hi])
    loss = np.mean([pinball(actual, dq[:, :, i], lv) for i, lv in enumerate(levels)], 0)
    return pd.DataFrame(
        {
            "series": np.arange(y.shape[1]),
            "origin": origin,
            "segment": mf.segment,
            "model": mf.model,
            "mase": mase(actual, mf.mean_path, train),
            "rmsse": rmsse(actual, mf.mean_path, train),
            "pinball": loss,
            "coverage_90": inside.mean(axis=0),
            "weight": train[-28:].sum(axis=0),
            "abc": abc_classes(train[-91:].sum(axis=0)),
        }
    )


def _fields(p: ForecastParams) -> dict[str, Any]:
    return {f: getattr(p, f) for f in p.__dataclass_fields__}


def backtest_matrix(
    y: FloatArray,
    *,
    first_weekday: int,
    horizon_days: int = 28,
    windows: int = 3,
    step_days: int | None = None,
    params: ForecastParams | None = None,
    callbacks: ForecastCallbacks | None = None,
    start: date | None = None,
) -> BacktestResult:
    """Backtest the pipeline on a demand matrix with rolling origins.

    Args:
        y: Demand, units per day, ``(T, N)``.
        first_weekday: Weekday of the first day, 0 = Monday.
        horizon_days: Days forecast from each origin, in days.
        windows: Number of origins.
        step_days: Days between origins (default: ``horizon_days``).
        params: Pipeline settings.
        callbacks: Progress hooks (one step per window).
        start: Date of the first day (calendar features of the global model).

    Returns:
        Scores per series and window, and per segment.
    """
    p = params or ForecastParams()
    cb = callbacks or NoCallbacks()
    step = step_days or horizon_days
    t_len = y.shape[0]
    origins = [t_len - horizon_days - k * step for k in range(windows - 1, -1, -1)]
    if origins[0] < 2 * horizon_days:
        raise ValueError(f"history of {t_len} days is too short for {windows} windows")
    parts = []
    for i, o in enumerate(origins, start=1):
        parts.append(_score_window(y, o, horizon_days, first_weekday, p, start))
        cb.on_step("backtesting", i, len(origins))
    series = pd.concat(parts, ignore_index=True)
    return BacktestResult(by_segment=_by_segment(series), by_series=series)


def _by_segment(series: pd.DataFrame) -> pd.DataFrame:
    rows = []
    by_abc = [(f"abc {k}", g) for k, g in series.groupby("abc")]
    for name, g in [*series.groupby("segment"), *by_abc, ("all", series)]:
        ok = g["rmsse"].notna()
        w = g.loc[ok, "weight"]
        rows.append(
            {
                "segment": name,
                "series": g["series"].nunique(),
                "windows": g["origin"].nunique(),
                "mase": g["mase"].mean(),
                "rmsse": g["rmsse"].mean(),
                "wrmsse": float((g.loc[ok, "rmsse"] * w).sum() / w.sum())
                if w.sum() > 0
                else float("nan"),
                "pinball": g["pinball"].mean(),
                "coverage_90": g["coverage_90"].mean(),
            }
        )
    return pd.DataFrame(rows)


def backtest(
    frame: Any,
    *,
    horizon_days: int = 28,
    windows: int = 3,
    params: ForecastParams | None = None,
    callbacks: ForecastCallbacks | None = None,
    sku_col: str = "sku",
    market_col: str = "market",
    date_col: str = "date",
    units_col: str = "units",
    stockout_col: str = "stockout",
) -> BacktestResult:
    """Backtest the pipeline on a long demand frame (see :func:`backtest_matrix`).

    Args:
        frame: Long demand history (pandas, or polars via narwhals).
        horizon_days: Days forecast from each origin, in days.
        windows: Number of rolling origins.
        params: Pipeline settings.
        callbacks: Progress hooks.
        sku_col: Column of SKU ids.
        market_col: Column of marketplace ids.
        date_col: Column of dates.
        units_col: Column of units sold, in units.
        stockout_col: Optional boolean column marking stock-out days.

    Returns:
        Scores per series and window (with ``sku`` and ``market``), and per
        segment.
    """
    p = params or ForecastParams()
    cols = {
        "sku_col": sku_col,
        "market_col": market_col,
        "date_col": date_col,
        "units_col": units_col,
        "stockout_col": stockout_col,
    }
    panel = history_panel(frame, cols, p.impute_window_days)
    res = backtest_matrix(
        panel.y,
        first_weekday=panel.start.weekday(),
        horizon_days=horizon_days,
        windows=windows,
        params=p,
        callbacks=callbacks,
        start=panel.start.date(),
    )
    by_series = res.by_series.assign(
        sku=panel.sku[res.by_series["series"]],
        market=panel.market[res.by_series["series"]],
    )
    return BacktestResult(by_segment=res.by_segment, by_series=by_series)
