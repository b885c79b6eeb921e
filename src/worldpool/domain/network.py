"""The physical network: nodes (hubs, fulfilment centres) and the lanes between them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

__all__ = ["Lane", "Mode", "Node", "NodeKind", "TransitTime"]


class NodeKind(StrEnum):
    """What a node is."""

    HUB = "hub"
    """Origin hub warehouse holding the global pool (e.g. Shenzhen)."""
    FC = "fc"
    """Destination-country fulfilment centre."""


class Mode(StrEnum):
    """Transport modes of a lane."""

    SEA = "sea"
    """Ocean freight to an FC (cheap, slow; priced per cbm)."""
    AIR = "air"
    """Air freight to an FC (priced per chargeable kg)."""
    EXPRESS = "express"
    """Express courier to an FC (priced per chargeable kg)."""
    PARCEL = "parcel"
    """Fulfil-from-origin parcel straight to the shopper (per parcel + per kg)."""


@dataclass(frozen=True, slots=True)
class TransitTime:
    """Transit-time distribution of a lane, in days door to door."""

    p50_days: float
    """Median transit time, in days."""
    p90_days: float
    """90th percentile transit time, in days (>= p50)."""

    def __post_init__(self) -> None:
        if not 0 < self.p50_days <= self.p90_days:
            raise ValueError(
                "transit times need 0 < p50 <= p90, "
                f"got {self.p50_days}, {self.p90_days}"
            )

    def lognormal(self) -> tuple[float, float]:
        """Return (mu, sigma) of the log-normal with this P50 and P90 (log-days)."""
        z90 = 1.2815515655446004
        mu = math.log(self.p50_days)
        sigma = (math.log(self.p90_days) - mu) / z90
        return mu, sigma


@dataclass(frozen=True, slots=True)
class Node:
    """A place that holds stock."""

    id: str
    """Node id, e.g. ``CN-SZX`` or ``US-ONT8``."""
    name: str
    """Display name."""
    kind: NodeKind
    """Hub or FC."""
    country: str
    """ISO 3166-1 alpha-2 country of the building."""
    markets: tuple[str, ...]
    """Marketplace ids the node serves locally (empty for a hub)."""
    storage_cost_m3_day: Decimal
    """Storage cost per cubic metre per day, in ``currency``."""
    currency: str
    """ISO 4217 code of the storage cost."""
    capacity_m3: Decimal
    """Usable storage capacity, in cubic metres."""
    source: str
    """Where the figures come from (or ``editable default``)."""
    effective_date: date
    """Date from which the row applies."""
    delivery_p50_days: float = 1.0
    """Median delivery time from this FC to a shopper in its markets, in days."""
    delivery_p90_days: float = 2.0
    """90th percentile delivery time from this FC to a local shopper, in days."""


@dataclass(frozen=True, slots=True)
class Lane:
    """A way to move goods: hub -> FC by a mode, or hub -> shopper (FFO parcel)."""

    id: str
    """Lane id, e.g. ``CN-SZX>US-ONT8:sea``."""
    origin: str
    """Origin node id (a hub)."""
    destination: str
    """Destination node id (FC) or, for ``PARCEL`` lanes, a marketplace id."""
    mode: Mode
    """Transport mode."""
    transit: TransitTime
    """Door-to-door transit time distribution."""
    cost_per_kg: Decimal
    """Cost per chargeable kg, in ``currency`` (0 when not priced by weight)."""
    cost_per_m3: Decimal
    """Cost per cubic metre, in ``currency`` (0 when not priced by volume)."""
    cost_per_parcel: Decimal
    """Fixed cost per parcel/shipment, in ``currency``."""
    dim_divisor: int
    """Dimensional-weight divisor in cm³/kg (e.g. 5000 air, 6000 express); 0 = none."""
    currency: str
    """ISO 4217 code of the costs."""
    source: str
    """Where the figures come from (or ``editable default``)."""
    effective_date: date
    """Date from which the row applies."""

    def chargeable_kg(self, weight_kg: Decimal, volume_m3: Decimal) -> Decimal:
        """Return the chargeable weight in kg: max(actual, volume / divisor)."""
        if self.dim_divisor <= 0:
            return weight_kg
        dim = volume_m3 * Decimal(1_000_000) / Decimal(self.dim_divisor)
        return max(weight_kg, dim)

    def cost(self, weight_kg: Decimal, volume_m3: Decimal) -> Decimal:
        """Return the lane cost of one shipment of this weight (kg) and volume (m³)."""
        return (
            self.cost_per_parcel
            + self.cost_per_kg * self.chargeable_kg(weight_kg, volume_m3)
            + self.cost_per_m3 * volume_m3
        )
