"""Rolling-origin backtest reported per segment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from worldpool.demand import backtest, backtest_matrix


def test_scores_per_segment(online_retail_small: pd.DataFrame) -> None:
    """Every segment of the real data gets MASE, RMSSE, WRMSSE, pinball, coverage."""
    res = backtest(online_retail_small, horizon_days=14, windows=2)
    seg = res.by_segment
    assert {"mase", "rmsse", "wrmsse", "pinball", "coverage_90"} <= set(seg.columns)
    assert {"all", "abc A"} <= set(seg["segment"])
    assert seg["coverage_90"].between(0, 1).all()
    assert (seg["windows"] == 2).all()
    assert {"sku", "market", "model"} <= set(res.by_series.columns)
    assert "coverage_90" in res.summary()


def test_origins_never_see_their_future() -> None:
    """Changing the days after the last window's end leaves every score unchanged."""
    rng = np.random.default_rng(0)
    y = rng.poisson(2.0, size=(300, 8)).astype(float)
    a = backtest_matrix(y, first_weekday=0, horizon_days=14, windows=2, step_days=14)
    changed = y.copy()
    changed[-14:] = 0.0  # the last window's own actuals only
    b = backtest_matrix(changed, first_weekday=0, horizon_days=14, windows=2,
                        step_days=14)  # fmt: skip
    first = a.by_series["origin"] == a.by_series["origin"].min()
    pd.testing.assert_frame_equal(a.by_series[first], b.by_series[first])
