"""Any statsforecast model as a :class:`~worldpool.demand.forecasters.Forecaster`.

The adapter loops over series in Python (statsforecast's own per-series
path), so it is for the models that have no vectorised twin here (AutoETS,
AutoTheta, ADIDA, IMAPA ...) and for comparisons. Measured on the M5 subset
(``benchmarks/forecast_accuracy.py``): AutoETS fits about 10 series/s and
scores worse than the 28-day window average, so the default pipeline leaves it
out.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np

from worldpool.demand.forecasters import FloatArray

__all__ = ["StatsForecastModel"]


class StatsForecastModel:
    """Wrap a statsforecast model instance (e.g. ``statsforecast.models.ADIDA()``).

    Args:
        model: The statsforecast model; its ``forecast(y, h, fitted=True)`` is
            called once per series.
        alias: Output column name (default: the model's own alias).
    """

    def __init__(self, model: Any, alias: str | None = None) -> None:
        self.model = model
        self.alias = alias or str(getattr(model, "alias", type(model).__name__))

    def fit(self, y: FloatArray) -> Self:
        """Store ``y``, units per day ``(T, N)``, and the in-sample fits."""
        arr = np.asarray(y, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"y must be a (T, N) matrix, got {arr.shape}")
        self.y_ = arr
        fitted = np.full_like(arr, np.nan)
        for j in range(arr.shape[1]):
            out = self.model.forecast(arr[:, j].copy(), h=1, fitted=True)
            if "fitted" in out:
                fitted[:, j] = out["fitted"]
        self.fitted_ = fitted
        return self

    def predict(self, h: int) -> FloatArray:
        """Return the next ``h`` days of every series, units per day, ``(h, N)``."""
        cols = [
            self.model.forecast(self.y_[:, j].copy(), h=h)["mean"]
            for j in range(self.y_.shape[1])
        ]
        return np.asarray(np.column_stack(cols), dtype=np.float64)
