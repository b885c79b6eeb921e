"""The carrier seam: what a carrier connector provides (rates, labels, tracking).

worldpool prices from rate cards and tracks from events it is sent; a connector
for a carrier's API (UPS, DHL, FedEx, a postal operator, a forwarder's portal)
implements :class:`CarrierClient` in ``worldpool.connectors`` (the only package
doing network I/O) and feeds the same records in: its rates become
:class:`~worldpool.logistics.quote.Quote` candidates, its labels a tracking
number for :func:`~worldpool.logistics.service.book`, its tracking events
:class:`~worldpool.logistics.events.TrackingEvent` for the tracking service.

:class:`worldpool.connectors.carrier_karrio.KarrioCarrier` implements it with
karrio (the multi-carrier SDK, ``carriers`` extra) for UPS and FedEx.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from worldpool.logistics.events import TrackingEvent
from worldpool.logistics.ratecard import Piece

__all__ = ["CarrierClient", "CarrierLabel", "CarrierRate", "RateAsk"]


@dataclass(frozen=True, slots=True)
class RateAsk:
    """What a carrier is asked to rate."""

    origin_country: str
    """ISO country of the pickup."""
    destination_country: str
    """ISO country of the delivery."""
    destination_postcode: str
    """Postcode of the delivery (zone lookups)."""
    pieces: tuple[Piece, ...]
    """Parcels (kg, m3)."""
    city: str = ""
    """City of the delivery (labels need it; rating may not)."""
    street: str = ""
    """Street line of the delivery address."""
    name: str = ""
    """Recipient's name."""


@dataclass(frozen=True, slots=True)
class CarrierRate:
    """One service a carrier offers for a :class:`RateAsk`."""

    carrier: str
    """Carrier name."""
    service: str
    """Carrier's service code."""
    amount: Decimal
    """Total charge, in ``currency``."""
    currency: str
    """ISO 4217 code."""
    transit_days: float | None
    """Carrier's promised transit, in days (None: not given)."""


@dataclass(frozen=True, slots=True)
class CarrierLabel:
    """A label bought from a carrier."""

    tracking_number: str
    """Carrier tracking number."""
    label_pdf: bytes
    """The carrier's label document."""


@runtime_checkable
class CarrierClient(Protocol):
    """A carrier connector (implemented at the network boundary)."""

    name: str
    """Carrier name, as it appears on shipments."""

    def rates(self, ask: RateAsk) -> Sequence[CarrierRate]:
        """Return the carrier's services and prices for ``ask``."""
        ...

    def buy_label(self, shipment_id: str, service: str, ask: RateAsk) -> CarrierLabel:
        """Buy a label for a shipment on ``service``; return its tracking number."""
        ...

    def track(self, tracking_numbers: Sequence[str]) -> Sequence[TrackingEvent]:
        """Return the carrier's events for the tracking numbers, as tracking events."""
        ...
