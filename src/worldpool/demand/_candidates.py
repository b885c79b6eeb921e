"""The candidate menu of the default pipeline and their forecast paths.

A candidate is a base model (seasonal naive, or one of the flat models of
:mod:`worldpool.demand.forecasters`, or their mean) and, for flat models, an
optional weekday profile that spreads the flat rate over the week.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from worldpool.demand.forecasters import (
    FloatArray,
    SimpleExpSmoothing,
    WindowAverage,
    croston_states,
)

__all__ = [
    "CANDIDATES",
    "GLOBAL",
    "SES_ALPHAS",
    "SNAIVE",
    "Fitted",
    "deseasonalised_ses",
    "fit_candidates",
    "pooled_states",
    "ses_alphas",
    "weekday_profile",
]

SNAIVE = "SeasonalNaive"
GLOBAL = "LightGBM"
"""The optional global model (:mod:`worldpool.demand.global_model`)."""
_FLAT = ("CrostonSBA", "TSB", "SES", "WindowAverage", "Ensemble", "SESopt", "Pooled")
CANDIDATES: tuple[str, ...] = (SNAIVE, *_FLAT, *(f"{n}+dow" for n in _FLAT), GLOBAL)
"""Names of every candidate, in a fixed order (the index is the model code).

The global model comes last, so the codes of the others do not depend on
whether it is installed or asked for.
"""


def weekday_profile(
    y: FloatArray, weekdays: NDArray[np.int64], prior_units: float
) -> FloatArray:
    """Return each series' weekday factors (mean 1), shrunk to the pooled profile.

    Args:
        y: Demand, units per day, ``(T, N)``.
        weekdays: Weekday (0 = Monday) of each of the ``T`` days.
        prior_units: Pseudo-units of the pooled profile mixed into each series,
            in units; 0 keeps each series' own profile.

    Returns:
        ``(7, N)`` multiplicative factors; ones where a series has no demand.
    """
    sums = np.zeros((7, y.shape[1]))
    days = np.zeros(7)
    for d in range(7):
        on = weekdays == d
        sums[d] = y[on].sum(axis=0)
        days[d] = max(on.sum(), 1)
    rates = sums / days[:, None]
    pooled = rates.sum(axis=1)
    pooled = pooled / pooled.sum() if pooled.sum() > 0 else np.full(7, 1 / 7)
    total = rates.sum(axis=0)
    weight = total / (total + prior_units / days.mean()) if prior_units > 0 else 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(total > 0, rates / total, pooled[:, None])
    share = weight * own + (1 - weight) * pooled[:, None]
    return np.asarray(7 * share, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Fitted:
    """Every candidate fitted on one panel: what paths and residuals need."""

    y: FloatArray
    """Demand the candidates saw, units per day, ``(T, N)``."""
    weekdays: NDArray[np.int64]
    """Weekday of every day from the first history day on (any length)."""
    states: dict[str, FloatArray]
    """Flat models' state before each day, units per day, ``(T + 1, N)``."""
    profile: FloatArray
    """Weekday factors applied by ``+dow`` candidates, ``(7, N)``."""
    paths: dict[int, FloatArray] = field(default_factory=dict)
    """Global model's forecast from each origin it was run at, units per day,
    ``(days, N)`` each; empty when the global model is not a candidate."""
    alphas: dict[str, FloatArray] = field(default_factory=dict)
    """Smoothing constants of ``SESopt`` (per series) and ``Pooled`` (per
    group), chosen before the first backtest origin."""
    global_fitted: FloatArray | None = None
    """Global model's forecast of each history day from the latest origin
    before it, units per day, ``(T, N)`` (NaN where none)."""

    def has(self, name: str) -> bool:
        """Whether candidate ``name`` was fitted.

        The global model and the pooled model (which needs the series' SKUs)
        are optional.
        """
        if name == GLOBAL:
            return bool(self.paths)
        return name == SNAIVE or name.partition("+")[0] in self.states

    def path(self, name: str, origin: int, start: int, stop: int) -> FloatArray:
        """Forecast made before day ``origin`` of days ``origin+start..+stop-1``.

        Args:
            name: Candidate name (one of :data:`CANDIDATES`).
            origin: Index of the first day not seen, in days from the start.
            start: First lead, in days (0 = the origin day itself).
            stop: Lead after the last, in days.

        Returns:
            Units per day, ``(stop - start, N)``.
        """
        if name == GLOBAL:
            return self.paths[origin][start:stop]
        leads = np.arange(start, stop)
        if name == SNAIVE:
            rows = origin - 7 + (leads % 7)
            out = np.asarray(self.y[rows], dtype=np.float64)
            return np.where(rows[:, None] >= 0, out, np.nan)
        base, _, dow = name.partition("+")
        level = self.states[base][origin]
        if not dow:
            return np.repeat(level[None, :], leads.size, axis=0)
        return np.asarray(
            self.profile[self.weekdays[origin + leads]] * level, dtype=np.float64
        )

    def fitted(self, name: str) -> FloatArray:
        """One-step in-sample forecast of each day, units per day, ``(T, N)``."""
        t_len = self.y.shape[0]
        if name == GLOBAL and self.global_fitted is not None:
            return self.global_fitted
        if name == SNAIVE:
            out = np.full_like(self.y, np.nan)
            out[7:] = self.y[:-7]
            return out
        base, _, dow = name.partition("+")
        level = self.states[base][:t_len]
        if not dow:
            return level
        return np.asarray(self.profile[self.weekdays[:t_len]] * level)


