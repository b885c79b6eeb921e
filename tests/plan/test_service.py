from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import UnknownReference
from worldpool.ledger import Ledger
from worldpool.plan.demand import DemandTable
from worldpool.plan.service import apply_plan, get_plan, make_plan, save_plan
from worldpool.testing.worlds import make_sku


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


def test_apply_posts_transfers_once(ledger: Ledger) -> None:
    """Applying a stored plan moves stock; applying it again writes nothing."""
    demand = _stocked(ledger)
    plan = make_plan(ledger, demand, as_of=date(2026, 11, 24))
    assert save_plan(ledger, plan) and not save_plan(ledger, plan)
    first = apply_plan(ledger, plan.id)
    n = len(plan.transfers["qty"])
    assert n > 0 and first.posted == n and not first.already_applied
    again = apply_plan(ledger, plan.id)
    assert again.already_applied and again.posted == 0
    moved = sum(b.in_transit for b in ledger.balances() if b.node != "CN-SZX")
    assert moved == int(np.sum(plan.transfers["qty"]))
    assert not ledger.check().drifts
    assert get_plan(ledger, plan.id)["status"] == "applied"


def test_short_hub_is_never_overdrawn(ledger: Ledger) -> None:
    """A SKU with little hub stock is split between FCs without overdrawing it."""
    plan = make_plan(ledger, _stocked(ledger), as_of=date(2026, 11, 24))
    save_plan(ledger, plan)
    result = apply_plan(ledger, plan.id)
    assert result.rejected == ()
    hub = {b.sku: b.on_hand for b in ledger.balances(node="CN-SZX")}
    assert hub["CAP-2"] >= 0


def test_unknown_plan_is_an_input_error(ledger: Ledger) -> None:
    """Applying an id that was never stored raises UnknownReference."""
    with pytest.raises(UnknownReference):
        apply_plan(ledger, "PLAN-000000000000")
