from __future__ import annotations

import dataclasses
import json

import pytest

from worldpool.sim import (
    CompareParams,
    Comparison,
    FfoPolicy,
    PoolPolicy,
    SplitPolicy,
    apply_topology,
    compare,
    load_topologies,
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


def test_equal_inventory_is_reached_beyond_the_searched_services() -> None:
    """The search widens past ``service_high`` to reach split's stock.

    A pooled node that holds less than split at the bound is compared at
    split's stock, not at the bound.
    """
    sc = synthetic_scenario(6, 8, 300, mean=3.0, seed=2)
    sc = dataclasses.replace(sc, market_place=("US",) * 8)
    node = apply_topology(sc, load_topologies()["mcf"])
    params = CompareParams(iterations=6, oracle_skus=0, service_high=0.95)
    policies = [SplitPolicy(), SplitPolicy(name="pool")]

    def run(p: CompareParams) -> Comparison:
        return compare(sc, policies, p, scenarios={"pool": node}, pooled="pool")

    wide = run(params)
    split_value = wide.runs["split"]["best"].kpis.avg_on_hand_value
    pool = wide.runs["pool"]["equal_inventory"]
    assert pool.service > 0.95
    assert pool.kpis.avg_on_hand_value == pytest.approx(split_value, rel=0.03)
    narrow = run(dataclasses.replace(params, service_limit=0.0))
    stuck = narrow.runs["pool"]["equal_inventory"]
    assert stuck.service == pytest.approx(0.95)
    assert stuck.kpis.avg_on_hand_value < 0.95 * split_value
    gap = abs(pool.kpis.avg_on_hand_value - split_value)
    assert gap < abs(stuck.kpis.avg_on_hand_value - split_value) / 2
