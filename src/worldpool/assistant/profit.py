"""The seam to the profit engine: margin erosion and markets worth entering.

``worldpool.profit`` (another capability) computes unit economics per SKU x
market. The assistant does not import it; the service passes any object that
follows :class:`ProfitSource`, and :func:`profit_signals` turns its answers
into signals. With no profit engine, no such signals appear.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from worldpool.assistant.signal import ActionKind, ProposedAction, Signal, SignalKind

__all__ = ["MarginRow", "MarketOpportunity", "ProfitSource", "profit_signals"]


@dataclass(frozen=True, slots=True)
class MarginRow:
    """Unit economics of a SKU sold in a market."""

    sku: str
    """SKU."""
    market: str
    """Marketplace."""
    price: Decimal
    """Selling price, in ``currency``."""
    landed_cost: Decimal
    """Cost, freight, duty, VAT not reclaimable and fees per unit, ``currency``."""
    target_margin: Decimal
    """Margin share the seller wants, 0..1."""
    units_per_month: float
    """Expected units sold per month."""
    currency: str
    """ISO 4217 code."""
    suggested_price: Decimal | None = None
    """The price the profit engine would set, if it has one."""


@dataclass(frozen=True, slots=True)
class MarketOpportunity:
    """A market where a SKU is not sold yet and would pay."""

    sku: str
    """SKU."""
    market: str
    """Marketplace not yet served."""
    profit_per_month: Decimal
    """Expected contribution per month, in ``currency``."""
    currency: str
    """ISO 4217 code."""


@runtime_checkable
class ProfitSource(Protocol):
    """What the assistant asks the profit engine."""

    def margins(self) -> Sequence[MarginRow]:
        """Return unit economics per SKU x market."""
        ...

    def opportunities(self) -> Sequence[MarketOpportunity]:
        """Return markets worth entering."""
        ...


def _erosion(rows: Iterable[MarginRow]) -> list[Signal]:
    out = []
    for r in rows:
        if r.price <= 0:
            continue
        margin = (r.price - r.landed_cost) / r.price
        if margin >= r.target_margin:
            continue
        gap = (r.target_margin - margin) * r.price * Decimal(str(r.units_per_month))
        params = {
            "sku": r.sku,
            "market": r.market,
            "price": str(r.suggested_price or ""),
        }
        out.append(
            Signal(
                kind=SignalKind.MARGIN_EROSION,
                key=f"margin:{r.sku}:{r.market}",
                impact=gap.quantize(Decimal("0.01")),
                currency=r.currency,
                sku=r.sku,
                market=r.market,
                message=(
                    "{sku} in {market} earns {margin}% against a target of {target}%."
                ),
                numbers={
                    "sku": r.sku,
                    "market": r.market,
                    "margin": round(float(margin) * 100, 1),
                    "target": round(float(r.target_margin) * 100, 1),
                },
                action=ProposedAction(ActionKind.REPRICE, params),
            )
        )
    return out


def profit_signals(source: ProfitSource | None) -> list[Signal]:
    """Return margin-erosion and market-entry signals of the profit engine (or none)."""
    if source is None:
        return []
    out = _erosion(source.margins())
    for o in source.opportunities():
        out.append(
            Signal(
                kind=SignalKind.MARKET_ENTRY,
                key=f"enter:{o.sku}:{o.market}",
                impact=o.profit_per_month,
                currency=o.currency,
                sku=o.sku,
                market=o.market,
                message=(
                    "{sku} would earn about {profit} {currency} a month in {market}."
                ),
                numbers={
                    "sku": o.sku,
                    "market": o.market,
                    "profit": str(o.profit_per_month),
                    "currency": o.currency,
                },
                action=ProposedAction(
                    ActionKind.SERVE_FROM_ORIGIN,
                    {"sku": o.sku, "market": o.market, "allow": True},
                ),
                probability=0.5,
            )
        )
    return out
