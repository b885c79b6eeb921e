"""eBay Sell Fulfillment API ``getOrders`` / ``getOrder`` order JSON.

Fields used: ``orderId``, ``creationDate``, ``orderFulfillmentStatus``,
``cancelStatus.cancelState``, ``pricingSummary.total.currency``,
``fulfillmentStartInstructions[0].shippingStep.shipTo`` (``fullName``,
``contactAddress``) and ``lineItems[]`` (``lineItemId``, ``sku``, ``quantity``,
``lineItemCost`` = unit price x quantity).

References:
    developer.ebay.com, Sell Fulfillment API v1, ``order`` resource.
"""

from __future__ import annotations

from typing import Any

from worldpool.errors import InputError
from worldpool.orders.channels._common import as_list, dig, money, parse_time, qty, text
from worldpool.orders.channels.base import FulfilmentRequest, Shipment
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel

__all__ = ["CHANNEL", "FORMAT", "build_fulfilment", "parse_order", "split"]

CHANNEL = "ebay"
FORMAT = "json"


def split(document: Any) -> list[Any]:
    """Return the orders of a ``getOrders`` page, or the one ``getOrder`` order."""
    if isinstance(document, dict) and isinstance(document.get("orders"), list):
        return list(document["orders"])
    return [document]


def _line(li: dict[str, Any], i: int, rec: str, currency: str) -> OrderLine:
    where = f"lineItems[{i}]"
    n = qty(dig(li, "quantity", rec), rec, f"{where}.quantity")
    cost = dig(li, "lineItemCost", rec)
    if text(cost, "currency", rec) != currency:
        raise InputError(
            f"currency differs from pricingSummary.total ({currency})",
            record=rec,
            field=f"{where}.lineItemCost.currency",
            value=cost.get("currency"),
        )
    total = money(cost.get("value"), rec, f"{where}.lineItemCost.value")
    return OrderLine(
        line_id=text(li, "lineItemId", rec),
        sku=text(li, "sku", rec),
        qty=n,
        unit_price=total / n if n > 0 else total,
    )


def parse_order(record: Any) -> Order:
    """Return the normalised order of one eBay order."""
    if not isinstance(record, dict) or "lineItems" not in record:
        raise InputError(
            "not an eBay order (no lineItems)", record="ebay order", field="lineItems"
        )
    rec = f"ebay order {record.get('orderId')}"
    currency = text(record, "pricingSummary.total.currency", rec)
    lines = [
        _line(li, i, rec, currency)
        for i, li in enumerate(as_list(record, "lineItems", rec))
    ]
    steps = as_list(record, "fulfillmentStartInstructions", rec)
    ship_to = dig(steps[0], "shippingStep.shipTo", rec)
    a = dig(ship_to, "contactAddress", rec)
    service = text(steps[0], "shippingStep.shippingServiceCode", rec, required=False)
    return Order(
        channel=CHANNEL,
        channel_order_id=text(record, "orderId", rec),
        ship_to=Address(
            name=text(ship_to, "fullName", rec, required=False),
            line1=text(a, "addressLine1", rec, required=False),
            line2=text(a, "addressLine2", rec, required=False),
            city=text(a, "city", rec, required=False),
            region=text(a, "stateOrProvince", rec, required=False),
            postal_code=text(a, "postalCode", rec, required=False),
            country=text(a, "countryCode", rec, required=False),
        ),
        currency=currency,
        lines=tuple(lines),
        service_level=(
            ServiceLevel.EXPEDITED
            if "expedited" in service.lower() or "express" in service.lower()
            else ServiceLevel.STANDARD
        ),
        placed_at=parse_time(record.get("creationDate")),
        cancelled=text(record, "cancelStatus.cancelState", rec, required=False)
        == "CANCELED",
        shipped=record.get("orderFulfillmentStatus") == "FULFILLED",
    )


def build_fulfilment(order: Order, shipment: Shipment) -> FulfilmentRequest:
    """Return the ``createShippingFulfillment`` request for the whole order."""
    shipped = parse_time(shipment.shipped_at_ms)
    assert shipped is not None  # an int always parses
    return FulfilmentRequest(
        "POST",
        f"/sell/fulfillment/v1/order/{order.channel_order_id}/shipping_fulfillment",
        {
            "lineItems": [
                {"lineItemId": ln.line_id, "quantity": ln.qty} for ln in order.lines
            ],
            "shippedDate": shipped.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "shippingCarrierCode": shipment.carrier,
            "trackingNumber": shipment.tracking_number,
        },
    )
