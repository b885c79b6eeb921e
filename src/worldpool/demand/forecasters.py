"""The Forecaster protocol and the vectorised model menu.

Every model here is a transcription of its statsforecast namesake that runs on
a whole panel at once: the data are a ``(T, N)`` time-major float matrix (one
column per series) and the loop runs over the ``T`` days, not over the ``N``
series, so each step is one NumPy operation on ``N`` values. statsforecast
loops over series in Python, which caps it at a few thousand series per second;
``tests/demand/test_forecasters.py`` checks each model here against
statsforecast on real series.

All models are flat (or weekly periodic) so the one-step in-sample forecast
``fitted_[t]`` is also the forecast made at origin ``t`` for every later day:
a rolling-origin backtest needs no refit.
"""

from __future__ import annotations

from typing import Protocol, Self, runtime_checkable

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CrostonSBA",
    "FloatArray",
    "Forecaster",
    "SeasonalNaive",
    "SimpleExpSmoothing",
    "TeunterSyntetosBabai",
    "WindowAverage",
    "croston_states",
]

FloatArray = NDArray[np.float64]


@runtime_checkable
class Forecaster(Protocol):
    """A point forecaster of a panel (estimator contract of STYLE.md rule 4).

    ``__init__`` only stores parameters, :meth:`fit` returns ``self`` and sets
    ``fitted_`` (``(T, N)`` one-step in-sample forecasts, NaN where none exists)
    and :meth:`predict` returns ``(h, N)``.
    """

    alias: str
    """Name of the model's output column."""

    def fit(self, y: FloatArray) -> Self:
        """Fit on ``y``, units per day, shape ``(T, N)``."""
        ...

    def predict(self, h: int) -> FloatArray:
        """Return the forecast of the next ``h`` days, units per day, ``(h, N)``."""
        ...


