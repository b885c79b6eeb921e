from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from worldpool.errors import InputError
from worldpool.plan.demand import (
    demand_from_frame,
    demand_from_history,
    demand_from_quantiles,
)


def test_quantile_frame_gives_daily_moments() -> None:
    """q50/q90 over a 28-day window become daily mean and std."""
    df = pd.DataFrame(
        {
            "sku": ["A", "B"],
            "market": ["US", "DE"],
            "horizon_days": [28, 28],
            "q50": [28.0, 0.0],
            "q90": [28.0 + 1.2815515655446004 * 14.0, 0.0],
            "q99": [28.0 + 2.3263478740408408 * 14.0, 0.0],
        }
    )
    t = demand_from_quantiles(df)
    assert t.mean[0] == pytest.approx(1.0)
    assert t.std[0] == pytest.approx(14.0 / np.sqrt(28))
    assert t.mean[1] == 0 and t.std[1] == 0


def test_forecaster_p_columns_and_mean_are_read() -> None:
    """Columns named p50/p95 (the forecaster's) and a mean column are accepted."""
    df = pd.DataFrame(
        {
            "sku": ["A"],
            "market": ["US"],
            "horizon_days": [10],
            "mean": [12.0],
            "p50": [10.0],
            "p95": [20.0],
        }
    )
    t = demand_from_quantiles(df)
    assert t.mean[0] == pytest.approx(1.2) and t.std[0] > 0


def test_missing_median_is_an_input_error() -> None:
    """A quantile frame without a median names the missing column."""
    df = pd.DataFrame(
        {"sku": ["A"], "market": ["US"], "horizon_days": [7], "q90": [3.0]}
    )
    with pytest.raises(InputError, match="q50"):
        demand_from_quantiles(df)


def test_history_fills_missing_days_with_zero() -> None:
    """Two sales in a 14-day window give mean 2/14 and count the days since launch."""
    df = pd.DataFrame(
        {
            "sku": ["A", "A"],
            "market": ["US", "US"],
            "date": ["2026-11-01", "2026-11-10"],
            "units": [1, 1],
        }
    )
    t = demand_from_history(df, as_of=date(2026, 11, 14))
    assert t.mean[0] == pytest.approx(2 / 14)
    assert t.history_days[0] == 14 and t.history_units[0] == 2


def test_all_zero_history_is_zero_demand() -> None:
    """A series of zeros gives zero mean and zero spread, never NaN."""
    df = pd.DataFrame(
        {
            "sku": ["Z"] * 3,
            "market": ["UK"] * 3,
            "date": ["2026-01-01", "2026-01-02", "2026-01-03"],
            "units": [0, 0, 0],
        }
    )
    t = demand_from_frame(df)
    assert t.mean[0] == 0 and t.std[0] == 0 and not np.isnan(t.std).any()
