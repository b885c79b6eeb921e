"""Routing parameters, candidate sources and their costs (pure).

A candidate is a node that could ship an order to its marketplace: a local FC,
an FC elsewhere in the same customs zone (e.g. the EU), or an origin hub with a
fulfil-from-origin (FFO) parcel lane. Costs are in USD; amounts in other
currencies are converted with the dated FX table (``RoutingParams.fx``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from worldpool.catalog import Catalog
from worldpool.catalog.fx import FxTable, packaged_fx
from worldpool.domain.network import Lane, Node
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError
from worldpool.orders.eligibility import origin_block_for
from worldpool.orders.order import ServiceLevel

__all__ = [
    "Candidate",
    "RoutingParams",
    "SourceKind",
    "candidates",
    "ffo_block",
    "to_usd",
]

_PROMISE = {
    ServiceLevel.NEXT_DAY: 2,
    ServiceLevel.EXPEDITED: 4,
    ServiceLevel.STANDARD: 15,
    ServiceLevel.ECONOMY: 25,
}


class SourceKind(StrEnum):
    """Where a line is served from."""

    LOCAL_FC = "local_fc"
    """An FC serving the order's marketplace."""
    ZONE_FC = "zone_fc"
    """An FC in another country of the same customs zone (no customs)."""
    ORIGIN = "origin"
    """Fulfil-from-origin: a parcel from the origin hub across the border."""
    BACKORDER = "backorder"
    """No node can serve it now."""


@dataclass(frozen=True, slots=True)
class RoutingParams:
    """Settings of the routing decision (editable defaults, USD)."""

    split: bool = False
    """Allow one order to ship from several nodes."""
    pick_pack: Decimal = Decimal("2.50")
    """Pick and pack cost per shipment, in USD."""
    local_parcel: Decimal = Decimal("4.00")
    """Domestic last-mile cost per parcel, in USD."""
    local_per_kg: Decimal = Decimal("1.00")
    """Domestic last-mile cost per kg, in USD/kg."""
    zone_parcel: Decimal = Decimal("7.00")
    """Intra-zone cross-border parcel cost per parcel, in USD."""
    zone_per_kg: Decimal = Decimal("2.00")
    """Intra-zone cross-border parcel cost per kg, in USD/kg."""
    zone_extra_days: float = 2.0
    """Extra transit of an intra-zone parcel over a local one, in days."""
    clearance_fee: Decimal = Decimal("1.50")
    """Customs clearance fee per FFO parcel, in USD."""
    duty_rate: Decimal = Decimal("0.05")
    """Duty collected at the border on FFO value above the duty de minimis."""
    ffo_max_value_usd: Decimal = Decimal("800")
    """Highest order value an FFO parcel may carry, in USD."""
    ffo_max_weight_kg: Decimal = Decimal("30")
    """Heaviest FFO parcel, in kg."""
    day_cost: Decimal = Decimal("0.20")
    """Conversion cost of each P50 day of delivery, in USD/day."""
    late_cost: Decimal = Decimal("1.50")
    """Penalty per day the P90 exceeds the promise, in USD/day."""
    promise_days: Mapping[ServiceLevel, int] = field(
        default_factory=lambda: MappingProxyType(dict(_PROMISE))
    )
    """Days promised per service level; a source whose P50 exceeds it is too slow."""
    fx: FxTable = field(default_factory=packaged_fx, repr=False)
    """Dated exchange rates (pass ``ctx.fx``; default the packaged table)."""

    def __post_init__(self) -> None:
        for name in ("pick_pack", "local_parcel", "zone_parcel", "day_cost"):
            if getattr(self, name) < 0:
                raise InputError(
                    "must not be negative", record="RoutingParams", field=name
                )
        if self.zone_extra_days < 0:
            raise InputError(
                "must not be negative", record="RoutingParams", field="zone_extra_days"
            )


def to_usd(amount: Decimal, currency: str, params: RoutingParams) -> Decimal:
    """Return ``amount`` of ``currency`` in USD.

    Args:
        amount: The amount, in ``currency``.
        currency: ISO 4217 code of ``amount``.
        params: Routing settings holding the FX table (latest rate in force).

    Raises:
        InputError: when ``currency`` has no rate in ``params.fx``.
    """
    rate = params.fx.rate(currency, "USD")
    if rate is None:
        raise InputError(
            "no FX rate for currency", record="order", field="currency", value=currency
        )
    return amount * rate.rate


