"""Stock-out risk per SKU x market, vectorised over all pairs at once.

For every pair the engine asks: before the next replenishment can land (the
horizon H), what is the probability that stock on hand plus what arrives in
time is used up and then a shopper still comes for the item? Demand over
``j`` days is a zero-inflated log-normal: no sale at all with probability
(1 - p)^j, else a log-normal with the moments left over (Croston-style
intermittent demand). With F_j = P(demand before day j >= stock landed by
day j), the shelf first empties on day j with probability F_j - F_(j-1);
it is a stock-out if a shopper comes between day j and the next arrival.
The probability is the sum over j of those two factors (capped at 1). The
shopper's daily chance is the pair's *calibrated* occurrence
(:mod:`worldpool.assistant.occurrence`, learned from the seller's past: a
sporadic buyer returns far less often than a trailing rate says), the
depletion uses the trailing demand moments. The money at risk is the
expected units short over the horizon times the unit margin.

References:
    Syntetos, Boylan & Croston, "On the categorization of demand patterns",
    *JORS* 56, 2005 (intermittent demand as occurrence x size).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from worldpool.assistant._dist import FloatArray, lognormal_tail

__all__ = ["StockoutInputs", "StockoutRisk", "moments_from_quantiles", "stockout_risk"]


@dataclass(frozen=True, slots=True, eq=False)
class StockoutInputs:
    """The state of N SKU x market pairs on one day (arrays of length N)."""

    mean: FloatArray
    """Forecast mean daily demand, units/day. [mu]"""
    var: FloatArray
    """Forecast variance of daily demand, units²/day². [sigma²]"""
    on_hand: FloatArray
    """Available to promise at the market's FC now, units."""
    arrivals: FloatArray
    """Units expected to land on each day of the horizon, shape (H, N); day 0
    is today (lands before today's orders)."""
    unit_margin: FloatArray
    """Margin lost per unit short, money per unit. [m]"""
    sale_share: FloatArray | None = None
    """Probability that a day has any demand, 0..1 [p]; None derives it from
    the mean as for Poisson demand, 1 - exp(-mu)."""
    shopper: FloatArray | None = None
    """Calibrated daily probability that a shopper comes, 0..1 [q] (see
    :class:`worldpool.assistant.occurrence.OccurrenceTable`); None = ``sale_share``."""
    horizon: NDArray[np.int64] | None = None
    """Days until the next replenishment could land, per pair (<= H); None = H."""


@dataclass(frozen=True, slots=True, eq=False)
class StockoutRisk:
    """The risk of each pair (arrays of length N)."""

    probability: FloatArray
    """Probability of a day with demand and no stock within the horizon, 0..1."""
    expected_short: FloatArray
    """Expected units demanded but not served within the horizon."""
    money_at_risk: FloatArray
    """Expected margin lost, ``expected_short`` x unit margin (money)."""
    days_of_cover: FloatArray
    """Stock on hand plus arrivals over mean daily demand, days (inf without demand)."""
    first_day: NDArray[np.int64]
    """Day of the horizon most likely to bring the stock-out (0 = today)."""


def _occurrence(p: FloatArray, days: FloatArray) -> FloatArray:
    """Return P(at least one day with demand among ``days`` days)."""
    return 1.0 - np.power(1.0 - p, days)


