from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from worldpool.demand.moments import history_stats, quantiles_from_history

HISTORY = pd.DataFrame(
    {
        "sku": ["A", "A"],
        "market": ["US", "US"],
        "date": ["2026-11-01", "2026-11-10"],
        "units": [1, 1],
    }
)


def test_history_fills_missing_days_with_zero() -> None:
    """Two sales over a 14-day window give a mean of 2/14 a day, times the horizon."""
    q = quantiles_from_history(HISTORY, horizon_days=28, as_of=date(2026, 11, 14))
    assert q["mean"].iloc[0] == pytest.approx(2 / 14 * 28)
    assert q["p50"].iloc[0] <= q["p90"].iloc[0] <= q["p99"].iloc[0]
    assert q["source"].iloc[0] == "history moments"


def test_history_stats_count_days_since_launch_and_units() -> None:
    """The first sale on Nov 1 is 14 days old on Nov 14; two units were sold."""
    s = history_stats(HISTORY, as_of=date(2026, 11, 14))
    assert s["history_days"].tolist() == [14] and s["history_units"].tolist() == [2]