@dataclass(frozen=True, slots=True)
class Candidate:
    """A node that could ship to the order's marketplace."""

    node: str
    """Node id."""
    kind: SourceKind
    """Local FC, same-zone FC or origin hub."""
    p50_days: float
    """Median delivery time to the shopper, in days."""
    p90_days: float
    """90th percentile delivery time, in days."""
    lane: Lane | None = None
    """FFO parcel lane (origin only)."""

    def ship_cost(
        self, weight_kg: Decimal, volume_m3: Decimal, params: RoutingParams
    ) -> Decimal:
        """Return pick/pack plus transport of one parcel, in USD."""
        if self.kind is SourceKind.LOCAL_FC:
            return (
                params.pick_pack + params.local_parcel + params.local_per_kg * weight_kg
            )
        if self.kind is SourceKind.ZONE_FC:
            return (
                params.pick_pack + params.zone_parcel + params.zone_per_kg * weight_kg
            )
        assert self.lane is not None  # origin candidates always carry their lane
        lane_cost = to_usd(
            self.lane.cost(weight_kg, volume_m3), self.lane.currency, params
        )
        return params.pick_pack + lane_cost + params.clearance_fee

    def label(self) -> str:
        """Return how the source reads in a sentence."""
        if self.kind is SourceKind.ORIGIN:
            return f"FFO from {self.node}"
        if self.kind is SourceKind.ZONE_FC:
            return f"same-zone {self.node}"
        return self.node


_CACHE: dict[tuple[int, int, str], tuple[Catalog, RoutingParams, list[Candidate]]] = {}


def candidates(catalog: Catalog, market: str, params: RoutingParams) -> list[Candidate]:
    """Return every source for ``market``: local FCs, same-zone FCs, origin hubs.

    The list depends only on the (immutable) catalog and parameters, so it is
    computed once per marketplace and reused; callers must not mutate it.
    """
    key = (id(catalog), id(params), market)
    hit = _CACHE.get(key)
    # The objects are kept in the entry, so their ids cannot be reused meanwhile.
    if hit is not None and hit[0] is catalog and hit[1] is params:
        return hit[2]
    found = _candidates(catalog, market, params)
    if len(_CACHE) > 1024:
        _CACHE.clear()
    _CACHE[key] = (catalog, params, found)
    return found


def _candidates(
    catalog: Catalog, market: str, params: RoutingParams
) -> list[Candidate]:
    zone = catalog.marketplace(market).customs_zone
    local = catalog.fcs_for(market)
    out = [
        Candidate(
            fc.id, SourceKind.LOCAL_FC, fc.delivery_p50_days, fc.delivery_p90_days
        )
        for fc in local
    ]
    for node in catalog.nodes.values():
        if (
            node in local
            or not node.markets
            or not _in_zone(catalog, node, zone, market)
        ):
            continue
        extra = params.zone_extra_days
        out.append(
            Candidate(
                node.id,
                SourceKind.ZONE_FC,
                node.delivery_p50_days + extra,
                node.delivery_p90_days + extra,
            )
        )
    for hub in catalog.hubs():
        lane = catalog.parcel_lane(hub.id, market)
        if lane is not None:
            out.append(
                Candidate(
                    hub.id,
                    SourceKind.ORIGIN,
                    lane.transit.p50_days,
                    lane.transit.p90_days,
                    lane,
                )
            )
    return sorted(out, key=lambda c: (list(SourceKind).index(c.kind), c.node))


def _in_zone(catalog: Catalog, node: Node, zone: str, market: str) -> bool:
    # A zone made of one country is that country itself: no other FC is "in zone".
    return any(
        m != market
        and m in catalog.marketplaces
        and catalog.marketplaces[m].customs_zone == zone
        and catalog.marketplaces[m].country != catalog.marketplaces[market].country
        for m in node.markets
    )


def ffo_block(sku: SkuRecord, market: str) -> str | None:
    """Return why ``sku`` may not ship from origin to ``market``, or None if it may.

    The one rule of :func:`worldpool.orders.eligibility.origin_block`.
    """
    return origin_block_for(sku, market)
