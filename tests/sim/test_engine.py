from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from worldpool.sim import (
    FfoPolicy,
    PoolPolicy,
    Scenario,
    SimParams,
    SplitPolicy,
    draw_transits,
    simulate,
    synthetic_scenario,
)

POLICIES = [SplitPolicy(), PoolPolicy(), FfoPolicy()]


@pytest.fixture(scope="module")
def small() -> Scenario:
    return synthetic_scenario(8, 4, 300, seed=3)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_zero_demand_loses_nothing(small: Scenario, policy: object) -> None:
    """With no demand at all, nothing is lost, served, stocked or shipped."""
    sc = dataclasses.replace(small, demand=np.zeros_like(small.demand))
    k = simulate(sc, policy).kpis  # type: ignore[arg-type]
    assert (k.lost_units, k.served_units, k.avg_on_hand_value) == (0.0, 0.0, 0.0)
    assert k.total_cost == 0.0


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_units_are_conserved(online_retail_small: Scenario, policy: object) -> None:
    """Served plus lost units equal demanded units, per run, on real demand."""
    k = simulate(online_retail_small, policy).kpis  # type: ignore[arg-type]
    assert k.served_units + k.lost_units == pytest.approx(k.demand_units)
    assert 0.0 <= k.fill_rate <= 1.0
    assert 0.0 <= k.stockout_rate <= 1.0


def test_stock_never_negative_and_flows_balance(small: Scenario) -> None:
    """Daily stock by node is never negative, and delivery shares sum to one."""
    r = simulate(small, PoolPolicy())
    assert r.fc_units.min() >= 0 and r.hub_units.min() >= -1e-9
    assert sum(r.kpis.delivery_mix.values()) == pytest.approx(1.0)


def test_same_seed_same_result(small: Scenario) -> None:
    """The same seed gives the same run; another seed changes the transit draws."""
    a = simulate(small, SplitPolicy(), seed=1).kpis
    b = simulate(small, SplitPolicy(), seed=1).kpis
    assert a == b
    assert not np.array_equal(
        draw_transits(small, 1).sea_days, draw_transits(small, 2).sea_days
    )


def test_split_never_ships_from_origin(small: Scenario) -> None:
    """The legacy split never uses the hub or a parcel."""
    k = simulate(small, SplitPolicy()).kpis
    assert k.served_origin_units == 0 and k.parcel_cost == 0
    assert k.avg_inventory_units["hub"] == 0


def test_ffo_serves_everything_from_origin(small: Scenario) -> None:
    """Pure FFO keeps no FC stock and loses the slow-promise share of what it ships."""
    k = simulate(small, FfoPolicy(0.99)).kpis
    assert k.served_units == k.served_origin_units
    assert all(v == 0 for n, v in k.avg_inventory_units.items() if n not in ("hub",))
    assert k.lost_slow_units == pytest.approx(k.served_origin_units * 0.12 / 0.88)


def test_higher_service_holds_more_and_fills_more(small: Scenario) -> None:
    """Raising the split's service target raises stock and fill rate."""
    low, high = (simulate(small, SplitPolicy(s)).kpis for s in (0.6, 0.98))
    assert high.avg_on_hand_value > low.avg_on_hand_value
    assert high.fill_rate > low.fill_rate


def test_history_must_exceed_warmup(small: Scenario) -> None:
    """A scenario no longer than the warm-up is refused with the day counts."""
    with pytest.raises(ValueError, match="warmup_days"):
        simulate(small, SplitPolicy(), SimParams(warmup_days=300, window_days=91))


