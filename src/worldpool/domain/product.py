"""The sellable product (SKU) record."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = ["BatteryType", "SkuRecord"]


class BatteryType(StrEnum):
    """Lithium battery classes as the IATA Dangerous Goods Regulations name them."""

    NONE = "none"
    """No battery."""
    CONTAINED = "contained"
    """Battery contained in equipment (UN3481/UN3091, PI 967/970)."""
    PACKED_WITH = "packed_with"
    """Battery packed with equipment (PI 966/969)."""
    LOOSE = "loose"
    """Battery shipped on its own (UN3480/UN3090): restricted on most parcel lanes."""


@dataclass(frozen=True, slots=True)
class SkuRecord:
    """A stock-keeping unit: what the pool counts, in sellable units."""

    sku: str
    """Seller's SKU id, unique across the pool."""
    title: str
    """Human-readable title (also the customs description's starting point)."""
    unit_weight_kg: Decimal
    """Gross weight of one sellable unit, in kilograms."""
    unit_volume_m3: Decimal
    """Packed volume of one sellable unit, in cubic metres."""
    unit_cost: Decimal
    """Landed-at-hub cost of one unit, in ``currency``."""
    currency: str
    """ISO 4217 code of ``unit_cost``."""
    gtin: str | None = None
    """GTIN-8/12/13/14 with a valid check digit, if the product has one."""
    hs_code: str | None = None
    """Harmonized System code (6 to 10 digits), if known."""
    battery: BatteryType = BatteryType.NONE
    """Lithium battery class."""
    category: str | None = None
    """Free-text product category (used by forecasting cold start and customs)."""
    listed_markets: tuple[str, ...] = field(default_factory=tuple)
    """Marketplace ids where the SKU is listed; empty means every marketplace."""
    ffo_markets: tuple[str, ...] = field(default_factory=tuple)
    """Marketplace ids where fulfil-from-origin is allowed; empty means none."""
