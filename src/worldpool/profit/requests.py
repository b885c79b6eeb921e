"""What the profit services are asked: one request record per service function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from worldpool.profit._problem import MODES, Mode
from worldpool.profit.expand import ExpandParams
from worldpool.profit.history import SaleRow
from worldpool.profit.price import PriceBounds

__all__ = [
    "ExpandRequest",
    "PriceRequest",
    "ProfitRequest",
    "RankRequest",
    "RepriceRequest",
]


@dataclass(frozen=True, slots=True)
class ProfitRequest:
    """Unit economics of a SKU in some markets."""

    sku: str
    """SKU id."""
    markets: tuple[str, ...] = ()
    """Marketplace ids (empty: where the SKU is listed)."""
    channel: str = "amazon"
    """Channel whose fees apply."""
    modes: tuple[Mode, ...] = MODES
    """Fulfilment modes to compare."""
    price: Decimal | None = None
    """Explain this price instead of the advised one (market currency)."""
    history: tuple[SaleRow, ...] = ()
    """Extra sales rows (e.g. from a file), on top of the order book."""
    new_seller: bool = False
    """Apply new-seller rebates and launch fee cuts."""
    quantity: int = 1
    """Units per order (B2B quantity discounts apply from their tier)."""


@dataclass(frozen=True, slots=True)
class PriceRequest:
    """The advised price of a SKU in one market."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    channel: str = "amazon"
    """Channel whose fees apply."""
    mode: Mode = "local_fc"
    """Fulfilment mode."""
    bounds: PriceBounds = field(default_factory=PriceBounds)
    """Floor, ceiling and competitor band (market currency)."""
    history: tuple[SaleRow, ...] = ()
    """Extra sales rows."""


@dataclass(frozen=True, slots=True)
class RepriceRequest:
    """Which SKUs the fee or tariff rows that took effect since a day move."""

    since: date
    """Rows with ``since < effective_date <= today`` count."""
    channel: str = "amazon"
    """Channel whose fees apply."""
    history: tuple[SaleRow, ...] = ()
    """Extra sales rows."""


@dataclass(frozen=True, slots=True)
class RankRequest:
    """Rank the marketplaces for a SKU."""

    sku: str
    """SKU id."""
    channel: str = "amazon"
    """Channel whose fees apply."""
    markets: tuple[str, ...] = ()
    """Candidates (empty: every marketplace)."""
    history: tuple[SaleRow, ...] = ()
    """Extra sales rows."""


@dataclass(frozen=True, slots=True)
class ExpandRequest:
    """Launch a SKU in new markets in one step."""

    sku: str
    """SKU id."""
    markets: tuple[str, ...]
    """Target marketplace ids."""
    channel: str = "amazon"
    """Channel whose fees apply."""
    apply: bool = False
    """Write the listing and launch rows (needs role operator)."""
    params: ExpandParams = field(default_factory=ExpandParams)
    """Seeding threshold and cover."""
    history: tuple[SaleRow, ...] = ()
    """Extra sales rows."""
