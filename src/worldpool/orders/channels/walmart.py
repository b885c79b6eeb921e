"""Walmart Marketplace Orders API (``GET /v3/orders``) JSON.

Replies are ``{"list": {"meta": ..., "elements": {"order": [...]}}}``. An order
has ``purchaseOrderId``, ``customerOrderId``, ``orderDate`` (epoch ms),
``shippingInfo`` (``methodCode``, ``postalAddress`` with a three-letter
``country`` such as ``USA``) and ``orderLines.orderLine[]`` (``lineNumber``,
``item.sku``, ``orderLineQuantity.amount``, ``charges.charge[]`` with the
``PRODUCT`` charge per line, and ``orderLineStatuses``). Orders have no status
of their own: an order is cancelled when every line is ``Cancelled``.

References:
    developer.walmart.com, Marketplace "Orders API overview", ``Get all orders``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from worldpool.errors import InputError
from worldpool.orders.channels._common import (
    ALPHA3,
    as_list,
    dig,
    money,
    parse_time,
    qty,
    text,
)
from worldpool.orders.channels.base import FulfilmentRequest, Shipment
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel

__all__ = ["CHANNEL", "FORMAT", "build_fulfilment", "parse_order", "split"]

CHANNEL = "walmart"
FORMAT = "json"

_LEVELS = {
    "Value": ServiceLevel.ECONOMY,
    "Standard": ServiceLevel.STANDARD,
    "Express": ServiceLevel.EXPEDITED,
    "OneDay": ServiceLevel.NEXT_DAY,
}


def split(document: Any) -> list[Any]:
    """Return the orders of a ``GET /v3/orders`` reply, or the one order."""
    if isinstance(document, dict) and isinstance(document.get("list"), dict):
        elements = document["list"].get("elements") or {}
        return list(elements.get("order") or [])
    if isinstance(document, dict) and isinstance(document.get("order"), dict):
        return [document["order"]]
    return [document]


def _line(ol: dict[str, Any], i: int, rec: str) -> tuple[OrderLine, str, str]:
    where = f"orderLines.orderLine[{i}]"
    n = qty(dig(ol, "orderLineQuantity.amount", rec), rec, f"{where}.orderLineQuantity")
    product = [
        c
        for c in as_list(ol, "charges.charge", rec)
        if c.get("chargeType") == "PRODUCT"
    ]
    if not product:
        raise InputError("has no PRODUCT charge", record=rec, field=f"{where}.charges")
    amount = dig(product[0], "chargeAmount", rec)
    total = money(amount.get("amount"), rec, f"{where}.charges.chargeAmount.amount")
    statuses = dig(ol, "orderLineStatuses.orderLineStatus", rec, required=False) or []
    status = str(statuses[-1].get("status", "")) if statuses else ""
    line = OrderLine(
        line_id=text(ol, "lineNumber", rec),
        sku=text(ol, "item.sku", rec),
        qty=n,
        unit_price=total / n if n > 0 else Decimal(0),
    )
    return line, text(amount, "currency", rec), status


def parse_order(record: Any) -> Order:
    """Return the normalised order of one Walmart purchase order."""
    if not isinstance(record, dict) or "purchaseOrderId" not in record:
        raise InputError(
            "not a Walmart order (no purchaseOrderId)",
            record="walmart order",
            field="purchaseOrderId",
        )
    rec = f"walmart order {record['purchaseOrderId']}"
    parsed = [
        _line(ol, i, rec)
        for i, ol in enumerate(as_list(record, "orderLines.orderLine", rec))
    ]
    currencies = {c for _, c, _ in parsed}
    if len(currencies) != 1:
        raise InputError(
            "lines are charged in several currencies",
            record=rec,
            field="orderLines.orderLine.charges.chargeAmount.currency",
            value=sorted(currencies),
        )
    a = dig(record, "shippingInfo.postalAddress", rec)
    country = text(a, "country", rec, required=False)
    statuses = {s for _, _, s in parsed}
    return Order(
        channel=CHANNEL,
        channel_order_id=text(record, "purchaseOrderId", rec),
        ship_to=Address(
            name=text(a, "name", rec, required=False),
            line1=text(a, "address1", rec, required=False),
            line2=text(a, "address2", rec, required=False),
            city=text(a, "city", rec, required=False),
            region=text(a, "state", rec, required=False),
            postal_code=text(a, "postalCode", rec, required=False),
            country=ALPHA3.get(country.upper(), country),
        ),
        currency=currencies.pop(),
        lines=tuple(line for line, _, _ in parsed),
        service_level=_LEVELS.get(
            text(record, "shippingInfo.methodCode", rec, required=False),
            ServiceLevel.STANDARD,
        ),
        placed_at=parse_time(record.get("orderDate")),
        cancelled=statuses == {"Cancelled"},
        shipped=statuses <= {"Shipped", "Delivered", "Cancelled"}
        and bool(statuses - {"Cancelled"}),
        extra=(("customerOrderId", str(record.get("customerOrderId", ""))),),
    )


def build_fulfilment(order: Order, shipment: Shipment) -> FulfilmentRequest:
    """Return the ``Ship order lines`` request (all lines, one tracking number)."""
    return FulfilmentRequest(
        "POST",
        f"/v3/orders/{order.channel_order_id}/shipping",
        {
            "orderShipment": {
                "orderLines": {
                    "orderLine": [
                        {
                            "lineNumber": ln.line_id,
                            "orderLineStatuses": {
                                "orderLineStatus": [
                                    {
                                        "status": "Shipped",
                                        "statusQuantity": {
                                            "unitOfMeasurement": "EACH",
                                            "amount": str(ln.qty),
                                        },
                                        "trackingInfo": {
                                            "shipDateTime": shipment.shipped_at_ms,
                                            "carrierName": {
                                                "carrier": shipment.carrier
                                            },
                                            "methodCode": "Standard",
                                            "trackingNumber": shipment.tracking_number,
                                        },
                                    }
                                ]
                            },
                        }
                        for ln in order.lines
                    ]
                }
            }
        },
    )
