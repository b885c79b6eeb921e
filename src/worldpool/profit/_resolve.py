"""Resolve the price-independent side of unit economics from the fee book.

Everything that does not depend on the selling price is looked up once per
SKU x market x fulfilment mode: fulfilment fee, storage, landed cost (duty,
additional duties, customs fees), referral tiers, VAT, returns, incentives.
:mod:`worldpool.profit.economics` turns it into explained Decimal lines and
:mod:`worldpool.profit.bulk` into float arrays for many prices at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from worldpool.catalog.fx import FxRate, FxTable
from worldpool.customs.landed import LandedCost, LandedCostProblem, landed_cost
from worldpool.customs.rules import CustomsRules
from worldpool.domain.money import Money
from worldpool.errors import InputError
from worldpool.profit._problem import EconomicsProblem
from worldpool.profit._records import (
    AdditionalDuty,
    FulfilmentFee,
    Incentive,
    ReferralFee,
    ReturnRate,
    StorageFee,
)
from worldpool.profit.fees import FeeBook

__all__ = ["Resolved", "complete_fx", "dim_weight_kg", "resolve"]

TAX_ON_TOP = frozenset({"US", "CA"})
"""Countries whose shelf prices exclude sales tax/GST (added at checkout); every
other market with a VAT/GST rate shows VAT-inclusive prices."""
DIM_CM3_PER_KG = Decimal(5000)
"""Volumetric divisor of a unit's shipping weight (139 in3/lb ~ 5,000 cm3/kg)."""
_PROGRAMME = {"amazon": "FBA", "amazon_haul": "FBA", "walmart": "WFS"}


def dim_weight_kg(weight_kg: Decimal, volume_m3: Decimal) -> Decimal:
    """Return the shipping weight of a unit: actual or volumetric, the larger, kg."""
    return max(weight_kg, volume_m3 * Decimal(1_000_000) / DIM_CM3_PER_KG)


@dataclass(slots=True)
class Resolved:
    """The price-independent facts of one SKU x market x mode, in market currency."""

    problem: EconomicsProblem
    currency: str
    vat_rate: Decimal
    referral: tuple[ReferralFee, ...]
    referral_fx: Decimal
    referral_cut: Incentive | None
    b2b: Incentive | None
    rebate: Incentive | None
    fulfilment: FulfilmentFee | None
    fulfilment_amount: Decimal
    storage: tuple[StorageFee, ...]
    storage_amount: Decimal
    landed: LandedCost
    duties: tuple[AdditionalDuty, ...]
    returns: ReturnRate
    return_fee: Decimal
    fx: dict[tuple[str, str], FxRate] = field(default_factory=dict)
    inbound_amount: Decimal = Decimal(0)
    """Inbound consignment share + receiving per unit, market currency."""

    @property
    def landed_amount(self) -> Decimal:
        """Landed cost per unit (product, freight, duty, fees), market currency."""
        return self.landed.per_unit.amount


def _cross(fx: FxTable, base: str, quote: str) -> FxRate | None:
    """Return base->quote through USD when the table has no direct pair."""
    first, second = fx.rate(base, "USD"), fx.rate("USD", quote)
    if first is None or second is None:
        return None
    return FxRate(
        base,
        quote,
        first.rate * second.rate,
        f"cross via USD: {first.source}; {second.source}",
        min(first.date, second.date),
    )


def complete_fx(fx: FxTable) -> FxTable:
    """Return ``fx`` with every missing pair of its currencies crossed through USD.

    The packaged table quotes each currency against USD; customs fees in EUR on
    a PLN marketplace need EUR->PLN.

    Args:
        fx: The table (its own pairs are kept as they are).
    """
    # The dated FX table crosses a missing pair through USD itself.
    return fx


def _convert(
    fx: FxTable, used: dict[tuple[str, str], FxRate], money: Money, to: str
) -> Decimal:
    rate = fx.rate(money.currency, to)
    if rate is None:
        rate = _cross(fx, money.currency, to)
    if rate is None:
        raise InputError(
            f"no FX rate {money.currency}->{to}",
            record="fx",
            field=f"{money.currency}/{to}",
        )
    if rate.base != rate.quote:
        used[(rate.base, rate.quote)] = rate
    return money.amount * rate.rate


def _programme(p: EconomicsProblem) -> str:
    if p.mode == "origin":
        return "origin"
    return "3PL" if p.mode == "3pl" else _PROGRAMME.get(p.channel, "3PL")


def _keys(p: EconomicsProblem) -> tuple[str, str]:
    return (p.market.id, p.market.customs_zone)


def _landed(
    p: EconomicsProblem, book: FeeBook, rules: CustomsRules, fx: FxTable
) -> tuple[LandedCost, tuple[AdditionalDuty, ...]]:
    code = p.sku.hs_code or ""
    duties = book.additional_duties(_keys(p), p.origin, code) if code else ()
    parcel = p.mode == "origin"
    problem = LandedCostProblem(
        sku=p.sku.sku,
        hs_code=code or "000000",
        quantity=1 if parcel else p.batch_units,
        unit_cost=Money(p.sku.unit_cost, p.sku.currency),
        freight_per_unit=p.freight_per_unit,
        insurance_per_unit=Money(Decimal(0), p.sku.currency),
        destination=p.market,
        kind="parcel" if parcel else "transfer",
        # Import VAT is either reclaimed (B2B transfer) or is the VAT the
        # shopper pays at checkout (IOSS-style parcel): the output VAT line
        # carries it, so it never counts twice.
        vat_recoverable=True,
        user_duty_rate=p.duty_rate,
        additional_duty_rate=sum((d.rate for d in duties), Decimal(0)),
        route=p.lane,
    )
    return landed_cost(problem, rules, fx), duties


