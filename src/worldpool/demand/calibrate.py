"""Empirical residual quantiles: calibrated quantiles of demand over a window.

The forecast of a window (``lead`` days after the origin, ``horizon`` days
long) is compared with what happened at many past origins. Errors are divided
by the series' one-step error scale times √horizon so that series of every size
can be pooled; the pooled quantiles of those scaled errors, per segment, are
then mapped back onto each series' own scale. Only history before the forecast
origin is used, so the quantiles are honest out-of-sample.

References:
    Lei, J., G'Sell, M., Rinaldo, A., Tibshirani, R. J. & Wasserman, L. (2018).
    Distribution-free predictive inference for regression. JASA 113(523).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from worldpool.demand._candidates import CANDIDATES, Fitted
from worldpool.demand.forecasters import FloatArray

__all__ = [
    "chosen_path",
    "consistent_quantiles",
    "one_step_scale",
    "residual_quantiles",
    "scaled_errors",
]

_MIN_SCALE = 0.1
"""Floor of the one-step error scale, in units per day (an all-zero stretch)."""


def chosen_path(
    fit: Fitted, choice: NDArray[np.int64], origin: int, start: int, stop: int
) -> FloatArray:
    """Forecast path of each series' chosen candidate, units/day, ``(stop-start, N)``.

    Args:
        fit: The fitted candidates.
        choice: Index into :data:`CANDIDATES` per series.
        origin: First unseen day, in days from the start.
        start: First lead, in days.
        stop: Lead after the last, in days.
    """
    out = np.zeros((stop - start, choice.shape[0]))
    for code in np.unique(choice):
        cols = choice == code
        out[:, cols] = fit.path(CANDIDATES[code], origin, start, stop)[:, cols]
    return out


def one_step_scale(fit: Fitted, choice: NDArray[np.int64], days: int) -> FloatArray:
    """Root mean squared one-step error over the last ``days``, units per day, (N,)."""
    t_len = fit.y.shape[0]
    lo = max(t_len - days, 8)
    out = np.full(choice.shape[0], _MIN_SCALE)
    if lo >= t_len:
        return out
    for code in np.unique(choice):
        cols = choice == code
        err = fit.y[lo:, cols] - fit.fitted(CANDIDATES[code])[lo:, cols]
        with np.errstate(invalid="ignore"):
            ok = ~np.isnan(err)
            mse = np.where(ok, err**2, 0.0).sum(axis=0) / np.maximum(ok.sum(axis=0), 1)
        out[cols] = np.maximum(np.sqrt(mse), _MIN_SCALE)
    return out


def scaled_errors(
    fit: Fitted,
    choice: NDArray[np.int64],
    scale: FloatArray,
    window: tuple[int, int],
    origins: NDArray[np.int64],
) -> tuple[FloatArray, FloatArray]:
    """Scaled errors of window sums at past origins, and the forecasts made.

    Args:
        fit: The fitted candidates.
        choice: Index into :data:`CANDIDATES` per series.
        scale: One-step error scale per series, units per day.
        window: ``(lead, horizon)`` of the window, in days.
        origins: Past origins (first unseen day), each with its window in the
            history, in days from the start.

    Returns:
        ``(actual - forecast) / (scale · √horizon)`` and the forecast window
        sums (units), each ``(len(origins), N)``.
    """
    lead, horizon = window
    csum = np.vstack([np.zeros((1, fit.y.shape[1])), np.cumsum(fit.y, axis=0)])
    out = np.empty((origins.size, choice.shape[0]))
    preds = np.empty_like(out)
    for i, o in enumerate(origins):
        pred = chosen_path(fit, choice, int(o), lead, lead + horizon).sum(axis=0)
        actual = csum[o + lead + horizon] - csum[o + lead]
        out[i] = (actual - pred) / (scale * np.sqrt(horizon))
        preds[i] = pred
    return out, preds


def residual_quantiles(
    errors: FloatArray,
    preds: FloatArray,
    groups: NDArray[np.str_],
    current: FloatArray,
    levels: tuple[float, ...],
    min_samples: int = 200,
) -> FloatArray:
    """Empirical quantiles of scaled errors per group and forecast-size bin.

    Errors are pooled per (group, bin) where the bin is that of the forecast
    made at the origin: zero, or a quartile of the group's positive forecasts
    (Mondrian conformal prediction: a forecast of 0 and a forecast of 50 units
    do not err alike). Each series gets the quantiles of the bin of its
    ``current`` forecast.

    Args:
        errors: Scaled errors, ``(origins, N)``; NaN entries are ignored.
        preds: Forecasts made at those origins, units, ``(origins, N)``.
        groups: Group (segment) label of each series.
        current: The forecast being calibrated, units, ``(N,)``.
        levels: Quantile levels, unitless, increasing.
        min_samples: Errors a bin needs; sparser bins use the group's, and
            sparser groups use everyone's.

    Returns:
        The quantiles of each series' scaled error, ``(N, len(levels))``.
    """
    q = np.asarray(levels)
    out = np.zeros((groups.shape[0], q.size))
    ok = ~np.isnan(errors)
    fallback = np.quantile(errors[ok], q) if ok.any() else np.zeros(q.size)
    for g in np.unique(groups):
        cols = groups == g
        e, pr = errors[:, cols], preds[:, cols]
        keep = ~np.isnan(e)
        e, pr = e[keep], pr[keep]
        if e.size < min_samples:
            out[cols] = fallback
            continue
        group_q = np.quantile(e, q)
        pos = pr[pr > 0]
        edges = np.quantile(pos, [0.25, 0.5, 0.75]) if pos.size else np.zeros(3)
        sample_bin = np.where(pr > 0, 1 + np.searchsorted(edges, pr), 0)
        cur = current[cols]
        cur_bin = np.where(cur > 0, 1 + np.searchsorted(edges, cur), 0)
        res = np.empty((cols.sum(), q.size))
        for b in range(5):
            sel = sample_bin == b
            qb = np.quantile(e[sel], q) if sel.sum() >= min_samples else group_q
            res[cur_bin == b] = qb
        out[cols] = res
    return out


def consistent_quantiles(
    values: FloatArray, mean: FloatArray, levels: tuple[float, ...]
) -> FloatArray:
    """Whole-unit, increasing quantiles that a law with this mean can have.

    Demand is never negative, so by Markov's inequality a law with mean ``m``
    has ``P(X >= a) <= m / a``: its ``q`` quantile is at most ``m / (1 - q)``.
    Calibrated residual quantiles pooled over a segment can break that (a
    forecast of 0 with a P90 of 193 units); they are capped here, so a mean
    of 0 has every quantile 0. The result is rounded to whole units and made
    non-decreasing along the last axis.

    Args:
        values: Quantiles, units, ``(..., len(levels))``.
        mean: Forecast mean of the same quantity, units, ``values.shape[:-1]``.
        levels: Quantile levels, unitless, increasing.

    Returns:
        The capped quantiles, units, same shape as ``values``.
    """
    q = np.asarray(levels, dtype=np.float64)
    bound = np.floor(np.maximum(mean, 0.0)[..., None] / (1.0 - q) + 1e-9)
    whole = np.round(np.maximum.accumulate(np.maximum(values, 0.0), axis=-1))
    return np.asarray(np.minimum(whole, bound), dtype=np.float64)
