"""Unit economics: selling price -> fees, landed cost, storage, returns -> margin.

Per unit, in the marketplace currency: the shopper's price, less a B2B
quantity discount, less the VAT/GST it includes (markets with tax-inclusive
prices), is the net revenue; from it go the channel's referral fee (after any
launch fee cut), the fulfilment fee (FBA/WFS/3PL band), storage (monthly,
peak and aged rates over the months a unit waits), the landed cost from
:func:`worldpool.customs.landed.landed_cost` (product, freight, MFN duty,
additional duties by origin, customs fees) and a returns allowance; a
new-seller rebate comes back. What is left is the contribution margin.
Every line says how it was computed and where its figure comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from worldpool.catalog.fx import FxRate, FxTable
from worldpool.customs.rules import CustomsRules
from worldpool.domain.money import Money
from worldpool.errors import InputError
from worldpool.i18n import t
from worldpool.profit._problem import EconomicsProblem
from worldpool.profit._records import ReferralFee
from worldpool.profit._resolve import Resolved, resolve
from worldpool.profit.fees import FeeBook

__all__ = ["EconomicsLine", "UnitEconomics", "referral_fee", "unit_economics"]

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class EconomicsLine:
    """One line of the unit economics (revenue positive, costs negative)."""

    name: str
    """What it is (``net revenue``, ``referral fee`` ...)."""
    amount: Money
    """Signed amount per unit, in the marketplace currency."""
    why: str
    """How it was computed, in the reader's language."""
    source: str
    """Where the rate or figure comes from."""


