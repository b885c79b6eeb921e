"""Settings of the default forecasting pipeline, and its progress callbacks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from worldpool.demand._candidates import CANDIDATES, GLOBAL

__all__ = ["DEFAULT_QUANTILES", "ForecastCallbacks", "ForecastParams", "NoCallbacks"]

DEFAULT_QUANTILES = (0.5, 0.8, 0.9, 0.95, 0.99)
"""Quantile levels the planner reads (P50, P80, P90, P95, P99)."""


@dataclass(frozen=True, slots=True)
class ForecastParams:
    """Settings of :func:`worldpool.demand.forecast`; checked on creation."""

    quantiles: tuple[float, ...] = DEFAULT_QUANTILES
    """Quantile levels, each in (0, 1), unitless."""
    select_horizon_days: int = 28
    """Length of each backtest window used to choose a model per segment, in days."""
    select_windows: int = 2
    """Number of rolling-origin windows at the end of the history for the choice."""
    combine_top: int = 1
    """Best candidates of each segment's backtest whose forecasts are averaged
    (with the anchor), in candidates."""
    anchor: tuple[str, ...] = ("SESopt+dow", "Pooled+dow")
    """Candidates always averaged in (those that could be fitted: ``Pooled``
    needs the SKU of each series). On 11 earlier 28-day periods of the M5
    subset the weekday-adjusted SES and its SKU-pooled version were the best
    single candidates; averaged with the backtest choice they cut mean WRMSSE by
    5% (0.826 vs 0.873); a choice made on two backtest windows is noisy
    (benchmarks/forecast_accuracy.py, BENCHMARKS.md)."""
    calibration_days: int = 364
    """Days at the end of the history whose forecast errors calibrate quantiles."""
    calibration_stride_days: int = 7
    """Days between two calibration origins, in days."""
    profile_days: int = 364
    """Days used to estimate each series' weekday profile, in days."""
    profile_prior_units: float = 20.0
    """Pseudo-units of the pooled weekday profile mixed into each series', units."""
    impute_window_days: int = 28
    """Trailing window whose in-stock mean replaces a stock-out day, in days."""
    min_segment_series: int = 5
    """Series a segment needs to get its own model and calibration."""
    global_model: bool = False
    """Add the LightGBM global model to the candidates (needs the optional
    ``mlforecast`` and ``lightgbm`` packages; without them it is left out).
    It costs two model fits per block of series."""

    def __post_init__(self) -> None:
        if not self.quantiles or not all(0 < q < 1 for q in self.quantiles):
            raise ValueError(f"quantiles must lie in (0, 1), got {self.quantiles}")
        if list(self.quantiles) != sorted(set(self.quantiles)):
            raise ValueError(f"quantiles must be increasing, got {self.quantiles}")
        for name in (
            "select_horizon_days",
            "select_windows",
            "combine_top",
            "calibration_days",
            "calibration_stride_days",
            "profile_days",
            "impute_window_days",
            "min_segment_series",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"ForecastParams.{name} must be >= 1")
        if any(a not in _anchors() for a in self.anchor):
            raise ValueError(
                f"ForecastParams.anchor must name candidates: {self.anchor}"
            )
        if self.profile_prior_units < 0:
            raise ValueError("ForecastParams.profile_prior_units must be >= 0")


def _anchors() -> tuple[str, ...]:
    return tuple(c for c in CANDIDATES if c != GLOBAL)


class ForecastCallbacks(Protocol):
    """Progress hooks; the core calls them and never prints."""

    def on_step(self, step: str, done: int, total: int) -> None:
        """Report that ``done`` of ``total`` units of work of ``step`` are done."""
        ...


class NoCallbacks:
    """Callbacks that do nothing (the default)."""

    def on_step(self, step: str, done: int, total: int) -> None:
        """Ignore the progress report."""
