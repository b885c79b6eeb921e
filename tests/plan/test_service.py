from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from tests.conftest import context_for
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import Forbidden, InputError, UnknownReference
from worldpool.ledger import Ledger
from worldpool.plan.demand import DemandTable
from worldpool.plan.service import (
    PlanRequest,
    apply_plan,
    get_plan,
    make_plan,
    plan_demand,
)
from worldpool.testing.worlds import make_sku

DAY = date(2026, 11, 24)


def _stocked(ledger: Ledger) -> DemandTable:
    ledger.register_skus(
        [
            make_sku("MUG-1", ffo_markets=("US", "DE")),
            make_sku("CAP-2", unit_cost="2.00", ffo_markets=("US",)),
        ]
    )
    for sku, qty in (("MUG-1", 900), ("CAP-2", 40)):
        ledger.post(
            Movement(
                MovementKind.RECEIVE, sku, "CN-SZX", qty, "ASN", "ASN-1", f"asn:{sku}"
            )
        )
    return DemandTable(
        sku=("MUG-1", "MUG-1", "CAP-2", "CAP-2"),
        market=("US", "DE", "US", "UK"),
        mean=np.array([4.0, 2.0, 3.0, 0.0]),
        std=np.array([2.0, 1.5, 2.0, 0.0]),
        history_days=np.array([365, 365, 365, 0]),
        history_units=np.array([1400.0, 700.0, 1000.0, 0.0]),
    )


def test_apply_posts_transfers_once(ledger: Ledger, ctx: Context) -> None:
    """Applying a stored plan moves stock; applying it again writes nothing."""
    demand = _stocked(ledger)
    made = make_plan(ctx, PlanRequest(demand=demand, as_of=DAY))
    again_made = make_plan(ctx, PlanRequest(demand=demand, as_of=DAY))
    assert made.stored and not again_made.stored and made.status == "draft"
    plan = made.plan
    first = apply_plan(ctx, plan.id)
    n = len(plan.transfers["qty"])
    assert n > 0 and first.posted == n and not first.already_applied
    again = apply_plan(ctx, plan.id)
    assert again.already_applied and again.posted == 0
    moved = sum(b.in_transit for b in ledger.balances() if b.node != "CN-SZX")
    assert moved == int(np.sum(plan.transfers["qty"]))
    assert not ledger.check().drifts
    assert get_plan(ctx, plan.id)["status"] == "applied"


def test_short_hub_is_never_overdrawn(ledger: Ledger, ctx: Context) -> None:
    """A SKU with little hub stock is split between FCs without overdrawing it."""
    plan = make_plan(ctx, PlanRequest(demand=_stocked(ledger), as_of=DAY)).plan
    apply_plan(ctx, plan.id)
    hub = {b.sku: b.on_hand for b in ledger.balances(node="CN-SZX")}
    assert hub["CAP-2"] >= 0


def test_apply_refuses_a_short_line_alone(ledger: Ledger, ctx: Context) -> None:
    """When stock moved since planning, that line is refused by name; the rest apply."""
    plan = make_plan(ctx, PlanRequest(demand=_stocked(ledger), as_of=DAY)).plan
    assert len(plan.transfers["qty"]) >= 2
    hub = {b.sku: b.available for b in ledger.balances(node="CN-SZX")}
    sku = list(plan.transfer_lines())[-1].sku
    ledger.post(
        Movement(
            MovementKind.ADJUST, sku, "CN-SZX", -hub[sku], "count", "CNT-1", "cnt:1"
        )
    )
    before = len(ledger.journal(limit=10_000))
    result = apply_plan(ctx, plan.id)
    lines = len(plan.transfers["qty"])
    assert len(result.rejected) >= 1 and sku in result.rejected[0]
    assert result.posted == lines - len(result.rejected)
    assert len(ledger.journal(limit=10_000)) == before + result.posted
    assert get_plan(ctx, plan.id)["status"] == "applied"
    assert ledger.check().ok


def test_what_if_is_not_stored_and_scales_demand(ledger: Ledger, ctx: Context) -> None:
    """A what-if at twice the demand ships more and stores nothing."""
    demand = _stocked(ledger)
    base = make_plan(ctx, PlanRequest(demand=demand, as_of=DAY, what_if=True))
    double = make_plan(
        ctx, PlanRequest(demand=demand, as_of=DAY, what_if=True, demand_scale=2.0)
    )
    assert not base.stored and base.status == "what-if"
    assert np.sum(double.plan.orders["qty"]) > np.sum(base.plan.orders["qty"])
    with pytest.raises(UnknownReference):
        get_plan(ctx, base.plan.id)


def test_default_demand_is_the_ledgers_own_history(
    ledger: Ledger, ctx: Context
) -> None:
    """With no demand given, the plan forecasts the ledger's shipments."""
    _stocked(ledger)
    for day in range(1, 29):
        ref = f"ORD-202611{day:02d}-US-MUG-1"
        at = datetime(2026, 11, day, 12, tzinfo=UTC)
        for kind in (MovementKind.RESERVE, MovementKind.SHIP):
            ledger.post(
                Movement(
                    kind, "MUG-1", "CN-SZX", 2, "sale", ref, f"{kind}:{ref}", at=at
                )
            )
    table = plan_demand(ctx, PlanRequest())
    assert list(zip(table.sku, table.market, strict=True)) == [("MUG-1", "US")]
    assert table.mean[0] == pytest.approx(2.0, rel=0.25)
    assert table.history_days[0] == 28 and table.history_units[0] == 56
    made = make_plan(ctx, PlanRequest(as_of=date(2026, 11, 29), what_if=True))
    assert made.plan.markets_csv().count("MUG-1") >= 1


def test_empty_ledger_without_demand_is_an_input_error(ctx: Context) -> None:
    """Planning a ledger that never shipped, with no demand rows, names the demand."""
    with pytest.raises(InputError) as err:
        make_plan(ctx, PlanRequest(what_if=True))
    assert err.value.field == "demand"


def test_bad_rows_and_hub_name_the_field(ledger: Ledger, ctx: Context) -> None:
    """Rows without a median and an unknown hub are refused naming the field."""
    _stocked(ledger)
    rows = pd.DataFrame([{"sku": "MUG-1", "market": "US", "horizon_days": 7}])
    with pytest.raises(InputError) as err:
        make_plan(ctx, PlanRequest(demand=rows, what_if=True))
    assert err.value.field == "demand.q50"
    with pytest.raises(InputError) as err:
        make_plan(ctx, PlanRequest(demand=_stocked(ledger), hub="XX", what_if=True))
    assert err.value.field == "hub"


def test_viewer_may_not_store_or_apply(ledger: Ledger) -> None:
    """A viewer's context can run a what-if but not store or apply a plan."""
    viewer = context_for(ledger, role="viewer")
    demand = _stocked(ledger)
    assert not make_plan(viewer, PlanRequest(demand=demand, what_if=True)).stored
    with pytest.raises(Forbidden):
        make_plan(viewer, PlanRequest(demand=demand))
    with pytest.raises(Forbidden):
        apply_plan(viewer, "PLAN-000000000000")


def test_unknown_plan_is_an_input_error(ctx: Context) -> None:
    """Applying an id that was never stored raises UnknownReference."""
    with pytest.raises(UnknownReference):
        apply_plan(ctx, "PLAN-000000000000")
