"""The unit-economics question: one SKU, one market, one channel, one mode."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from worldpool.domain.market import Marketplace
from worldpool.domain.money import Money
from worldpool.domain.product import SkuRecord

__all__ = ["MODES", "EconomicsProblem", "Mode"]

Mode = Literal["local_fc", "origin", "3pl"]
"""Fulfilment mode: stocked in a marketplace FC (FBA/WFS), shipped as a parcel
from the origin hub, or stocked at a third-party warehouse in the market."""
MODES: tuple[Mode, ...] = ("local_fc", "origin", "3pl")
"""Every fulfilment mode."""


@dataclass(frozen=True, slots=True)
class EconomicsProblem:
    """What the unit economics are asked for (amounts per unit)."""

    sku: SkuRecord
    """The SKU (cost, weight, volume, HS code, category)."""
    market: Marketplace
    """Where it sells."""
    freight_per_unit: Money
    """International freight per unit from the origin hub (lane share)."""
    mode: Mode = "local_fc"
    """Fulfilment mode."""
    channel: str = "amazon"
    """Sales channel whose fees apply."""
    origin: str = "CN"
    """ISO country of origin of the goods (additional duties)."""
    lane: str = ""
    """Lane id the freight comes from."""
    batch_units: int = 100
    """Units per inbound consignment (stocked modes): per-shipment customs fees
    are shared by them."""
    months_in_stock: Decimal = Decimal("1.5")
    """Average months a unit waits in storage before it sells."""
    stock_age_days: int = 45
    """Age of the stock for aged-stock surcharges, in days."""
    month: int = 1
    """Calendar month of the sale (peak storage rates in Oct-Dec)."""
    quantity: int = 1
    """Units per order (B2B quantity discounts)."""
    new_seller: bool = False
    """True when new-seller rebates and launch fee cuts apply."""
    duty_rate: Decimal | None = None
    """MFN duty (fraction) when the packaged tariff lacks the code."""
    shipment_fixed: Money | None = None
    """Fixed cost of one inbound consignment (brokerage, filing, drayage), shared
    by ``batch_units``; None: not counted (the planner's rate table has it)."""
    handling_per_unit: Money | None = None
    """Receiving/put-away per unit at the market's warehouse; None: not counted."""
    inbound_source: str = ""
    """Where the two inbound figures come from (``catalog/data/rates.csv`` rows)."""
