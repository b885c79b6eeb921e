"""Accuracy metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from worldpool.demand import coverage, mase, pinball, rmsse, wrmsse

TRAIN = np.array([[0.0, 1.0], [2.0, 1.0], [0.0, 3.0], [2.0, 1.0]])


def test_perfect_forecast_scores_zero() -> None:
    """Forecasting the actuals exactly gives RMSSE and MASE of 0."""
    actual = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.allclose(rmsse(actual, actual, TRAIN), 0.0)
    assert np.allclose(mase(actual, actual, TRAIN), 0.0)


def test_rmsse_scale_starts_at_first_sale() -> None:
    """Series 0 has scale mean((2,2)^2) = 4 from its first sale on."""
    actual = np.array([[2.0, 1.0]])
    fc = np.array([[0.0, 1.0]])
    assert rmsse(actual, fc, TRAIN)[0] == pytest.approx(np.sqrt(4 / 4))


def test_wrmsse_weights_series() -> None:
    """WRMSSE is the weight-averaged RMSSE."""
    actual = np.array([[2.0, 3.0]])
    fc = np.array([[0.0, 1.0]])
    r = rmsse(actual, fc, TRAIN)
    assert wrmsse(actual, fc, TRAIN, np.array([3.0, 1.0])) == pytest.approx(
        (3 * r[0] + r[1]) / 4
    )


def test_pinball_and_coverage() -> None:
    """Pinball of an under-forecast is tau * error; coverage counts bounds as in."""
    assert pinball(np.array([[10.0]]), np.array([[6.0]]), 0.9)[0] == pytest.approx(3.6)
    assert pinball(np.array([[2.0]]), np.array([[6.0]]), 0.9)[0] == pytest.approx(0.4)
    assert coverage(np.array([1.0, 5.0, 9.0]), np.full(3, 1.0), np.full(3, 5.0)) == (
        pytest.approx(2 / 3)
    )
