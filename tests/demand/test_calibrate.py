"""Whole-unit calibration of quantiles and the weekday-adjusted SES candidate."""

from __future__ import annotations

import numpy as np
import pytest

from worldpool.demand import ForecastParams
from worldpool.demand._candidates import SES_ALPHAS, deseasonalised_ses
from worldpool.demand.calibrate import tuned_quantiles
from worldpool.demand.pipeline import forecast_matrix

LEVELS = np.array([0.05, 0.5, 0.95])


def _counts(seed: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson counts around forecasts of 0.1-4 units, and the scaled errors."""
    rng = np.random.default_rng(seed)
    pred = rng.uniform(0.1, 4.0, size)
    actual = rng.poisson(pred).astype(float)
    unit = np.sqrt(pred)
    return (actual - pred) / unit, pred, unit


def _coverage(z: np.ndarray, seed: int) -> float:
    """Share of fresh counts inside the rounded, capped P5-P95 interval."""
    e, pred, unit = _counts(seed, 20_000)
    actual = pred + e * unit
    lo = np.round(np.maximum(pred + unit * z[0], 0.0))
    hi = np.minimum(np.round(pred + unit * z[-1]), np.floor(pred / 0.05))
    return float(np.mean((actual >= lo) & (actual <= hi)))


def test_tuned_levels_make_a_90_percent_interval_cover_90_percent() -> None:
    """Plain quantiles of small counts over-cover; tuned ones hit 90% on new data."""
    e, pred, unit = _counts(0, 20_000)
    plain = np.quantile(e, LEVELS)
    tuned = tuned_quantiles(e, pred, unit, LEVELS)
    assert _coverage(plain, 1) > 0.93
    assert 0.88 <= _coverage(tuned, 1) <= 0.92
    assert np.all(np.diff(tuned) >= 0)


def test_ses_picks_a_slow_constant_for_noise_and_a_fast_one_for_a_walk() -> None:
    """Each series keeps its own smoothing constant, chosen on one-step errors."""
    rng = np.random.default_rng(3)
    days = 500
    noise = rng.poisson(10.0, days).astype(float)
    walk = np.maximum(20 + np.cumsum(rng.normal(0, 2.0, days)), 0.0) + rng.normal(
        0, 0.5, days
    )
    y = np.column_stack([noise, walk])
    level, alpha = deseasonalised_ses(y, np.ones_like(y))
    assert alpha[0] < alpha[1]
    assert level.shape == (days + 1, 2)
    # Noise: a level near the long-run mean; walk: near the last few days.
    assert abs(level[-1, 0] - 10.0) < 1.0
    assert abs(level[-1, 1] - walk[-5:].mean()) < abs(level[-1, 1] - walk.mean())
    assert min(SES_ALPHAS) < max(SES_ALPHAS)


def test_anchor_is_averaged_in_and_must_be_a_candidate() -> None:
    """The anchor leads every series' model list; an unknown name is refused."""
    rng = np.random.default_rng(5)
    y = rng.poisson(3.0, (200, 12)).astype(float)
    mf = forecast_matrix(y, first_weekday=0, horizon_days=14)
    assert all(m.split(" & ")[0] == "SESopt+dow" for m in mf.model)
    bare = forecast_matrix(
        y, first_weekday=0, horizon_days=14, params=ForecastParams(anchor=())
    )
    assert not np.allclose(mf.mean_path, bare.mean_path)
    with pytest.raises(ValueError, match="anchor"):
        ForecastParams(anchor=("Prophet",))
