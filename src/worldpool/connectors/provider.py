"""What every channel connector provides, and the records they exchange.

A connector is a class in ``providers/<channel>.py`` built from the
connection's non-secret settings, its decrypted credentials and an
:class:`Http` (the one httpx module, :mod:`worldpool.connectors._http`, in
production; the same client pointed at a loopback fake in tests). Connectors
build the provider's documented requests and read its documented replies;
they never touch the database.

A connector that honours :attr:`StockPush.expected` (compare-and-set, or a
check just before the set) says so with a class attribute
``COMPARE_AND_SET = True``; the others get levels with the in-flight hold
(see :mod:`worldpool.connectors.inflight`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

__all__ = [
    "FetchesById",
    "Http",
    "OrderPage",
    "Provider",
    "Reply",
    "ShipmentPush",
    "StockPush",
    "WebhookEvent",
]


@dataclass(frozen=True, slots=True)
class Reply:
    """A decoded HTTP reply."""

    status: int
    """HTTP status."""
    headers: Mapping[str, str]
    """Reply headers (lower-case names)."""
    body: Any
    """Decoded JSON body (``{}`` when empty, the text when not JSON)."""


class Http(Protocol):
    """Sends one request with retries, backoff and the per-operation limits."""

    def call(
        self,
        op: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        throttled: Callable[[Reply], float | None] | None = None,
        content: bytes | None = None,
    ) -> Reply:
        """Send and return the reply; raise ChannelError when it fails for good.

        ``content`` is a body sent byte for byte (a signed JSON body).
        """
        ...


@dataclass(frozen=True, slots=True)
class OrderPage:
    """Orders fetched since a cursor."""

    records: tuple[tuple[dict[str, Any], str], ...]
    """(order record in the shape ``worldpool.orders.channels`` parses, its
    provider version such as ``updatedAt``)."""
    cursor: str | None
    """Cursor to store; the next fetch starts there."""
    more: bool = False
    """True when the provider has more pages right now."""


@dataclass(frozen=True, slots=True)
class StockPush:
    """One stock level to set on a channel."""

    sku: str
    """Seller SKU."""
    market: str
    """Marketplace id."""
    level: int
    """Units the channel may sell."""
    key: str
    """Outbox idempotency key of this level."""
    expected: int | None = None
    """Compare-and-set: the level the channel should show right now (the last
    level it acknowledged minus its own sales ingested since). A connector
    whose API can compare (Shopify ``changeFromQuantity``) sets the level only
    when the channel still shows this and otherwise reports the SKU stale;
    None (or a connector that cannot compare) sets it unconditionally."""


@dataclass(frozen=True, slots=True)
class ShipmentPush:
    """A shipment confirmation (carrier + tracking) for one channel order."""

    channel_order_id: str
    """The channel's order id."""
    lines: tuple[tuple[str, str, int], ...]
    """(channel line id, SKU, units) shipped."""
    carrier: str
    """Carrier name or code."""
    tracking_number: str
    """The carrier's tracking number."""
    shipped_at: datetime
    """When it left the node (UTC)."""
    key: str
    """Outbox idempotency key."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Channel facts kept with the order (e.g. Amazon ``MarketplaceId``)."""


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified webhook: its id (for dedupe) and the order records it carries."""

    event_id: str
    """Provider event id (``X-Shopify-Webhook-Id`` ...)."""
    topic: str
    """Event type."""
    records: tuple[tuple[dict[str, Any], str], ...]
    """(order record, version) pairs, as in :class:`OrderPage`."""
    order_ids: tuple[str, ...] = ()
    """Orders the event names without carrying them (eBay, TikTok Shop and
    Walmart notify an order id): they are fetched with
    :meth:`FetchesById.fetch_by_ids`."""


class Provider(Protocol):
    """A live connection to one channel account."""

    CHANNEL: str
    """Channel id (as in ``worldpool.orders.channels``)."""

    def test(self) -> str:
        """Call a cheap authenticated endpoint; return the account's name."""
        ...

    def fetch_orders(self, cursor: str | None) -> OrderPage:
        """Return orders created or updated since ``cursor``."""
        ...

    def push_stock(self, levels: Sequence[StockPush]) -> frozenset[str] | None:
        """Set the sellable quantity of each SKU (absolute levels, idempotent).

        Returns the SKUs NOT set because the channel no longer showed their
        ``expected`` level (compare-and-set), or None/empty when all were set.
        Raises :class:`~worldpool.connectors.errors.PushIncomplete` when some
        SKUs were set and others failed (only the failed ones are retried),
        any other ``ChannelError`` when none may have been.
        """
        ...

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """Confirm a shipment with carrier and tracking number (idempotent)."""
        ...


class CredentialStore(Protocol):
    """Where a connector reads and writes back its connection's credentials.

    A provider that rotates a secret (TikTok Shop returns a new refresh token
    on every refresh and the previous one stops working) must save the new
    one at once, or the next process to refresh is locked out.
    """

    def load(self) -> dict[str, Any]:
        """Return the connection's credentials as stored now."""
        ...

    def save(self, credentials: dict[str, Any]) -> None:
        """Store ``credentials`` (encrypted) as the connection's."""
        ...


class FetchesById(Protocol):
    """A connector that can fetch named orders (to complete thin webhooks)."""

    def fetch_by_ids(self, order_ids: Sequence[str]) -> OrderPage:
        """Return the current record of each named order (cursor unchanged)."""
        ...
