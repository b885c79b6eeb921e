"""Shopify Admin order webhooks: ``orders/create``, ``orders/updated``, ``cancelled``.

The webhook body is the REST ``Order`` resource: ``id``, ``currency``,
``line_items[]`` (``id``, ``sku``, ``quantity``, ``price`` per unit),
``shipping_address`` (``address1``, ``city``, ``zip``, ``country_code``),
``shipping_lines[]``, ``cancelled_at`` and ``fulfillment_status``.

References:
    shopify.dev, "Order" REST resource and webhook topic ``orders/create``.
"""

from __future__ import annotations

from typing import Any

from worldpool.errors import InputError
from worldpool.orders.channels._common import as_list, dig, money, parse_time, qty, text
from worldpool.orders.channels.base import FulfilmentRequest, Shipment
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel

__all__ = ["CHANNEL", "FORMAT", "build_fulfilment", "parse_order", "split"]

CHANNEL = "shopify"
FORMAT = "json"

_MUTATION = (
    "mutation fulfillmentCreate($fulfillment: FulfillmentInput!) "
    "{ fulfillmentCreate(fulfillment: $fulfillment) "
    "{ fulfillment { id status } userErrors { field message } } }"
)


def split(document: Any) -> list[Any]:
    """Return the orders of an ``orders.json`` list reply, or the one webhook order."""
    if isinstance(document, dict) and isinstance(document.get("orders"), list):
        return list(document["orders"])
    return [document]


def _level(o: dict[str, Any]) -> ServiceLevel:
    for ship in o.get("shipping_lines") or []:
        title = f"{ship.get('code', '')} {ship.get('title', '')}".lower()
        if "express" in title or "expedited" in title:
            return ServiceLevel.EXPEDITED
        if "overnight" in title or "next day" in title:
            return ServiceLevel.NEXT_DAY
        if "economy" in title:
            return ServiceLevel.ECONOMY
    return ServiceLevel.STANDARD


def parse_order(record: Any) -> Order:
    """Return the normalised order of one Shopify order resource."""
    if not isinstance(record, dict) or "line_items" not in record:
        raise InputError(
            "not a Shopify order (no line_items)",
            record="shopify order",
            field="line_items",
        )
    rec = f"shopify order {record.get('id')}"
    lines = [
        OrderLine(
            line_id=text(li, "id", rec),
            sku=text(li, "sku", rec),
            qty=qty(dig(li, "quantity", rec), rec, f"line_items[{i}].quantity"),
            unit_price=money(li.get("price", "0"), rec, f"line_items[{i}].price"),
        )
        for i, li in enumerate(as_list(record, "line_items", rec))
    ]
    a = dig(record, "shipping_address", rec)
    name = text(a, "name", rec, required=False) or " ".join(
        filter(None, (a.get("first_name"), a.get("last_name")))
    )
    return Order(
        channel=CHANNEL,
        channel_order_id=text(record, "id", rec),
        ship_to=Address(
            name=name,
            line1=text(a, "address1", rec, required=False),
            line2=text(a, "address2", rec, required=False),
            city=text(a, "city", rec, required=False),
            region=text(a, "province_code", rec, required=False),
            postal_code=text(a, "zip", rec, required=False),
            country=text(a, "country_code", rec, required=False),
        ),
        currency=text(record, "currency", rec),
        lines=tuple(lines),
        service_level=_level(record),
        placed_at=parse_time(record.get("created_at")),
        cancelled=bool(record.get("cancelled_at")),
        shipped=record.get("fulfillment_status") == "fulfilled",
        extra=(("admin_graphql_api_id", str(record.get("admin_graphql_api_id", ""))),),
    )


def build_fulfilment(order: Order, shipment: Shipment) -> FulfilmentRequest:
    """Return the GraphQL ``fulfillmentCreate`` request for the order.

    The fulfillment order id is the order's first open FulfillmentOrder; it is
    expected in ``order.extra`` under ``fulfillment_order_id`` (the order gid
    is used when absent, which Shopify rejects with a userError).
    """
    extra = dict(order.extra)
    fo_id = extra.get("fulfillment_order_id") or extra.get("admin_graphql_api_id", "")
    return FulfilmentRequest(
        "POST",
        "/admin/api/2025-10/graphql.json",
        {
            "query": _MUTATION,
            "variables": {
                "fulfillment": {
                    "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo_id}],
                    "trackingInfo": {
                        "company": shipment.carrier,
                        "number": shipment.tracking_number,
                    },
                    "notifyCustomer": True,
                }
            },
        },
    )
