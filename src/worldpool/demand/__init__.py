"""Demand history, segmentation and probabilistic forecasting (pure core + service).

The public entry points take long frames (``sku, market, date, units,
stockout``; column names are keyword arguments) and return frames:
:func:`forecast` (window totals with quantiles), :func:`daily_forecast` and
:func:`backtest`. Scale-out lives in :mod:`worldpool.demand.distributed`
(``dask`` extra) and ledger access in :mod:`worldpool.demand.service`.
"""

from worldpool.demand.backtest import BacktestResult, backtest, backtest_matrix
from worldpool.demand.coldstart import ColdStart, cold_start
from worldpool.demand.forecast import daily_forecast, forecast, quantile_columns
from worldpool.demand.forecasters import (
    CrostonSBA,
    Forecaster,
    SeasonalNaive,
    SimpleExpSmoothing,
    TeunterSyntetosBabai,
    WindowAverage,
)
from worldpool.demand.history import Panel, impute_stockouts, to_panel, to_weekly
from worldpool.demand.metrics import coverage, mase, pinball, rmsse, wrmsse
from worldpool.demand.params import (
    ForecastCallbacks,
    ForecastParams,
    NoCallbacks,
)
from worldpool.demand.pipeline import MatrixForecast, forecast_matrix
from worldpool.demand.segment import Segments, abc_classes, syntetos_boylan

__all__ = [
    "BacktestResult",
    "ColdStart",
    "CrostonSBA",
    "ForecastCallbacks",
    "ForecastParams",
    "Forecaster",
    "MatrixForecast",
    "NoCallbacks",
    "Panel",
    "SeasonalNaive",
    "Segments",
    "SimpleExpSmoothing",
    "TeunterSyntetosBabai",
    "WindowAverage",
    "abc_classes",
    "backtest",
    "backtest_matrix",
    "cold_start",
    "coverage",
    "daily_forecast",
    "forecast",
    "forecast_matrix",
    "impute_stockouts",
    "mase",
    "pinball",
    "quantile_columns",
    "rmsse",
    "syntetos_boylan",
    "to_panel",
    "to_weekly",
    "wrmsse",
]
