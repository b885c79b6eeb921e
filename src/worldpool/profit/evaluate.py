"""One SKU in one market by one mode: freight lane, advised price, explained margin.

The pipeline every command shares: pick the freight lane from the origin hub
(a parcel lane when fulfilling from origin, else the cheapest lane to one of
the market's FCs, sea first), resolve the price-independent costs once, find
the profit-maximising price on the vectorised margin, and explain the unit
economics at that price (or at the seller's own price when given).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import numpy as np

from worldpool.catalog import Catalog
from worldpool.catalog.fx import FxTable
from worldpool.catalog.rates import RateTable
from worldpool.customs.rules import CustomsRules
from worldpool.domain.money import Money
from worldpool.domain.network import Lane, Mode
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError
from worldpool.profit._problem import MODES, EconomicsProblem
from worldpool.profit._problem import Mode as FulfilmentMode
from worldpool.profit._resolve import Resolved, resolve
from worldpool.profit.bulk import Floats, contribution, cost_table
from worldpool.profit.economics import UnitEconomics, explain
from worldpool.profit.fees import FeeBook
from worldpool.profit.history import MarketSales
from worldpool.profit.price import (
    ElasticityFit,
    PriceAdvice,
    PriceBounds,
    combine,
    fit_elasticity,
    optimal_price,
)

__all__ = [
    "KEYSTONE",
    "MODES",
    "Evaluation",
    "ProfitInputs",
    "evaluate",
    "freight_lane",
    "reference_price",
]

KEYSTONE = Decimal(4)
"""Reference shelf price without sales or a competitor band: this multiple of the
unit cost (editable default; cross-border sellers price at 3-5x product cost)."""


@dataclass(frozen=True, slots=True)
class ProfitInputs:
    """Reference data an evaluation reads (all in force on ``as_of``)."""

    catalog: Catalog
    """Marketplaces, nodes and lanes."""
    book: FeeBook
    """Fees, extra duties, incentives, elasticities, returns."""
    rules: CustomsRules
    """Customs rules (valuation, customs fees, restrictions)."""
    fx: FxTable
    """Exchange rates (with USD crosses)."""
    hub: str
    """Origin hub the goods leave from."""
    origin: str
    """ISO country of origin of the goods."""
    as_of: date
    """The day."""
    language: str = "en"
    """Language of explanations."""
    rates: RateTable | None = None
    """The planner's rate table (``catalog/data/rates.csv``): per-consignment fixed
    costs and warehouse receiving of stocked modes. None: not counted."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The advised price of one SKU x market x mode and its unit economics."""

    market: str
    """Marketplace id."""
    mode: FulfilmentMode
    """Fulfilment mode."""
    lane: Lane
    """Freight lane used."""
    advice: PriceAdvice
    """The advised price and expected units."""
    economics: UnitEconomics
    """Unit economics at the advised price (or the seller's own price)."""
    resolved: Resolved
    """The price-independent side (for repricing)."""


def freight_lane(
    catalog: Catalog, hub: str, market: str, mode: FulfilmentMode
) -> Lane | None:
    """Return the lane that prices freight for a mode, or None when there is none.

    Args:
        catalog: The catalog.
        hub: Origin hub id.
        market: Marketplace id.
        mode: ``origin`` uses the parcel lane; stocked modes the cheapest-per-m3
            lane to one of the market's FCs, sea preferred.
    """
    if mode == "origin":
        return catalog.parcel_lane(hub, market)
    lanes = [
        lane
        for fc in catalog.fcs_for(market)
        for lane in catalog.lanes_between(hub, fc.id)
    ]
    return min(
        lanes,
        key=lambda ln: (
            ln.mode is not Mode.SEA,
            ln.cost(Decimal(0), Decimal(1)),
            ln.id,
        ),
        default=None,
    )


def _fit(
    inputs: ProfitInputs, sku: SkuRecord, sales: MarketSales | None
) -> ElasticityFit:
    row = inputs.book.elasticity(sku.category)
    prior = ElasticityFit(
        float(row.elasticity),
        float(row.std_error),
        0,
        math.nan,
        f"{row.id}: {row.source}",
    )
    fitted = None
    if sales is not None:
        fitted = fit_elasticity(sales.daily_prices, sales.daily_units)
    return combine(fitted, prior)


def reference_price(
    inputs: ProfitInputs,
    sku: SkuRecord,
    currency: str,
    sales: MarketSales | None = None,
    bounds: PriceBounds | None = None,
) -> float:
    """Return the price demand is anchored at in a market (same for every mode).

    The SKU's median price there when it sold, else the middle of the
    competitor band when given, else :data:`KEYSTONE` x its unit cost.

    Args:
        inputs: FX and the rest.
        sku: The SKU.
        currency: The market currency.
        sales: The SKU's sales in the market.
        bounds: The seller's competitor band.
    """
    if sales is not None:
        local = inputs.fx.convert(Money(sales.median_price, sales.currency), currency)
        if local is not None:
            return float(local.amount)
    if bounds is not None and bounds.band_low > 0 and math.isfinite(bounds.band_high):
        return (bounds.band_low + bounds.band_high) / 2
    cost = inputs.fx.convert(Money(sku.unit_cost * KEYSTONE, sku.currency), currency)
    if cost is None:
        raise InputError(
            f"no FX rate {sku.currency}->{currency}",
            record="fx",
            field=f"{sku.currency}/{currency}",
        )
    return max(float(cost.amount), 0.01)


