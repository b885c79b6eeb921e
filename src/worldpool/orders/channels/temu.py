"""Temu Seller Center order export (CSV), semi-managed (seller-fulfilled) orders.

One row per SKU of an order. The column headers below follow the Seller
Center "Export orders" file as integrators document it; Temu does not publish
a formal schema for the export, so the headers are configuration here.

References:
    Temu Partner Platform ``bg.order.list.get`` field names; Hemi "Temu Get
    Orders" integration notes (secondary source).
"""

from __future__ import annotations

from typing import Any

from worldpool.orders.channels._csv import group_rows, order_from_rows
from worldpool.orders.channels.base import FulfilmentRequest, Shipment
from worldpool.orders.order import Order

__all__ = ["CHANNEL", "COLUMNS", "FORMAT", "build_fulfilment", "parse_order", "split"]

CHANNEL = "temu"
FORMAT = "csv"

COLUMNS = {
    "order_id": "Order ID",
    "status": "Order status",
    "placed_at": "Purchase date",
    "sku": "Contribution SKU",
    "qty": "Quantity purchased",
    "price": "Base price",
    "currency": "Currency",
    "name": "Recipient name",
    "line1": "Ship address 1",
    "line2": "Ship address 2",
    "city": "Ship city",
    "region": "Ship state",
    "postal_code": "Ship postal code",
    "country": "Ship country",
}
"""Normalised field -> Temu export column."""


def split(document: Any) -> list[Any]:
    """Return the export's rows grouped per order."""
    return list(group_rows(document, COLUMNS, CHANNEL))


def parse_order(record: Any) -> Order:
    """Return the normalised order of one group of export rows."""
    return order_from_rows(record, COLUMNS, CHANNEL, cancelled_status="Canceled")


def build_fulfilment(order: Order, shipment: Shipment) -> FulfilmentRequest:
    """Return the ``bg.logistics.shipment.create`` router call for the order."""
    return FulfilmentRequest(
        "POST",
        "/openapi/router",
        {
            "type": "bg.logistics.shipment.create",
            "sendRequestList": [
                {
                    "orderSendInfoList": [
                        {
                            "parentOrderSn": order.channel_order_id,
                            "goodsId": ln.sku,
                            "quantity": ln.qty,
                        }
                        for ln in order.lines
                    ],
                    "shipCompanyId": shipment.carrier,
                    "trackingNumber": shipment.tracking_number,
                }
            ],
        },
    )
