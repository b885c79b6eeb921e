"""Forecast accuracy metrics: MASE, RMSSE, WRMSSE, pinball loss and coverage.

All take ``(h, N)`` matrices (days × series) of actual and forecast units per
day, and the ``(T, N)`` training history for the scale. As in the M5
competition, the scale of a series is computed from its first sale on.

References:
    Makridakis, S., Spiliotis, E. & Assimakopoulos, V. (2022). M5 accuracy
    competition: Results, findings, and conclusions. IJF 38(4), 1346-1364.
"""

from __future__ import annotations

import numpy as np

from worldpool.demand.forecasters import FloatArray

__all__ = ["coverage", "mase", "pinball", "rmsse", "wrmsse"]


def _diffs(train: FloatArray, season: int, power: int) -> FloatArray:
    """Mean |y_t - y_{t-m}|^power after the first sale, per series."""
    started = np.cumsum(train > 0, axis=0) > 0
    d = np.abs(train[season:] - train[:-season]) ** power
    ok = started[:-season]
    mean = np.where(ok, d, 0.0).sum(axis=0) / np.maximum(ok.sum(axis=0), 1)
    return np.asarray(mean, dtype=np.float64)


def rmsse(actual: FloatArray, forecast: FloatArray, train: FloatArray) -> FloatArray:
    """Root mean squared scaled error of each series, unitless, ``(N,)``.

    Args:
        actual: Realised demand, units per day, ``(h, N)``.
        forecast: Forecast demand, units per day, ``(h, N)``.
        train: History before the forecast, units per day, ``(T, N)``.

    Returns:
        RMSSE per series; NaN where the history never changed (zero scale).
    """
    scale = _diffs(train, 1, 2)
    mse = np.mean((actual - forecast) ** 2, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(scale > 0, np.sqrt(mse / scale), np.nan))


def mase(
    actual: FloatArray, forecast: FloatArray, train: FloatArray, season: int = 1
) -> FloatArray:
    """Mean absolute scaled error of each series, unitless, ``(N,)``.

    Args:
        actual: Realised demand, units per day, ``(h, N)``.
        forecast: Forecast demand, units per day, ``(h, N)``.
        train: History before the forecast, units per day, ``(T, N)``.
        season: Lag of the naive scale, in days (1: naive, 7: seasonal). [m]

    Returns:
        MASE per series; NaN where the scale is zero.

    References:
        Hyndman, R. J. & Koehler, A. B. (2006). Another look at measures of
        forecast accuracy. IJF 22(4), 679-688.
    """
    scale = _diffs(train, season, 1)
    mae = np.mean(np.abs(actual - forecast), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(scale > 0, mae / scale, np.nan))


def wrmsse(
    actual: FloatArray, forecast: FloatArray, train: FloatArray, weights: FloatArray
) -> float:
    """Weighted RMSSE (the M5 score at one level), unitless.

    Args:
        actual: Realised demand, units per day, ``(h, N)``.
        forecast: Forecast demand, units per day, ``(h, N)``.
        train: History before the forecast, units per day, ``(T, N)``.
        weights: Weight of each series (revenue or units of the last 28 days
            of ``train``), any unit; renormalised over series with a scale.

    Returns:
        The weighted mean RMSSE.
    """
    r = rmsse(actual, forecast, train)
    w = np.where(np.isnan(r), 0.0, np.asarray(weights, dtype=np.float64))
    if w.sum() <= 0:
        return float("nan")
    return float(np.sum(w * np.nan_to_num(r)) / w.sum())


def pinball(actual: FloatArray, quantile: FloatArray, level: float) -> FloatArray:
    """Mean pinball (quantile) loss of each series, units per day, ``(N,)``.

    Args:
        actual: Realised demand, units per day, ``(h, N)``.
        quantile: Forecast quantile at ``level``, units per day, ``(h, N)``.
        level: Quantile level, unitless. [τ]
    """
    diff = actual - quantile
    loss = np.maximum(level * diff, (level - 1) * diff)
    return np.asarray(loss.mean(axis=0), dtype=np.float64)


def coverage(actual: FloatArray, lower: FloatArray, upper: FloatArray) -> float:
    """Share of actual values inside ``[lower, upper]``, unitless.

    Args:
        actual: Realised demand, units.
        lower: Lower interval bound, units, same shape.
        upper: Upper interval bound, units, same shape.
    """
    inside = (actual >= lower) & (actual <= upper)
    return float(np.mean(inside))
