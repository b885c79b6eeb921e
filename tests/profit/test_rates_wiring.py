"""The profit engine prices inbound consignments from the planner's rate table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.catalog.rates import Rate, load_rates
from worldpool.customs.rules import load_rules
from worldpool.domain.network import Mode
from worldpool.domain.product import SkuRecord
from worldpool.profit._problem import Mode as FulfilmentMode
from worldpool.profit._resolve import complete_fx
from worldpool.profit.evaluate import Evaluation, ProfitInputs, evaluate
from worldpool.profit.fees import load_fee_book

DAY = date(2026, 6, 1)
D = Decimal
SKU = SkuRecord(
    "MUG-1", "mug", D("0.4"), D("0.002"), D("2"), "USD", hs_code="691200",
    category="home",
)  # fmt: skip


def _inputs() -> ProfitInputs:
    catalog = load_catalog(as_of=DAY)
    hub = catalog.hubs()[0]
    return ProfitInputs(
        catalog, load_fee_book(DAY), load_rules(DAY), complete_fx(load_fx()),
        hub.id, hub.country, DAY,
    )  # fmt: skip


def _contribution(
    inputs: ProfitInputs, mode: FulfilmentMode = "local_fc"
) -> tuple[D, Evaluation]:
    e = evaluate(inputs, SKU, "US", mode, price=D("20"))
    return e.economics.contribution.amount, e


def test_stocked_modes_pay_the_rate_tables_consignment_and_receiving() -> None:
    """Sea consignment USD 300 over 100 units + USD 0.30 receiving = USD 3.30 a unit."""
    plain = _inputs()
    with_rates = replace(plain, rates=load_rates(as_of=DAY))
    before, _ = _contribution(plain)
    after, e = _contribution(with_rates)
    assert e.lane.mode is Mode.SEA
    assert before - after == D("3.30")
    line = next(ln for ln in e.economics.lines if ln.name == "inbound handling")
    assert line.amount.amount == D("-3.30")
    assert "shipment-sea" in line.source and "handling-fc" in line.source
    origin_plain, _ = _contribution(plain, "origin")
    origin_rates, _ = _contribution(with_rates, "origin")
    assert origin_plain == origin_rates  # parcels: the lane prices everything


def test_a_rate_row_override_moves_profit_as_it_moves_the_planner() -> None:
    """A later handling-fc row (USD 1.00) reaches both the planner's table and profit."""
    row = Rate(
        "handling-fc", "handling", "fc", "", "*", frozenset(range(1, 13)), "unit",
        1.0, "USD", "test: negotiated receiving fee", date(2026, 1, 1),
    )  # fmt: skip
    rates = load_rates(as_of=DAY, rows=[row])
    assert rates.handling_unit("fc") == 1.0
    base, _ = _contribution(_inputs())
    after, _ = _contribution(replace(_inputs(), rates=rates))
    assert base - after == D("4.00")


def test_fba_us_storage_is_the_figure_the_planner_prices_fcs_with() -> None:
    """storage_fees.csv FBA US and rates.csv FC storage agree in every month (no drift)."""
    book, rates = load_fee_book(DAY), load_rates(as_of=DAY)
    for month in range(1, 13):
        monthly, _ = book.storage_rates("FBA", ("US", "US"), month, 0)
        assert monthly is not None and monthly.currency == "USD"
        planner = rates.row("storage", "US", month, node_kind="fc")
        assert float(monthly.rate_m3_month) == planner.rate, month
