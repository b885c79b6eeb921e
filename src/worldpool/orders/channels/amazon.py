"""Amazon SP-API Orders: the 2026-01-01 ``searchOrders`` shape and the v0 shape.

v0 splits an order over two calls: ``getOrders`` (``payload.Orders[]``, with
``ShippingAddress``, ``OrderTotal``, ``ShipmentServiceLevelCategory``) and
``getOrderItems`` (``payload.OrderItems[]`` with ``SellerSKU``,
``QuantityOrdered`` and ``ItemPrice`` = unit price x quantity). A v0 record is
one ``Order`` object with its ``getOrderItems`` ``OrderItems`` attached, as the
fetcher joins them. The 2026-01-01 ``Order`` carries its ``orderItems`` itself
(``product.sellerSku``, ``product.price.unitPrice``) and the address under
``recipient.deliveryAddress``.

References:
    amzn/selling-partner-api-models, ``models/orders-api-model/ordersV0.json``
    and ``orders_2026-01-01.json``.
"""

from __future__ import annotations

from typing import Any

from worldpool.errors import InputError
from worldpool.orders.channels._common import as_list, dig, money, parse_time, qty, text
from worldpool.orders.channels.base import FulfilmentRequest, Shipment
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel

__all__ = ["CHANNEL", "FORMAT", "build_fulfilment", "parse_order", "split"]

CHANNEL = "amazon"
FORMAT = "json"

_LEVELS = {
    "freeeconomy": ServiceLevel.ECONOMY,
    "free_economy": ServiceLevel.ECONOMY,
    "standard": ServiceLevel.STANDARD,
    "scheduled": ServiceLevel.STANDARD,
    "expedited": ServiceLevel.EXPEDITED,
    "secondday": ServiceLevel.EXPEDITED,
    "second_day": ServiceLevel.EXPEDITED,
    "priority": ServiceLevel.EXPEDITED,
    "nextday": ServiceLevel.NEXT_DAY,
    "next_day": ServiceLevel.NEXT_DAY,
    "sameday": ServiceLevel.NEXT_DAY,
    "same_day": ServiceLevel.NEXT_DAY,
}


def split(document: Any) -> list[Any]:
    """Return the orders of a ``searchOrders``/``getOrders`` reply or one order."""
    if isinstance(document, dict):
        if isinstance(document.get("orders"), list):
            return list(document["orders"])
        payload = document.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get("Orders"), list):
            return list(payload["Orders"])
    return [document]


def parse_order(record: Any) -> Order:
    """Return the normalised order of one Amazon order (either API version)."""
    if isinstance(record, dict) and "AmazonOrderId" in record:
        return _parse_v0(record)
    if isinstance(record, dict) and "orderId" in record:
        return _parse_2026(record)
    raise InputError(
        "not an Amazon order (no AmazonOrderId or orderId)",
        record="amazon order",
        field="orderId",
    )


def _parse_v0(o: dict[str, Any]) -> Order:
    rec = f"amazon order {o.get('AmazonOrderId')}"
    currency = text(o, "OrderTotal.CurrencyCode", rec)
    lines = []
    for i, item in enumerate(as_list(o, "OrderItems", rec)):
        where = f"OrderItems[{i}]"
        n = qty(dig(item, "QuantityOrdered", rec), rec, f"{where}.QuantityOrdered")
        price = dig(item, "ItemPrice", rec, required=False) or {}
        if price and price.get("CurrencyCode") != currency:
            raise InputError(
                f"currency differs from OrderTotal ({currency})",
                record=rec,
                field=f"{where}.ItemPrice.CurrencyCode",
                value=price.get("CurrencyCode"),
            )
        total = money(price.get("Amount", "0"), rec, f"{where}.ItemPrice.Amount")
        lines.append(
            OrderLine(
                line_id=text(item, "OrderItemId", rec),
                sku=text(item, "SellerSKU", rec),
                qty=n,
                unit_price=total / n if n > 0 else total,
            )
        )
    a = dig(o, "ShippingAddress", rec)
    status = text(o, "OrderStatus", rec)
    level = text(o, "ShipmentServiceLevelCategory", rec, required=False)
    return Order(
        channel=CHANNEL,
        channel_order_id=text(o, "AmazonOrderId", rec),
        ship_to=Address(
            name=text(a, "Name", rec, required=False),
            line1=text(a, "AddressLine1", rec, required=False),
            line2=text(a, "AddressLine2", rec, required=False),
            city=text(a, "City", rec, required=False),
            region=text(a, "StateOrRegion", rec, required=False),
            postal_code=text(a, "PostalCode", rec, required=False),
            country=text(a, "CountryCode", rec, required=False),
        ),
        currency=currency,
        lines=tuple(lines),
        service_level=_LEVELS.get(level.lower(), ServiceLevel.STANDARD),
        placed_at=parse_time(o.get("PurchaseDate")),
        cancelled=status == "Canceled",
        shipped=status == "Shipped",
        extra=(("MarketplaceId", str(o.get("MarketplaceId", ""))),),
    )


