"""Price advice: the profit-maximising price from a constant-elasticity demand curve.

Demand is ``q(p) = q0 * (p / p0) ** e`` (log-log, elasticity ``e`` < -1).
``e`` is fitted by least squares on the seller's own (price, units) history
when prices varied (with its standard error, R^2 and points used), otherwise
it is the documented default of the SKU's category (``profit/data/
elasticity.csv``). Profit per period, ``(contribution(p)) * q(p)``, is searched
over the allowed range (floor/ceiling rules intersected with the competitor
band) with the vectorised unit economics, so tiers, minimum fees and VAT are
exact. With a proportional fee f and unit cost c the optimum is the textbook
``p* = c / (1 - f) * e / (1 + e)`` (Lerner: markup ``e / (1 + e)``).

References:
    Lerner, A. P. (1934). The concept of monopoly and the measurement of
    monopoly power. Review of Economic Studies 1(3), 157-175.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from worldpool.errors import InputError

__all__ = [
    "ElasticityFit",
    "PriceAdvice",
    "PriceBounds",
    "fit_elasticity",
    "optimal_price",
]

Floats = npt.NDArray[np.float64]
_MIN_POINTS = 4
_MIN_LOG_SPREAD = 0.05
"""Smallest standard deviation of log price that identifies an elasticity (~5 %)."""


MAX_ELASTICITY = -1.1
"""Least elastic demand the optimiser uses: at e >= -1 profit grows without bound
in price (no interior optimum), which data noise easily suggests."""


@dataclass(frozen=True, slots=True)
class ElasticityFit:
    """A demand elasticity and where it comes from."""

    elasticity: float
    """Own-price elasticity (negative). [e]"""
    std_error: float
    """One standard error of ``elasticity``."""
    points: int
    """Observations used (0 for a default)."""
    r2: float
    """Share of log-units variance explained (nan for a default)."""
    source: str
    """``fitted`` or the default row's source."""


@dataclass(frozen=True, slots=True)
class PriceBounds:
    """Where the price may go, in the marketplace currency."""

    floor: float = 0.0
    """Lowest price the seller allows (0: none)."""
    ceiling: float = math.inf
    """Highest price the seller allows (inf: none)."""
    band_low: float = 0.0
    """Lowest competitor price the seller wants to stay above (0: none)."""
    band_high: float = math.inf
    """Highest competitor price the seller wants to stay below (inf: none)."""

    def range(self, reference: float) -> tuple[float, float]:
        """Return the allowed (low, high); without limits, 0.2x to 5x ``reference``."""
        low = max(self.floor, self.band_low, 0.2 * reference)
        high = min(self.ceiling, self.band_high, 5.0 * reference)
        if low > high:
            raise InputError(
                f"floor/band low {low:.2f} is above ceiling/band high {high:.2f}",
                record="price",
                field="bounds",
            )
        return low, high


@dataclass(frozen=True, slots=True)
class PriceAdvice:
    """The advised price and what it rests on."""

    price: float
    """Profit-maximising price in the allowed range, market currency."""
    low: float
    """Optimum if demand is one standard error less elastic."""
    high: float
    """Optimum if demand is one standard error more elastic."""
    units: float
    """Expected units per period at ``price``."""
    contribution: float
    """Contribution per unit at ``price``."""
    profit: float
    """Expected contribution per period at ``price``."""
    bound: str
    """``interior``, ``floor`` or ``ceiling``: whether a limit binds."""
    fit: ElasticityFit
    """The elasticity used."""


def fit_elasticity(prices: npt.ArrayLike, units: npt.ArrayLike) -> ElasticityFit | None:
    """Fit ``log(units) = a + e log(price)`` by least squares.

    Args:
        prices: Average price of each period (> 0).
        units: Units sold in the period (> 0; zero periods are left out).

    Returns:
        The fit, or None when fewer than 4 positive points or prices did not
        vary enough (log-price spread under 0.05) to identify ``e``.
    """
    p = np.asarray(prices, dtype=np.float64)
    q = np.asarray(units, dtype=np.float64)
    keep = (p > 0) & (q > 0)
    x, y = np.log(p[keep]), np.log(q[keep])
    if len(x) < _MIN_POINTS or float(np.std(x)) < _MIN_LOG_SPREAD:
        return None
    xc = x - x.mean()
    slope = float((xc * (y - y.mean())).sum() / (xc**2).sum())
    resid = y - y.mean() - slope * xc
    dof = len(x) - 2
    sigma2 = float((resid**2).sum()) / dof
    se = math.sqrt(sigma2 / float((xc**2).sum()))
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / total if total > 0 else float("nan")
    return ElasticityFit(slope, se, len(x), r2, "fitted")


