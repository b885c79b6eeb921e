"""The pure order decisions: duplicate, edit, cancel, locked, ship."""

from __future__ import annotations

from decimal import Decimal

import pytest

from worldpool.catalog import Catalog
from worldpool.domain.inventory import MovementKind
from worldpool.orders import OrderLocked, OrderNotFound, RoutingParams
from worldpool.orders.decide import (
    StoredOrder,
    decide_order,
    decide_ship,
    needs_held,
)
from worldpool.orders.order import Address, Order, OrderLine
from worldpool.testing import make_sku

SKUS = {"MUG-1": make_sku("MUG-1", ffo_markets=("US",))}


def _order(qty: int, *, cancelled: bool = False) -> Order:
    return Order(
        channel="shopify",
        channel_order_id="9",
        ship_to=Address("A", "1 Main St", "Town", "12345", "US"),
        currency="USD",
        lines=(OrderLine("1", "MUG-1", qty, Decimal("10")),),
        cancelled=cancelled,
    )


def _stored(status: str = "open", digest: str = "old") -> StoredOrder:
    return StoredOrder("shopify:9", status, 1, digest, '{"why": "x"}')


def _decide(order: Order, stored: StoredOrder | None, catalog: Catalog, **held: int):  # type: ignore[no-untyped-def]
    units = {("MUG-1", node): q for node, q in held.items()}
    return decide_order(
        order, "US", "new", stored, {("MUG-1", "US-FC1"): 5}, units, SKUS, catalog,
        RoutingParams(),
    )  # fmt: skip


def test_new_order_reserves_at_the_local_fc(catalog: Catalog) -> None:
    """A first delivery is created at revision 1 with one reserve movement."""
    v = _decide(_order(2), None, catalog)
    assert (v.action, v.status) == ("created", "open")
    assert v.write is not None and v.write.revision == 1
    [m] = v.write.moves
    assert (m.kind, m.node, m.qty) == (MovementKind.RESERVE, "US-FC1", 2)


def test_same_content_again_writes_nothing(catalog: Catalog) -> None:
    """A re-delivery with the stored digest is a duplicate with no write."""
    v = _decide(_order(2), _stored(digest="new"), catalog)
    assert (v.action, v.write) == ("duplicate", None)


def test_edit_releases_what_it_holds_and_routes_again(catalog: Catalog) -> None:
    """An edit releases the held units and reserves anew, at revision 2."""
    stored = _stored()
    assert needs_held("new", stored)
    v = _decide(_order(4), stored, catalog, **{"US-FC1": 2})
    assert v.action == "updated" and v.write is not None and v.write.revision == 2
    kinds = [(m.kind, m.qty) for m in v.write.moves]
    assert kinds == [(MovementKind.RELEASE, 2), (MovementKind.RESERVE, 4)]


def test_cancel_releases_and_locked_orders_refuse_edits(catalog: Catalog) -> None:
    """A cancellation only releases; an edit of a shipped order raises OrderLocked."""
    v = _decide(_order(2, cancelled=True), _stored(), catalog, **{"US-FC1": 2})
    assert v.status == "cancelled" and v.write is not None
    assert [m.kind for m in v.write.moves] == [MovementKind.RELEASE]
    with pytest.raises(OrderLocked):
        _decide(_order(3), _stored("shipped"), catalog)
    again = _decide(_order(2, cancelled=True), _stored("cancelled"), catalog)
    assert again.action == "unchanged"


def test_ship_moves_every_held_unit_out() -> None:
    """Shipping an open order ships what it holds; a missing or closed one raises."""
    ship = decide_ship("shopify:9", _stored(), {("MUG-1", "US-FC1"): 2})
    assert ship.revision == 2
    assert [(m.kind, m.qty) for m in ship.moves] == [(MovementKind.SHIP, 2)]
    with pytest.raises(OrderNotFound):
        decide_ship("shopify:9", None, {})
    with pytest.raises(OrderLocked):
        decide_ship("shopify:9", _stored("cancelled"), {})