def _storage(
    p: EconomicsProblem,
    book: FeeBook,
    programme: str,
    fx: FxTable,
    used: dict[tuple[str, str], FxRate],
) -> tuple[tuple[StorageFee, ...], Decimal]:
    monthly, aged = book.storage_rates(programme, _keys(p), p.month, p.stock_age_days)
    rows = tuple(r for r in (monthly, aged) if r is not None)
    total = Decimal(0)
    for row in rows:
        rate = _convert(
            fx, used, Money(row.rate_m3_month, row.currency), p.market.currency
        )
        total += rate * p.sku.unit_volume_m3 * p.months_in_stock
    return rows, total


def _fulfilment(
    p: EconomicsProblem,
    book: FeeBook,
    programme: str,
    fx: FxTable,
    used: dict[tuple[str, str], FxRate],
) -> tuple[FulfilmentFee | None, Decimal]:
    if programme == "origin":
        return None, Decimal(0)
    weight = dim_weight_kg(p.sku.unit_weight_kg, p.sku.unit_volume_m3)
    row = book.fulfilment_fee(programme, _keys(p), weight, p.sku.unit_volume_m3)
    if row is None:
        raise InputError(
            f"no {programme} fee band fits a unit of {weight:.3f} kg in {p.market.id}",
            record=p.sku.sku,
            field="unit_weight_kg",
            value=p.sku.unit_weight_kg,
        )
    extra = max(Decimal(0), weight - row.base_weight_kg) * row.per_kg_above
    amount = _convert(fx, used, Money(row.fee + extra, row.currency), p.market.currency)
    return row, amount


def _inbound(
    p: EconomicsProblem, fx: FxTable, used: dict[tuple[str, str], FxRate]
) -> Decimal:
    """Return the consignment's fixed cost per unit plus receiving, market currency."""
    total = Decimal(0)
    if p.shipment_fixed is not None:
        share = p.shipment_fixed.amount / max(p.batch_units, 1)
        total += _convert(
            fx, used, Money(share, p.shipment_fixed.currency), p.market.currency
        )
    if p.handling_per_unit is not None:
        total += _convert(fx, used, p.handling_per_unit, p.market.currency)
    return total


def _one(rows: tuple[Incentive, ...], p: EconomicsProblem) -> Incentive | None:
    return max(rows, key=lambda i: i.rate, default=None) if p.new_seller else None


def _b2b(book: FeeBook, p: EconomicsProblem) -> Incentive | None:
    tiers = [
        i
        for i in book.incentives_for(p.channel, _keys(p), "b2b_discount")
        if p.quantity >= i.min_qty
    ]
    return max(tiers, key=lambda i: i.min_qty, default=None)


def resolve(
    p: EconomicsProblem, book: FeeBook, rules: CustomsRules, fx: FxTable
) -> Resolved:
    """Return the price-independent side of the unit economics of ``p``.

    Args:
        p: SKU, market, channel, fulfilment mode and freight share.
        book: Fees, duties and incentives in force.
        rules: Customs rules in force (valuation, customs fees).
        fx: Exchange rates into the market currency.

    Raises:
        InputError: no fee band fits, the channel has no fee row for the
            market, or an FX rate is missing.
    """
    used: dict[tuple[str, str], FxRate] = {}
    currency, programme = p.market.currency, _programme(p)
    referral = book.referral_schedule(p.channel, _keys(p), p.sku.category or "")
    if not referral:
        raise InputError(
            f"no {p.channel} fee row for {p.market.id}",
            record=p.sku.sku,
            field="channel",
            value=p.channel,
        )
    referral_fx = _convert(fx, used, Money(Decimal(1), referral[0].currency), currency)
    fulfilment, fulfilment_amount = _fulfilment(p, book, programme, fx, used)
    storage, storage_amount = _storage(p, book, programme, fx, used)
    landed, duties = _landed(p, book, rules, fx)
    returns = book.return_rate(p.sku.category, _keys(p))
    return_fee = _convert(
        fx, used, Money(returns.processing_fee, returns.currency), currency
    )
    used.update({(r.base, r.quote): r for r in landed.fx})
    vat = Decimal(0) if p.market.country in TAX_ON_TOP else p.market.vat_rate
    return Resolved(
        problem=p,
        currency=currency,
        vat_rate=vat,
        referral=referral,
        referral_fx=referral_fx,
        referral_cut=_one(book.incentives_for(p.channel, _keys(p), "referral_cut"), p),
        b2b=_b2b(book, p),
        rebate=_one(book.incentives_for(p.channel, _keys(p), "rebate"), p),
        fulfilment=fulfilment,
        fulfilment_amount=fulfilment_amount,
        storage=storage,
        storage_amount=storage_amount,
        landed=landed,
        duties=duties,
        returns=returns,
        return_fee=return_fee,
        fx=used,
        inbound_amount=_inbound(p, fx, used),
    )
