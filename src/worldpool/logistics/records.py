"""Requests and results of the logistics service (plain, frozen records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from worldpool.logistics.quote import Quote
from worldpool.logistics.ratecard import Piece

__all__ = [
    "BookRequest",
    "IngestResult",
    "PlanShipmentsRequest",
    "PurchaseOrderRequest",
    "QuoteAsk",
    "ReceiveRequest",
    "ReceiveResult",
    "ShipPurchaseOrder",
    "ShipmentException",
    "ShipmentView",
]

DEFAULT_PREFIX = "0614141"
"""GS1's documentation company prefix: replace it with your own for real labels."""


@dataclass(frozen=True, slots=True)
class QuoteAsk:
    """Quote a shipment: pieces, or units of registered SKUs packed into cartons."""

    origin: str
    """Origin hub id."""
    destination: str
    """FC id, or a marketplace id (parcel services)."""
    pieces: tuple[Piece, ...] = ()
    """Cartons or parcels (kg, m3), when known."""
    units: tuple[tuple[str, int], ...] = ()
    """(SKU, units) to pack into cartons when no pieces are given."""
    ship_date: date | None = None
    """Handover day; default today (UTC)."""
    currency: str = "USD"
    """Currency of the answer."""
    goods_value: Decimal | None = None
    """Value of the goods; default the SKUs' unit cost x units."""


@dataclass(frozen=True, slots=True)
class PlanShipmentsRequest:
    """Build shipments from an applied plan's transfers."""

    plan_id: str
    """Stored plan id."""
    company_prefix: str = DEFAULT_PREFIX
    """GS1 company prefix for the SSCCs."""


@dataclass(frozen=True, slots=True)
class PurchaseOrderRequest:
    """Open a purchase order into a hub."""

    supplier: str
    """Supplier name."""
    hub: str
    """Receiving hub id."""
    lines: tuple[tuple[str, int], ...]
    """(SKU, units ordered)."""
    po_id: str | None = None
    """Id to use (repeat-safe); default derived from the content."""
    plan_ref: str | None = None
    """Plan the order comes from, if any."""


@dataclass(frozen=True, slots=True)
class ShipPurchaseOrder:
    """The supplier ships (part of) a purchase order to the hub."""

    po_id: str
    """Purchase order id."""
    lines: tuple[tuple[str, int], ...] = ()
    """(SKU, units) shipped; default everything not yet shipped."""
    p50_days: float = 3.0
    """Median supplier-to-hub transit, in days (editable default: domestic truck)."""
    p90_days: float = 6.0
    """90th percentile supplier-to-hub transit, in days."""
    company_prefix: str = DEFAULT_PREFIX
    """GS1 company prefix for the SSCCs."""


@dataclass(frozen=True, slots=True)
class BookRequest:
    """Confirm a booking with the carrier's tracking number."""

    shipment_id: str
    """Shipment id."""
    tracking_number: str
    """Carrier's tracking number (or master bill / AWB)."""
    carrier: str | None = None
    """Carrier name, when other than the rate card's."""
    order_ref: str | None = None
    """Customer order the parcel serves, ``channel:order id`` (its tracking flows
    back to the channel through the connectors' ``book_parcel``)."""


@dataclass(frozen=True, slots=True)
class ReceiveRequest:
    """Receive a shipment at its destination node."""

    shipment_id: str
    """Shipment id."""
    short: dict[str, int] = field(default_factory=dict)
    """Units per SKU that never arrived."""
    damaged: dict[str, int] = field(default_factory=dict)
    """Units per SKU that arrived damaged (written off)."""
    at: datetime | None = None
    """Receipt time (UTC); default now."""


@dataclass(frozen=True, slots=True)
class ReceiveResult:
    """What a receipt moved."""

    shipment_id: str
    """Shipment id."""
    received: int
    """Units put on hand."""
    short: int
    """Units recorded short."""
    damaged: int
    """Units recorded damaged."""
    movements: int
    """Journal movements newly posted."""
    already: bool
    """True when the shipment had been received before (nothing moved)."""


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What a batch of tracking events did."""

    applied: int
    """Events newly stored."""
    duplicates: int
    """Events already stored (same event id): ignored."""
    rejected: tuple[tuple[str, str], ...] = ()
    """(event id, reason) of events refused (unknown shipment, bad content)."""
    shipments: int = 0
    """Shipments whose state was recomputed."""


@dataclass(frozen=True, slots=True)
class ShipmentException:
    """A shipment that needs attention (an assistant signal)."""

    shipment_id: str
    """Shipment id."""
    code: str
    """``late`` or ``customs_stuck``."""
    message: str
    """One sentence in the reader's language."""
    destination: str
    """Destination node."""
    eta: datetime | None
    """Current median ETA."""


@dataclass(frozen=True, slots=True)
class ShipmentView:
    """A shipment as people and the API see it."""

    row: dict[str, Any]
    """The stored shipment (lines in ``payload``)."""
    cartons: int
    """Logistic units."""
    events: tuple[dict[str, Any], ...]
    """Its tracking events, in event-time order."""
    exceptions: tuple[str, ...]
    """Exception codes as of now."""
    quote: Quote | None = None
    """The quote the service was chosen by (at creation)."""

    def to_dict(self) -> dict[str, Any]:
        """Return plain, JSON-ready data."""
        row = {
            k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in self.row.items()
        }
        events = [
            {
                k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in e.items()
                if k not in ("id", "seller")
            }
            for e in self.events
        ]
        return {
            **row,
            "cartons": self.cartons,
            "events": events,
            "exceptions": list(self.exceptions),
        }