@dataclass(frozen=True, slots=True)
class UnitEconomics:
    """The unit economics of one SKU x market x channel x mode at one price."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    channel: str
    """Channel id."""
    mode: str
    """Fulfilment mode."""
    price: Money
    """Shopper price per unit (tax-inclusive where the market shows it so)."""
    lines: tuple[EconomicsLine, ...]
    """The lines, revenue first."""
    net_revenue: Money
    """Price less B2B discount and VAT/GST, per unit."""
    contribution: Money
    """Contribution margin per unit (sum of the lines)."""
    margin: Decimal
    """Contribution as a fraction of net revenue."""
    notes: tuple[str, ...] = ()
    """Caveats (from the landed-cost computation and the fee rows)."""
    fx: tuple[FxRate, ...] = field(default_factory=tuple)
    """Exchange rates used."""

    def summary(self) -> str:
        """Return the lines as text (what the CLI prints)."""
        head = f"{self.sku} in {self.market} via {self.channel} ({self.mode})"
        rows = [head, f"  {'price':<18} {self.price.amount:>10} {self.price.currency}"]
        rows += [
            f"  {ln.name:<18} {ln.amount.amount:>10} {ln.amount.currency}  {ln.why}"
            for ln in self.lines
        ]
        rows.append(
            f"  {'contribution':<18} {self.contribution.amount:>10} "
            f"{self.contribution.currency}  ({self.margin:.1%} of net revenue)"
        )
        return "\n".join(rows + [f"  note: {n}" for n in self.notes])

    def to_dict(self) -> dict[str, object]:
        """Return plain data (for JSON and the API); amounts as strings."""
        return {
            "sku": self.sku,
            "market": self.market,
            "channel": self.channel,
            "mode": self.mode,
            "currency": self.price.currency,
            "price": str(self.price.amount),
            "lines": [
                {
                    "name": ln.name,
                    "amount": str(ln.amount.amount),
                    "why": ln.why,
                    "source": ln.source,
                }
                for ln in self.lines
            ],
            "net_revenue": str(self.net_revenue.amount),
            "contribution": str(self.contribution.amount),
            "margin": str(self.margin.quantize(Decimal("0.0001"))),
            "notes": list(self.notes),
            "fx": [
                {
                    "base": r.base,
                    "quote": r.quote,
                    "rate": str(r.rate),
                    "source": r.source,
                }
                for r in self.fx
            ],
        }


def referral_fee(tiers: tuple[ReferralFee, ...], price: Decimal) -> Decimal:
    """Return the referral fee on ``price`` (in the tiers' currency), minimum included.

    ``total`` tiers charge the rate of the first tier whose ``max_price`` covers
    the price on the whole price; ``portion`` tiers charge each rate on the
    part of the price inside its tier (Amazon's jewellery and accessories).

    Args:
        tiers: The schedule, by ascending ``max_price`` (0: open-ended, last).
        price: Total sales price in the tiers' currency.
    """
    fee, lower = Decimal(0), Decimal(0)
    for tier in tiers:
        open_ended = tier.max_price == 0
        if tier.basis == "total":
            if open_ended or price <= tier.max_price:
                fee = price * tier.rate
                break
            continue
        upper = price if open_ended else min(price, tier.max_price)
        fee += tier.rate * max(Decimal(0), upper - lower)
        lower = tier.max_price
    return max(fee, tiers[0].minimum if tiers else Decimal(0))


class _Lines:
    """The explained lines being built for one resolved problem."""

    def __init__(self, r: Resolved, language: str) -> None:
        self.r, self.language, self.lines = r, language, list[EconomicsLine]()

    def add(self, name: str, amount: Decimal, why: str, source: str) -> Decimal:
        """Append a line rounded to the cent; return its amount."""
        cents = amount.quantize(_CENT)
        self.lines.append(
            EconomicsLine(name, Money(cents, self.r.currency), why, source)
        )
        return cents

    def t(self, msgid: str, **params: object) -> str:
        """Return ``msgid`` in the reader's language."""
        return t(msgid, self.language, **params)


def _revenue(w: _Lines, price: Decimal) -> tuple[Decimal, Decimal]:
    r = w.r
    gross = price
    if r.b2b is not None:
        gross = price * (1 - r.b2b.rate)
        w.add(
            "B2B discount",
            gross - price,
            w.t(
                "{rate:.1%} off from {qty} units per order",
                rate=r.b2b.rate,
                qty=r.b2b.min_qty,
            ),
            r.b2b.source,
        )
    vat = gross * r.vat_rate / (1 + r.vat_rate)
    w.add(
        "VAT/GST",
        -vat,
        w.t("{rate:.1%} VAT/GST included in the price", rate=r.vat_rate),
        r.problem.market.source,
    )
    return gross, gross - vat


def _referral(w: _Lines, gross: Decimal) -> Decimal:
    r = w.r
    fee = referral_fee(r.referral, gross / r.referral_fx) * r.referral_fx
    rate = fee / gross if gross else Decimal(0)
    why = w.t(
        "{channel} referral fee: {rate:.1%} of {price} ({category})",
        channel=r.problem.channel,
        rate=rate,
        price=gross.quantize(_CENT),
        category=r.referral[0].category,
    )
    if r.referral_cut is not None:
        floor = r.referral[0].minimum * r.referral_fx
        fee = max(floor, fee - r.referral_cut.rate * gross)
        why += w.t("; launch fee cut of {cut:.1%} points", cut=r.referral_cut.rate)
    return w.add(
        "referral fee", -fee, why, "; ".join(sorted({t_.source for t_ in r.referral}))
    )


def _costs(w: _Lines) -> Decimal:
    r, p = w.r, w.r.problem
    total = Decimal(0)
    if r.fulfilment is not None:
        total += w.add(
            "fulfilment fee",
            -r.fulfilment_amount,
            w.t(
                "{programme} {tier} band",
                programme=r.fulfilment.programme,
                tier=r.fulfilment.tier,
            ),
            r.fulfilment.source,
        )
    if r.storage:
        total += w.add(
            "storage",
            -r.storage_amount,
            w.t(
                "{volume} m3 x {months} months at the {rows} rate",
                volume=p.sku.unit_volume_m3.normalize(),
                months=p.months_in_stock,
                rows=" + ".join(s.kind for s in r.storage),
            ),
            "; ".join(s.source for s in r.storage),
        )
    return total + _inbound(w) + _landed(w)


def _inbound(w: _Lines) -> Decimal:
    r, p = w.r, w.r.problem
    if p.shipment_fixed is None and p.handling_per_unit is None:
        return Decimal(0)
    zero = Money(Decimal(0), r.currency)
    return w.add(
        "inbound handling",
        -r.inbound_amount,
        w.t(
            "{shipment} per consignment over {n} units, {handling} receiving per unit",
            shipment=p.shipment_fixed or zero,
            n=p.batch_units,
            handling=p.handling_per_unit or zero,
        ),
        p.inbound_source,
    )


def _landed(w: _Lines) -> Decimal:
    r = w.r
    landed_why = w.t(
        "product, freight, duty and customs fees per unit; consignment of {n}: {lines}",
        n=r.landed.quantity,
        lines=", ".join(
            f"{ln.name} {ln.amount.amount}"
            for ln in r.landed.lines
            if ln.amount.amount and ln.name != "import VAT/GST"
        ),
    )
    if r.duties:
        landed_why += w.t(
            "; additional duties: {measures}",
            measures=", ".join(f"{d.measure} {d.rate:.1%}" for d in r.duties),
        )
    return w.add(
        "landed cost",
        -r.landed_amount,
        landed_why,
        "; ".join(
            sorted({ln.source for ln in r.landed.lines} | {d.source for d in r.duties})
        ),
    )


def _returns(w: _Lines, net: Decimal) -> Decimal:
    r = w.r
    total = Decimal(0)
    ret = r.returns
    allowance = ret.return_rate * (net * (1 - ret.recovery) + r.return_fee)
    total += w.add(
        "returns allowance",
        -allowance,
        w.t(
            "{rate:.1%} returned, {recovery:.0%} of the price recovered",
            rate=ret.return_rate,
            recovery=ret.recovery,
        ),
        ret.source,
    )
    if r.rebate is not None:
        total += w.add(
            "new-seller rebate",
            net * r.rebate.rate,
            w.t("{rate:.1%} of net sales back for new sellers", rate=r.rebate.rate),
            r.rebate.source,
        )
    return total


def explain(r: Resolved, price: Money, language: str = "en") -> UnitEconomics:
    """Return the explained unit economics of a resolved problem at ``price``.

    Args:
        r: The price-independent side (:func:`worldpool.profit._resolve.resolve`).
        price: Shopper price per unit, in the marketplace currency.
        language: Language of the explanations.
    """
    p = r.problem
    if price.currency != r.currency or price.amount <= 0:
        raise InputError(
            f"must be a positive amount in {r.currency}",
            record=p.sku.sku,
            field="price",
            value=price,
        )
    w = _Lines(r, language)
    gross, net = _revenue(w, price.amount)
    net_cents = net.quantize(_CENT)
    lines_before = len(w.lines)
    total = _referral(w, gross) + _costs(w) + _returns(w, net)
    contribution = (net_cents + total).quantize(_CENT)
    revenue_line = EconomicsLine(
        "net revenue",
        Money(net_cents, r.currency),
        w.t("price less discounts and VAT/GST"),
        "",
    )
    lines = (*w.lines[:lines_before], revenue_line, *w.lines[lines_before:])
    return UnitEconomics(
        sku=p.sku.sku,
        market=p.market.id,
        channel=p.channel,
        mode=p.mode,
        price=price,
        lines=lines,
        net_revenue=Money(net_cents, r.currency),
        contribution=Money(contribution, r.currency),
        margin=contribution / net_cents if net_cents else Decimal(0),
        notes=r.landed.notes,
        fx=tuple(r.fx.values()),
    )


def unit_economics(
    problem: EconomicsProblem,
    price: Money,
    book: FeeBook,
    rules: CustomsRules,
    fx: FxTable,
    language: str = "en",
) -> UnitEconomics:
    """Return the explained unit economics of ``problem`` at ``price``.

    Args:
        problem: SKU, market, channel, fulfilment mode and freight share.
        price: Shopper price per unit, in the marketplace currency.
        book: Fees, duties and incentives in force.
        rules: Customs rules in force.
        fx: Exchange rates into the marketplace currency.
        language: Language of the explanations (``en`` or ``zh-CN``).

    Raises:
        InputError: a non-positive price or one in another currency, a missing
            fee row, fee band or FX rate.
    """
    return explain(resolve(problem, book, rules, fx), price, language)