def _demand_tail(
    mu: FloatArray, var: FloatArray, p: FloatArray, days: FloatArray, level: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return P(D >= level) and E[(D - level)+] for demand D over ``days`` days."""
    any_sale = _occurrence(p, days)
    mean = days * mu
    second = days * var + mean * mean
    safe = np.maximum(any_sale, 1e-12)
    pos_mean = mean / safe
    pos_var = np.maximum(second / safe - pos_mean * pos_mean, 1e-9)
    # Demand is whole units: P(D >= s) = P(D > s - 1/2) (continuity correction).
    prob, excess = lognormal_tail(pos_mean, pos_var, level - 0.5)
    # An empty shelf is "out" whether or not anyone has bought yet.
    out = np.where(level <= 0.5, 1.0, any_sale * prob)
    return out, any_sale * excess


def _next_arrival_gap(arrivals: FloatArray, horizon: NDArray[np.int64]) -> FloatArray:
    """Return, per day j and pair, the days from j until stock next lands (or H)."""
    h = arrivals.shape[0]
    days = np.arange(h, dtype=np.float64)[:, None]
    land = np.where(arrivals > 0, days, np.inf)
    land[0] = np.inf
    # Days from j to the next landing strictly after j: reverse running minimum.
    nxt = np.minimum.accumulate(land[::-1], axis=0)[::-1]
    nxt = np.vstack([nxt[1:], np.full((1, arrivals.shape[1]), np.inf)])
    end = horizon[None, :].astype(np.float64)
    return np.maximum(np.minimum(nxt, end) - days, 0.0)


def _running_max_between_arrivals(
    out_by: FloatArray, arrivals: FloatArray
) -> FloatArray:
    """P(out by day j) never falls while no stock lands (demand only accumulates).

    The fitted tail of each day's total is a separate lognormal, so on its own
    it can dip from one day to the next; a dip would let more stock raise the
    summed risk. Only an arrival may lower it.
    """
    out = out_by.copy()
    for j in range(1, out.shape[0]):
        out[j] = np.where(arrivals[j] > 0, out[j], np.maximum(out[j], out[j - 1]))
    return out


def stockout_risk(inputs: StockoutInputs) -> StockoutRisk:
    """Return the stock-out probability and money at risk of every pair.

    Args:
        inputs: Forecast moments, stock on hand and the arrivals over the
            horizon of N pairs (see :class:`StockoutInputs`).

    Returns:
        Probability, expected shortage (units), margin at risk (money), days
        of cover and the riskiest day, per pair.
    """
    mu = np.maximum(inputs.mean, 0.0)
    var = np.maximum(inputs.var, 0.0)
    h, n = inputs.arrivals.shape
    p = inputs.sale_share if inputs.sale_share is not None else 1.0 - np.exp(-mu)
    p = np.clip(p, 0.0, 1.0)
    horizon = (
        np.full(n, h, dtype=np.int64)
        if inputs.horizon is None
        else np.clip(inputs.horizon, 1, h)
    )
    stock = inputs.on_hand[None, :] + np.cumsum(inputs.arrivals, axis=0)
    days = np.arange(h, dtype=np.float64)[:, None]
    out_by, _ = _demand_tail(mu, var, p, days, stock)
    out_by = _running_max_between_arrivals(out_by, inputs.arrivals)
    out_by = np.where(days < horizon[None, :], out_by, 0.0)
    # The shelf empties (again, after an arrival) on day j with P(F_j - F_j-1)+;
    # it is a stock-out when a shopper comes before the next arrival.
    empties = np.maximum(np.diff(out_by, axis=0, prepend=0.0), 0.0)
    q = p if inputs.shopper is None else np.clip(inputs.shopper, 0.0, 1.0)
    risk = empties * _occurrence(q, _next_arrival_gap(inputs.arrivals, horizon))
    first = np.argmax(risk, axis=0)
    last = horizon - 1
    landed = stock[last, np.arange(n)]
    _, short = _demand_tail(mu, var, p, horizon.astype(np.float64), landed)
    total = inputs.on_hand + inputs.arrivals.sum(axis=0)
    cover = np.where(mu > 0, total / np.maximum(mu, 1e-12), np.inf)
    return StockoutRisk(
        probability=np.minimum(risk.sum(axis=0), 1.0),
        expected_short=short,
        money_at_risk=short * inputs.unit_margin,
        days_of_cover=cover,
        first_day=first.astype(np.int64),
    )


def moments_from_quantiles(
    levels: FloatArray, values: FloatArray, horizon_days: float
) -> tuple[FloatArray, FloatArray]:
    """Return daily mean and variance from forecast quantiles of total demand.

    Uses the median as the mean and the 10-90 (or widest) spread of a normal
    for the standard deviation; a forecast of total units over
    ``horizon_days`` becomes a daily rate assuming independent days.

    Args:
        levels: Quantile levels, shape (Q,), 0..1, ascending.
        values: Quantile values of demand over the horizon, shape (Q, N), units.
        horizon_days: Days the forecast covers. [H]

    Returns:
        Mean daily demand (units/day) and its variance (units²/day²), shape (N,).
    """
    lo, hi = 0, len(levels) - 1
    mid = int(np.argmin(np.abs(levels - 0.5)))
    normal = NormalDist()
    spread = normal.inv_cdf(float(levels[hi])) - normal.inv_cdf(float(levels[lo]))
    sd = np.maximum(values[hi] - values[lo], 0.0) / max(float(spread), 1e-9)
    mean = np.maximum(values[mid], 0.0) / horizon_days
    return mean, sd * sd / horizon_days
