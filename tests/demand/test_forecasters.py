"""The vectorised models equal statsforecast's.

The estimator contract of every model is checked by
``tests/testing/test_check_forecaster.py`` (``worldpool.testing.forecasters``).
"""

from __future__ import annotations

import numpy as np
import pytest
from statsforecast import models as sf

from worldpool.demand import (
    CrostonSBA,
    SeasonalNaive,
    SimpleExpSmoothing,
    TeunterSyntetosBabai,
    WindowAverage,
)
from worldpool.demand.sf_model import StatsForecastModel

PAIRS = [
    (CrostonSBA(), sf.CrostonSBA()),
    (TeunterSyntetosBabai(0.1, 0.1), sf.TSB(alpha_d=0.1, alpha_p=0.1)),
    (SimpleExpSmoothing(0.1), sf.SimpleExponentialSmoothing(alpha=0.1)),
    (SeasonalNaive(7), sf.SeasonalNaive(season_length=7)),
]


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=lambda m: type(m).__name__)
def test_matches_statsforecast(ours, theirs, online_retail_matrix: np.ndarray) -> None:
    """Forecasts and in-sample fits equal statsforecast's on every real series."""
    y = online_retail_matrix
    fitted = ours.fit(y)
    for j in range(y.shape[1]):
        ref = theirs.forecast(y[:, j].copy(), h=10, fitted=True)
        np.testing.assert_allclose(fitted.predict(10)[:, j], ref["mean"], atol=1e-9)
        np.testing.assert_allclose(fitted.fitted_[:, j], ref["fitted"], atol=1e-9)


def test_window_average_matches_statsforecast(online_retail_matrix: np.ndarray) -> None:
    """The 28-day window average equals statsforecast's WindowAverage."""
    y = online_retail_matrix
    got = WindowAverage(28).fit(y).predict(3)
    for j in range(y.shape[1]):
        want = sf.WindowAverage(28).forecast(y[:, j].copy(), h=3)["mean"]
        np.testing.assert_allclose(got[:, j], want, atol=1e-9)


def test_rejects_a_vector() -> None:
    """A 1-D input is refused with the shape in the message."""
    with pytest.raises(ValueError, match=r"\(T, N\)"):
        CrostonSBA().fit(np.ones(5))


def test_adapter_gives_statsforecast_numbers(online_retail_matrix: np.ndarray) -> None:
    """The adapter returns statsforecast's own forecast for each series."""
    y = online_retail_matrix[:, :5]
    got = StatsForecastModel(sf.IMAPA()).fit(y).predict(4)
    for j in range(5):
        np.testing.assert_allclose(
            got[:, j], sf.IMAPA().forecast(y[:, j].copy(), h=4)["mean"]
        )