def test_callbacks_see_every_day(small: Scenario) -> None:
    """Progress callbacks receive start, all simulated days, and end."""
    seen: list[tuple[str, int]] = []

    class Spy:
        def on_start(self, label: str, total_days: int) -> None:
            seen.append(("start", total_days))

        def on_advance(self, label: str, days: int) -> None:
            seen.append(("advance", days))

        def on_end(self, label: str) -> None:
            seen.append(("end", 0))

    simulate(small, SplitPolicy(), callbacks=Spy())
    total = seen[0][1]
    assert sum(d for k, d in seen if k == "advance") == total == 300 - 91
    assert seen[-1] == ("end", 0)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_zero_supplier_lead_time_delivers_at_once(policy: object) -> None:
    """With no supplier lead time, orders are never parked for a whole ring cycle."""
    sc = synthetic_scenario(4, 2, 250, supplier_lead_days=0, seed=8)
    k = simulate(sc, policy).kpis  # type: ignore[arg-type]
    assert k.fill_rate > 0.8


def test_a_partial_fill_is_a_short_day_not_a_stockout() -> None:
    """Stock-out = demand and no stock to serve; a partial fill is only a short day."""
    from worldpool.sim._tally import Tally

    sc = synthetic_scenario(1, 3, 10, seed=0)
    tally = Tally(sc, 0, draw_transits(sc, 0))
    demand = np.array([[5.0, 5.0, 5.0]])
    served = np.array([[2.0, 0.0, 5.0]])  # partial, none, all
    tally.serve(0, demand, served, demand - served, None, None)
    f = tally.flows
    np.testing.assert_array_equal(f["short_days"], [[1, 1, 0]])
    np.testing.assert_array_equal(f["stockout_days"], [[0, 1, 0]])
    # Day 2, empty FCs: market 1's order went out from origin (stock to serve,
    # even if one buyer would not wait); markets 0 and 2 got nothing.
    origin = np.array([[0.0, 3.0, 0.0]])
    slow = np.array([[0.0, 1.0, 0.0]])
    lost = np.array([[5.0, 1.0, 5.0]])
    tally.serve(1, demand, np.zeros((1, 3)), lost, origin, slow)
    np.testing.assert_array_equal(f["stockout_days"], [[1, 1, 1]])
    np.testing.assert_array_equal(f["short_days"], [[2, 2, 1]])


def test_short_days_bound_stockouts_from_above(small: Scenario) -> None:
    """Every stock-out day is a short day; with lean stock both happen."""
    for policy in (SplitPolicy(0.3), PoolPolicy(0.3)):
        k = simulate(small, policy).kpis
        assert 0 < k.stockout_rate <= k.short_day_rate


def test_a_line_over_the_parcel_limit_is_not_shipped_from_origin() -> None:
    """Orders too big for one origin parcel are lost, not sent as a parcel."""
    sc = synthetic_scenario(4, 2, 200, mean=5.0, seed=2)
    free = simulate(sc, FfoPolicy(0.9)).kpis
    capped = simulate(
        dataclasses.replace(sc, origin_max_units=np.full(4, 3.0)), FfoPolicy(0.9)
    ).kpis
    assert free.served_origin_units > 0
    assert capped.served_origin_units < 0.5 * free.served_origin_units
    assert capped.lost_units > free.lost_units


def test_uncleared_skus_never_ship_from_origin() -> None:
    """A SKU not cleared for origin to a market is lost there, whatever the policy."""
    sc = synthetic_scenario(4, 2, 200, mean=3.0, seed=6)
    cleared = np.ones((4, 2), dtype=bool)
    cleared[0, :] = False  # e.g. a loose lithium battery
    blocked = dataclasses.replace(sc, origin_cleared=cleared)
    for policy in (FfoPolicy(0.9), PoolPolicy(0.5)):
        run = simulate(blocked, policy)
        assert run.kpis.served_origin_units > 0
        # SKU 0 had demand every week yet nothing went out as a parcel for it.
        assert run.kpis.fill_rate < simulate(sc, policy).kpis.fill_rate
    ffo = simulate(blocked, FfoPolicy(0.9)).sku_cost
    assert ffo[0] == pytest.approx(
        float(blocked.demand[91:, 0, :].sum()) * float(blocked.margin[0]), rel=0.02
    )
