from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.orders import Address, Order, OrderLine
from worldpool.orders.service import OrderService
from worldpool.testing import make_sku


def hot_order(i: int) -> Order:
    return Order(
        channel="shopify",
        channel_order_id=f"HOT-{i}",
        ship_to=Address("A", "1 Main St", "Reno", "89501", "US"),
        currency="USD",
        lines=(OrderLine("1", "HOT", 1, Decimal("5")),),
    )


def test_concurrent_orders_never_oversell(ledger: Ledger) -> None:
    """40 orders from 8 threads for 15 units reserve exactly 15 and backorder 25."""
    ledger.register_skus([make_sku("HOT")])
    ledger.post(
        Movement(MovementKind.RECEIVE, "HOT", "US-FC1", 15, "ASN", "A", "r:hot")
    )
    service = OrderService(ledger)
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(service.submit, [hot_order(i) for i in range(40)]))
    shipped = sum(
        a["qty"]
        for o in outcomes
        for a in (o.decision or {})["assignments"]
        if a["node"]
    )
    (bal,) = ledger.balances(sku="HOT")
    assert shipped == 15 == bal.reserved <= bal.on_hand
    assert sum(r.backordered for r in service.list_orders(limit=100)) == 25
    assert ledger.check().ok


def test_same_order_delivered_concurrently_is_reserved_once(ledger: Ledger) -> None:
    """Eight simultaneous deliveries of one order create it once; seven are no-ops."""
    ledger.register_skus([make_sku("HOT")])
    ledger.post(
        Movement(MovementKind.RECEIVE, "HOT", "US-FC1", 15, "ASN", "A", "r:hot")
    )
    service = OrderService(ledger)
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(service.submit, [hot_order(1)] * 8))
    assert sorted(o.action for o in outcomes) == ["created"] + ["duplicate"] * 7
    assert ledger.balances(sku="HOT")[0].reserved == 1
