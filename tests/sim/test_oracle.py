from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from worldpool.sim import (
    FfoPolicy,
    PoolPolicy,
    Scenario,
    SplitPolicy,
    draw_transits,
    simulate,
    solve_oracle,
    synthetic_scenario,
)

pytest.importorskip("highspy")


@pytest.mark.parametrize("service", [0.5, 0.9, 0.99])
def test_oracle_is_a_lower_bound_on_every_policy(
    online_retail_small: Scenario, service: float
) -> None:
    """Per SKU, the clairvoyant LP costs no more than split, pool or FFO on real demand."""
    sc = online_retail_small.subset(np.arange(8))
    draws = draw_transits(sc, 5)
    bound = solve_oracle(sc, draws, np.arange(len(sc.skus)))
    for policy in (SplitPolicy(service), PoolPolicy(service), FfoPolicy(service)):
        cost = simulate(sc, policy, draws=draws).sku_cost
        assert np.all(bound.sku_cost <= cost + 1e-6), policy.name


def test_oracle_on_synthetic_demand_is_below_the_best_policy() -> None:
    """On a synthetic instance the bound sits below every policy's total cost."""
    sc = synthetic_scenario(4, 3, 250, seed=4)
    draws = draw_transits(sc, 0)
    bound = solve_oracle(sc, draws, np.arange(4)).total_cost
    costs = [
        simulate(sc, p, draws=draws).kpis.total_cost
        for p in (SplitPolicy(0.9), PoolPolicy(0.9), FfoPolicy(0.9))
    ]
    assert 0 < bound < min(costs)


def test_oracle_costs_nothing_without_demand() -> None:
    """With no demand the clairvoyant plan holds and ships nothing."""
    sc = synthetic_scenario(2, 2, 150)
    sc = dataclasses.replace(sc, demand=np.zeros_like(sc.demand))
    bound = solve_oracle(sc, draw_transits(sc, 0), np.arange(2))
    assert bound.total_cost == 0.0