def fit_candidates(
    y: FloatArray,
    weekdays: NDArray[np.int64],
    profile: FloatArray,
    groups: NDArray[np.int64] | None = None,
    choose_until: int | None = None,
) -> Fitted:
    """Fit every flat base model once on ``y`` (all series at once).

    Args:
        y: Demand, units per day, ``(T, N)``.
        weekdays: Weekday (0 = Monday) of every day from day 0, at least ``T``.
        profile: Weekday factors for the ``+dow`` candidates, ``(7, N)``.
        groups: Group code of each series (its SKU), ``(N,)``; given, the
            ``Pooled`` candidates are fitted (see :func:`pooled_states`).
        choose_until: Day before which smoothing constants are chosen
            (:func:`ses_alphas`; the pipeline's first backtest origin).

    Returns:
        The fitted candidates.
    """
    # Croston's size/interval smoothing is shared by SBA and TSB (both α = 0.1),
    # so it runs once; each model still equals its statsforecast namesake.
    alpha = 0.1
    z, p, seen = croston_states(y, alpha)
    sba = (1 - alpha / 2) * seen * z / p
    sba[0] = np.nan
    prob = SimpleExpSmoothing(alpha).fit((y > 0).astype(np.float64)).states_
    states = {
        "CrostonSBA": sba,
        "TSB": prob * z,
        "SES": SimpleExpSmoothing(alpha).fit(y).states_,
        "WindowAverage": WindowAverage(28).fit(y).states_,
    }
    # The mean of the four, over those defined on each day: SES, SBA and TSB
    # from day 1, the window average from day 28.
    three = states["CrostonSBA"] + states["TSB"] + states["SES"]
    ens = three / 3
    w = min(28, y.shape[0])
    ens[w:] = (three[w:] + states["WindowAverage"][w:]) / 4
    if y.shape[0] < 28:
        ens[-1] = (three[-1] + states["WindowAverage"][-1]) / 4
    states["Ensemble"] = ens
    season = profile[weekdays[: y.shape[0]]]
    states["SESopt"], a = deseasonalised_ses(y, season, until=choose_until)
    alphas = {"SESopt": a}
    if groups is not None:
        states["Pooled"], alphas["Pooled"] = pooled_states(
            y, weekdays, groups, until=choose_until
        )
    return Fitted(y=y, weekdays=weekdays, states=states, profile=profile, alphas=alphas)


SES_ALPHAS = (0.02, 0.05, 0.1, 0.2, 0.3)
"""Smoothing constants :func:`deseasonalised_ses` chooses from, unitless. [α]"""


