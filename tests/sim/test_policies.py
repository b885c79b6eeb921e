from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from worldpool.sim import (
    Decision,
    FfoPolicy,
    Network,
    PolicyView,
    PoolPolicy,
    ReplenishmentPolicy,
    SplitPolicy,
    simulate,
    synthetic_scenario,
)
from worldpool.testing.checks import check_policy

POLICIES = [SplitPolicy(), PoolPolicy(), PoolPolicy(always_origin=False), FfoPolicy()]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: f"{p.name}")
def test_shipped_policies_pass_the_conformance_check(
    policy: ReplenishmentPolicy,
) -> None:
    """Every shipped policy keeps the ReplenishmentPolicy contract."""
    assert isinstance(policy, ReplenishmentPolicy)
    check_policy(policy)


@dataclasses.dataclass(frozen=True)
class _Negative:
    service: float = 0.9
    name: str = "negative"

    @property
    def network(self) -> Network:
        return Network.SPLIT

    def with_service(self, service: float) -> _Negative:
        return dataclasses.replace(self, service=service)

    def decide(self, view: PolicyView) -> Decision:
        return Decision(-np.ones_like(view.mean), np.zeros(len(view.hub_on_hand)))


def test_conformance_check_rejects_negative_orders() -> None:
    """A policy ordering negative units fails the check, naming the field."""
    with pytest.raises(AssertionError, match="fc_order holds negative"):
        check_policy(_Negative())


def test_service_must_be_a_probability() -> None:
    """A service target outside (0, 1) is refused with the value."""
    with pytest.raises(ValueError, match=r"1\.2"):
        PoolPolicy(service=1.2)


@pytest.mark.parametrize("n", [4, 9, 16])
def test_one_pool_cuts_safety_stock_by_about_sqrt_n(n: int) -> None:
    """On n independent equal markets one pool holds ~1/sqrt(n) of split safety stock."""
    sc = synthetic_scenario(30, n, 500, sea_days=(1.0, 1.0), ffo_loss=0.0, seed=1)
    cycle = n * 5.0 * (7 - 1) / 2
    safety = {}
    for policy in (SplitPolicy(0.95), FfoPolicy(0.95)):
        k = simulate(sc, policy).kpis
        on_hand = sum(
            v for node, v in k.avg_inventory_units.items() if node != "at sea"
        )
        safety[policy.name] = (on_hand / 30 - cycle, k.fill_rate)
    ratio = safety["ffo"][0] / safety["split"][0]
    assert 0.8 / np.sqrt(n) < ratio < 1.3 / np.sqrt(n)
    assert safety["ffo"][1] >= safety["split"][1]


def test_pool_holds_less_than_split_for_the_same_fill() -> None:
    """With a cheap origin fallback, pool reaches split's fill rate with less stock."""
    sc = synthetic_scenario(20, 9, 400, mean=2.0, ffo_loss=0.05, seed=2)
    split = simulate(sc, SplitPolicy(0.95)).kpis
    pool = min(
        (simulate(sc, PoolPolicy(s)).kpis for s in (0.6, 0.7, 0.8, 0.9, 0.95)),
        key=lambda k: abs(k.fill_rate - split.fill_rate),
    )
    assert pool.fill_rate >= split.fill_rate - 0.01
    assert pool.avg_on_hand_value < 0.9 * split.avg_on_hand_value
