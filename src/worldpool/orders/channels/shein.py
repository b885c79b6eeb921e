"""SHEIN Seller Hub order export (CSV), semi-managed (seller-fulfilled) orders.

One row per unit (SHEIN splits multi-quantity lines); rows of one SKU are
summed. Column headers follow the Seller Hub "Export orders" file as
integrators document it; SHEIN publishes no formal schema for it.

References:
    open.sheincorp.com order APIs (``/open-api/order/order-list``); Hemi "Shein
    Get Orders" integration notes (secondary source).
"""

from __future__ import annotations

from typing import Any

from worldpool.orders.channels._csv import group_rows, order_from_rows
from worldpool.orders.channels.base import FulfilmentRequest, Shipment
from worldpool.orders.order import Order

__all__ = ["CHANNEL", "COLUMNS", "FORMAT", "build_fulfilment", "parse_order", "split"]

CHANNEL = "shein"
FORMAT = "csv"

COLUMNS = {
    "order_id": "Order Number",
    "status": "Order Status",
    "placed_at": "Order Time",
    "sku": "Seller SKU",
    "qty": "Quantity",
    "price": "Product Price",
    "currency": "Currency",
    "name": "Consignee",
    "line1": "Address 1",
    "line2": "Address 2",
    "city": "City",
    "region": "Province",
    "postal_code": "Post Code",
    "country": "Country",
}
"""Normalised field -> SHEIN export column."""


def split(document: Any) -> list[Any]:
    """Return the export's rows grouped per order."""
    return list(group_rows(document, COLUMNS, CHANNEL))


def parse_order(record: Any) -> Order:
    """Return the normalised order of one group of export rows."""
    return order_from_rows(record, COLUMNS, CHANNEL, cancelled_status="Cancelled")


def build_fulfilment(order: Order, shipment: Shipment) -> FulfilmentRequest:
    """Return the logistics-sync request (order number, carrier, tracking)."""
    return FulfilmentRequest(
        "POST",
        "/open-api/order/sync-logistics",
        {
            "orderNo": order.channel_order_id,
            "expressCompany": shipment.carrier,
            "expressNo": shipment.tracking_number,
        },
    )