def ses_alphas(
    y: FloatArray, season: FloatArray, window: int = 364, until: int | None = None
) -> FloatArray:
    """Each series' smoothing constant for :func:`deseasonalised_ses`, unitless.

    The constant of :data:`SES_ALPHAS` whose one-step forecasts
    ``season · level`` had the lowest squared error over the ``window`` days
    before day ``until`` (default: the end), as ETS(A,N,A) picks its own α,
    but on a grid and for all series at once.

    Args:
        y: Demand, units per day, ``(T, N)``.
        season: Weekday factor of every day, unitless, ``(T, N)``.
        window: Days whose one-step errors choose the constant, in days.
        until: Choose on days before this one, so that a backtest from a
            later origin stays honest.

    Returns:
        ``(N,)`` smoothing constants.
    """
    t_len = y.shape[0]
    end = t_len if until is None else min(until, t_len)
    factor = np.maximum(season[:end], _MIN_FACTOR)
    x = y[:end] / factor
    grid = np.asarray(SES_ALPHAS)[:, None]
    level = np.repeat(x[:1], len(SES_ALPHAS), axis=0)
    sse, gap, err = np.zeros_like(level), np.empty_like(level), np.empty_like(level)
    lo = max(end - window, 1)
    for t in range(1, end):
        np.subtract(x[t], level, out=gap)  # y - factor·level = factor·gap
        if t >= lo:
            np.multiply(gap, factor[t], out=err)
            err *= err
            sse += err
        gap *= grid
        level += gap
    return np.asarray(np.asarray(SES_ALPHAS)[np.argmin(sse, axis=0)], dtype=np.float64)


def deseasonalised_ses(
    y: FloatArray,
    season: FloatArray,
    alpha: FloatArray | None = None,
    until: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """SES on weekday-adjusted demand, with each series' own smoothing constant.

    The weekday factor is divided out before smoothing (so a busy Saturday
    does not move the level); the constant is each series' own (see
    :func:`ses_alphas`).

    Args:
        y: Demand, units per day, ``(T, N)``.
        season: Weekday factor of every day, unitless, ``(T, N)``.
        alpha: Smoothing constant of each series, ``(N,)``; default: chosen
            by :func:`ses_alphas` on the days before ``until``.
        until: See :func:`ses_alphas`.

    Returns:
        The weekday-adjusted level before each day, units per day,
        ``(T + 1, N)`` (multiply by the weekday factor to forecast), and the
        constants used, ``(N,)``.
    """
    a = ses_alphas(y, season, until=until) if alpha is None else alpha
    x = y / np.maximum(season, _MIN_FACTOR)
    states = np.empty((y.shape[0] + 1, y.shape[1]))
    states[0] = np.nan
    level = x[0].copy()
    states[1] = level
    for t in range(1, y.shape[0]):
        level += a * (x[t] - level)
        states[t + 1] = level
    return states, a


_MIN_FACTOR = 0.05
"""Floor of a weekday factor divided out of demand, unitless."""

_SHARE_DAYS = 91
"""Days over which a series' share of its group's demand is measured, in days."""


def pooled_states(
    y: FloatArray,
    weekdays: NDArray[np.int64],
    groups: NDArray[np.int64],
    until: int | None = None,
    alpha: FloatArray | None = None,
    prior_units: float = 20.0,
) -> tuple[FloatArray, FloatArray]:
    """Cross-learned level: the group's weekday-adjusted SES times the series' share.

    The demand of a SKU summed over its marketplaces (or stores) is far less
    noisy than any one of them, so its level is estimated there (with
    :func:`deseasonalised_ses`) and handed down in proportion to each
    series' share of the group's units over the last 91 days (top-down
    forecasting; a group of one is the series itself).

    Args:
        y: Demand, units per day, ``(T, N)``.
        weekdays: Weekday (0 = Monday) of every day from day 0, at least ``T``.
        groups: Group code of each series, ``(N,)``.
        until: As in :func:`ses_alphas` (also ends the profile days).
        alpha: Smoothing constant of each group, in the order of
            ``np.unique(groups)``; default: chosen by :func:`ses_alphas`.
        prior_units: Pseudo-units of the pooled weekday profile, units.

    Returns:
        Weekday-adjusted level before each day, units per day, ``(T + 1, N)``,
        and the groups' smoothing constants.
    """
    t_len = y.shape[0]
    codes, inv = np.unique(groups, return_inverse=True)
    agg = np.zeros((codes.size, t_len))
    np.add.at(agg, inv, y.T)
    agg = agg.T
    end = t_len if until is None else until
    wd = weekdays[:t_len]
    prof = weekday_profile(agg[max(end - 364, 0) : end], wd[max(end - 364, 0) : end],
                           prior_units)  # fmt: skip
    level, used = deseasonalised_ses(agg, prof[wd], alpha, until)
    own = WindowAverage(_SHARE_DAYS).fit(y).states_
    whole = WindowAverage(_SHARE_DAYS).fit(agg).states_
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(whole[:, inv] > 0, own / whole[:, inv], 0.0)
    return np.asarray(level[:, inv] * share, dtype=np.float64), used
