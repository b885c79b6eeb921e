"""Vectorised inverse of the standard normal CDF (no SciPy needed in the core)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["norm_ppf"]

# Coefficients of Acklam's rational approximation (relative error < 1.2e-9).
_A = (
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.3577518672690,
    -30.66479806614716,
    2.506628277459239,
)
_B = (
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
)
_C = (
    -7.784894002430293e-03,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
)
_D = (7.784695709041462e-03, 0.3224671290700398, 2.445134137142996, 3.754408661907416)
_LOW = 0.02425


def _tail(q: NDArray[np.float64]) -> NDArray[np.float64]:
    c = _C
    num = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
    d = _D
    return num / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)


def norm_ppf(p: ArrayLike) -> NDArray[np.float64]:
    """Return the standard normal quantile z with Phi(z) = p, element-wise.

    Args:
        p: Probabilities, clipped to [1e-9, 1 - 1e-9] (dimensionless).

    Returns:
        The quantiles z (dimensionless), same shape as ``p``.

    References:
        P. J. Acklam, "An algorithm for computing the inverse normal cumulative
        distribution function" (2003), rational approximation.
    """
    x = np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1.0 - 1e-9)
    q = x - 0.5
    r = q * q
    a, b = _A, _B
    num = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
    den = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0
    z = num / den
    low = x < _LOW
    high = x > 1.0 - _LOW
    z = np.where(low, _tail(np.sqrt(-2.0 * np.log(np.where(low, x, 0.5)))), z)
    return np.where(high, -_tail(np.sqrt(-2.0 * np.log(np.where(high, 1 - x, 0.5)))), z)
