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
    "tuned_quantiles",
]

_MIN_SCALE = 0.1
"""Floor of the one-step error scale, in units per day (an all-zero stretch)."""


def chosen_path(
    fit: Fitted, choice: NDArray[np.int64], origin: int, start: int, stop: int
) -> FloatArray:
    """Forecast path of each series' chosen candidates, units/day, ``(stop-start, N)``.

    Args:
        fit: The fitted candidates.
        choice: Index into :data:`CANDIDATES` per series, ``(N,)``, or
            ``(K, N)`` for the mean of ``K`` candidates per series.
        origin: First unseen day, in days from the start.
        start: First lead, in days.
        stop: Lead after the last, in days.
    """
    rows = np.atleast_2d(choice)
    n = rows.shape[1]
    out = np.zeros((stop - start, n))
    # Flat candidates add up as levels (one per series), so the weekday
    # profile is applied once, not once per candidate.
    dow_level, flat_level = np.zeros(n), np.zeros(n)
    for row in rows:
        for code in np.unique(row):
            cols = row == code
            name = CANDIDATES[code]
            base, _, dow = name.partition("+")
            if base not in fit.states:
                out[:, cols] += fit.path(name, origin, start, stop)[:, cols]
            elif dow:
                dow_level[cols] += fit.states[base][origin, cols]
            else:
                flat_level[cols] += fit.states[base][origin, cols]
    days = fit.weekdays[origin + np.arange(start, stop)]
    out += fit.profile[days] * dow_level + flat_level
    return np.asarray(out / rows.shape[0], dtype=np.float64)


