"""Quotes: every service that can carry a shipment, priced, timed and with its CO2e.

For a shipment (pieces of known weight and volume) from an origin hub to a
destination (an FC, or a marketplace for parcel services), each rate card in
force is priced (:func:`~worldpool.logistics.ratecard.price_service`), timed with
the catalog lane of its mode (P50/P90 days) and given its GLEC CO2e. The landed
freight cost adds the cost of capital tied up in transit (goods value x annual
rate x P50 days / 365), so a slow cheap service and a fast dear one compare on
one figure. Duties and VAT do not change between services to one destination;
the customs capability computes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from worldpool.catalog import Catalog
from worldpool.domain.network import Mode
from worldpool.errors import UnknownReference
from worldpool.logistics.emissions import co2e_kg
from worldpool.logistics.ratecard import (
    Piece,
    Price,
    RateRow,
    Surcharge,
    price_service,
    services_of,
)

__all__ = ["Quote", "QuoteRequest", "destination_country", "quote"]

Convert = Callable[[Decimal, str], Decimal | None]
"""Convert an amount from a currency into the quote's currency (None: no rate)."""


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """A shipment to quote."""

    origin: str
    """Origin hub id."""
    destination: str
    """Destination FC id, or a marketplace id (parcel services to shoppers)."""
    pieces: tuple[Piece, ...]
    """Cartons or parcels."""
    ship_date: date
    """Handover day (surcharges are dated)."""
    goods_value: Decimal = Decimal(0)
    """Value of the goods, in ``currency`` (for the carrying cost)."""
    currency: str = "USD"
    """ISO 4217 code of every figure in the answer."""
    carrying_rate: Decimal = Decimal("0.15")
    """Annual cost of capital on goods in transit, a share per year."""


@dataclass(frozen=True, slots=True)
class Quote:
    """One service's offer for the shipment."""

    service: str
    """Service id."""
    carrier: str
    """Carrier."""
    mode: str
    """Lane mode."""
    price: Price
    """Freight and surcharges in the tariff's currency."""
    freight: Decimal
    """Freight + surcharges, in the request's currency."""
    carrying_cost: Decimal
    """Cost of capital in transit over the P50, in the request's currency."""
    p50_days: float
    """Median door-to-destination transit, in days."""
    p90_days: float
    """90th percentile transit, in days."""
    co2e_kg: float
    """Well-to-wheel CO2e (GLEC defaults), in kg."""
    currency: str
    """ISO 4217 code of ``freight``, ``carrying_cost``, ``landed_cost``."""

    @property
    def landed_cost(self) -> Decimal:
        """Freight + surcharges + carrying cost, in ``currency``."""
        return self.freight + self.carrying_cost

    def to_dict(self) -> dict[str, object]:
        """Return the plain-data form the CLI's JSON and the API answer with."""
        return {
            "service": self.service,
            "carrier": self.carrier,
            "mode": self.mode,
            "chargeable": str(self.price.chargeable),
            "unit": self.price.unit,
            "freight": str(self.freight),
            "carrying_cost": str(self.carrying_cost),
            "landed_cost": str(self.landed_cost),
            "currency": self.currency,
            "p50_days": self.p50_days,
            "p90_days": self.p90_days,
            "co2e_kg": self.co2e_kg,
            "source": self.price.source,
        }


def destination_country(catalog: Catalog, destination: str) -> str:
    """Return the ISO country of an FC id or a marketplace id.

    Raises:
        UnknownReference: neither a node nor a marketplace.
    """
    if destination in catalog.nodes:
        return catalog.node(destination).country
    if destination in catalog.marketplaces:
        return catalog.marketplace(destination).country
    raise UnknownReference("unknown destination", record="quote", value=destination)


def _transit(
    catalog: Catalog, origin: str, dest: str, mode: str
) -> tuple[float, float]:
    lanes = catalog.lanes_between(origin, dest, Mode(mode))
    if not lanes:
        raise UnknownReference(
            "no lane for this service", record="rate card", value=f"{origin}>{dest}"
        )
    fastest = min(lanes, key=lambda lane: lane.transit.p50_days)
    return fastest.transit.p50_days, fastest.transit.p90_days


def _quote_one(
    req: QuoteRequest,
    catalog: Catalog,
    rows: tuple[RateRow, ...],
    surcharges: Iterable[Surcharge],
    convert: Convert,
) -> Quote | None:
    price = price_service(rows, list(req.pieces), surcharges, req.ship_date)
    if price is None:
        return None
    freight = convert(price.total, price.currency)
    if freight is None:
        return None
    p50, p90 = _transit(catalog, req.origin, req.destination, price.mode)
    weight = sum((p.weight_kg for p in req.pieces), Decimal(0))
    co2 = co2e_kg(
        price.mode,
        weight,
        catalog.node(req.origin).country,
        destination_country(catalog, req.destination),
    )
    carrying = req.goods_value * req.carrying_rate * Decimal(str(p50)) / 365
    return Quote(
        price.service,
        price.carrier,
        price.mode,
        price,
        freight.quantize(Decimal("0.01")),
        carrying.quantize(Decimal("0.01")),
        p50,
        p90,
        round(co2, 2),
        req.currency,
    )


def quote(
    req: QuoteRequest,
    catalog: Catalog,
    rows: Iterable[RateRow],
    surcharges: Iterable[Surcharge] = (),
    convert: Convert | None = None,
) -> tuple[Quote, ...]:
    """Return every service able to carry ``req``, cheapest landed cost first.

    Ties on cost go to the faster P50. Services whose tariff cannot take a piece
    (too heavy for a parcel band) or whose currency cannot be converted are left
    out.

    Args:
        req: The shipment.
        catalog: Nodes, marketplaces and lanes (transit P50/P90).
        rows: Rate-card rows (packaged, or a seller's contracted rates).
        surcharges: Dated fuel/peak surcharges.
        convert: Currency conversion into ``req.currency``; default identity
            (tariffs in another currency are then left out).
    """
    catalog.node(req.origin)
    destination_country(catalog, req.destination)

    def same(amount: Decimal, currency: str) -> Decimal | None:
        """Return ``amount`` when already in the request's currency, else None."""
        return amount if currency == req.currency else None

    conv = convert or same
    charges = tuple(surcharges)
    found = services_of(rows, req.origin, req.destination, req.ship_date)
    quotes = [
        q
        for svc in sorted(found)
        if (q := _quote_one(req, catalog, found[svc], charges, conv)) is not None
    ]
    return tuple(sorted(quotes, key=lambda q: (q.landed_cost, q.p50_days, q.service)))
