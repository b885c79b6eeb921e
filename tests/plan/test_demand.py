from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from worldpool.demand.dist import grid_quantile
from worldpool.errors import InputError
from worldpool.plan.demand import demand_from_frame, demand_from_quantiles


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku": ["A", "B"],
            "market": ["US", "DE"],
            "horizon_days": [28, 28],
            "mean": [30.0, 0.0],
            "p50": [28.0, 0.0],
            "p90": [46.0, 0.0],
            "p99": [70.0, 0.0],
        }
    )


def test_quantile_frame_is_kept_as_the_quantile_function() -> None:
    """The forecast's own quantiles come back from the table at their levels."""
    t = demand_from_quantiles(_frame())
    assert t.grid is not None and t.levels is not None
    got = grid_quantile(t.levels, t.grid, np.array([[0.5], [0.9], [0.99]]))
    assert got[:, 0] == pytest.approx([28.0, 46.0, 70.0])
    assert t.mean[0] == pytest.approx(30.0 / 28) and t.std[0] > 0
    assert t.mean[1] == 0 and t.std[1] == 0


def test_skewed_quantiles_give_a_larger_spread_than_a_narrow_one() -> None:
    """A long upper tail in the quantiles widens the daily spread (no fixed law)."""
    wide = _frame().iloc[[0]].assign(p99=140.0)
    assert demand_from_quantiles(wide).std[0] > demand_from_quantiles(_frame()).std[0]


def test_missing_median_is_an_input_error() -> None:
    """A quantile frame without a median names the missing column."""
    df = pd.DataFrame(
        {"sku": ["A"], "market": ["US"], "horizon_days": [7], "q90": [3.0]}
    )
    with pytest.raises(InputError, match="q50"):
        demand_from_quantiles(df)


def test_history_with_the_forecast_gives_launch_facts() -> None:
    """Days since the first sale and units sold come from the history given."""
    history = pd.DataFrame(
        {
            "sku": ["A", "A"],
            "market": ["US", "US"],
            "date": ["2026-11-01", "2026-11-14"],
            "units": [1, 2],
        }
    )
    t = demand_from_quantiles(_frame(), history=history)
    assert t.history_days.tolist() == [14, 0]
    assert t.history_units.tolist() == [3.0, 0.0]


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
