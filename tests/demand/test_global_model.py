"""The optional LightGBM global model: honest paths, and its place in the pipeline."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pytest

from worldpool.demand import ForecastParams, forecast_matrix
from worldpool.demand import global_model as gm
from worldpool.demand._candidates import CANDIDATES, GLOBAL

pytest.importorskip("mlforecast")
pytest.importorskip("lightgbm")

SMALL: dict[str, Any] = {"n_estimators": 30, "train_days": 200}


@pytest.fixture(scope="module")
def weekly_panel() -> np.ndarray:
    """Poisson demand with a strong weekday pattern: 24 series x 420 days."""
    rng = np.random.default_rng(3)
    days = np.arange(420)
    rate = np.outer(1.0 + 0.8 * (days % 7 >= 5), rng.uniform(0.2, 8.0, 24))
    return rng.poisson(rate).astype(np.float64)


def test_available_when_installed() -> None:
    """available() is true when mlforecast and lightgbm import."""
    assert gm.available()


def test_predict_equals_predict_from_the_end(weekly_panel: np.ndarray) -> None:
    """predict(h) is the forecast from the origin T."""
    model = gm.LightGBMGlobal(**SMALL).fit(weekly_panel)
    got = model.predict_from([weekly_panel.shape[0]], 14)[0]
    np.testing.assert_allclose(model.predict(14), got)


def test_learns_the_weekday_pattern(weekly_panel: np.ndarray) -> None:
    """Weekend days (rate x1.8) are forecast higher than weekdays."""
    pred = gm.LightGBMGlobal(**SMALL).fit(weekly_panel).predict(14)
    weekend = (np.arange(420, 434) % 7) >= 5
    assert pred[weekend].mean() > 1.4 * pred[~weekend].mean()


def test_past_paths_never_see_their_future(weekly_panel: np.ndarray) -> None:
    """Changing the days after an origin leaves that origin's forecast unchanged."""
    y = weekly_panel
    origins = [300, 350, 400, 420]
    make = partial(gm.LightGBMGlobal, **SMALL)
    paths, fitted = gm.global_paths(y, origins, 14, None, make)
    later = y.copy()
    later[360:] *= 5.0
    again, _ = gm.global_paths(later, origins, 14, None, make)
    for o in (300, 350):
        np.testing.assert_array_equal(paths[o], again[o])
    assert not np.array_equal(paths[420], again[420])
    # Each day holds the forecast from the latest origin of the 14 days before it.
    assert not np.isnan(fitted[[300, 313, 350, 413]]).any()
    assert np.isnan(fitted[[299, 314, 414]]).all()


def test_pipeline_can_choose_it(weekly_panel: np.ndarray) -> None:
    """With global_model=True the pipeline returns valid quantiles and known names."""
    params = ForecastParams(global_model=True, calibration_days=182)
    mf = forecast_matrix(weekly_panel, first_weekday=0, horizon_days=14, params=params)
    assert {n for m in mf.model for n in m.split(" & ")} <= set(CANDIDATES)
    q = mf.total_quantiles
    assert np.all(np.diff(q, axis=1) >= 0) and np.all(q >= 0)


def test_absent_global_model_leaves_the_default(
    weekly_panel: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without mlforecast/lightgbm the flag changes nothing and LightGBM is never chosen."""
    monkeypatch.setattr(gm, "available", lambda: False)
    on = forecast_matrix(
        weekly_panel,
        first_weekday=0,
        horizon_days=14,
        params=ForecastParams(global_model=True),
    )
    off = forecast_matrix(weekly_panel, first_weekday=0, horizon_days=14)
    assert not any(GLOBAL in m for m in on.model)
    np.testing.assert_array_equal(on.total_quantiles, off.total_quantiles)