def _parse_2026(o: dict[str, Any]) -> Order:
    rec = f"amazon order {o.get('orderId')}"
    lines = []
    currencies = set()
    for i, item in enumerate(as_list(o, "orderItems", rec)):
        where = f"orderItems[{i}]"
        price = dig(item, "product.price.unitPrice", rec)
        currencies.add(text(price, "currencyCode", rec))
        lines.append(
            OrderLine(
                line_id=text(item, "orderItemId", rec),
                sku=text(item, "product.sellerSku", rec),
                qty=qty(
                    dig(item, "quantityOrdered", rec), rec, f"{where}.quantityOrdered"
                ),
                unit_price=money(
                    price.get("amount"), rec, f"{where}.product.price.unitPrice.amount"
                ),
            )
        )
    if len(currencies) != 1:
        raise InputError(
            "items are priced in several currencies",
            record=rec,
            field="orderItems.product.price.unitPrice.currencyCode",
            value=sorted(currencies),
        )
    a = dig(o, "recipient.deliveryAddress", rec)
    status = text(o, "fulfillment.fulfillmentStatus", rec, required=False)
    level = text(o, "fulfillment.fulfillmentServiceLevel", rec, required=False)
    return Order(
        channel=CHANNEL,
        channel_order_id=text(o, "orderId", rec),
        ship_to=Address(
            name=text(a, "name", rec, required=False),
            line1=text(a, "addressLine1", rec, required=False),
            line2=text(a, "addressLine2", rec, required=False),
            city=text(a, "city", rec, required=False),
            region=text(a, "stateOrRegion", rec, required=False),
            postal_code=text(a, "postalCode", rec, required=False),
            country=text(a, "countryCode", rec, required=False),
        ),
        currency=currencies.pop(),
        lines=tuple(lines),
        service_level=_LEVELS.get(level.lower(), ServiceLevel.STANDARD),
        placed_at=parse_time(o.get("createdTime")),
        cancelled=status == "CANCELLED",
        shipped=status == "SHIPPED",
        extra=(
            (
                "MarketplaceId",
                text(o, "salesChannel.marketplaceId", rec, required=False),
            ),
        ),
    )


def build_fulfilment(order: Order, shipment: Shipment) -> FulfilmentRequest:
    """Return the v0 ``confirmShipment`` request for a merchant-fulfilled order."""
    extra = dict(order.extra)
    shipped = parse_time(shipment.shipped_at_ms)
    assert shipped is not None  # an int always parses
    return FulfilmentRequest(
        "POST",
        f"/orders/v0/orders/{order.channel_order_id}/shipmentConfirmation",
        {
            "marketplaceId": extra.get("MarketplaceId", ""),
            "packageDetail": {
                "packageReferenceId": "1",
                "carrierCode": shipment.carrier,
                "trackingNumber": shipment.tracking_number,
                "shipDate": shipped.isoformat().replace("+00:00", "Z"),
                "orderItems": [
                    {"orderItemId": ln.line_id, "quantity": ln.qty}
                    for ln in order.lines
                ],
            },
        },
    )