def combine(fit: ElasticityFit | None, prior: ElasticityFit) -> ElasticityFit:
    """Return the fitted elasticity shrunk toward the category default.

    A normal prior ``N(prior, prior_se^2)`` and a fitted ``N(fit, fit_se^2)``
    give the posterior mean ``(fit/fit_se^2 + prior/prior_se^2) / (1/fit_se^2 +
    1/prior_se^2)``: a noisy fit moves the default a little, a sharp one
    replaces it. The result is capped at :data:`MAX_ELASTICITY`.

    Args:
        fit: The fit on the seller's history, or None.
        prior: The category default.
    """
    if fit is None or fit.std_error <= 0:
        chosen = prior
    else:
        wf, wp = fit.std_error**-2, prior.std_error**-2
        value = (fit.elasticity * wf + prior.elasticity * wp) / (wf + wp)
        source = (
            f"fitted on {fit.points} days (e={fit.elasticity:.2f} +/- "
            f"{fit.std_error:.2f}, R2={fit.r2:.2f}) combined with {prior.source}"
        )
        chosen = ElasticityFit(value, (wf + wp) ** -0.5, fit.points, fit.r2, source)
    if chosen.elasticity > MAX_ELASTICITY:
        return ElasticityFit(
            MAX_ELASTICITY,
            chosen.std_error,
            chosen.points,
            chosen.r2,
            chosen.source + f"; capped at {MAX_ELASTICITY}",
        )
    return chosen


def _argmax(
    margin: Callable[[Floats], Floats], e: float, lo: float, hi: float, p0: float
) -> tuple[float, float]:
    """Return (price, profit) maximising margin(p) * (p/p0)**e on [lo, hi]."""
    grid = np.geomspace(lo, hi, 400) if hi > lo else np.array([lo])
    for _ in range(3):
        profit = margin(grid) * (grid / p0) ** e
        k = int(np.argmax(profit))
        a, b = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
        if b <= a:
            break
        grid = np.linspace(a, b, 200)
    profit = margin(grid) * (grid / p0) ** e
    k = int(np.argmax(profit))
    return float(grid[k]), float(profit[k])


def optimal_price(
    margin: Callable[[Floats], Floats],
    fit: ElasticityFit,
    reference_price: float,
    reference_units: float,
    bounds: PriceBounds | None = None,
) -> PriceAdvice:
    """Return the profit-maximising price for a demand curve through a reference.

    Args:
        margin: Contribution per unit for an array of prices (vectorised unit
            economics), market currency.
        fit: The elasticity (fitted or default); it must be below -1 for an
            interior optimum, else the ceiling binds.
        reference_price: A price the demand is known at. [p0]
        reference_units: Units per period at ``reference_price``. [q0]
        bounds: Floor, ceiling and competitor band.
    """
    if reference_price <= 0:
        raise InputError(
            "must be > 0",
            record="price",
            field="reference_price",
            value=reference_price,
        )
    lo, hi = (bounds or PriceBounds()).range(reference_price)
    price, profit = _argmax(margin, fit.elasticity, lo, hi, reference_price)
    alt = [
        _argmax(margin, fit.elasticity + d * fit.std_error, lo, hi, reference_price)[0]
        for d in (1.0, -1.0)
    ]
    units = reference_units * (price / reference_price) ** fit.elasticity
    unit_margin = float(margin(np.array([price]))[0])
    span = hi - lo
    bound = (
        "floor"
        if price <= lo + 1e-3 * span
        else "ceiling"
        if price >= hi - 1e-3 * span
        else "interior"
    )
    return PriceAdvice(
        price=round(price, 2),
        low=round(min(alt), 2),
        high=round(max(alt), 2),
        units=units,
        contribution=unit_margin,
        profit=profit * reference_units,
        bound=bound,
        fit=fit,
    )
