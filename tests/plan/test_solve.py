from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from tests.plan.conftest import one_pair
from worldpool.plan import PlanCallbacks, PlanParams, PlanProblem, solve
from worldpool.plan.synthetic import synthetic_problem


def test_same_inputs_same_plan(small_world: PlanProblem) -> None:
    """Solving twice with one seed gives the same id, fingerprint and lines."""
    a, b = solve(small_world, seed=3), solve(small_world, seed=3)
    assert a.id == b.id and a.fingerprint == b.fingerprint
    assert a.transfers_csv() == b.transfers_csv()


def test_changed_input_changes_fingerprint(small_world: PlanProblem) -> None:
    """Any input change gives another fingerprint and another plan id."""
    other = replace(small_world, budget=1234.0)
    assert solve(other).fingerprint != solve(small_world).fingerprint


def test_transfers_never_exceed_hub_stock(small_world: PlanProblem) -> None:
    """Per SKU, units sent to FCs never exceed what the hub has available."""
    plan = solve(small_world)
    t = plan.transfers
    sent = np.bincount(t["sku"], weights=t["qty"], minlength=len(small_world.skus))
    assert (sent <= small_world.hub_available).all()


def test_all_zero_demand_plans_nothing() -> None:
    """All-zero demand gives no transfers and no purchase orders."""
    pb = synthetic_problem(20, 4, seed=1)
    zero = replace(
        pb,
        demand_mean=np.zeros(pb.n_pairs),
        demand_std=np.zeros(pb.n_pairs),
        demand_grid=np.zeros_like(pb.demand_grid),
    )
    plan = solve(zero)
    assert len(plan.transfers["qty"]) == 0 and len(plan.orders["qty"]) == 0


def test_every_line_has_one_sentence_why(small_world: PlanProblem) -> None:
    """Every transfer, order and market line carries a one-sentence why."""
    plan = solve(small_world)
    whys = [x.why for x in plan.transfer_lines()] + [x.why for x in plan.order_lines()]
    whys += [x.why for x in plan.market_lines()]
    assert whys
    for why in whys:
        assert why.endswith(".") and why.count(". ") == 0


def test_budget_caps_cash_committed() -> None:
    """Freight plus purchase orders stay within a binding budget."""
    pb = synthetic_problem(80, 6, seed=5, budget=400.0)
    plan = solve(pb)
    spent = plan.costs["freight this plan"] + plan.costs["purchase orders"]
    assert spent <= 400.0 + 1e-6 and plan.stats["lp_status"] == "Optimal"


def test_moq_rounds_purchase_orders_up() -> None:
    """A hub short of stock orders at least the supplier MOQ, in whole packs."""
    pb = one_pair(
        hub_available=np.array([0]),
        moq=np.array([500]),
        case_pack=np.array([12]),
        margin=np.array([20.0]),
    )
    plan = solve(pb)
    qty = int(plan.orders["qty"][0])
    assert qty >= 500 and qty % 12 == 0


def test_plain_data_is_json_ready(small_world: PlanProblem) -> None:
    """to_dict is JSON-serialisable and keeps the id and the cost breakdown."""
    data = json.loads(json.dumps(solve(small_world).to_dict(limit=5)))
    assert data["id"].startswith("PLAN-") and data["costs"]
    assert len(data["markets"]) == 5


def test_callbacks_hear_every_phase(small_world: PlanProblem) -> None:
    """The progress hooks are called once per phase, in order."""
    seen: list[str] = []

    class Record(PlanCallbacks):
        def on_phase(self, name: str, done: int, total: int) -> None:
            seen.append(name)

    solve(small_world, callbacks=Record())
    assert seen == ["targets", "hub orders", "allocate", "lp", "assemble"]


def test_lp_off_still_plans(small_world: PlanProblem) -> None:
    """With the LP switched off the plan still ships and reports the LP as off."""
    plan = solve(small_world, PlanParams(lp=False))
    assert plan.stats["lp_status"] == "off" and len(plan.transfers["qty"]) > 0


def test_summary_names_the_plan(small_world: PlanProblem) -> None:
    """summary() starts with the plan id."""
    plan = solve(small_world)
    assert plan.summary().startswith(f"plan {plan.id}")


def test_hub_keeps_a_pooled_buffer_for_origin_sales() -> None:
    """When FCs want more than the hub holds, the pooled origin buffer stays at the hub."""
    pb = one_pair(
        skus=("A",),
        markets=("US", "DE"),
        fcs=("US-FC1",),
        pair_sku=np.array([0, 0]),
        pair_market=np.array([0, 1]),
        pair_fc=np.array([0, -1]),
        demand_mean=np.array([5.0, 3.0]),
        demand_std=np.array([3.0, 2.0]),
        margin=np.array([8.0, 8.0]),
        ffo_extra_cost=np.array([6.0, 6.0]),
        ffo_allowed=np.array([True, True]),
        ffo_days=np.array([10.0, 10.0]),
        history_days=np.array([365, 365]),
        history_units=np.array([1000.0, 900.0]),
        position=np.array([0, 0]),
        lane_cost=np.array([[0.3, 2.0], [np.inf, np.inf]]),
        lane_days=np.array([[35.0, 9.0], [0.0, 0.0]]),
        lane_std_days=np.array([[6.0, 2.0], [0.0, 0.0]]),
        hub_available=np.array([150]),
    )
    plan = solve(pb)
    sent = int(np.sum(plan.transfers["qty"]))
    assert 0 < sent < 150 and plan.stats["short_skus"] == 1
