from __future__ import annotations

import math

import numpy as np
import pytest

from worldpool.errors import InputError
from worldpool.profit import ElasticityFit, PriceBounds, fit_elasticity, optimal_price
from worldpool.profit.price import MAX_ELASTICITY, combine

COST, FEE = 10.0, 0.15


def _margin(prices: np.ndarray) -> np.ndarray:
    return prices * (1 - FEE) - COST


def _fit(e: float, se: float = 0.2) -> ElasticityFit:
    return ElasticityFit(e, se, 0, math.nan, "test")


@pytest.mark.parametrize("e", [-1.5, -2.0, -3.0, -5.0])
def test_constant_elasticity_optimum_is_the_lerner_markup(e: float) -> None:
    """With fee f and cost c the optimum is c/(1-f) * e/(1+e)."""
    expected = COST / (1 - FEE) * e / (1 + e)
    advice = optimal_price(
        _margin, _fit(e), reference_price=expected, reference_units=50
    )
    assert advice.price == pytest.approx(expected, abs=0.01)
    assert advice.bound == "interior"
    assert advice.low < advice.price < advice.high


def test_bounds_bind() -> None:
    """A ceiling under the optimum binds; a competitor band floor above it binds."""
    optimum = COST / (1 - FEE) * 2.0
    capped = optimal_price(_margin, _fit(-2.0), optimum, 10, PriceBounds(ceiling=18.0))
    assert capped.price == pytest.approx(18.0, abs=0.01) and capped.bound == "ceiling"
    banded = optimal_price(
        _margin, _fit(-2.0), optimum, 10, PriceBounds(band_low=30.0, band_high=40.0)
    )
    assert banded.price == pytest.approx(30.0, abs=0.01) and banded.bound == "floor"
    with pytest.raises(InputError):
        optimal_price(
            _margin, _fit(-2.0), optimum, 10, PriceBounds(floor=50, ceiling=40)
        )


def test_units_follow_the_curve() -> None:
    """Expected units at the advised price follow q0 (p/p0)^e."""
    advice = optimal_price(_margin, _fit(-2.0), 20.0, 100.0)
    assert advice.units == pytest.approx(
        100.0 * (advice.price / 20.0) ** -2.0, rel=1e-3
    )
    assert advice.profit == pytest.approx(advice.units * advice.contribution, rel=1e-3)


def test_fit_recovers_a_known_elasticity() -> None:
    """Log-log least squares recovers e = -2.4 within three standard errors."""
    rng = np.random.default_rng(3)
    p = np.exp(rng.normal(3.0, 0.15, 120))
    q = np.exp(6.0 - 2.4 * np.log(p) + rng.normal(0, 0.2, 120))
    fit = fit_elasticity(p, q)
    assert fit is not None and fit.points == 120
    assert abs(fit.elasticity + 2.4) < 3 * fit.std_error
    assert 0 < fit.std_error < 0.3 and fit.r2 > 0.3


def test_no_fit_without_price_variation() -> None:
    """Constant prices (or too few points) identify no elasticity."""
    assert fit_elasticity([9.99] * 30, np.arange(1, 31)) is None
    assert fit_elasticity([9.0, 10.0, 11.0], [5, 4, 3]) is None


def test_combine_shrinks_a_noisy_fit_and_caps_it() -> None:
    """A noisy fit moves the default little; a sharp one dominates; e >= -1 is capped."""
    prior = _fit(-1.5, 0.5)
    noisy = combine(_fit(-4.0, 5.0), prior)
    sharp = combine(_fit(-3.0, 0.05), prior)
    assert -1.6 < noisy.elasticity < -1.5
    assert sharp.elasticity == pytest.approx(-3.0, abs=0.02)
    assert combine(_fit(0.5, 0.01), prior).elasticity == MAX_ELASTICITY
    assert combine(None, prior) == prior
