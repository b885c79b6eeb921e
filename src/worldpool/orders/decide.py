"""What to do with an incoming order, given what is stored: pure decisions.

The order service reads the stored order and the stock, calls one of these
functions, and writes what it returns in one atomic ledger write (which checks
the stored revision and every stock guard again). Nothing here touches a
database, so the rules can be tested, and reused by the twin, without one:

* the same (channel, order id) with the same content changes nothing;
* different content before shipment is an edit: what the order holds is
  released and it is routed again;
* a cancellation releases every unit the order holds;
* after shipment (or cancellation) edits are refused with :class:`OrderLocked`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from worldpool.catalog import Catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.product import SkuRecord
from worldpool.orders.codec import decision_to_dict, order_to_dict
from worldpool.orders.errors import OrderLocked, OrderNotFound
from worldpool.orders.order import Order, OrderStatus
from worldpool.orders.route import RoutingDecision, route
from worldpool.orders.rules import RoutingParams, SourceKind

__all__ = [
    "OrderWrite",
    "StoredOrder",
    "Verdict",
    "decide_order",
    "decide_ship",
    "needs_held",
    "order_move",
]

Units = Mapping[tuple[str, str], int]
"""Units by (SKU, node)."""


@dataclass(frozen=True, slots=True)
class StoredOrder:
    """What the decisions need of a stored order."""

    key: str
    """``channel:channel_order_id``."""
    status: str
    """``open``, ``cancelled`` or ``shipped``."""
    revision: int
    """Current revision (the write checks it is still this one)."""
    payload_hash: str
    """Digest of the stored content."""
    decision: str
    """The stored routing decision, JSON."""


@dataclass(frozen=True, slots=True)
class OrderWrite:
    """The order's new state and the movements written with it."""

    market: str
    """Marketplace id it ships to."""
    status: str
    """Status afterwards."""
    revision: int
    """The new revision (stored + 1, or 1)."""
    payload_hash: str
    """Digest of the order's content."""
    currency: str
    """ISO 4217 code of the order."""
    order_value: Decimal
    """Order value in ``currency``."""
    backordered: int
    """Units no node could reserve."""
    payload: str
    """The normalised order, JSON."""
    decision: str
    """The routing decision with its ``why``, JSON."""
    moves: tuple[Movement, ...]
    """Release, reserve or ship movements."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one order: what to answer, and what to write (if anything)."""

    action: str
    """``created``, ``updated``, ``cancelled``, ``shipped``, ``duplicate`` or
    ``unchanged``."""
    status: str
    """The order's status afterwards."""
    decision: dict[str, Any] | None
    """The routing decision (with ``why``), when there is one."""
    write: OrderWrite | None = None
    """What to store; None when nothing changes."""


def needs_held(digest: str, stored: StoredOrder | None) -> bool:
    """True when deciding needs the units the stored order holds (an edit)."""
    return (
        stored is not None
        and stored.payload_hash != digest
        and stored.status == OrderStatus.OPEN
    )


def order_move(
    kind: MovementKind, key: str, rev: int, sku: str, node: str, qty: int
) -> Movement:
    """Return an order's movement; its key is unique per order revision and row."""
    return Movement(
        kind,
        sku,
        node,
        qty,
        f"order {kind.value}",
        key,
        f"{kind.value}:{key}:r{rev}:{sku}:{node}",
    )


