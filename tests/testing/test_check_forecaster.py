"""Every shipped forecaster passes check_forecaster, and the check catches misfits."""

from __future__ import annotations

import inspect
from typing import Self

import numpy as np
import pytest
from statsforecast import models as sf

import worldpool.demand as demand
from worldpool.demand import (
    CrostonSBA,
    SeasonalNaive,
    SimpleExpSmoothing,
    TeunterSyntetosBabai,
    WindowAverage,
)
from worldpool.demand.forecasters import FloatArray
from worldpool.demand.sf_model import StatsForecastModel
from worldpool.testing.forecasters import check_forecaster, contract_panel

SHIPPED = [
    CrostonSBA(),
    TeunterSyntetosBabai(),
    SimpleExpSmoothing(),
    WindowAverage(28),
    SeasonalNaive(7),
    StatsForecastModel(sf.ADIDA()),
    StatsForecastModel(sf.IMAPA()),
]


@pytest.mark.parametrize("model", SHIPPED, ids=lambda m: m.alias)
def test_shipped_forecaster_conforms(model: demand.Forecaster) -> None:
    """Each shipped forecaster keeps the estimator contract."""
    check_forecaster(model)


def test_global_model_conforms() -> None:
    """The optional LightGBM global model keeps the contract (when installed)."""
    pytest.importorskip("mlforecast")
    pytest.importorskip("lightgbm")
    from worldpool.demand.global_model import LightGBMGlobal

    check_forecaster(LightGBMGlobal(n_estimators=20, train_days=120))


def test_every_exported_forecaster_is_checked() -> None:
    """Each Forecaster class in worldpool.demand.__all__ is in the list above."""
    exported = {
        obj
        for obj in (getattr(demand, n) for n in demand.__all__)
        if inspect.isclass(obj)
        and obj is not demand.Forecaster
        and hasattr(obj, "fit")
        and hasattr(obj, "predict")
    }
    assert exported <= {type(m) for m in SHIPPED}


def test_contract_panel_has_every_pattern() -> None:
    """The panel holds six series, one of them all zeros, in whole units."""
    y = contract_panel(days=50)
    assert y.shape == (50, 6)
    assert np.all(y[:, -1] == 0) and np.all(y == np.round(y))


class _Good:
    """A minimal conforming forecaster: the mean of the history."""

    def __init__(self, alias: str = "Mean") -> None:
        self.alias = alias

    def fit(self, y: FloatArray) -> Self:
        arr = np.asarray(y, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"y must be (T, N), got {arr.shape}")
        self.mean_ = arr.mean(axis=0)
        return self

    def predict(self, h: int) -> FloatArray:
        return np.repeat(self.mean_[None, :], h, axis=0)


class _StateInInit(_Good):
    def __init__(self, alias: str = "Mean") -> None:
        super().__init__(alias)
        self.mean_ = np.zeros(1)


class _NoSelf(_Good):
    def fit(self, y: FloatArray) -> Self:
        super().fit(y)
        return None  # type: ignore[return-value]


class _PublicState(_Good):
    def fit(self, y: FloatArray) -> Self:
        self.level = 1.0
        return super().fit(y)


class _Negative(_Good):
    def predict(self, h: int) -> FloatArray:
        return super().predict(h) - 100.0


class _WrongShape(_Good):
    def predict(self, h: int) -> FloatArray:
        return super().predict(h + 1)


class _Random(_Good):
    def predict(self, h: int) -> FloatArray:
        return super().predict(h) + np.random.default_rng().random()


class _Mutates(_Good):
    def fit(self, y: FloatArray) -> Self:
        self.alias = "Changed"
        return super().fit(y)


class _Floor(_Good):
    def predict(self, h: int) -> FloatArray:
        return super().predict(h) + 1.0


class _Renamed(_Good):
    def __init__(self, name: str = "Mean") -> None:
        self.alias = name


def test_minimal_forecaster_passes() -> None:
    """A mean forecaster written from the protocol passes."""
    check_forecaster(_Good())


@pytest.mark.parametrize(
    ("model", "rule"),
    [
        (_StateInInit(), "learned state"),
        (_NoSelf(), "return self"),
        (_PublicState(), "end in '_'"),
        (_Negative(), "negative"),
        (_WrongShape(), "shape"),
        (_Random(), "deterministic"),
        (_Renamed(), "own name"),
        (_Mutates(), "changed its parameters"),
        (_Floor(), "all-zero"),
    ],
    ids=lambda x: type(x).__name__ if not isinstance(x, str) else "",
)
def test_misfit_is_named(model: demand.Forecaster, rule: str) -> None:
    """Each broken rule raises AssertionError naming the rule."""
    with pytest.raises(AssertionError, match=rule):
        check_forecaster(model)
