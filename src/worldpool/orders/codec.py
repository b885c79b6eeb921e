"""Orders and routing decisions as plain JSON-ready data, and back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from worldpool.errors import InputError
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel
from worldpool.orders.route import RoutingDecision

_CENT = Decimal("0.01")

__all__ = ["decision_to_dict", "order_from_dict", "order_hash", "order_to_dict"]


def order_to_dict(order: Order) -> dict[str, Any]:
    """Return ``order`` as JSON-ready data (money as decimal strings)."""
    a = order.ship_to
    return {
        "channel": order.channel,
        "channel_order_id": order.channel_order_id,
        "currency": order.currency,
        "service_level": order.service_level.value,
        "placed_at": order.placed_at.isoformat() if order.placed_at else None,
        "cancelled": order.cancelled,
        "shipped": order.shipped,
        "marketplace": order.marketplace,
        "ship_to": {
            "name": a.name,
            "line1": a.line1,
            "line2": a.line2,
            "city": a.city,
            "region": a.region,
            "postal_code": a.postal_code,
            "country": a.country,
        },
        "lines": [
            {
                "line_id": ln.line_id,
                "sku": ln.sku,
                "qty": ln.qty,
                "unit_price": str(ln.unit_price),
            }
            for ln in order.lines
        ],
        "extra": dict(order.extra),
    }


def order_hash(order: Order) -> str:
    """Return a SHA-256 hex digest of what the order asks for.

    Two deliveries of one (channel, id) with the same digest are the same order;
    a different digest is an edit.
    """
    body = order_to_dict(order)
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _text(data: Mapping[str, Any], name: str, record: str) -> str:
    value = data.get(name)
    if value is None or not str(value).strip():
        raise InputError("is required", record=record, field=name)
    return str(value).strip()


def _decimal(value: object, record: str, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError(
            "is not a decimal number", record=record, field=name, value=value
        ) from None


def _int(value: object, record: str, name: str) -> int:
    if isinstance(value, bool):
        raise InputError("is not a whole number", record=record, field=name)
    try:
        return int(str(value))
    except ValueError:
        raise InputError(
            "is not a whole number", record=record, field=name, value=value
        ) from None


def _line(data: Mapping[str, Any], i: int, record: str) -> OrderLine:
    where = f"lines[{i}]"
    if not isinstance(data, Mapping):
        raise InputError("must be an object", record=record, field=where)
    return OrderLine(
        line_id=str(data.get("line_id") or i + 1),
        sku=_text(data, "sku", record),
        qty=_int(data.get("qty"), record, f"{where}.qty"),
        unit_price=_decimal(data.get("unit_price", "0"), record, f"{where}.unit_price"),
    )


def order_from_dict(data: Mapping[str, Any], record: str = "order") -> Order:
    """Build an :class:`Order` from :func:`order_to_dict` data.

    Raises:
        InputError: naming the field that is missing or malformed.
    """
    addr = data.get("ship_to")
    if not isinstance(addr, Mapping):
        raise InputError("is required", record=record, field="ship_to")
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise InputError("needs at least one line", record=record, field="lines")
    level = str(data.get("service_level") or "standard")
    if level not in set(ServiceLevel):
        raise InputError("unknown service level", record=record, field="service_level")
    placed = data.get("placed_at")
    extra = data.get("extra") or {}
    return Order(
        channel=_text(data, "channel", record),
        channel_order_id=_text(data, "channel_order_id", record),
        currency=_text(data, "currency", record),
        service_level=ServiceLevel(level),
        placed_at=datetime.fromisoformat(str(placed)) if placed else None,
        cancelled=bool(data.get("cancelled", False)),
        shipped=bool(data.get("shipped", False)),
        marketplace=data.get("marketplace"),
        ship_to=Address(
            name=str(addr.get("name") or ""),
            line1=str(addr.get("line1") or ""),
            line2=str(addr.get("line2") or ""),
            city=str(addr.get("city") or ""),
            region=str(addr.get("region") or ""),
            postal_code=str(addr.get("postal_code") or ""),
            country=str(addr.get("country") or ""),
        ),
        lines=tuple(_line(ln, i, record) for i, ln in enumerate(lines)),
        extra=tuple(sorted((str(k), str(v)) for k, v in dict(extra).items())),
    )


def decision_to_dict(d: RoutingDecision) -> dict[str, Any]:
    """Return a routing decision as JSON-ready data."""
    return {
        "order": d.order_key,
        "market": d.market,
        "cost_usd": str(d.cost_usd.quantize(_CENT)),
        "p50_days": d.p50_days,
        "p90_days": d.p90_days,
        "backordered": d.backordered,
        "why": d.why,
        "assignments": [
            {
                "line_id": a.line_id,
                "sku": a.sku,
                "qty": a.qty,
                "source": a.kind.value,
                "node": a.node,
                "lane": a.lane,
                "p50_days": a.p50_days,
                "p90_days": a.p90_days,
            }
            for a in d.assignments
        ],
    }
