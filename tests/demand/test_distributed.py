"""The forecast runs on a Dask LocalCluster, partitioned by SKU."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster

from worldpool.demand import forecast, forecast_matrix
from worldpool.demand.distributed import (
    forecast_dask,
    forecast_matrix_dask,
    partition_by_sku,
)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A two-worker in-process Dask cluster."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,  # fmt: skip
        Client(cluster) as c,
    ):
        yield c


def test_same_rows_as_local_run(
    client: Client, online_retail_small: pd.DataFrame
) -> None:
    """Every series is forecast once, and each partition equals a local run of it."""
    out = forecast_dask(client=client, frame=online_retail_small, horizon_days=14,
                        partitions=3)  # fmt: skip
    local = forecast(online_retail_small, horizon_days=14)
    key = ["sku", "market"]
    assert sorted(map(tuple, out[key].to_numpy())) == sorted(
        map(tuple, local[key].to_numpy())
    )
    part = partition_by_sku(online_retail_small["sku"], 3)
    piece = online_retail_small[part == 0]
    want = forecast(piece, horizon_days=14).sort_values(key, ignore_index=True)
    got = out[out["sku"].isin(piece["sku"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_matrix_blocks_match_local_blocks(
    client: Client, online_retail_matrix: np.ndarray
) -> None:
    """Column blocks on the cluster give the same numbers as the same blocks locally."""
    y = online_retail_matrix
    got = forecast_matrix_dask(y, client, partitions=2, first_weekday=2,
                               horizon_days=14)  # fmt: skip
    half = np.array_split(np.arange(y.shape[1]), 2)[0]
    want = forecast_matrix(y[:, half], first_weekday=2, horizon_days=14)
    np.testing.assert_array_equal(got.total_quantiles[half], want.total_quantiles)
    assert got.total_mean.shape == (y.shape[1],)


def test_partitions_keep_a_sku_together() -> None:
    """All markets of a SKU fall in one partition, the same on every call."""
    skus = ["A", "B", "A", "C", "B"]
    p = partition_by_sku(skus, 4)
    assert p[0] == p[2] and p[1] == p[4]
    assert (partition_by_sku(skus, 4) == p).all()
