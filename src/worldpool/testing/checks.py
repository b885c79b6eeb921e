"""Conformance checks users run on their own strategies (cf. check_estimator)."""

from __future__ import annotations

import numpy as np

from worldpool.sim import (
    Decision,
    Network,
    PolicyView,
    ReplenishmentPolicy,
    Scenario,
    SimParams,
    simulate,
    synthetic_scenario,
)
from worldpool.testing.views import trailing_view

__all__ = ["check_policy"]


def _view(sc: Scenario, scale: float) -> PolicyView:
    return trailing_view(sc, 60, scale=scale)


def _check_decision(name: str, d: Decision, s: int, m: int) -> None:
    assert isinstance(d, Decision), f"{name}.decide returned {type(d).__name__}"
    assert d.fc_order.shape == (s, m), f"{name}: fc_order shape {d.fc_order.shape}"
    assert d.hub_order.shape == (s,), f"{name}: hub_order shape {d.hub_order.shape}"
    for field in ("fc_order", "hub_order"):
        a = getattr(d, field)
        assert np.all(np.isfinite(a)), f"{name}: {field} holds NaN or inf"
        assert np.all(a >= 0), f"{name}: {field} holds negative units"
    if d.fc_air_order is not None:
        a = d.fc_air_order
        assert a.shape == (s, m), f"{name}: fc_air_order shape {a.shape}"
        assert np.all(np.isfinite(a)), f"{name}: fc_air_order holds NaN or inf"
        assert np.all(a >= 0), f"{name}: fc_air_order holds negative units"
    if d.origin_ok is not None:
        assert d.origin_ok.shape == (s, m), f"{name}: origin_ok shape wrong"


def _total(d: Decision) -> float:
    return float(d.fc_order.sum() + d.hub_order.sum())


def check_policy(policy: ReplenishmentPolicy, scenario: Scenario | None = None) -> None:
    """Check that a policy keeps the ReplenishmentPolicy contract.

    Checks: name, network and service are well formed; ``with_service``
    returns a new policy and leaves the original alone; decisions have the
    right shapes and are finite, non-negative and deterministic; no demand
    means no orders; split buys nothing into the hub and origin sends nothing
    to FCs; a higher service target never orders less; and a short run
    conserves units (served + lost = demanded).

    Args:
        policy: The policy under test.
        scenario: Scenario to check on; defaults to a small synthetic one
            (6 SKUs x 3 markets x 200 days).

    Raises:
        AssertionError: naming the policy and the broken rule.
    """
    sc = scenario or synthetic_scenario(6, 3, 200, seed=7)
    s, m = len(sc.skus), len(sc.markets)
    name = getattr(policy, "name", None)
    assert isinstance(name, str) and name, "policy.name must be a non-empty str"
    assert isinstance(policy.network, Network), f"{name}: network is not a Network"
    assert 0 < policy.service < 1, f"{name}: service {policy.service} not in (0, 1)"
    other = policy.with_service(0.6)
    assert other.service == 0.6, f"{name}: with_service(0.6) gave {other.service}"
    assert other is not policy, f"{name}: with_service must return a new policy"
    view = _view(sc, 1.0)
    first, again = policy.decide(view), policy.decide(view)
    _check_decision(name, first, s, m)
    assert np.array_equal(first.fc_order, again.fc_order), f"{name}: not deterministic"
    assert np.array_equal(first.hub_order, again.hub_order), (
        f"{name}: not deterministic"
    )
    idle = policy.decide(_view(sc, 0.0))
    _check_decision(name, idle, s, m)
    assert _total(idle) == 0, f"{name}: orders {_total(idle)} units with no demand"
    if policy.network is Network.SPLIT:
        assert not first.hub_order.any(), f"{name}: split must not buy into a hub"
    if policy.network is Network.ORIGIN:
        assert not first.fc_order.any(), f"{name}: origin must not stock FCs"
    low = _total(policy.with_service(0.6).decide(view))
    high = _total(policy.with_service(0.98).decide(view))
    assert high >= low, f"{name}: service 0.98 orders {high} < {low} at 0.6"
    k = simulate(sc, policy, SimParams(warmup_days=60, window_days=60)).kpis
    gap = abs(k.served_units + k.lost_units - k.demand_units)
    assert gap <= 1e-6 * max(k.demand_units, 1.0), f"{name}: units not conserved"
