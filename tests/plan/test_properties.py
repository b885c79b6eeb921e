from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.plan import PlanParams, solve
from worldpool.plan.synthetic import synthetic_problem


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    budget=st.sampled_from([float("inf"), 200.0, 2_000.0]),
    min_m3=st.sampled_from([0.0, 0.05]),
)
def test_plan_invariants(seed: int, budget: float, min_m3: float) -> None:
    """Any plan: hub never overdrawn, whole packs, budget and FC space respected."""
    pb = synthetic_problem(12, 5, seed=seed, budget=budget)
    plan = solve(pb, PlanParams(min_shipment_m3=min_m3), seed=seed)
    t, o = plan.transfers, plan.orders
    sent = np.bincount(t["sku"], weights=t["qty"], minlength=len(pb.skus))
    assert (sent <= pb.hub_available).all()
    assert (t["qty"] % pb.case_pack[t["sku"]] == 0).all()
    assert (o["qty"] % pb.case_pack[o["sku"]] == 0).all()
    spent = plan.costs["freight this plan"] + plan.costs["purchase orders"]
    assert spent <= budget + 1e-6
    vol = np.bincount(
        t["fc"], weights=t["qty"] * pb.unit_volume_m3[t["sku"]], minlength=len(pb.fcs)
    )
    assert (vol <= np.maximum(pb.fc_free_m3, 0) + 1e-6).all()
