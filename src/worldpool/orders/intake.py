"""Order intake checks, pure: what makes an order routable, with field names.

The service runs these before routing; a failure becomes a dead letter with
its reason, and nothing of that order is written.
"""

from __future__ import annotations

from collections.abc import Mapping

from worldpool.catalog import Catalog
from worldpool.domain.money import is_currency_code
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError, UnknownReference
from worldpool.orders.order import Order

__all__ = ["market_for", "validate_order"]

_ADDRESS_FIELDS = ("line1", "city", "country")


def market_for(order: Order, catalog: Catalog) -> str:
    """Return the marketplace id the order ships to (by ship-to country).

    Raises:
        UnknownReference: when no marketplace serves that country.
    """
    if order.marketplace and order.marketplace in catalog.marketplaces:
        return order.marketplace
    country = order.ship_to.country.upper()
    for mk in sorted(catalog.marketplaces.values(), key=lambda m: m.id):
        if mk.country == country:
            return mk.id
    raise UnknownReference(
        "no marketplace serves this country",
        record=f"order {order.key}",
        field="ship_to.country",
        value=order.ship_to.country,
    )


def validate_order(
    order: Order, catalog: Catalog, skus: Mapping[str, SkuRecord]
) -> str:
    """Check ``order`` and return its marketplace id.

    Raises:
        InputError: naming the field (address, currency, quantity, SKU ...).
    """
    rec = f"order {order.key}"
    if order.channel not in catalog.channels and order.channel != "checkout":
        raise UnknownReference(
            "unknown channel", record=rec, field="channel", value=order.channel
        )
    for name in _ADDRESS_FIELDS:
        if not getattr(order.ship_to, name).strip():
            raise InputError("is required", record=rec, field=f"ship_to.{name}")
    if not is_currency_code(order.currency):
        raise InputError(
            "is not an ISO 4217 code",
            record=rec,
            field="currency",
            value=order.currency,
        )
    market = market_for(order, catalog)
    _check_lines(order, skus, rec)
    _check_listed(order, skus, market, rec)
    return market


def _check_listed(
    order: Order, skus: Mapping[str, SkuRecord], market: str, rec: str
) -> None:
    """Refuse a line whose SKU is not listed in the order's marketplace.

    The same rule the planner applies (``listed_markets``; empty means every
    marketplace): a SKU the seller does not sell in a market is neither
    forward-deployed there nor accepted there as a backorder.
    """
    for i, line in enumerate(order.lines):
        listed = skus[line.sku].listed_markets
        if listed and market not in listed:
            raise InputError(
                f"SKU is not listed in marketplace {market} "
                f"(listed: {', '.join(listed)})",
                record=rec,
                field=f"lines[{i}].sku",
                value=line.sku,
            )


def _check_lines(order: Order, skus: Mapping[str, SkuRecord], rec: str) -> None:
    if not order.lines:
        raise InputError("needs at least one line", record=rec, field="lines")
    seen: set[str] = set()
    for i, line in enumerate(order.lines):
        if line.qty <= 0:
            raise InputError(
                "must be positive", record=rec, field=f"lines[{i}].qty", value=line.qty
            )
        if line.unit_price < 0:
            raise InputError(
                "must not be negative", record=rec, field=f"lines[{i}].unit_price"
            )
        if line.sku not in skus:
            raise UnknownReference(
                "SKU is not registered",
                record=rec,
                field=f"lines[{i}].sku",
                value=line.sku,
            )
        if line.line_id in seen:
            raise InputError(
                "duplicate line id", record=rec, field=f"lines[{i}].line_id"
            )
        seen.add(line.line_id)
