from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from worldpool.catalog import Catalog
from worldpool.catalog.fx import FxRate, FxTable
from worldpool.domain.inventory import Balance
from worldpool.errors import InputError
from worldpool.plan import solve
from worldpool.plan.build import SupplyTerms, problem_from_records
from worldpool.plan.demand import DemandTable
from worldpool.testing.worlds import make_sku


def test_problem_from_catalog_records(catalog: Catalog) -> None:
    """Catalog lanes, balances and demand become a solvable problem."""
    skus = [make_sku("MUG-1", ffo_markets=("US", "DE"))]
    demand = DemandTable(
        ("MUG-1", "MUG-1"),
        ("US", "DE"),
        np.array([2.0, 0.5]),
        np.array([1.0, 0.7]),
        np.array([365, 365]),
        np.array([700.0, 180.0]),
    )
    bal = [Balance("MUG-1", "CN-SZX", 500, 0, 0), Balance("MUG-1", "US-FC1", 10, 0, 5)]
    pb = problem_from_records(
        catalog,
        skus,
        bal,
        demand,
        hub="CN-SZX",
        as_of=date(2026, 11, 24),
        terms=SupplyTerms(moq={"MUG-1": 100}),
    )
    assert pb.fcs == ("DE-FC1", "US-FC1") and pb.modes == ("sea", "air", "express")
    us = pb.markets.index("US")
    row = int(np.flatnonzero(pb.pair_market == us)[0])
    assert pb.position[row] == 15 and pb.hub_available[0] == 500
    assert np.isfinite(pb.lane_cost[row]).all() and pb.ffo_allowed.all()
    plan = solve(pb)
    assert plan.id.startswith("PLAN-")


def test_duplicate_demand_rows_are_refused(catalog: Catalog) -> None:
    """Two demand rows for one (sku, market) are an InputError naming the row."""
    demand = DemandTable(
        ("MUG-1", "MUG-1"),
        ("US", "US"),
        np.array([1.0, 1.0]),
        np.array([1.0, 1.0]),
        np.array([9, 9]),
        np.array([9.0, 9.0]),
    )
    with pytest.raises(InputError, match="duplicate"):
        problem_from_records(
            catalog,
            [make_sku("MUG-1")],
            [],
            demand,
            hub="CN-SZX",
            as_of=date(2026, 11, 24),
        )


def _one_market() -> DemandTable:
    return DemandTable(
        ("MUG-1",),
        ("US",),
        np.array([2.0]),
        np.array([1.0]),
        np.array([365]),
        np.array([700.0]),
    )


def test_costs_in_another_currency_convert_at_the_dated_rate(catalog: Catalog) -> None:
    """A GBP SKU on a USD hub converts at the rate in force; no rate is refused."""
    sku = make_sku("MUG-1", unit_cost="2.00", currency="GBP")
    kw: dict[str, Any] = {"hub": "CN-SZX", "as_of": date(2026, 11, 24)}
    with pytest.raises(InputError, match="FX table") as err:
        problem_from_records(catalog, [sku], [], _one_market(), fx=FxTable.of(()), **kw)
    assert err.value.record == "sku MUG-1" and err.value.field == "currency"
    fx = FxTable.of(
        [
            FxRate("GBP", "USD", Decimal("1.20"), "test", date(2026, 1, 1)),
            FxRate("GBP", "USD", Decimal("1.27"), "test", date(2026, 11, 1)),
            FxRate("GBP", "USD", Decimal("9.99"), "test", date(2027, 1, 1)),
        ]
    )
    terms = SupplyTerms(margin={"MUG-1": 3.0})
    pb = problem_from_records(
        catalog, [sku], [], _one_market(), terms=terms, fx=fx, **kw
    )
    assert pb.currency == "USD"
    assert pb.unit_cost[0] == pytest.approx(2.54)
    assert pb.margin[0] == pytest.approx(3.81)


def test_sku_is_planned_only_where_listed(catalog: Catalog) -> None:
    """A SKU listed in US and UK gets no DE pair, as the router refuses DE orders."""
    sku = make_sku("PB-10", listed_markets=("US", "UK"))
    demand = DemandTable(
        sku=("PB-10", "PB-10"),
        market=("US", "DE"),
        mean=np.array([2.0, 2.0]),
        std=np.array([1.0, 1.0]),
        history_days=np.array([365, 365]),
        history_units=np.array([700.0, 700.0]),
    )
    pb = problem_from_records(
        catalog, [sku], [], demand, hub="CN-SZX", as_of=date(2026, 11, 24)
    )
    assert [pb.markets[k] for k in pb.pair_market] == ["US"]
