"""The normalised order every channel adapter produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

__all__ = ["Address", "Order", "OrderLine", "OrderStatus", "ServiceLevel"]


class ServiceLevel(StrEnum):
    """The delivery speed the shopper bought, mapped from each channel's vocabulary."""

    ECONOMY = "economy"
    """Slowest, cheapest (Amazon FreeEconomy, Walmart Value)."""
    STANDARD = "standard"
    """The channel's default shipping."""
    EXPEDITED = "expedited"
    """Faster than standard (Amazon Expedited/SecondDay, Walmart Express)."""
    NEXT_DAY = "next_day"
    """Next or same day (Amazon NextDay/SameDay, Walmart OneDay)."""


class OrderStatus(StrEnum):
    """Where an order stands in worldpool."""

    OPEN = "open"
    """Routed and reserved (fully or with backordered lines)."""
    CANCELLED = "cancelled"
    """Cancelled by the channel or the seller; its reservations are released."""
    SHIPPED = "shipped"
    """Shipped; edits are no longer accepted."""


@dataclass(frozen=True, slots=True)
class Address:
    """A ship-to address."""

    name: str
    """Recipient name."""
    line1: str
    """First street line."""
    city: str
    """City or town."""
    postal_code: str
    """Postal code (empty only where the country has none)."""
    country: str
    """ISO 3166-1 alpha-2 country code (``GB``, not ``UK``)."""
    line2: str = ""
    """Second street line."""
    region: str = ""
    """State, province or region."""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One SKU on an order."""

    line_id: str
    """The channel's line or item id (unique within the order)."""
    sku: str
    """Seller SKU: the join key to the pool."""
    qty: int
    """Units ordered (> 0)."""
    unit_price: Decimal
    """Price of one unit, in the order's currency."""


@dataclass(frozen=True, slots=True)
class Order:
    """A channel order in worldpool's own shape."""

    channel: str
    """Channel id (``amazon``, ``shopify`` ...)."""
    channel_order_id: str
    """The channel's order id; (channel, channel_order_id) is the idempotency key."""
    ship_to: Address
    """Where it goes."""
    currency: str
    """ISO 4217 code of every price on the order."""
    lines: tuple[OrderLine, ...]
    """What was bought."""
    service_level: ServiceLevel = ServiceLevel.STANDARD
    """Requested delivery speed."""
    placed_at: datetime | None = None
    """When the shopper placed it (UTC)."""
    cancelled: bool = False
    """True when the channel reports the order as cancelled."""
    shipped: bool = False
    """True when the channel reports the order as shipped."""
    marketplace: str | None = None
    """Marketplace id, when the channel says (else derived from the country)."""
    extra: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """Channel facts kept for fulfilment (e.g. Amazon ``MarketplaceId``)."""

    @property
    def key(self) -> str:
        """The idempotency key ``channel:channel_order_id``."""
        return f"{self.channel}:{self.channel_order_id}"

    @property
    def value(self) -> Decimal:
        """Order value: sum of unit price x quantity, in ``currency``."""
        return sum((ln.unit_price * ln.qty for ln in self.lines), Decimal(0))
