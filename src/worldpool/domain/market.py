"""Marketplaces (where a seller sells) and sales channels (through whom)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = ["Channel", "Marketplace", "Threshold"]


@dataclass(frozen=True, slots=True)
class Threshold:
    """A low-value (de minimis) threshold: consignments at or below it are relieved."""

    value: Decimal
    """Threshold amount in ``currency``; 0 means no relief at all."""
    currency: str
    """ISO 4217 code of ``value``."""
    basis: str
    """What is compared with it (e.g. ``intrinsic value``, ``CIF``, ``FOB``)."""


@dataclass(frozen=True, slots=True)
class Marketplace:
    """One Amazon-style marketplace site and the import facts of its country."""

    id: str
    """Marketplace id, e.g. ``UK`` (the site code sellers know)."""
    name: str
    """Display name, e.g. ``Amazon.co.uk``."""
    country: str
    """ISO 3166-1 alpha-2 country, e.g. ``GB``."""
    currency: str
    """ISO 4217 code shoppers pay in."""
    customs_zone: str
    """Customs union or zone (``EU``, ``GCC``, or the country itself)."""
    vat_rate: Decimal
    """Standard import VAT/GST rate as a fraction (0.20 = 20 %)."""
    duty_de_minimis: Threshold
    """Below this, no customs duty is collected."""
    tax_de_minimis: Threshold
    """Below this, no import VAT/GST is collected at the border."""
    tax_scheme: str
    """Point-of-sale tax scheme for low-value goods (``IOSS``, ``UK-POS`` ...)."""
    source: str
    """Where the facts come from (URL or document)."""
    effective_date: date
    """Date from which the row's facts apply."""
    notes: str = ""
    """Caveats a seller should read."""


@dataclass(frozen=True, slots=True)
class Channel:
    """A sales channel (Amazon, Shopify, eBay ...)."""

    id: str
    """Channel id, e.g. ``tiktok_shop``."""
    name: str
    """Display name."""
    source: str
    """Where the facts come from."""
    effective_date: date
    """Date from which the row applies."""