def _problem(
    inputs: ProfitInputs,
    sku: SkuRecord,
    market: str,
    mode: FulfilmentMode,
    channel: str,
    new_seller: bool,
) -> tuple[EconomicsProblem, Lane]:
    lane = freight_lane(inputs.catalog, inputs.hub, market, mode)
    if lane is None:
        raise InputError(
            f"no {mode} lane from {inputs.hub} to {market}",
            record=sku.sku,
            field="mode",
            value=mode,
        )
    units = 1 if lane.mode is Mode.PARCEL else 100
    freight = lane.cost(sku.unit_weight_kg * units, sku.unit_volume_m3 * units) / units
    shipment, handling, source = _inbound(inputs.rates, lane, market, mode)
    problem = EconomicsProblem(
        sku,
        inputs.catalog.marketplace(market),
        Money(freight, lane.currency),
        mode=mode,
        channel=channel,
        origin=inputs.origin,
        lane=lane.id,
        batch_units=units,
        month=inputs.as_of.month,
        new_seller=new_seller,
        shipment_fixed=shipment,
        handling_per_unit=handling,
        inbound_source=source,
    )
    return problem, lane


def _inbound(
    rates: RateTable | None, lane: Lane, market: str, mode: FulfilmentMode
) -> tuple[Money | None, Money | None, str]:
    """Return the inbound cost fields of a stocked mode from the rate table.

    The consignment's fixed cost of the lane's mode (sea/air) and receiving per
    unit at a warehouse (``fc`` rows), the figures the planner's simulation
    charges; origin parcels and lanes of other modes pay neither (their lane
    prices them).
    """
    if rates is None or mode == "origin" or lane.mode not in (Mode.SEA, Mode.AIR):
        return None, None, ""
    fixed = rates.row("shipment", market, mode=lane.mode.value)
    handling = rates.row("handling", market, node_kind="fc")
    return (
        Money(Decimal(str(fixed.rate)), fixed.currency),
        Money(Decimal(str(handling.rate)), handling.currency),
        f"rates.csv {fixed.id}: {fixed.source}; {handling.id}: {handling.source}",
    )


def _capped(
    inputs: ProfitInputs, p: EconomicsProblem, bounds: PriceBounds | None
) -> PriceBounds | None:
    """Return ``bounds`` with the channel's low-price cap (Amazon Haul) as ceiling."""
    keys = (p.market.id, p.market.customs_zone)
    caps = inputs.book.incentives_for(p.channel, keys, "low_price_cap")
    limits = [
        inputs.fx.convert(Money(c.cap, c.currency), p.market.currency)
        for c in caps
        if c.cap > 0
    ]
    values = [float(m.amount) for m in limits if m is not None]
    if not values:
        return bounds
    b = bounds or PriceBounds()
    return replace(b, ceiling=min(b.ceiling, *values))


def evaluate(
    inputs: ProfitInputs,
    sku: SkuRecord,
    market: str,
    mode: FulfilmentMode,
    *,
    channel: str = "amazon",
    sales: MarketSales | None = None,
    monthly_units: float = 1.0,
    bounds: PriceBounds | None = None,
    price: Decimal | None = None,
    new_seller: bool = False,
    quantity: int = 1,
) -> Evaluation:
    """Return the advised price and unit economics of a SKU in a market by a mode.

    Args:
        inputs: Catalog, fee book, customs rules, FX, hub.
        sku: The SKU.
        market: Marketplace id.
        mode: Fulfilment mode.
        channel: Sales channel whose fees apply.
        sales: The SKU's own sales there (fit and reference), if any.
        monthly_units: Expected units per month at the reference price when
            there are no sales (demand estimate).
        bounds: Floor, ceiling and competitor band, market currency.
        price: The seller's price to explain instead of the advised one.
        new_seller: Apply new-seller rebates and launch fee cuts.
        quantity: Units per order (B2B quantity discounts).

    Raises:
        InputError: no lane serves the mode, or a fee row or FX rate is missing.
    """
    problem, lane = _problem(inputs, sku, market, mode, channel, new_seller)
    problem = replace(problem, quantity=quantity)
    r = resolve(problem, inputs.book, inputs.rules, inputs.fx)
    table = cost_table([r])

    def margin(prices: Floats) -> Floats:
        """Return the contribution per unit at ``prices`` (market currency)."""
        return contribution(table, np.zeros(len(prices), dtype=np.intp), prices)

    bounds = _capped(inputs, problem, bounds)
    reference = reference_price(inputs, sku, r.currency, sales, bounds)
    reference = min(reference, (bounds or PriceBounds()).ceiling)
    q0 = sales.units_per_month if sales is not None else monthly_units
    advice = optimal_price(margin, _fit(inputs, sku, sales), reference, q0, bounds)
    shown = Decimal(str(advice.price)) if price is None else price
    economics = explain(
        r, Money(shown.quantize(Decimal("0.01")), r.currency), inputs.language
    )
    return Evaluation(market, mode, lane, advice, economics, r)
