from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from worldpool.catalog import Catalog
from worldpool.catalog.fx import load_fx
from worldpool.catalog.rates import RATES_ENV
from worldpool.config import Settings
from worldpool.context import Context, ledger_of
from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.errors import Forbidden, UnknownReference
from worldpool.ledger import Ledger
from worldpool.ledger.profit_tables import profit_launches
from worldpool.profit import PriceBounds
from worldpool.profit import service as svc
from worldpool.profit.history import SaleRow

D = Decimal


def _skus() -> list[SkuRecord]:
    return [
        SkuRecord(
            "LAMP-1",
            "LED desk lamp",
            D("0.8"),
            D("0.004"),
            D("6.50"),
            "USD",
            hs_code="940520",
            category="home",
            battery=BatteryType.CONTAINED,
            listed_markets=("US",),
        ),
        SkuRecord(
            "LAMP-2",
            "LED floor lamp",
            D("2"),
            D("0.02"),
            D("15"),
            "USD",
            hs_code="940520",
            category="home",
        ),
    ]


def history(elasticity: float = -2.0, seed: int = 1) -> tuple[SaleRow, ...]:
    """120 days of LAMP-1 in the US at three prices, LAMP-2 in the US, UK and JP."""
    rng = random.Random(seed)
    rows = []
    for k in range(120):
        day = date(2026, 8, 1) + timedelta(days=k)
        price = D(rng.choice(["24.99", "29.99", "34.99"]))
        units = max(
            1, round(40 * (float(price) / 30) ** elasticity * rng.uniform(0.9, 1.1))
        )
        rows.append(SaleRow("LAMP-1", "US", day, units, price, "USD"))
        rows.append(SaleRow("LAMP-2", "US", day, 2, D("59.99"), "USD"))
        if k % 3 == 0:
            rows.append(SaleRow("LAMP-2", "JP", day, 2, D("7980"), "JPY"))
            rows.append(SaleRow("LAMP-2", "UK", day, 1, D("49.99"), "GBP"))
    return tuple(rows)


@pytest.fixture
def ctx(ledger: Ledger, catalog: Catalog) -> Context:
    """A context over a fresh ledger (SQLite and PostgreSQL) with two lamps."""
    ledger.register_skus(_skus())
    return Context(
        engine=ledger.engine,
        catalog=catalog,
        fx=load_fx(),
        settings=Settings(),
        seller="default",
        user="tester",
        role="operator",
    )


def test_profit_per_market_and_mode(ctx: Context) -> None:
    """Unit economics come per market and mode, at the advised price, explained."""
    result = svc.sku_profit(ctx, svc.ProfitRequest("LAMP-1", ("US", "DE")))
    combos = {(e.market, e.mode) for e in result.rows}
    assert {("US", "local_fc"), ("US", "origin"), ("DE", "local_fc")} <= combos
    us = next(e for e in result.rows if (e.market, e.mode) == ("US", "local_fc"))
    names = [ln.name for ln in us.economics.lines]
    assert {
        "referral fee",
        "fulfilment fee",
        "landed cost",
        "returns allowance",
    } <= set(names)
    assert "Section 301" in next(
        ln.why for ln in us.economics.lines if ln.name == "landed cost"
    )
    assert result.to_dict()["rows"]


def test_price_advice_fits_the_sellers_history(ctx: Context) -> None:
    """With varied prices the elasticity is fitted from the history and reported."""
    result = svc.advise_price(ctx, svc.PriceRequest("LAMP-1", "US", history=history()))
    fit = result.evaluation.advice.fit
    assert fit.points == 120 and "fitted" in fit.source
    assert -2.3 < fit.elasticity < -1.7
    banded = svc.advise_price(
        ctx,
        svc.PriceRequest(
            "LAMP-1", "US", bounds=PriceBounds(ceiling=30.0), history=history()
        ),
    )
    assert (
        banded.evaluation.advice.price <= 30.0
        and banded.evaluation.advice.bound == "ceiling"
    )


def test_default_elasticity_without_history(ctx: Context) -> None:
    """Without sales the category default (with its source) is used."""
    result = svc.advise_price(ctx, svc.PriceRequest("LAMP-2", "DE"))
    fit = result.evaluation.advice.fit
    assert fit.points == 0 and fit.source.startswith("home:")


