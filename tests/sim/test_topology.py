"""Topologies as data, lane cadence and dominance of the pooled network over split."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from worldpool.sim import (
    CompareParams,
    PoolPolicy,
    SplitPolicy,
    apply_topology,
    compare,
    lane_review_days,
    load_topologies,
    simulate,
    synthetic_scenario,
)
from worldpool.sim.protocol import Decision, Network, PolicyView
from worldpool.sim.scenario import Scenario


def _split_optimal(markets: int, correlated: bool) -> Scenario:
    """Return a world where pooling cannot pay.

    Hub storage is as dear as the FC's, and there is either one market or the
    same demand in every market (no risk pooling).
    """
    sc = synthetic_scenario(8, markets, 360, mean=4.0, seed=3)
    if correlated:
        one = sc.demand[:, :, :1]
        sc = dataclasses.replace(sc, demand=np.repeat(one, markets, axis=2))
    return dataclasses.replace(
        sc, holding_hub=sc.holding_fc[:, 0].copy(), handling_hub=0.02
    )


@pytest.mark.parametrize(("markets", "correlated"), [(1, False), (4, True)])
def test_pooled_network_never_costs_more_than_split_where_split_is_optimal(
    markets: int, correlated: bool
) -> None:
    """Choosing per pair, the pooled policy falls back to what split does."""
    sc = _split_optimal(markets, correlated)
    pooled = PoolPolicy(ffo=False, direct=True)
    for service in (0.6, 0.9, 0.98):
        split = simulate(sc, SplitPolicy(service=service)).kpis
        pool = simulate(sc, pooled.with_service(service)).kpis
        assert pool.total_cost <= split.total_cost * (1 + 1e-9)
    result = compare(
        sc, [SplitPolicy(), pooled], CompareParams(iterations=5, oracle_skus=0)
    )
    assert result.headline["cost_ratio_equal_fill"] <= 1.0 + 1e-9


def test_the_planner_pool_alone_loses_to_split_in_that_world() -> None:
    """Without the per-pair choice the hub pool costs more: the test can fail."""
    sc = _split_optimal(1, False)
    split = simulate(sc, SplitPolicy(service=0.9)).kpis
    pool = simulate(sc, PoolPolicy(service=0.9, ffo=False)).kpis
    assert pool.total_cost > split.total_cost


def test_pooling_is_chosen_where_markets_are_independent() -> None:
    """Independent markets, long supplier lead, steady sea: pooling pays.

    Sixteen markets and a cheap hub: the cost model pools, and at equal fill
    the pool holds less stock and costs no more.
    """
    sc = synthetic_scenario(
        6, 16, 360, mean=3.0, seed=4, sea_days=(30.0, 33.0), supplier_lead_days=42
    )
    pooled = PoolPolicy(ffo=False, direct=True)
    result = compare(
        sc, [SplitPolicy(), pooled], CompareParams(iterations=5, oracle_skus=0)
    )
    assert result.headline["inventory_value_ratio_equal_fill"] < 1.0
    assert result.headline["cost_ratio_equal_fill"] <= 1.0 + 1e-9


def _channels() -> Scenario:
    sc = synthetic_scenario(3, 4, 200, mean=2.0, seed=1)
    return dataclasses.replace(sc, market_place=("US", "US", "US", "DE"))


def test_topologies_are_data_and_mcf_sums_the_channels_of_a_market() -> None:
    """mcf: one node per marketplace; its demand is the sum of its channels."""
    topo = load_topologies()
    assert set(topo) >= {"split", "mcf", "gwd", "full"}
    assert topo["gwd"].hub and topo["gwd"].origin == "none"
    assert topo["full"].origin == "econ" and not topo["mcf"].hub
    sc = _channels()
    node = apply_topology(sc, topo["mcf"])
    assert node.markets == ("US", "DE")
    np.testing.assert_allclose(node.demand[:, :, 0], sc.demand[:, :, :3].sum(axis=2))
    assert node.stream_node is not None
    assert node.stream_node.tolist() == [0, 0, 0, 1]
    assert apply_topology(sc, topo["split"]) is sc


@dataclasses.dataclass(frozen=True)
class _Nothing:
    """A policy that never orders (every stream-day with demand stocks out)."""

    service: float = 0.5
    name: str = "nothing"
    network: Network = Network.SPLIT

    def with_service(self, service: float) -> _Nothing:
        return dataclasses.replace(self, service=service)

    def decide(self, view: PolicyView) -> Decision:
        return Decision.empty(*view.mean.shape)


def test_stockouts_of_a_shared_node_are_counted_per_stream() -> None:
    """A node with no stock stocks out every channel that had demand that day."""
    sc = apply_topology(_channels(), load_topologies()["mcf"])
    empty = simulate(sc, _Nothing()).kpis
    assert empty.stockout_rate == 1.0 and empty.fill_rate == 0.0
    stocked = simulate(sc, SplitPolicy(service=0.9)).kpis
    assert 0.0 <= stocked.stockout_rate <= stocked.short_day_rate < 0.5


def test_each_lane_ships_on_its_own_cadence() -> None:
    """A 28-day lane departs about a quarter as often as a weekly one."""
    sc = synthetic_scenario(4, 2, 400, mean=3.0, seed=6)
    sc = dataclasses.replace(sc, shipment_fixed=np.array([0.0, 1.0]))
    weekly = dataclasses.replace(sc, lane_review_days=np.array([7, 7]))
    monthly = dataclasses.replace(sc, lane_review_days=np.array([7, 28]))
    n_weekly = simulate(weekly, SplitPolicy(service=0.9)).kpis.shipment_cost
    n_monthly = simulate(monthly, SplitPolicy(service=0.9)).kpis.shipment_cost
    assert n_weekly > 30
    assert n_monthly <= n_weekly / 3


def test_lane_cadence_follows_volume_and_fixed_cost() -> None:
    """A busy lane ships weekly, a thin one monthly; no fixed cost: weekly."""
    sc = synthetic_scenario(5, 2, 200, mean=1.0, seed=2)
    demand = sc.demand.copy()
    demand[:, :, 0] *= 400
    sc = dataclasses.replace(sc, demand=demand, shipment_fixed=np.array([30.0, 30.0]))
    assert lane_review_days(sc, 91).tolist() == [7, 28]
    free = dataclasses.replace(sc, shipment_fixed=None)
    assert lane_review_days(free, 91).tolist() == [7, 7]


@dataclasses.dataclass(frozen=True)
class _Both:
    """A pool that buys some stock direct and sends some from the hub, every time."""

    service: float = 0.5
    name: str = "both"
    network: Network = Network.POOL

    def with_service(self, service: float) -> _Both:
        return dataclasses.replace(self, service=service)

    def decide(self, view: PolicyView) -> Decision:
        s, m = view.mean.shape
        one = np.ones((s, m))
        return Decision(one, np.full(s, 2.0 * m), None, None, one)


def test_direct_buys_ride_with_the_hubs_transfer_on_their_lane() -> None:
    """Cross-docked direct units and hub transfers leave a lane together.

    One shipment (one fixed cost) per lane and cycle, not two.
    """
    sc = synthetic_scenario(3, 2, 400, mean=2.0, seed=4)
    sc = dataclasses.replace(
        sc, shipment_fixed=np.array([1.0, 1.0]), lane_review_days=np.array([28, 28])
    )
    kpis = simulate(sc, _Both()).kpis
    cycles = (400 - 91) / 28
    assert kpis.shipment_cost <= 2 * (cycles + 1)
    assert kpis.shipment_cost >= 2 * (cycles - 2)
