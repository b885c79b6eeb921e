"""Vectorised distribution helpers of the signal engine (NumPy only, no SciPy)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["lognormal_tail", "norm_cdf"]

FloatArray = NDArray[np.float64]

# Abramowitz & Stegun 7.1.26 coefficients for erf (absolute error < 1.5e-7).
_P = 0.3275911
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def norm_cdf(x: FloatArray) -> FloatArray:
    """Return the standard normal CDF Phi(x), element-wise (dimensionless).

    References:
        Abramowitz & Stegun, *Handbook of Mathematical Functions*, 1964, 7.1.26.
    """
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + _P * z)
    poly = t * (_A[0] + t * (_A[1] + t * (_A[2] + t * (_A[3] + t * _A[4]))))
    erf = 1.0 - poly * np.exp(-z * z)
    return np.asarray(0.5 * (1.0 + np.sign(x) * erf), dtype=np.float64)


def lognormal_tail(
    mean: FloatArray, var: FloatArray, level: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return P(X > level) and E[(X - level)+] for X log-normal with these moments.

    Args:
        mean: Mean of X, units (> 0 where defined; 0 gives X = 0).
        var: Variance of X, units².
        level: Threshold, units; at or below 0 the tail is certain.

    Returns:
        The exceedance probability (0..1) and the expected excess over
        ``level`` (units), both with the shape of the broadcast inputs.
    """
    m = np.maximum(mean, 1e-12)
    s2 = np.log1p(np.maximum(var, 1e-12) / (m * m))
    s = np.sqrt(s2)
    mu = np.log(m) - s2 / 2.0
    safe = np.maximum(level, 1e-12)
    d2 = (mu - np.log(safe)) / s
    prob = norm_cdf(d2)
    excess = m * norm_cdf(d2 + s) - safe * prob
    positive = level > 0
    prob = np.where(positive, prob, 1.0)
    excess = np.where(positive, np.maximum(excess, 0.0), m - level)
    live = mean > 0
    return np.where(live, prob, 0.0), np.where(live, excess, 0.0)
