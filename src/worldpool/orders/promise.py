"""Delivery promises for a channel's checkout: P50/P90 days and dates (pure)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from worldpool.catalog import Catalog
from worldpool.domain.product import SkuRecord
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel
from worldpool.orders.route import StockView, route
from worldpool.orders.rules import RoutingParams

__all__ = ["Promise", "promise"]


@dataclass(frozen=True, slots=True)
class Promise:
    """What a checkout can promise for one unit of a SKU in a marketplace."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    node: str | None
    """The node routing would ship from; None when nothing can be promised."""
    p50_days: float
    """Median days from order to delivery (handling included)."""
    p90_days: float
    """90th percentile days from order to delivery (handling included)."""
    earliest: date | None
    """Delivery date at P50."""
    latest: date | None
    """Delivery date at P90."""
    text: str
    """Checkout wording, e.g. ``delivers in 2-3 days``."""
    why: str
    """The routing explanation behind it."""


def promise(
    sku: str,
    market: str,
    stock: StockView,
    skus: Mapping[str, SkuRecord],
    catalog: Catalog,
    today: date,
    params: RoutingParams | None = None,
    handling_days: float = 1.0,
) -> Promise:
    """Return the delivery promise for one unit of ``sku`` ordered in ``market``.

    Args:
        sku: SKU id (must be in ``skus``).
        market: Marketplace id.
        stock: Available units by (SKU, node).
        skus: SKU records by id.
        catalog: The catalog in force.
        today: Order date.
        params: Routing parameters.
        handling_days: Node processing time before the parcel leaves, in days.
    """
    mk = catalog.marketplace(market)
    probe = Order(
        channel="checkout",
        channel_order_id=f"{sku}@{market}",
        ship_to=Address("", "", "", "", mk.country),
        currency=mk.currency,
        lines=(OrderLine("1", sku, 1, Decimal(0)),),
        service_level=ServiceLevel.ECONOMY,
    )
    decision = route(probe, market, stock, skus, catalog, params)
    shipped = [a for a in decision.assignments if a.node]
    if not shipped:
        return Promise(sku, market, None, 0, 0, None, None, "unavailable", decision.why)
    p50 = shipped[0].p50_days + handling_days
    p90 = shipped[0].p90_days + handling_days
    lo, hi = math.ceil(p50), math.ceil(p90)
    return Promise(
        sku,
        market,
        shipped[0].node,
        p50,
        p90,
        today + timedelta(days=lo),
        today + timedelta(days=hi),
        f"delivers in {lo}-{hi} days",
        decision.why,
    )
