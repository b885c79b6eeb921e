"""Shipment records: parties, lines and cartons of one border crossing.

A shipment is either a forward ``transfer`` (cartons of stock from the hub to
an FC, B2B, the seller is importer of record) or a fulfil-from-origin
``parcel`` to a shopper. Fields a document may lack are optional here: the
validator reports them, the parser never raises for a bad document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

__all__ = ["Carton", "Party", "Shipment", "ShipmentLine"]

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Party:
    """An exporter, importer of record or consignee."""

    name: str = ""
    """Legal name."""
    address: str = ""
    """Postal address, one line."""
    country: str = ""
    """ISO 3166-1 alpha-2 country."""
    tax_id: str = ""
    """Tax or company registration id in its own country."""
    ids: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Customs registrations by kind: ``EORI``, ``VAT``, ``IOSS``, ``ABN``, ``ACID``."""
    contact: str = ""
    """Phone or e-mail."""


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    """One product line of the commercial invoice."""

    sku: str
    """Seller's SKU id."""
    description: str = ""
    """Detailed description: what it is, material, use."""
    hs_code: str = ""
    """HS code, 6 digits or a national 8-10 digit code."""
    origin: str = ""
    """Country of origin, ISO 3166-1 alpha-2."""
    quantity: int | None = None
    """Units on this line."""
    unit_value: Decimal | None = None
    """Declared value per unit, in the shipment currency."""
    unit_net_kg: Decimal | None = None
    """Net weight per unit, kg."""
    unit_gross_kg: Decimal | None = None
    """Gross weight per unit, kg."""
    unit_cost: Decimal | None = None
    """The SKU's unit cost in the shipment currency, for the plausibility check."""
    battery: str = "none"
    """Lithium battery class: ``none``, ``contained``, ``packed_with``, ``loose``."""
    un_number: str = ""
    """UN number for dangerous goods (``UN3481`` ...)."""
    marks: tuple[str, ...] = ()
    """Conformity marks on the product (``CE``, ``UKCA``, ``FCC``)."""
    documents: tuple[str, ...] = ()
    """Test reports and statements held (``UN38.3``, ``UL 2849`` ...)."""

    @property
    def total_value(self) -> Decimal | None:
        """Line value (quantity x unit value), or None when either is missing."""
        if self.quantity is None or self.unit_value is None:
            return None
        return self.unit_value * self.quantity


@dataclass(frozen=True, slots=True)
class Carton:
    """One package on the packing list."""

    id: str
    """Carton id or SSCC."""
    contents: tuple[tuple[str, int], ...]
    """(SKU, units) packed in it."""
    gross_kg: Decimal | None = None
    """Gross weight, kg."""
    dimensions_cm: tuple[Decimal, Decimal, Decimal] | None = None
    """Length, width, height, cm."""


@dataclass(frozen=True, slots=True)
class Shipment:
    """One border crossing: the data behind a commercial invoice and packing list."""

    id: str
    """Shipment id."""
    kind: str
    """``transfer`` (forward stock, B2B) or ``parcel`` (fulfil-from-origin, B2C)."""
    destination: str
    """Marketplace id whose import rules apply (``DE``, ``UK``, ``US`` ...)."""
    mode: str
    """Transport mode: ``sea``, ``air``, ``express``, ``parcel``, ``rail``, ``road``."""
    currency: str = ""
    """ISO 4217 code of all values."""
    date: date | None = None
    """Invoice date."""
    invoice_number: str = ""
    """Commercial invoice number."""
    incoterm: str = ""
    """Incoterms 2020 rule (``DDP``, ``DAP``)."""
    reason: str = ""
    """Reason for export (``sale``, ``gift``, ``sample``, ``return``)."""
    exporter: Party = field(default_factory=Party)
    """Seller / exporter."""
    importer_of_record: Party = field(default_factory=Party)
    """Importer of record (pays duty under DDP)."""
    consignee: Party = field(default_factory=Party)
    """Who receives the goods (FC or shopper)."""
    port_of_entry: str = ""
    """Port or place of entry."""
    eu_responsible_person: str = ""
    """GPSR responsible person in the EU (name and address)."""
    signatory: str = ""
    """Person who signs the declaration."""
    freight: Decimal = Decimal(0)
    """International freight charged, in ``currency``."""
    insurance: Decimal = Decimal(0)
    """Insurance charged, in ``currency``."""
    lines: tuple[ShipmentLine, ...] = ()
    """Invoice lines."""
    cartons: tuple[Carton, ...] = ()
    """Packing list (required for transfers)."""

    @property
    def goods_value(self) -> Decimal:
        """Sum of the line values that are known, in ``currency`` (intrinsic value)."""
        return sum(
            (v for v in (line.total_value for line in self.lines) if v is not None),
            Decimal(0),
        )
