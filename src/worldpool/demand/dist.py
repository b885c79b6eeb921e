"""Demand distributions: the one module every capability takes them from.

Three forms, all vectorised over NumPy arrays:

* **Quantile grids** (``grid_*``): a forecast's quantiles of window demand at
  levels ``a_1 < ... < a_K`` (e.g. P50-P99), read as a piecewise-linear
  quantile function from ``(0, 0)`` with an exponential upper tail fitted on
  the last two levels. The planner's newsvendor targets and expected
  shortages are taken from it directly, so the forecast's skew reaches the
  plan. :func:`transport` carries a grid from its window to another one
  (lead time + review): the mean scales with the days, the deviations from
  the mean with the square root of the variance ratio (demand and lead-time
  variance, Silver, Pyke & Thomas 2017, eq. 6.6).
* **Gamma law matched on mean and variance** (``quantile``, ``cdf``,
  ``expected_sales``): non-negative and right-skewed, for the pooled hub and
  allocation steps that work on moments, and for series that have moments
  but no forecast (the twin, synthetic problems, a plain sales history).
* **Standard normal inverse** (:func:`norm_ppf`), SciPy's ``ndtri``.

References:
    Snyder, Koehler & Ord, "Forecasting for inventory control with exponential
    smoothing", IJF 18(1), 2002 (gamma lead-time demand).
    Silver, Pyke & Thomas, "Inventory and Production Management in Supply
    Chains", 4th ed., CRC 2017, ch. 6.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = [
    "LEVELS",
    "FloatArray",
    "anchored",
    "cdf",
    "expected_sales",
    "gamma_grid",
    "grid_moments",
    "grid_quantile",
    "grid_shortage",
    "lead_time_moments",
    "norm_ppf",
    "quantile",
    "quantile_approx",
    "transport",
]

FloatArray = NDArray[np.float64]

LEVELS: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95, 0.99)
"""Quantile levels of a grid built from moments (the forecast's own levels)."""

_TINY = 1e-9
_MAX_SHAPE = 1e4


def lead_time_moments(
    mu: FloatArray,
    sigma: FloatArray,
    lead_days: FloatArray,
    lead_std_days: FloatArray,
    review_days: float,
) -> tuple[FloatArray, FloatArray]:
    """Return mean and variance of demand over lead time + review period.

    Args:
        mu: Mean daily demand, in units/day. [mu]
        sigma: Standard deviation of daily demand, in units/day. [sigma]
        lead_days: Mean lead time, in days. [L]
        lead_std_days: Standard deviation of the lead time, in days. [sigma_L]
        review_days: Review period, in days. [R]

    Returns:
        ``(mu*(L+R), (L+R)*sigma^2 + mu^2*sigma_L^2)`` in units and units².
    """
    window = lead_days + review_days
    mean = mu * window
    var = window * sigma**2 + (mu * lead_std_days) ** 2
    return mean, var


def _shape_scale(mean: FloatArray, var: FloatArray) -> tuple[FloatArray, FloatArray]:
    m = np.maximum(mean, _TINY)
    v = np.maximum(var, _TINY * m)
    k = np.clip(m * m / v, _TINY, _MAX_SHAPE)
    return k, m / k


def quantile(mean: FloatArray, var: FloatArray, p: FloatArray) -> FloatArray:
    """Return the ``p`` quantile of a gamma law with this mean and variance (units).

    Zero-mean series give 0, so all-zero history never creates stock.
    """
    k, theta = _shape_scale(mean, var)
    q = special.gammaincinv(k, np.clip(p, 0.0, 1.0 - 1e-12)) * theta
    out: FloatArray = np.where((mean > _TINY) & (p > 0), q, 0.0)
    return out


def quantile_approx(mean: FloatArray, var: FloatArray, p: FloatArray) -> FloatArray:
    """Return the Wilson-Hilferty approximation of the gamma ``p`` quantile (units).

    About 20x faster than :func:`quantile` and monotone in ``p``; used inside
    bisection loops, whose final levels are then taken exactly.

    References:
        Wilson & Hilferty, "The distribution of chi-square", PNAS 17(12), 1931.
    """
    k, theta = _shape_scale(mean, var)
    z = special.ndtri(np.clip(p, 1e-12, 1.0 - 1e-12))
    c = 1.0 / (9.0 * k)
    q = k * theta * np.maximum(1.0 - c + z * np.sqrt(c), 0.0) ** 3
    out: FloatArray = np.where((mean > _TINY) & (p > 0), q, 0.0)
    return out


def cdf(mean: FloatArray, var: FloatArray, s: FloatArray) -> FloatArray:
    """Return P(D <= s) for the gamma law with this mean and variance."""
    k, theta = _shape_scale(mean, var)
    out: FloatArray = np.where(
        mean > _TINY, special.gammainc(k, np.maximum(s, 0.0) / theta), 1.0
    )
    return out


def expected_sales(mean: FloatArray, var: FloatArray, s: FloatArray) -> FloatArray:
    """Return E[min(D, s)], the expected units sold from a stock of ``s`` (units).

    Uses E[D; D <= s] = mean * P(k+1, s/theta) for a gamma law.
    """
    k, theta = _shape_scale(mean, var)
    x = np.maximum(s, 0.0) / theta
    sold = mean * special.gammainc(k + 1.0, x) + np.maximum(s, 0.0) * (
        1.0 - special.gammainc(k, x)
    )
    out: FloatArray = np.where(mean > _TINY, sold, 0.0)
    return out


def norm_ppf(p: ArrayLike) -> FloatArray:
    """Return the standard normal quantile z with Phi(z) = p, element-wise.

    Args:
        p: Probabilities, clipped to [1e-9, 1 - 1e-9] (dimensionless).
    """
    out: FloatArray = special.ndtri(np.clip(np.asarray(p, float), 1e-9, 1 - 1e-9))
    return out


def gamma_grid(
    mean: FloatArray, var: FloatArray, levels: tuple[float, ...] = LEVELS
) -> tuple[FloatArray, FloatArray]:
    """Return the full quantile grid of a gamma law with this mean and variance.

    Args:
        mean: Mean window demand, in units.
        var: Variance of window demand, in units².
        levels: Probability levels of the grid (ascending, in (0, 1)).

    Returns:
        ``(levels, values)`` as :func:`anchored` gives them.
    """
    m, v = np.asarray(mean, float)[..., None], np.asarray(var, float)[..., None]
    return anchored(levels, quantile(m, v, np.asarray(levels, float)), mean)


def anchored(
    levels: ArrayLike, values: ArrayLike, mean: ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Return a full grid: levels 0 and a_1/2 prepended, values monotone, >= 0.

    A forecast gives its upper quantiles (P50 and above); below the first level
    the two prepended points are chosen so that the grid's mean is ``mean`` (the
    forecast's own mean) wherever a non-decreasing, non-negative line can hold
    it; without a mean the lower part is a straight line from (0, 0).

    Args:
        levels: (K,) ascending probability levels, in (0, 1).
        values: (..., K) quantiles of window demand, in units.
        mean: Mean window demand, broadcastable to ``values[..., 0]``, in units.

    Returns:
        ``(levels, values)`` of shapes (K + 2,) and (..., K + 2).
    """
    given = np.asarray(levels, float)
    a = np.concatenate([[0.0, given[0] / 2.0], given])
    v = np.maximum.accumulate(np.maximum(np.asarray(values, float), 0.0), axis=-1)
    full = np.concatenate([np.zeros((*v.shape[:-1], 2)), v], axis=-1)
    first = full[..., 2]
    if mean is None:
        full[..., 1] = first / 2.0
        return a, full
    upper, _ = grid_moments(a[2:], full[..., 2:])
    lower = np.nan_to_num(np.asarray(mean, float) - upper)
    # Below the first level the quantile function is a straight line from
    # (0, y) when that can hold the lower mass (y >= 0), else it bends through
    # (a_1 / 2, x) from (0, 0): together any mass in [a_1 q_1 / 4, a_1 q_1].
    y = np.clip(2.0 * lower / a[2] - first, 0.0, first)
    x = np.clip(lower / a[1] - first / 2.0, 0.0, first)
    full[..., 0] = y
    full[..., 1] = np.where(y > 0, (y + first) / 2.0, x)
    return a, full


def _tail_slope(a: FloatArray, q: FloatArray) -> FloatArray:
    """Slope b of Q(u) = q_K + b ln((1 - a_K) / (1 - u)) above the last level."""
    span = np.log((1.0 - a[-2]) / (1.0 - a[-1]))
    out: FloatArray = np.maximum(q[..., -1] - q[..., -2], 0.0) / span
    return out


def grid_quantile(levels: FloatArray, values: FloatArray, p: FloatArray) -> FloatArray:
    """Return the quantile at ``p`` of a grid, interpolated (exponential tail).

    Args:
        levels: (K,) full grid levels (:func:`anchored`).
        values: (..., K) full grid values (window demand), in units.
        p: Probabilities, broadcastable to ``values[..., 0]``.
    """
    a, q = np.asarray(levels, float), np.asarray(values, float)
    p = np.clip(np.asarray(p, float), 0.0, 1.0 - 1e-12)
    shape = np.broadcast_shapes(q.shape[:-1], p.shape)
    q = np.broadcast_to(q, (*shape, q.shape[-1]))
    p = np.broadcast_to(p, shape)
    k = np.clip(np.searchsorted(a, p, side="right") - 1, 0, len(a) - 2)
    lo = np.take_along_axis(q, k[..., None], -1)[..., 0]
    hi = np.take_along_axis(q, k[..., None] + 1, -1)[..., 0]
    w = (p - a[k]) / (a[k + 1] - a[k])
    inside = lo + np.clip(w, 0.0, 1.0) * (hi - lo)
    tail = q[..., -1] + _tail_slope(a, q) * np.log(
        (1.0 - a[-1]) / np.maximum(1.0 - p, 1e-12)
    )
    out: FloatArray = np.where(p > a[-1], tail, inside)
    return out


def grid_shortage(levels: FloatArray, values: FloatArray, s: FloatArray) -> FloatArray:
    """Return E[(D - s)+], the expected units short of a stock of ``s`` (units).

    Closed form over the piecewise-linear quantile function and its
    exponential tail: the integral over u of (Q(u) - s)+.

    Args:
        levels: (K,) full grid levels (:func:`anchored`).
        values: (..., K) full grid values (window demand), in units.
        s: Stock levels, broadcastable to ``values[..., 0]``, in units.
    """
    a, q = np.asarray(levels, float), np.asarray(values, float)
    s = np.asarray(s, float)
    q0, q1, da = q[..., :-1], q[..., 1:], np.diff(a)
    x = s[..., None]
    full = da * ((q0 + q1) / 2.0 - x)
    t = np.clip((x - q0) / np.maximum(q1 - q0, 1e-12), 0.0, 1.0)
    part = da * (1.0 - t) * np.maximum(q1 - x, 0.0) / 2.0
    body = np.where(x <= q0, full, part).sum(axis=-1)
    b, qk, rest = _tail_slope(a, q), q[..., -1], 1.0 - a[-1]
    above = rest * b * np.exp(-np.maximum(s - qk, 0.0) / np.maximum(b, 1e-12))
    tail = np.where(s <= qk, rest * (qk - s + b), np.where(b > 0, above, 0.0))
    out: FloatArray = np.maximum(body + tail, 0.0)
    return out


def grid_moments(
    levels: FloatArray, values: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return the mean and variance of a grid's distribution (units, units²).

    Args:
        levels: (K,) full grid levels (:func:`anchored`).
        values: (..., K) full grid values, in units.
    """
    a, q = np.asarray(levels, float), np.asarray(values, float)
    q0, q1, da = q[..., :-1], q[..., 1:], np.diff(a)
    b, qk, rest = _tail_slope(a, q), q[..., -1], 1.0 - a[-1]
    m1 = (da * (q0 + q1) / 2.0).sum(axis=-1) + rest * (qk + b)
    m2 = (da * (q0 * q0 + q0 * q1 + q1 * q1) / 3.0).sum(axis=-1)
    m2 = m2 + rest * (qk * qk + 2.0 * qk * b + 2.0 * b * b)
    return m1, np.maximum(m2 - m1 * m1, 0.0)


def transport(
    values: FloatArray,
    grid_mean: FloatArray,
    mean: FloatArray,
    scale: FloatArray,
) -> FloatArray:
    """Return a grid carried to another window: ``mean + scale * (values - grid_mean)``.

    Args:
        values: (..., K) quantiles over the grid's window, in units.
        grid_mean: Mean of the grid's distribution (:func:`grid_moments`), units.
        mean: Mean demand over the new window, in units.
        scale: Ratio of standard deviations, new window over the grid's.
    """
    out: FloatArray = mean[..., None] + scale[..., None] * (
        values - grid_mean[..., None]
    )
    return out
