"""An optional global model: LightGBM on lag, rolling and calendar features.

One gradient-boosted tree model is trained on every series of the panel at
once (a *global* model, as in the M5 competition's winning entries) through
mlforecast, with a Tweedie loss on raw units so that intermittent and fast
series share one model without rescaling. Forecasts are recursive: day ``t+1``
is predicted from lags that include the prediction of day ``t``.

Needs the optional packages ``mlforecast`` and ``lightgbm`` (imported on
:meth:`LightGBMGlobal.fit`, so importing this module costs nothing);
:func:`available` says whether they are installed.

References:
    Makridakis, S., Spiliotis, E. & Assimakopoulos, V. (2022). M5 accuracy
    competition: results, findings, and conclusions. International Journal of
    Forecasting 38(4), 1346-1364.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, Self

import numpy as np

from worldpool.demand.forecasters import FloatArray

__all__ = ["LightGBMGlobal", "available", "global_paths"]

_EPOCH = date(2024, 1, 1)
"""A Monday: the first day of a panel whose real dates are unknown."""


def available() -> bool:
    """Whether the optional packages ``mlforecast`` and ``lightgbm`` are installed."""
    return all(
        importlib.util.find_spec(m) is not None for m in ("mlforecast", "lightgbm")
    )


def _as_matrix(y: FloatArray) -> FloatArray:
    arr = np.asarray(y, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 1:
        raise ValueError(f"y must be a (T, N) matrix with T >= 1, got {arr.shape}")
    return arr


class LightGBMGlobal:
    """LightGBM (Tweedie loss) on lags, rolling means and calendar features.

    Features of day ``t`` of a series: its units ``lags`` days before, the mean
    of the ``windows`` days ending one day and seven days before, and the
    weekday, month and day of the month. Series too short to give a training
    row (or an all-zero panel) are forecast by their mean instead.

    Args:
        lags: Lags used as features, in days.
        windows: Lengths of the rolling means used as features, in days.
        n_estimators: Boosting rounds, in trees.
        learning_rate: Shrinkage of each tree, unitless. [η]
        num_leaves: Leaves per tree, in leaves.
        train_days: Trailing days of the history used for training, in days
            (caps the training cost; the whole history still feeds features).
        seed: Seed of LightGBM's random numbers.
        n_jobs: Threads LightGBM and mlforecast may use.
        alias: Name of the model's output column.
    """

    def __init__(
        self,
        lags: Sequence[int] = (1, 2, 3, 7, 14, 28),
        windows: Sequence[int] = (7, 28),
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        train_days: int = 728,
        seed: int = 0,
        n_jobs: int = 1,
        alias: str = "LightGBM",
    ) -> None:
        self.lags = lags
        self.windows = windows
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.train_days = train_days
        self.seed = seed
        self.n_jobs = n_jobs
        self.alias = alias

    @property
    def context_days(self) -> int:
        """Days of history one forecast needs for its features, in days."""
        return max(*self.lags, 7 + max(self.windows))

    def fit(self, y: FloatArray, start: date | None = None) -> Self:
        """Fit on ``y``, units per day, shape ``(T, N)``.

        Args:
            y: Demand history, units per day, ``(T, N)``.
            start: Date of the first row (default: a Monday), for the
                calendar features.

        Returns:
            ``self``, with ``y_``, ``start_``, ``model_`` (``None`` when there
            was nothing to learn from) and ``fitted_`` (``(T, N)`` one-step
            in-sample forecasts, NaN where none exists) set.
        """
        arr = _as_matrix(y)
        self.y_ = arr
        self.start_ = start or _EPOCH
        t_len = arr.shape[0]
        lo = max(t_len - self.train_days - self.context_days, 0)
        tail = arr[lo:]
        self.model_: Any = None
        self.fitted_ = np.full_like(arr, np.nan)
        if tail.shape[0] <= self.context_days + 1 or not np.any(tail > 0):
            return self
        self.model_ = self._mlforecast()
        frame = _long(tail, self.start_ + timedelta(days=lo))
        self.model_.fit(frame, fitted=True)
        ins = self.model_.forecast_fitted_values()
        rows = (ins["ds"] - np.datetime64(self.start_)).dt.days.to_numpy()
        cols = ins["unique_id"].to_numpy(dtype=np.int64)
        self.fitted_[rows, cols] = np.maximum(ins[self.alias].to_numpy(), 0.0)
        return self

    def predict(self, h: int) -> FloatArray:
        """Return the forecast of the next ``h`` days, units per day, ``(h, N)``."""
        path = self.predict_from(np.asarray([self.y_.shape[0]]), h)[0]
        return np.asarray(path, dtype=np.float64)

    def predict_from(
        self, origins: Any, h: int, y: FloatArray | None = None
    ) -> FloatArray:
        """Forecast ``h`` days from each origin with the trees already fitted.

        The forecast from origin ``o`` sees ``y[:o]`` only (through its
        features); the trees are those of :meth:`fit`, so it is out-of-sample
        only for origins at or after the last day the model was fitted on.

        Args:
            origins: First unseen day of each forecast, in days from the start,
                each in ``1..T``.
            h: Days forecast from each origin, in days.
            y: History the features are taken from, units per day, ``(T, N)``,
                starting on the fitted start date (default: ``y_``); it may
                run past the fitted history.

        Returns:
            Units per day, ``(len(origins), h, N)``.
        """
        hist = self.y_ if y is None else _as_matrix(y)
        org = np.asarray(origins, dtype=np.int64)
        n = hist.shape[1]
        if self.model_ is None:
            return np.stack([_mean_path(hist[: int(o)], h) for o in org])
        ctx = self.context_days + 1
        blocks = [hist[max(int(o) - ctx, 0) : int(o)] for o in org]
        frame = _pseudo_long(blocks, org, self.start_, n)
        pred = self.model_.predict(h, new_df=frame).sort_values(["unique_id", "ds"])
        vals = pred[self.alias].to_numpy(dtype=np.float64).reshape(org.size, n, h)
        return np.asarray(np.maximum(vals.transpose(0, 2, 1), 0.0), dtype=np.float64)

    def _mlforecast(self) -> Any:
        import lightgbm as lgb
        from mlforecast import MLForecast
        from mlforecast.lag_transforms import RollingMean

        reg = lgb.LGBMRegressor(
            objective="tweedie",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            random_state=self.seed,
            n_jobs=self.n_jobs,
            deterministic=True,
            force_row_wise=True,
            verbosity=-1,
        )
        rolls: list[Any] = [RollingMean(window_size=w) for w in self.windows]
        return MLForecast(
            models={self.alias: reg},
            freq="D",
            lags=list(self.lags),
            lag_transforms={1: rolls, 7: list(rolls)},
            date_features=["dayofweek", "month", "day"],
            num_threads=self.n_jobs,
        )


def _mean_path(seen: FloatArray, h: int) -> FloatArray:
    """The mean of ``seen`` repeated ``h`` days (the fallback), ``(h, N)``."""
    return np.repeat(seen.mean(axis=0, keepdims=True), h, axis=0)


def global_paths(
    y: FloatArray,
    origins: Any,
    days: int,
    start: date | None,
    make: Callable[[], LightGBMGlobal] | None = None,
) -> tuple[dict[int, FloatArray], FloatArray]:
    """Forecast paths of the global model from each origin, each out-of-sample.

    Origins before the end of the history share one model fitted on the days
    before the earliest of them, so no forecast has seen what it is scored
    on; the origin ``T`` gets a model fitted on the whole history.

    Args:
        y: Demand history, units per day, ``(T, N)``.
        origins: Origins (first unseen day), in days from the start, ``1..T``.
        days: Days forecast from each origin, in days.
        start: Date of the first history day (for calendar features).
        make: Returns a fresh unfitted model (default: ``LightGBMGlobal()``).

    Returns:
        ``(paths, fitted)``: the ``(days, N)`` forecast from each origin, and
        each history day's forecast from the latest origin before it,
        ``(T, N)``, NaN where no origin precedes it.
    """
    new = make or LightGBMGlobal
    t_len = y.shape[0]
    past = np.asarray(sorted({int(o) for o in origins if o < t_len}), dtype=np.int64)
    paths: dict[int, FloatArray] = {}
    fitted = np.full_like(y, np.nan)
    if past.size:
        model = new().fit(y[: past[0]], start)
        for o, path in zip(past, model.predict_from(past, days, y), strict=True):
            paths[int(o)] = path
            stop = min(int(o) + days, t_len)
            fitted[o:stop] = path[: stop - o]
    if t_len in {int(o) for o in origins}:
        paths[t_len] = new().fit(y, start).predict(days)
    return paths, fitted


def _long(y: FloatArray, start: date) -> Any:
    """The ``(T, N)`` matrix as mlforecast's long frame; ids are column numbers."""
    import pandas as pd

    t_len, n = y.shape
    dates = pd.date_range(start, periods=t_len, freq="D")
    return pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n), t_len),
            "ds": np.tile(dates.to_numpy(), n),
            "y": y.T.ravel(),
        }
    )


def _pseudo_long(blocks: list[FloatArray], origins: Any, start: date, n: int) -> Any:
    """One pseudo-series per (origin, series): its history before the origin.

    The id ``k * n + j`` is series ``j`` seen from the ``k``-th origin, so one
    mlforecast call forecasts every origin at once.
    """
    import pandas as pd

    parts = []
    for k, (blk, o) in enumerate(zip(blocks, origins, strict=True)):
        days = blk.shape[0]
        first = pd.Timestamp(start) + pd.Timedelta(days=int(o) - days)
        dates = pd.date_range(first, periods=days, freq="D").to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": np.repeat(k * n + np.arange(n), days),
                    "ds": np.tile(dates, n),
                    "y": blk.T.ravel(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
