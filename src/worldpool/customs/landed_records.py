"""Records of a landed-cost computation: the problem, its lines and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from worldpool.catalog.fx import FxRate
from worldpool.domain.market import Marketplace
from worldpool.domain.money import Money

__all__ = ["CostLine", "LandedCost", "LandedCostProblem"]


@dataclass(frozen=True, slots=True)
class LandedCostProblem:
    """What landed cost is asked for: one SKU, a quantity, a marketplace, a route."""

    sku: str
    """SKU id."""
    hs_code: str
    """HS code (6 digits, or a national 8-10 digit code for an exact duty)."""
    quantity: int
    """Units in the consignment (a parcel's units, or a transfer's)."""
    unit_cost: Money
    """Product cost per unit (the customs transaction value basis)."""
    freight_per_unit: Money
    """International freight per unit (the lane cost share)."""
    insurance_per_unit: Money
    """Insurance per unit."""
    destination: Marketplace
    """The marketplace (its VAT rate, de minimis and currency apply)."""
    kind: str = "transfer"
    """``transfer`` (B2B, VAT usually recoverable) or ``parcel`` (B2C)."""
    vat_recoverable: bool = True
    """True when the importer reclaims import VAT (VAT-registered B2B import)."""
    user_duty_rate: Decimal | None = None
    """Duty rate (fraction) used when the tariff data does not cover the code."""
    additional_duty_rate: Decimal = Decimal(0)
    """Extra ad valorem duty (e.g. US Section 301), as a fraction."""
    route: str = ""
    """Lane id the freight share comes from (for the breakdown)."""
    parcel_hs_codes: tuple[str, ...] = ()
    """HS codes of every line in the parcel, this SKU's included, when the
    parcel holds other SKUs too (empty: this SKU alone). Per-item-category
    duties count their distinct 6-digit subheadings; per-shipment fees are
    shared equally by the lines."""
    parcel_value: Money | None = None
    """Intrinsic value of the whole parcel when it holds other SKUs (None: this
    SKU's product cost); value thresholds (de minimis, EUR 150, entry type) use it."""


@dataclass(frozen=True, slots=True)
class CostLine:
    """One component of the landed cost."""

    name: str
    """Component (``product``, ``freight``, ``duty``, ``import VAT`` ...)."""
    amount: Money
    """Amount for the whole consignment, in the marketplace currency."""
    basis: str
    """How it was computed (base and rate)."""
    source: str
    """Where the rate or amount comes from."""


@dataclass(frozen=True, slots=True)
class LandedCost:
    """The landed cost and its breakdown."""

    sku: str
    """SKU id."""
    destination: str
    """Marketplace id."""
    quantity: int
    """Units the amounts are for."""
    lines: tuple[CostLine, ...]
    """Components, in order."""
    total: Money
    """Sum of the components (import VAT left out when recoverable)."""
    per_unit: Money
    """``total / quantity``."""
    notes: tuple[str, ...] = ()
    """Caveats a planner should read."""
    fx: tuple[FxRate, ...] = field(default_factory=tuple)
    """Exchange rates used."""

    def summary(self) -> str:
        """Return the breakdown as text (what the CLI prints)."""
        rows = [f"landed cost of {self.quantity} x {self.sku} in {self.destination}"]
        rows += [
            f"  {ln.name:<22} {ln.amount.amount:>12} {ln.amount.currency}  {ln.basis}"
            for ln in self.lines
        ]
        rows.append(f"  {'total':<22} {self.total.amount:>12} {self.total.currency}")
        rows.append(
            f"  {'per unit':<22} {self.per_unit.amount:>12} {self.per_unit.currency}"
        )
        rows += [f"  note: {n}" for n in self.notes]
        rows += [
            f"  fx: 1 {r.base} = {r.rate} {r.quote} ({r.source}, {r.date})"
            for r in self.fx
        ]
        return "\n".join(rows)

    def to_dict(self) -> dict[str, object]:
        """Return plain data (for JSON and the API)."""
        return {
            "sku": self.sku,
            "destination": self.destination,
            "quantity": self.quantity,
            "currency": self.total.currency,
            "lines": [
                {
                    "name": ln.name,
                    "amount": str(ln.amount.amount),
                    "basis": ln.basis,
                    "source": ln.source,
                }
                for ln in self.lines
            ],
            "total": str(self.total.amount),
            "per_unit": str(self.per_unit.amount),
            "notes": list(self.notes),
            "fx": [
                {
                    "base": r.base,
                    "quote": r.quote,
                    "rate": str(r.rate),
                    "source": r.source,
                    "date": r.date.isoformat(),
                }
                for r in self.fx
            ],
        }
