"""Inventory records: stock states, movements, balances and available-to-promise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = ["Atp", "AtpSource", "Balance", "Movement", "MovementKind", "StockState"]


class StockState(StrEnum):
    """The states a unit at a node can be in."""

    ON_HAND = "on_hand"
    """Physically in the node (includes reserved units)."""
    RESERVED = "reserved"
    """On hand but promised to an order; ``available = on_hand - reserved``."""
    IN_TRANSIT = "in_transit"
    """Shipped towards this node on a lane, not yet received."""


class MovementKind(StrEnum):
    """Every kind of quantity change the journal records."""

    RECEIVE = "receive"
    """Supplier ASN received at a hub: on_hand += qty."""
    TRANSFER_OUT = "transfer_out"
    """Hub -> lane: source on_hand -= qty, destination in_transit += qty."""
    TRANSFER_IN = "transfer_in"
    """Arrival at the destination: in_transit -= qty, on_hand += received."""
    RESERVE = "reserve"
    """Promise units to an order: reserved += qty (needs available >= qty)."""
    RELEASE = "release"
    """Cancel a promise: reserved -= qty."""
    SHIP = "ship"
    """Ship to a customer: on_hand -= qty and reserved -= qty."""
    RETURN = "return"
    """Customer return restocked: on_hand += qty."""
    ADJUST = "adjust"
    """Cycle count or damage: on_hand += signed qty, with a reason."""


@dataclass(frozen=True, slots=True)
class Movement:
    """One immutable journal entry, as requested (before it is posted)."""

    kind: MovementKind
    """What happened."""
    sku: str
    """SKU id."""
    node: str
    """The node whose stock changes (the destination for transfers)."""
    qty: int
    """Units; positive except for ``ADJUST`` which may be negative."""
    reason: str
    """Why, in words a seller reads (e.g. ``ASN``, ``cycle count``)."""
    reference: str
    """External reference: ASN id, order id, transfer id, count sheet ..."""
    idempotency_key: str
    """Same key + same payload is a no-op; same key + other payload is an error."""
    from_node: str | None = None
    """Source node of a ``TRANSFER_OUT`` / ``TRANSFER_IN``."""
    lane: str | None = None
    """Lane id of a transfer."""
    damaged: int = 0
    """``TRANSFER_IN`` only: units that arrived damaged (written off)."""
    short: int = 0
    """``TRANSFER_IN`` only: units that never arrived (written off)."""
    at: datetime | None = None
    """When it happened (UTC); the ledger stamps now() when omitted."""


@dataclass(frozen=True, slots=True)
class Balance:
    """Stock of one SKU at one node, in units."""

    sku: str
    """SKU id."""
    node: str
    """Node id."""
    on_hand: int
    """Units physically at the node."""
    reserved: int
    """Units promised to orders."""
    in_transit: int
    """Units on the way to the node."""

    @property
    def available(self) -> int:
        """Units that can still be promised: on_hand - reserved."""
        return self.on_hand - self.reserved


@dataclass(frozen=True, slots=True)
class AtpSource:
    """One place that can serve a marketplace, with its promise."""

    node: str
    """Node id (an FC in the marketplace, or an origin hub for FFO)."""
    available: int
    """Units that can be promised from that node."""
    fulfil_from_origin: bool
    """True when the node is an origin hub shipping parcels across the border."""
    p50_days: float
    """Median delivery time to the shopper, in days."""
    p90_days: float
    """90th percentile delivery time, in days."""
    lane: str | None = None
    """Lane used for the promise (FFO parcel lane); None for local FC stock."""


@dataclass(frozen=True, slots=True)
class Atp:
    """Available-to-promise of one SKU in one marketplace."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    sources: tuple[AtpSource, ...] = field(default_factory=tuple)
    """Where units can come from, fastest promise first."""

    @property
    def total(self) -> int:
        """Units that can be promised in the marketplace, all sources together."""
        return sum(s.available for s in self.sources)
