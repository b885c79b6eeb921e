"""Fixtures of the logistics tests: a context on an initialised ledger with stock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest

from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.plan.demand import DemandTable
from worldpool.plan.service import PlanRequest, apply_plan, make_plan
from worldpool.testing.worlds import make_sku


@pytest.fixture
def ctx(ledger: Ledger, db_url: str) -> Iterator[Context]:
    """A context on the (initialised) test ledger, with two SKUs at the hub."""
    ledger.register_skus(
        [
            make_sku("MUG-1", ffo_markets=("US", "DE")),
            make_sku("CAP-2", unit_cost="2.00", ffo_markets=("US",)),
        ]
    )
    for sku, qty in (("MUG-1", 900), ("CAP-2", 400)):
        ledger.post(
            Movement(
                MovementKind.RECEIVE, sku, "CN-SZX", qty, "ASN", "ASN-1", f"asn:{sku}"
            )
        )
    context = open_context(Settings(database_url=db_url), user="tester")
    yield context
    context.close()


@pytest.fixture
def applied_plan(ctx: Context, ledger: Ledger) -> str:
    """A real plan (HiGHS) for the two SKUs, stored and applied; returns its id."""
    demand = DemandTable(
        sku=("MUG-1", "MUG-1", "CAP-2"),
        market=("US", "DE", "US"),
        mean=np.array([4.0, 2.0, 3.0]),
        std=np.array([2.0, 1.5, 2.0]),
        history_days=np.array([365, 365, 365]),
        history_units=np.array([1400.0, 700.0, 1000.0]),
    )
    plan = make_plan(ctx, PlanRequest(demand=demand, as_of=date(2026, 11, 24))).plan
    apply_plan(ctx, plan.id)
    return plan.id