def decide_order(
    order: Order,
    market: str,
    digest: str,
    stored: StoredOrder | None,
    available: Units,
    held: Units,
    skus: Mapping[str, SkuRecord],
    catalog: Catalog,
    params: RoutingParams,
) -> Verdict:
    """Decide a new order, a re-delivery, an edit, a cancellation or a shipment.

    Args:
        order: The incoming order (validated).
        market: Its marketplace id.
        digest: Its content digest.
        stored: The stored order, or None.
        available: Available units of its SKUs by (SKU, node).
        held: Units the stored order holds (needed when :func:`needs_held`).
        skus: Its SKUs' records.
        catalog: Nodes, lanes, marketplaces.
        params: Routing costs and policy.

    Raises:
        OrderLocked: an edit of a shipped or cancelled order.
    """
    if stored is not None and stored.payload_hash == digest:
        return Verdict("duplicate", stored.status, None)
    if stored is not None and stored.status != OrderStatus.OPEN:
        if order.cancelled and stored.status == OrderStatus.CANCELLED:
            return Verdict("unchanged", stored.status, None)
        raise OrderLocked(f"order {order.key} is {stored.status}; edits are refused")
    rev = stored.revision + 1 if stored else 1
    if order.shipped and not order.cancelled:
        return _shipped(order, market, digest, stored, held, rev)
    moves = [
        order_move(MovementKind.RELEASE, order.key, rev, sku, node, qty)
        for (sku, node), qty in sorted(held.items())
    ]
    decision: RoutingDecision | None = None
    if not order.cancelled:
        view = dict(available)
        for k, qty in held.items():
            view[k] = view.get(k, 0) + qty
        decision = route(order, market, view, dict(skus), catalog, params)
        moves += _reserves(decision, rev)
    status = OrderStatus.CANCELLED if order.cancelled else OrderStatus.OPEN
    body = decision_to_dict(decision) if decision else {"why": "cancelled"}
    backordered = decision.backordered if decision else 0
    write = _write(order, market, digest, rev, status, backordered, body, moves)
    action = "cancelled" if order.cancelled else ("updated" if stored else "created")
    return Verdict(action, status.value, body, write)


def decide_ship(key: str, stored: StoredOrder | None, held: Units) -> StoredShip:
    """Decide marking a stored open order shipped: what it holds leaves the nodes.

    Raises:
        OrderNotFound: no such order.
        OrderLocked: the order is not open.
    """
    if stored is None:
        raise OrderNotFound("no such order", record="order", value=key)
    if stored.status != OrderStatus.OPEN:
        raise OrderLocked(f"order {stored.key} is {stored.status}")
    rev = stored.revision + 1
    moves = tuple(
        order_move(MovementKind.SHIP, stored.key, rev, sku, node, qty)
        for (sku, node), qty in sorted(held.items())
    )
    return StoredShip(rev, moves, json.loads(stored.decision))


@dataclass(frozen=True, slots=True)
class StoredShip:
    """Shipping a stored order: its new revision and its ship movements."""

    revision: int
    """The new revision."""
    moves: tuple[Movement, ...]
    """One ship movement per (SKU, node) it held."""
    decision: dict[str, Any]
    """Its routing decision (unchanged)."""


def _write(
    order: Order,
    market: str,
    digest: str,
    rev: int,
    status: OrderStatus,
    backordered: int,
    body: dict[str, Any] | str,
    moves: list[Movement],
) -> OrderWrite:
    return OrderWrite(
        market,
        status.value,
        rev,
        digest,
        order.currency,
        order.value,
        backordered,
        json.dumps(order_to_dict(order), sort_keys=True),
        body if isinstance(body, str) else json.dumps(body, sort_keys=True),
        tuple(moves),
    )


def _shipped(
    order: Order,
    market: str,
    digest: str,
    stored: StoredOrder | None,
    held: Units,
    rev: int,
) -> Verdict:
    """The channel reports the order shipped: what it holds leaves the nodes."""
    moves = [
        order_move(MovementKind.SHIP, order.key, rev, sku, node, qty)
        for (sku, node), qty in sorted(held.items())
    ]
    decision = stored.decision if stored else json.dumps({"why": "shipped elsewhere"})
    write = _write(order, market, digest, rev, OrderStatus.SHIPPED, 0, decision, moves)
    return Verdict("shipped", write.status, json.loads(decision), write)


def _reserves(decision: RoutingDecision, rev: int) -> list[Movement]:
    units: dict[tuple[str, str], int] = {}
    for a in decision.assignments:
        if a.node is not None and a.kind is not SourceKind.BACKORDER:
            units[(a.sku, a.node)] = units.get((a.sku, a.node), 0) + a.qty
    return [
        order_move(MovementKind.RESERVE, decision.order_key, rev, sku, node, qty)
        for (sku, node), qty in sorted(units.items())
    ]
