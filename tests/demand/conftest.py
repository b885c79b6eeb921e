"""Fixtures of the demand tests: the real Online Retail II subset, synthetic panels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="session")
def online_retail_small() -> pd.DataFrame:
    """20 real SKUs in 3-5 marketplaces, 2011 (tests/data/PROVENANCE.md)."""
    return pd.read_csv(DATA / "online_retail_small.csv", dtype={"sku": str})


@pytest.fixture(scope="session")
def online_retail_matrix(online_retail_small: pd.DataFrame) -> np.ndarray:
    """The same data as a dense (days × series) matrix of units per day."""
    df = online_retail_small.assign(date=pd.to_datetime(online_retail_small["date"]))
    wide = df.pivot_table(
        index="date", columns=["sku", "market"], values="units", aggfunc="sum"
    )
    return wide.asfreq("D").fillna(0.0).to_numpy(dtype=np.float64)


def poisson_frame(
    rates: dict[tuple[str, str], float], days: int = 400, seed: int = 7
) -> pd.DataFrame:
    """Long frame of Poisson demand with the given daily rates, from 2024-01-01."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    parts = [
        pd.DataFrame(
            {
                "sku": sku,
                "market": market,
                "date": dates,
                "units": rng.poisson(rate, size=days),
            }
        )
        for (sku, market), rate in rates.items()
    ]
    return pd.concat(parts, ignore_index=True)
