from __future__ import annotations

import json

import pytest

from worldpool.sim import (
    CompareParams,
    FfoPolicy,
    PoolPolicy,
    SplitPolicy,
    compare,
    synthetic_scenario,
)

pytest.importorskip("highspy")


def test_compare_tunes_to_equal_fill_and_reports_the_headline() -> None:
    """Pool and FFO are tuned to split's fill; the headline has every benchmark key."""
    sc = synthetic_scenario(10, 6, 300, mean=2.0, seed=5)
    result = compare(
        sc,
        [SplitPolicy(), PoolPolicy(), FfoPolicy()],
        CompareParams(iterations=6, oracle_skus=3),
        seed=1,
    )
    split_fill = result.runs["split"]["best"].kpis.fill_rate
    assert result.runs["pool"]["equal_fill"].kpis.fill_rate == pytest.approx(
        split_fill, abs=0.01
    )
    assert set(result.headline) >= {
        "inventory_value_ratio_equal_fill",
        "stockout_ratio_equal_inventory",
        "turnover_ratio",
        "cost_ratio",
        "cost_gap_to_oracle",
        "gap_closed",
    }
    assert result.headline["cost_gap_to_oracle"] >= 0
    json.dumps(result.to_dict())
    assert "equal_fill" in result.summary()