def _check(y: FloatArray) -> FloatArray:
    arr = np.asarray(y, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 1:
        raise ValueError(f"y must be a (T, N) matrix with T >= 1, got {arr.shape}")
    return arr


def croston_states(
    y: FloatArray, alpha: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Run Croston's size and interval smoothing over every series at once.

    Args:
        y: Demand, units per day, shape ``(T, N)``.
        alpha: Smoothing constant of sizes and intervals, unitless. [α]

    Returns:
        ``(z, p, seen)``: size level (units) and interval level (days) *before*
        each day, shape ``(T + 1, N)`` each (row ``T`` is the final state), and
        a 0/1 matrix of whether a demand has been seen.

    References:
        Croston, J. D. (1972). Forecasting and stock control for intermittent
        demands. Operational Research Quarterly 23(3), 289-303.
    """
    t_len, n = y.shape
    z = np.zeros((t_len + 1, n))
    p = np.ones((t_len + 1, n))
    seen = np.zeros((t_len + 1, n))
    zc, pc, q = np.zeros(n), np.ones(n), np.zeros(n)
    sc = np.zeros(n, dtype=bool)
    for t in range(t_len):
        q += 1.0
        nz = y[t] > 0
        first = nz & ~sc
        upd = nz & sc
        zc = np.where(first, y[t], np.where(upd, zc + alpha * (y[t] - zc), zc))
        pc = np.where(first, q, np.where(upd, pc + alpha * (q - pc), pc))
        q = np.where(nz, 0.0, q)
        sc |= nz
        z[t + 1], p[t + 1], seen[t + 1] = zc, pc, sc
    return z, p, seen


def _ses_states(x: FloatArray, alpha: float) -> FloatArray:
    """SES level before each day, ``(T + 1, N)``, started at the first value."""
    out = np.empty((x.shape[0] + 1, x.shape[1]))
    level = x[0].copy()
    out[0] = np.nan
    out[1] = level
    for t in range(1, x.shape[0]):
        level += alpha * (x[t] - level)
        out[t + 1] = level
    return out


class _Flat:
    """Shared shell of the flat models: ``fitted_`` rows ``0..T`` and a repeat."""

    alias = "flat"
    states_: FloatArray

    @property
    def fitted_(self) -> FloatArray:
        """One-step in-sample forecasts, units per day, ``(T, N)``."""
        return self.states_[:-1]

    def predict(self, h: int) -> FloatArray:
        """Return the last state repeated ``h`` days, units per day, ``(h, N)``."""
        return np.repeat(self.states_[-1:], h, axis=0)


class CrostonSBA(_Flat):
    """Croston's method with the Syntetos-Boylan bias correction (×(1-α/2)).

    Args:
        alpha: Smoothing constant, unitless; statsforecast fixes 0.1. [α]

    References:
        Syntetos, A. A. & Boylan, J. E. (2005). The accuracy of intermittent
        demand estimates. International Journal of Forecasting 21(2), 303-314.
    """

    def __init__(self, alpha: float = 0.1, alias: str = "CrostonSBA") -> None:
        self.alpha = alpha
        self.alias = alias

    def fit(self, y: FloatArray) -> Self:
        """Fit on ``y``, units per day, shape ``(T, N)``."""
        z, p, seen = croston_states(_check(y), self.alpha)
        self.states_ = (1 - self.alpha / 2) * seen * z / p
        self.states_[0] = np.nan
        return self


class TeunterSyntetosBabai(_Flat):
    """Teunter-Syntetos-Babai: smoothed demand probability times smoothed size.

    Args:
        alpha_d: Smoothing constant of demand sizes, unitless. [α_d]
        alpha_p: Smoothing constant of the demand probability, unitless. [α_p]

    References:
        Teunter, R., Syntetos, A. & Babai, M. (2011). Intermittent demand:
        linking forecasting to inventory obsolescence. EJOR 214(3), 606-615.
    """

    def __init__(
        self, alpha_d: float = 0.1, alpha_p: float = 0.1, alias: str = "TSB"
    ) -> None:
        self.alpha_d = alpha_d
        self.alpha_p = alpha_p
        self.alias = alias

    def fit(self, y: FloatArray) -> Self:
        """Fit on ``y``, units per day, shape ``(T, N)``."""
        arr = _check(y)
        z, _, _ = croston_states(arr, self.alpha_d)
        prob = _ses_states((arr > 0).astype(np.float64), self.alpha_p)
        self.states_ = prob * z
        return self


class SimpleExpSmoothing(_Flat):
    """Simple exponential smoothing with a fixed smoothing constant.

    Args:
        alpha: Smoothing constant, unitless. [α]
    """

    def __init__(self, alpha: float = 0.1, alias: str = "SES") -> None:
        self.alpha = alpha
        self.alias = alias

    def fit(self, y: FloatArray) -> Self:
        """Fit on ``y``, units per day, shape ``(T, N)``."""
        self.states_ = _ses_states(_check(y), self.alpha)
        return self


class WindowAverage(_Flat):
    """Mean of the last ``window`` days.

    Args:
        window: Days averaged, in days.
    """

    def __init__(self, window: int = 28, alias: str = "WindowAverage") -> None:
        self.window = window
        self.alias = alias

    def fit(self, y: FloatArray) -> Self:
        """Fit on ``y``, units per day, shape ``(T, N)``."""
        arr = _check(y)
        csum = np.vstack([np.zeros((1, arr.shape[1])), np.cumsum(arr, axis=0)])
        w = self.window
        # Slices, not an index array: the same sums without copying csum twice.
        self.states_ = np.full_like(csum, np.nan)
        if arr.shape[0] >= w:
            self.states_[w:] = (csum[w:] - csum[:-w]) / w
        if arr.shape[0] < self.window:
            self.states_[-1] = csum[-1] / arr.shape[0]
        return self


class SeasonalNaive:
    """The value one season ago.

    Args:
        season_length: Days in a season (7: weekly), in days. [m]
    """

    def __init__(self, season_length: int = 7, alias: str = "SeasonalNaive") -> None:
        self.season_length = season_length
        self.alias = alias

    def fit(self, y: FloatArray) -> Self:
        """Fit on ``y``, units per day, shape ``(T, N)``."""
        arr = _check(y)
        m = self.season_length
        self.fitted_ = np.full_like(arr, np.nan)
        self.fitted_[m:] = arr[:-m]
        last = arr[-m:]
        if last.shape[0] < m:
            last = np.vstack([np.full((m - last.shape[0], arr.shape[1]), np.nan), last])
        self.last_ = last
        return self

    def predict(self, h: int) -> FloatArray:
        """Return the last season repeated, units per day, ``(h, N)``."""
        reps = -(-h // self.season_length)
        return np.tile(self.last_, (reps, 1))[:h]