def test_best_markets_follow_similar_skus(ctx: Context) -> None:
    """LAMP-1 sells in the US; its sibling's markets (JP, UK) come next; all ranked."""
    result = svc.best_markets(ctx, svc.RankRequest("LAMP-1", history=history()))
    order = [s.option.market for s in result.scores]
    assert order[0] == "US"
    assert set(order[1:3]) == {"JP", "UK"}
    assert len(order) == len(ctx.catalog.marketplaces)
    assert all(s.why for s in result.scores)


def test_expand_apply_lists_and_records_once(ctx: Context) -> None:
    """Applying an expansion lists the SKU and writes launch rows once."""
    request = svc.ExpandRequest("LAMP-1", ("JP", "AU"), apply=True, history=history())
    first = svc.expand(ctx, request)
    again = svc.expand(ctx, request)
    assert first.applied and first.written == 2 and again.written == 0
    rec = ledger_of(ctx).sku("LAMP-1")
    assert {"US", "JP", "AU"} <= set(rec.listed_markets)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(profit_launches.c.market, profit_launches.c.seller)
        ).all()
    assert sorted(rows) == [("AU", "default"), ("JP", "default")]
    plans = {m.market: m for m in first.markets}
    assert any("PSE" in i.text for i in plans["JP"].checklist)


def test_expand_needs_operator_to_apply(ctx: Context) -> None:
    """A viewer may plan an expansion but not apply it; nothing is written."""
    viewer = ctx.acting_as(role="viewer")
    assert not svc.expand(viewer, svc.ExpandRequest("LAMP-1", ("JP",))).applied
    with pytest.raises(Forbidden):
        svc.expand(viewer, svc.ExpandRequest("LAMP-1", ("JP",), apply=True))
    with ctx.engine.connect() as conn:
        assert conn.execute(select(profit_launches)).all() == []


def test_reprice_lists_skus_moved_by_new_rows(ctx: Context) -> None:
    """Since 2025-12-01 the IEEPA duties ended: US lamps get a new price."""
    result = svc.reprice(ctx, svc.RepriceRequest(date(2025, 12, 1)))
    assert {i for _, i, _, _ in result.changed} >= {"us-ieepa-fentanyl-cn"}
    us = {(it.sku, it.market) for it in result.items}
    assert ("LAMP-1", "US") in us
    item = next(it for it in result.items if it.sku == "LAMP-1")
    assert item.new_margin > item.old_margin and item.new_price != item.old_price


def test_unknown_sku_and_market(ctx: Context) -> None:
    """An unknown SKU or market is an UnknownReference naming it."""
    with pytest.raises(UnknownReference):
        svc.sku_profit(ctx, svc.ProfitRequest("NOPE"))
    with pytest.raises(UnknownReference) as err:
        svc.sku_profit(ctx, svc.ProfitRequest("LAMP-1", ("ZZ",)))
    assert err.value.value == "ZZ"


def test_haul_price_stays_under_its_cap(ctx: Context) -> None:
    """On the Amazon Haul storefront the advised price respects the USD 20 cap."""
    result = svc.advise_price(
        ctx, svc.PriceRequest("LAMP-1", "US", channel="amazon_haul")
    )
    assert result.evaluation.advice.price <= 20.0
    assert result.evaluation.advice.bound == "ceiling"


def test_profit_reads_the_planners_rate_file(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WORLDPOOL_RATES_FILE, the planner's override, reaches the profit lines too."""
    user = tmp_path / "rates.csv"
    user.write_text(
        "id,kind,node_kind,mode,market,months,basis,rate,currency,source,"
        "effective_date\nhandling-fc,handling,fc,,*,*,unit,1.00,USD,"
        "test: negotiated receiving,2026-01-01\n"
    )
    monkeypatch.setenv(RATES_ENV, str(user))
    inputs = svc.profit_inputs(ctx)
    assert inputs.rates is not None and inputs.rates.handling_unit("fc") == 1.0
    result = svc.sku_profit(ctx, svc.ProfitRequest("LAMP-1", ("US",)))
    fc = next(e for e in result.rows if e.mode == "local_fc")
    line = next(ln for ln in fc.economics.lines if ln.name == "inbound handling")
    assert "handling-fc: test: negotiated receiving" in line.source
    assert line.amount.amount <= D("-1.00")
