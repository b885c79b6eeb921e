"""Scale-out: the same forecast on a Dask cluster, partitioned by SKU.

Each partition holds every market of its SKUs (so cold start can borrow
across markets) and runs the ordinary pipeline; a partition is independent of
the others, as the pipeline's blocks are. Needs the ``dask`` extra.

Point it at a real cluster by passing a client connected to its scheduler::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")
    result = forecast_dask(history, client, horizon_days=35)
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pandas as pd
from dask.distributed import Client

from worldpool.demand.forecast import forecast
from worldpool.demand.forecasters import FloatArray
from worldpool.demand.params import ForecastCallbacks, ForecastParams, NoCallbacks
from worldpool.demand.pipeline import MatrixForecast, _concat, forecast_matrix

__all__ = ["forecast_dask", "forecast_matrix_dask", "partition_by_sku"]


def partition_by_sku(skus: Any, partitions: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Return a stable partition number in ``[0, partitions)`` for each SKU.

    Args:
        skus: SKU ids (any iterable of strings).
        partitions: Number of partitions.
    """
    return np.array(
        [zlib.crc32(str(s).encode()) % partitions for s in skus], dtype=np.int64
    )


def _threads(client: Client) -> int:
    """Worker threads of the cluster, at least 1."""
    threads: dict[str, int] = client.nthreads()  # type: ignore[no-untyped-call]
    return max(sum(threads.values()), 1)


def forecast_dask(
    frame: pd.DataFrame,
    client: Client,
    *,
    partitions: int | None = None,
    sku_col: str = "sku",
    callbacks: ForecastCallbacks | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`worldpool.demand.forecast` on a Dask cluster, one task per partition.

    Args:
        frame: Long demand history (pandas).
        client: A connected ``dask.distributed`` client.
        partitions: Number of SKU partitions (default: twice the worker threads).
        sku_col: Column of SKU ids.
        callbacks: Progress hooks (one step per finished partition).
        **kwargs: Passed to :func:`worldpool.demand.forecast` (horizon, params,
            column names ...).

    Returns:
        The forecast frame, rows sorted by SKU and market.
    """
    cb = callbacks or NoCallbacks()
    k = partitions or 2 * _threads(client)
    part = partition_by_sku(frame[sku_col], k)
    pieces = [frame[part == i] for i in range(k) if (part == i).any()]
    data = client.scatter(pieces)  # type: ignore[no-untyped-call]
    futures = client.map(forecast, data, sku_col=sku_col, pure=False, **kwargs)
    done: list[pd.DataFrame] = []
    for i, fut in enumerate(futures, start=1):
        done.append(fut.result())
        cb.on_step("forecasting partitions", i, len(futures))
    out = pd.concat(done, ignore_index=True)
    market = kwargs.get("market_col", "market")
    return out.sort_values([sku_col, market], kind="stable", ignore_index=True)


def forecast_matrix_dask(
    y: FloatArray,
    client: Client,
    *,
    partitions: int | None = None,
    params: ForecastParams | None = None,
    **kwargs: Any,
) -> MatrixForecast:
    """Run :func:`~worldpool.demand.pipeline.forecast_matrix` on column blocks.

    Args:
        y: Demand, units per day, ``(T, N)``; columns should be grouped by SKU.
        client: A connected ``dask.distributed`` client.
        partitions: Number of column blocks (default: the worker threads).
        params: Pipeline settings.
        **kwargs: Passed to ``forecast_matrix`` (``first_weekday``,
            ``horizon_days`` ...).

    Returns:
        The forecast of every column, in column order.
    """
    k = partitions or _threads(client)
    blocks = np.array_split(np.arange(y.shape[1]), k)
    data = client.scatter(  # type: ignore[no-untyped-call]
        [np.ascontiguousarray(y[:, b]) for b in blocks]
    )
    futures = client.map(forecast_matrix, data, params=params, pure=False, **kwargs)
    parts: list[MatrixForecast] = client.gather(  # type: ignore[no-untyped-call]
        futures
    )
    return _concat(parts, daily=bool(kwargs.get("daily", False)))
