"""TikTok Shop Order API 202309 ``Get Order Detail`` / ``Get Order List`` JSON.

Replies are ``{"code": 0, "data": {"orders": [...]}}``. An order has ``id``,
``status`` (``AWAITING_SHIPMENT``, ``CANCELLED`` ...), ``create_time`` (epoch
seconds), ``payment.currency``, ``recipient_address`` (``address_line1``,
``postal_code``, ``region_code``, ``district_info[]``) and ``line_items[]``.
Each line item is ONE unit (there is no quantity field): lines of the same
``seller_sku`` are summed here.

References:
    partner.tiktokshop.com, Order API 202309 "Get Order Detail".
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from worldpool.errors import InputError
from worldpool.orders.channels._common import as_list, dig, money, parse_time, text
from worldpool.orders.channels.base import FulfilmentRequest, Shipment
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel

__all__ = ["CHANNEL", "FORMAT", "build_fulfilment", "parse_order", "split"]

CHANNEL = "tiktok_shop"
FORMAT = "json"


def split(document: Any) -> list[Any]:
    """Return the orders of an API reply (``data.orders``), or the one order."""
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        orders = document["data"].get("orders")
        if isinstance(orders, list):
            return list(orders)
    return [document]


def _region(a: dict[str, Any]) -> str:
    # district_info lists Country, State, County, City ... from the top level down.
    levels = [d for d in a.get("district_info") or [] if isinstance(d, dict)]
    return str(levels[1].get("address_name", "")) if len(levels) > 1 else ""


def _city(a: dict[str, Any]) -> str:
    for d in a.get("district_info") or []:
        if isinstance(d, dict) and d.get("address_level_name") == "City":
            return str(d.get("address_name", ""))
    return ""


def parse_order(record: Any) -> Order:
    """Return the normalised order of one TikTok Shop order."""
    if not isinstance(record, dict) or "line_items" not in record:
        raise InputError(
            "not a TikTok Shop order (no line_items)",
            record="tiktok_shop order",
            field="line_items",
        )
    rec = f"tiktok_shop order {record.get('id')}"
    currency = text(record, "payment.currency", rec)
    units: dict[str, int] = defaultdict(int)
    price: dict[str, Decimal] = {}
    ids: dict[str, list[str]] = defaultdict(list)
    for i, li in enumerate(as_list(record, "line_items", rec)):
        sku = text(li, "seller_sku", rec)
        if text(li, "currency", rec, required=False) not in ("", currency):
            raise InputError(
                f"currency differs from payment.currency ({currency})",
                record=rec,
                field=f"line_items[{i}].currency",
                value=li.get("currency"),
            )
        units[sku] += 1
        price[sku] = money(
            dig(li, "sale_price", rec), rec, f"line_items[{i}].sale_price"
        )
        ids[sku].append(text(li, "id", rec))
    a = dig(record, "recipient_address", rec)
    status = text(record, "status", rec)
    return Order(
        channel=CHANNEL,
        channel_order_id=text(record, "id", rec),
        ship_to=Address(
            name=text(a, "name", rec, required=False),
            line1=text(a, "address_line1", rec, required=False),
            line2=text(a, "address_line2", rec, required=False),
            city=_city(a),
            region=_region(a),
            postal_code=text(a, "postal_code", rec, required=False),
            country=text(a, "region_code", rec, required=False),
        ),
        currency=currency,
        lines=tuple(
            OrderLine(",".join(ids[s]), s, units[s], price[s]) for s in sorted(units)
        ),
        service_level=(
            ServiceLevel.EXPEDITED
            if "express" in str(record.get("delivery_option_name", "")).lower()
            else ServiceLevel.STANDARD
        ),
        placed_at=parse_time(record.get("create_time")),
        cancelled=status == "CANCELLED",
        shipped=status in ("IN_TRANSIT", "DELIVERED", "COMPLETED"),
    )


def build_fulfilment(order: Order, shipment: Shipment) -> FulfilmentRequest:
    """Return the 202309 ``Mark Package As Shipped`` request for every line item."""
    return FulfilmentRequest(
        "POST",
        f"/fulfillment/202309/orders/{order.channel_order_id}/packages",
        {
            "tracking_number": shipment.tracking_number,
            "shipping_provider_id": shipment.carrier,
            "order_line_item_ids": [
                item for ln in order.lines for item in ln.line_id.split(",")
            ],
        },
    )
