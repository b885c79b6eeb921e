"""The live best-markets path uses who bought, as the ranking benchmark does."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.customs.rules import load_rules
from worldpool.domain.product import SkuRecord
from worldpool.profit._markets import monthly_units
from worldpool.profit._resolve import complete_fx
from worldpool.profit.evaluate import ProfitInputs
from worldpool.profit.fees import load_fee_book
from worldpool.profit.history import SaleRow
from worldpool.profit.service import buyer_id

DAY = date(2026, 6, 1)
D = Decimal
MUG = SkuRecord(
    "MUG-1", "ceramic mug blue", D("0.4"), D("0.002"), D("2"), "USD", category="home"
)


def _inputs() -> ProfitInputs:
    catalog = load_catalog(as_of=DAY)
    hub = catalog.hubs()[0]
    return ProfitInputs(
        catalog, load_fee_book(DAY), load_rules(DAY), complete_fx(load_fx()),
        hub.id, hub.country, DAY,
    )  # fmt: skip


def _sale(sku: str, market: str, units: int, buyer: str, n: int) -> SaleRow:
    currency = "USD" if market == "US" else "EUR"
    day = DAY - timedelta(days=10 + n)
    return SaleRow(sku, market, day, units, D("10"), currency, buyer)


def _rows() -> list[SaleRow]:
    # The mug's two US buyers also buy the cup. The cup sells as much in DE as
    # in FR, but in DE to five buyers and in FR to one.
    rows = [_sale("MUG-1", "US", 3, b, i) for i, b in enumerate(("b1", "b2"))]
    rows += [_sale("CUP-9", "US", 3, b, i) for i, b in enumerate(("b1", "b2"))]
    rows += [_sale("CUP-9", "DE", 2, f"d{i}", i) for i in range(5)]
    rows.append(_sale("CUP-9", "FR", 10, "f1", 0))
    return rows


def test_buyer_id_is_stable_and_pseudonymous() -> None:
    a = buyer_id({"name": "Wang  Wei", "postal_code": "518000", "country": "CN"})
    b = buyer_id({"name": "wang wei", "postal_code": "518000", "country": "CN"})
    c = buyer_id({"name": "Wang Wei", "postal_code": "518001", "country": "CN"})
    assert a == b != c
    assert "wang" not in a.lower() and len(a) == 16
    assert buyer_id({"postal_code": "1"}) == ""


def test_more_buyers_of_co_bought_items_rank_a_market_higher() -> None:
    inputs = _inputs()
    titles = {"MUG-1": "ceramic mug blue", "CUP-9": "ceramic cup blue"}
    known = monthly_units(inputs, MUG, ["DE", "FR"], _rows(), titles)
    blind = monthly_units(
        inputs, MUG, ["DE", "FR"], [replace(r, buyer="") for r in _rows()], titles
    )
    assert known["DE"] / known["FR"] > blind["DE"] / blind["FR"]
    assert known["DE"] > known["FR"]
