"""Fixtures of the twin tests: the real Online Retail II subset as a scenario."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from worldpool.catalog import Catalog
from worldpool.sim import BuildParams, Scenario, read_demand, scenario_from_frame

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="session")
def online_retail_small_frame() -> pd.DataFrame:
    """The 20-SKU Online Retail II subset (UK, DE, FR, IE, NL; 2011)."""
    return read_demand(DATA / "online_retail_small.csv")


@pytest.fixture(scope="session")
def online_retail_small(
    online_retail_small_frame: pd.DataFrame, catalog: Catalog
) -> Scenario:
    """The subset as a twin scenario, prices in GBP, catalog rates at 0.79 GBP/USD."""
    skus = pd.read_csv(DATA / "online_retail_small_skus.csv", dtype={"sku": str})
    params = BuildParams(fx_rate=0.79, currency="GBP")
    return scenario_from_frame(
        online_retail_small_frame, catalog, params, sku_frame=skus
    )
