"""Lead-time demand as a gamma distribution matched on mean and variance.

A gamma law is non-negative and right-skewed, so it fits intermittent and
slow-moving demand far better than a normal law, and its quantiles and partial
expectations are closed-form in the regularised incomplete gamma function.

References:
    Snyder, Koehler & Ord, "Forecasting for inventory control with exponential
    smoothing", IJF 18(1), 2002 (gamma lead-time demand).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from worldpool.plan.problem import FloatArray

__all__ = [
    "cdf",
    "expected_sales",
    "lead_time_moments",
    "quantile",
    "quantile_approx",
]

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