def one_step_scale(fit: Fitted, choice: NDArray[np.int64], days: int) -> FloatArray:
    """Root mean squared one-step error over the last ``days``, units per day, (N,).

    ``choice`` is as in :func:`chosen_path`: with several rows the error is
    that of the mean of the candidates.
    """
    t_len = fit.y.shape[0]
    rows = np.atleast_2d(choice)
    lo = max(t_len - days, 8)
    if lo >= t_len:
        return np.full(rows.shape[1], _MIN_SCALE)
    n = rows.shape[1]
    pred = np.zeros((t_len - lo, n))
    dow_level, flat_level = np.zeros((t_len - lo, n)), np.zeros((t_len - lo, n))
    for row in rows:
        for code in np.unique(row):
            cols = row == code
            base, _, dow = CANDIDATES[code].partition("+")
            if base not in fit.states:
                pred[:, cols] += fit.fitted(CANDIDATES[code])[lo:, cols]
            elif dow:
                dow_level[:, cols] += fit.states[base][lo:t_len, cols]
            else:
                flat_level[:, cols] += fit.states[base][lo:t_len, cols]
    pred += fit.profile[fit.weekdays[lo:t_len]] * dow_level + flat_level
    err = fit.y[lo:] - pred / rows.shape[0]
    with np.errstate(invalid="ignore"):
        ok = ~np.isnan(err)
        mse = np.where(ok, err**2, 0.0).sum(axis=0) / np.maximum(ok.sum(axis=0), 1)
    return np.asarray(np.maximum(np.sqrt(mse), _MIN_SCALE), dtype=np.float64)


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
        choice: Index into :data:`CANDIDATES` per series (see
            :func:`chosen_path`).
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
    out = np.empty((origins.size, fit.y.shape[1]))
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
    unit: FloatArray | None = None,
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
        unit: Units per scaled error of each series, ``(N,)``; given, the
            levels are tuned for whole units (:func:`tuned_quantiles`).

    Returns:
        The quantiles of each series' scaled error, ``(N, len(levels))``.
    """
    q = np.asarray(levels)
    out = np.zeros((groups.shape[0], q.size))
    ok = ~np.isnan(errors)
    tuned = unit is not None
    units = np.broadcast_to(np.ones(groups.shape[0]) if unit is None else unit,
                            errors.shape)  # fmt: skip
    fallback = (
        _quantiles(errors[ok], preds[ok], units[ok], q, tuned)
        if ok.any()
        else np.zeros(q.size)
    )
    for g in np.unique(groups):
        cols = groups == g
        e, pr, u = errors[:, cols], preds[:, cols], units[:, cols]
        keep = ~np.isnan(e)
        e, pr, u = e[keep], pr[keep], u[keep]
        if e.size < min_samples:
            out[cols] = fallback
            continue
        out[cols] = _by_bin((e, pr, u), current[cols], q, tuned, min_samples)
    return out


def _by_bin(
    pool: tuple[FloatArray, FloatArray, FloatArray],
    current: FloatArray,
    q: FloatArray,
    tuned: bool,
    min_samples: int,
) -> FloatArray:
    """Quantiles of one group's errors for each series' forecast-size bin."""
    e, pr, u = pool
    group_q = _quantiles(e, pr, u, q, tuned)
    pos = pr[pr > 0]
    edges = np.quantile(pos, [0.25, 0.5, 0.75]) if pos.size else np.zeros(3)
    sample_bin = np.where(pr > 0, 1 + np.searchsorted(edges, pr), 0)
    cur_bin = np.where(current > 0, 1 + np.searchsorted(edges, current), 0)
    res = np.empty((current.size, q.size))
    for b in range(5):
        sel = sample_bin == b
        enough = sel.sum() >= min_samples
        res[cur_bin == b] = (
            _quantiles(e[sel], pr[sel], u[sel], q, tuned) if enough else group_q
        )
    return res


def _quantiles(
    e: FloatArray, pr: FloatArray, u: FloatArray, q: FloatArray, tuned: bool
) -> FloatArray:
    """Plain or whole-unit-tuned quantiles of one pool of scaled errors."""
    if tuned:
        return tuned_quantiles(e, pr, u, q)
    return np.asarray(np.quantile(e, q), dtype=np.float64)


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


_GRID = np.linspace(0.0, 1.0, 401)
"""Candidate levels that :func:`tuned_quantiles` searches, unitless."""
_MAX_TUNE_SAMPLES = 5_000
"""Errors a tuning uses at most (an even subsample), in errors."""


def tuned_quantiles(
    errors: FloatArray, preds: FloatArray, unit: FloatArray, levels: FloatArray
) -> FloatArray:
    """Scaled-error quantiles whose whole-unit bounds are hit at each level.

    Split-conformal calibration for counts: the empirical quantile of the
    scaled errors at level ``q`` gives a bound that, once rounded to whole
    units, is met by more than ``q`` of the past outcomes (ties at 0, 1, 2
    units). For each level the grid level is chosen whose rounded, capped
    bound ``min(round(pred + unit·z), floor(pred / (1 - q)))`` is met at the
    rate closest to ``q`` on the past errors (``actual <= bound`` from the
    median up, ``actual < bound`` below it).

    Args:
        errors: Scaled errors, ``(S,)``.
        preds: Forecasts the errors were made on, units, ``(S,)``.
        unit: Units per scaled error of each sample, ``(S,)``.
        levels: Quantile levels, unitless, increasing.

    Returns:
        The tuned scaled-error quantiles, ``(len(levels),)``.
    """
    step = max(1, errors.size // _MAX_TUNE_SAMPLES)
    e, pr, u = errors[::step], preds[::step], unit[::step]
    actual = pr + e * u
    zg = np.quantile(e, _GRID)
    out = np.empty(levels.size)
    for i, lv in enumerate(levels):
        cap = np.floor(np.maximum(pr, 0.0) / (1.0 - lv) + 1e-9)
        upper = lv >= 0.5

        def rate(k: int, cap: FloatArray = cap, upper: bool = upper) -> float:
            """Share of past outcomes that meet the bound of grid level ``k``."""
            bound = np.minimum(np.round(np.maximum(pr + u * zg[k], 0.0)), cap)
            hit = actual <= bound + 1e-9 if upper else actual < bound - 1e-9
            return float(np.mean(hit))

        lo, hi = 0, _GRID.size - 1
        while hi - lo > 1:  # the hit rate never falls as the level rises
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if rate(mid) < lv else (lo, mid)
        out[i] = zg[hi] if abs(rate(hi) - lv) <= abs(rate(lo) - lv) else zg[lo]
    return out
