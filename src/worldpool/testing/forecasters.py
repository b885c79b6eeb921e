"""Conformance check of forecasters (cf. scikit-learn's ``check_estimator``).

``check_forecaster(model)`` runs a new model through the estimator contract of
:class:`worldpool.demand.Forecaster` (STYLE.md rule 4, statsforecast's
``fit``/``predict``/``alias``) on small synthetic panels. A model that passes
can be dropped into the pipeline's comparisons and the benchmarks. Import it
from this submodule: ``from worldpool.testing.forecasters import
check_forecaster`` (it needs NumPy; ``import worldpool.testing`` does not).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from worldpool.demand.forecasters import FloatArray, Forecaster

__all__ = ["check_forecaster", "contract_panel"]

_HORIZONS = (1, 7, 35)
"""Horizons every model must forecast, in days."""


def contract_panel(days: int = 120, seed: int = 0) -> FloatArray:
    """Return a small panel of every demand pattern the contract is checked on.

    Columns: smooth Poisson (rate 20), a weekly pattern, intermittent (5 % of
    days), lumpy (rare large orders), one sale on the last day, and all zeros.

    Args:
        days: Rows of the panel, in days.
        seed: Seed of the random numbers.

    Returns:
        Units per day, ``(days, 6)``.
    """
    rng = np.random.default_rng(seed)
    week = 5.0 + 4.0 * np.sin(2 * np.pi * np.arange(days) / 7)
    cols = [
        rng.poisson(20.0, days),
        rng.poisson(week),
        rng.poisson(1.0, days) * (rng.random(days) < 0.05),
        rng.poisson(30.0, days) * (rng.random(days) < 0.03),
        np.r_[np.zeros(days - 1), 3.0],
        np.zeros(days),
    ]
    return np.column_stack(cols).astype(np.float64)


def _params(model: object) -> dict[str, Any]:
    """The ``__init__`` parameters of ``model`` and the values it stored."""
    sig = inspect.signature(type(model).__init__)
    names = [
        p.name
        for p in sig.parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    missing = [n for n in names if not hasattr(model, n)]
    assert not missing, (
        f"{type(model).__name__}.__init__ must store each parameter under its own "
        f"name; {missing} not found"
    )
    return {n: getattr(model, n) for n in names}


def _check_init(model: object) -> Callable[[], Any]:
    """Check that ``__init__`` only stores parameters; return a clone factory."""
    name = type(model).__name__
    learned = [k for k in vars(model) if k.endswith("_") and not k.startswith("__")]
    assert not learned, f"{name}.__init__ set learned state {learned} before fit"
    params = _params(model)
    assert isinstance(model, Forecaster), (
        f"{name} lacks the Forecaster protocol's alias, fit or predict"
    )
    alias = getattr(model, "alias", None)
    assert isinstance(alias, str) and alias, f"{name}.alias must be a non-empty str"
    return lambda: type(model)(**params)


def _check_fit(make: Callable[[], Any], y: FloatArray) -> Any:
    """Check that fit returns self, keeps y and parameters, and names state ``_``."""
    model = make()
    name = type(model).__name__
    before = dict(vars(model))
    y_copy = y.copy()
    assert model.fit(y) is model, f"{name}.fit must return self"
    np.testing.assert_array_equal(y, y_copy, err_msg=f"{name}.fit changed y")
    added = [k for k in vars(model) if k not in before]
    public = [k for k in added if not k.endswith("_") and not k.startswith("_")]
    assert not public, f"{name}.fit set {public}; learned state must end in '_'"
    changed = [
        k
        for k, v in before.items()
        if not k.startswith("_") and vars(model).get(k) is not v
    ]
    assert not changed, f"{name}.fit changed its parameters {changed}"
    fitted = getattr(model, "fitted_", None)
    if fitted is not None:
        shape = np.shape(fitted)
        assert shape == y.shape, f"{name}.fitted_ has shape {shape}, not {y.shape}"
    return model


def _check_predict(model: Any, n: int, *, finite: bool) -> None:
    """Check shape, dtype and sign of forecasts over several horizons."""
    name = type(model).__name__
    for h in _HORIZONS:
        pred = np.asarray(model.predict(h))
        assert pred.shape == (h, n), f"{name}.predict({h}) has shape {pred.shape}"
        assert np.issubdtype(pred.dtype, np.floating), f"{name}: {pred.dtype} forecast"
        known = pred[~np.isnan(pred)]
        assert not finite or known.size == pred.size, f"{name}.predict({h}) has NaN"
        assert np.all(np.isfinite(known)), f"{name}.predict({h}) is infinite"
        assert np.all(known >= 0), f"{name}.predict({h}) forecasts negative demand"


def _check_deterministic(make: Callable[[], Any], y: FloatArray) -> None:
    """Two fresh copies (same seed, if any) give the same forecast."""
    a, b = make().fit(y).predict(7), make().fit(y).predict(7)
    np.testing.assert_array_equal(
        a, b, err_msg=f"{type(make()).__name__} is not deterministic for a fixed seed"
    )


def _check_edges(make: Callable[[], Any]) -> None:
    """All-zero panels forecast 0; panels of 1 and 3 days do not fail."""
    name = type(make()).__name__
    zeros = np.zeros((60, 3))
    pred = make().fit(zeros).predict(7)
    _check_predict(make().fit(zeros), 3, finite=False)
    known = np.asarray(pred)[~np.isnan(pred)]
    assert np.allclose(known, 0.0), f"{name} forecasts demand for all-zero series"
    for days in (1, 3):
        short = contract_panel(days=days)[:, :2] + 1.0
        _check_predict(_check_fit(make, short), 2, finite=False)


def check_forecaster(forecaster: Forecaster) -> None:
    """Check that a forecaster keeps the estimator contract of the Forecaster protocol.

    Checks: ``__init__`` stores each parameter under its own name and nothing
    learned; ``alias`` is a non-empty string; ``fit`` returns ``self``, leaves
    ``y`` and the parameters alone and names learned state with a trailing
    ``_`` (``fitted_``, if set, is ``(T, N)``); ``predict(h)`` is a ``(h, N)``
    float matrix of finite non-negative units for every ``h``; two copies with
    the same parameters (and seed) forecast alike; all-zero series forecast 0;
    series of 1 and 3 days fit and forecast without error (NaN allowed there:
    "no forecast"); a 1-D ``y`` raises ``ValueError``. The forecaster passed
    in is not fitted: every check fits a fresh copy made from its parameters.

    Args:
        forecaster: An unfitted model.

    Raises:
        AssertionError: The first broken rule, naming the model and the rule.
    """
    make = _check_init(forecaster)
    y = contract_panel()
    model = _check_fit(make, y)
    _check_predict(model, y.shape[1], finite=True)
    _check_deterministic(make, y)
    _check_edges(make)
    try:
        make().fit(np.ones(5))
    except ValueError:
        pass
    else:
        raise AssertionError(f"{type(forecaster).__name__}.fit accepted a 1-D y")
