from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cockpit.conftest import context_of
from tests.orders.conftest import stock_pool
from worldpool.cockpit import (
    InventoryQuery,
    OrderQuery,
    inventory_page,
    order_page,
    overview,
    reject_plan,
)
from worldpool.cockpit.views import diff_plans, orders_by_source
from worldpool.context import Context
from worldpool.errors import Forbidden, UnknownReference
from worldpool.interfaces.web._services import import_skus, receive_asn
from worldpool.ledger import Ledger
from worldpool.ledger.cockpit_queries import PageQuery
from worldpool.ledger.order_tables import orders

SKUS = """sku,title,unit_cost,currency,unit_weight_kg,length_cm,width_cm,height_cm
CUP-1,Steel cup,2.50,USD,0.3,10,10,12
CUP-2,Steel cup large,not-a-number,USD,0.4,10,10,14
CUP-3,Glass cup,1.80,USD,0.2,9,9,11
"""


def test_overview_values_stock_and_atp(ctx: Context, ledger: Ledger) -> None:
    """Overview values the hub's stock at unit cost and shows the pooled hub units per market."""
    stock_pool(ledger)
    o = overview(ctx)
    nodes = {v.node: v for v in o.stock_value}
    assert nodes["CN-SZX"].units == 300 - 15 and nodes["US-FC1"].units == 10
    assert nodes["CN-SZX"].value > 0 and nodes["CN-SZX"].currency == "USD"
    us = next(a for a in o.atp if a.market == "US")
    assert (us.local, us.origin) == (10, 285)
    assert {(r["sku"], r["node"]) for r in o.at_risk} >= {("MUG-1", "DE-FC1")}


def test_inventory_page_sorts_filters_and_pages(ctx: Context, ledger: Ledger) -> None:
    """The balance table sorts by any listed column, filters by text/node/market, pages."""
    stock_pool(ledger)
    first = inventory_page(ctx, InventoryQuery(PageQuery(0, 2, "available", True)))
    assert first.total == 5 and len(first.rows) == 2
    assert [r["available"] for r in first.rows] == [100, 100]
    rest = inventory_page(ctx, InventoryQuery(PageQuery(2, 2, "available", True)))
    assert [r["available"] for r in rest.rows] == [85, 10]
    lamp = inventory_page(ctx, InventoryQuery(search="lamp"))
    assert [r["sku"] for r in lamp.rows] == ["LAMP-2"]
    de = inventory_page(ctx, InventoryQuery(market="DE"))
    assert {r["node"] for r in de.rows} == {"CN-SZX", "DE-FC1"}
    odd = inventory_page(ctx, InventoryQuery(PageQuery(sort="1; drop table balances")))
    assert odd.total == 5


def test_sku_upload_keeps_good_rows_and_reports_the_bad(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """A SKU file with one bad row imports the rest; the bad row is reported and dead-lettered."""
    path = tmp_path / "upload-123.csv"
    path.write_text(SKUS)
    report = import_skus(ctx, path, "skus.csv")
    assert report.accepted == 2
    assert [(row, field) for row, field, _ in report.errors] == [(2, "unit_cost")]
    assert (
        "skus.csv" in report.errors[0][2] and str(tmp_path) not in report.errors[0][2]
    )
    assert [d.field for d in ledger.dead_letters("sku")] == ["unit_cost"]
    assert set(ledger.skus()) == {"CUP-1", "CUP-3"}


def test_asn_upload_posts_once_and_needs_operator(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """An ASN upload posts receipts; the same file again changes nothing; a viewer is refused."""
    stock_pool(ledger)
    path = tmp_path / "asn.csv"
    path.write_text("asn_id,sku,node,qty\nA1,MUG-1,CN-SZX,7\nA1,NOPE,CN-SZX,1\n")
    first = receive_asn(ctx, path, "asn.csv")
    again = receive_asn(ctx, path, "asn.csv")
    assert (first.accepted, again.accepted, again.duplicates) == (1, 0, 1)
    assert len(first.errors) == 1 and first.errors[0][0] == 2
    hub = {b.node: b.on_hand for b in ledger.balances(sku="MUG-1")}["CN-SZX"]
    assert hub == 85 + 7
    with pytest.raises(Forbidden):
        receive_asn(context_of(ledger, role="viewer"), path, "asn.csv")


def test_reject_needs_a_draft(ctx: Context) -> None:
    """Rejecting a plan that is not a stored draft raises UnknownReference."""
    with pytest.raises(UnknownReference):
        reject_plan(ctx, "PLAN-nope")


def test_orders_by_source_and_plan_diff() -> None:
    """Order lines count by (channel, source); plan lines pair with the previous plan's."""
    decision = {"assignments": [{"source": "local_fc"}, {"source": None}]}
    counts = orders_by_source([("amazon", json.dumps(decision)), ("ebay", "")])
    assert counts == {("amazon", "backorder"): 1, ("amazon", "local_fc"): 1}
    now = {"transfers": [{"sku": "A", "fc": "US-FC1", "mode": "sea", "qty": 5}]}
    before = {"transfers": [{"sku": "B", "fc": "US-FC1", "mode": "air", "qty": 2}]}
    diff = diff_plans(now, before)
    assert [(d.sku, d.qty, d.previous) for d in diff] == [("A", 5, 0), ("B", 0, 2)]


def test_orders_sorted_by_value_page_like_a_full_sort(
    ctx: Context, ledger: Ledger
) -> None:
    """A channel+status filter sorted by value pages exactly as sorting every match.

    Ties in value go newest id first; another seller's orders never show.
    """
    now = datetime.now(UTC)
    rows = [
        {
            "seller": seller,
            "channel": ("amazon", "ebay")[i % 2],
            "channel_order_id": f"O-{seller}-{i}",
            "market": "DE",
            "status": ("open", "open", "shipped")[i % 3],
            "revision": 1,
            "payload_hash": "0" * 64,
            "currency": "USD",
            "order_value": Decimal(f"{(i * 7) % 11}.50"),  # many ties
            "backordered": 0,
            "payload": "{}",
            "decision": "{}",
            "created_at": now,
            "updated_at": now,
        }
        for seller in (ctx.seller, "other")
        for i in range(60)
    ]
    with ledger.engine.begin() as conn:
        conn.execute(orders.insert(), rows)
    with ledger.engine.connect() as conn:
        ids = dict(conn.execute(select(orders.c.channel_order_id, orders.c.id)).all())
    mine = [r for r in rows if r["seller"] == ctx.seller]
    match = [r for r in mine if (r["channel"], r["status"]) == ("amazon", "open")]
    match.sort(
        key=lambda r: (r["order_value"], ids[r["channel_order_id"]]), reverse=True
    )
    want = [r["channel_order_id"] for r in match]
    got: list[str] = []
    for offset in range(0, 30, 7):
        page = order_page(
            ctx,
            OrderQuery(
                PageQuery(offset, 7, "value", True), status="open", channel="amazon"
            ),
        )
        assert page.total == len(want)
        got += [r["channel_order_id"] for r in page.rows]
    assert got == want
