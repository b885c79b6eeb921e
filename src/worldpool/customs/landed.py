"""Landed cost of a SKU in a marketplace: product, freight, duty, VAT, fees, FX.

All amounts are converted into the marketplace currency with the explicit FX
table. The duty comes from the packaged tariff where it covers the code,
otherwise from the caller's rate; import VAT/GST is charged on the base the
destination uses (CIF + duty, FOB + duty, with ZA's 10 % uplift ...), and is
left out of the total when the importer can recover it.

A flat duty charged per item category (the EU EUR 3 on low-value parcels from
2026-07-01) counts the distinct 6-digit HS subheadings in the parcel; when the
parcel holds other SKUs, each line carries its share of its category's charge
and of the per-shipment fees, so the lines of one parcel add up to its total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from worldpool.catalog.fx import FxRate, FxTable
from worldpool.customs.landed_records import CostLine, LandedCost, LandedCostProblem
from worldpool.customs.rules import CustomsRules, Fee, Valuation, applies
from worldpool.customs.tariff import DutyRate, duty_rate
from worldpool.domain.market import Marketplace
from worldpool.domain.money import Money
from worldpool.errors import InputError

__all__ = [
    "CostLine",
    "LandedCost",
    "LandedCostProblem",
    "item_categories",
    "landed_cost",
]

_CENT = Decimal("0.01")
_CATEGORY_DIGITS = 6
"""Digits of the tariff subheading that makes an item category (H7: HS 6-digit)."""
_DEFAULT_VALUATION = Valuation(
    "default",
    "CIF",
    "CIF_DUTY",
    Decimal(0),
    "",
    "worldpool default (no valuation row)",
    date.min,
)


@dataclass(slots=True)
class _Work:
    """Running state of one computation (amounts in the marketplace currency)."""

    p: LandedCostProblem
    fx: FxTable
    lines: list[CostLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    used: dict[tuple[str, str], FxRate] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        """The marketplace currency."""
        return self.p.destination.currency

    def to_local(self, money: Money, what: str) -> Decimal:
        """Convert ``money`` into the marketplace currency, noting the rate used."""
        rate = self.fx.rate(money.currency, self.currency)
        if rate is None:
            raise InputError(
                f"no FX rate {money.currency}->{self.currency} for the {what}",
                record="fx",
                field=f"{money.currency}/{self.currency}",
            )
        if rate.base != rate.quote:
            self.used[(rate.base, rate.quote)] = rate
        return money.amount * rate.rate

    def add(self, name: str, amount: Decimal, basis: str, source: str) -> Decimal:
        """Append a rounded component and return its amount."""
        # Components are rounded to the cent so that the breakdown adds up.
        cents = amount.quantize(_CENT)
        self.lines.append(CostLine(name, Money(cents, self.currency), basis, source))
        return cents


def _show(money: Money) -> str:
    return f"{money.amount:.4f} {money.currency}"


def _valuation(rules: CustomsRules, market: Marketplace) -> Valuation:
    return (
        rules.valuations.get(market.id)
        or rules.valuations.get(market.customs_zone)
        or _DEFAULT_VALUATION
    )


def _keys(market: Marketplace) -> tuple[str, str]:
    return (market.id, market.customs_zone)


def _category(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())[:_CATEGORY_DIGITS]


def item_categories(hs_codes: Iterable[str]) -> int:
    """Return how many item categories (distinct 6-digit HS subheadings) a parcel holds.

    Quantity does not count: five T-shirts are one category, a T-shirt and a
    watch two (Council Regulation (EU) 2026/382, EUR 3 per item category).

    Args:
        hs_codes: The HS codes of the parcel's lines (dots and spaces allowed).
    """
    return len({_category(code) for code in hs_codes if _category(code)})


def _parcel_lines(p: LandedCostProblem) -> list[str]:
    lines = [_category(code) for code in p.parcel_hs_codes]
    own = _category(p.hs_code)
    return lines if own in lines else [*lines, own]


def _category_charge(w: _Work, fee: Fee) -> tuple[Decimal, str]:
    """Return this SKU's share of a per-item-category charge and its basis."""
    lines = _parcel_lines(w.p)
    own = _category(w.p.hs_code)
    count, sharing = item_categories(lines), lines.count(own)
    amount = w.to_local(Money(fee.amount, fee.currency), fee.id) / sharing
    basis = (
        f"{fee.amount} {fee.currency} per item category x {count} "
        f"(distinct HS6 in the parcel)"
    )
    if sharing > 1 or count > 1:
        basis += f"; this line's share of HS6 {own}: 1/{sharing}"
    return amount, basis


def _consignment(w: _Work, goods: Decimal) -> Decimal:
    """Return the value thresholds compare with (the parcel's, else the SKU's goods)."""
    value = w.p.parcel_value
    return goods if value is None else w.to_local(value, "parcel value")


def _flat_duty(w: _Work, rules: CustomsRules, value: Decimal) -> Fee | None:
    for fee in rules.fees:
        if (
            fee.replaces_duty
            and applies(fee.destinations, *_keys(w.p.destination))
            and applies(fee.kinds, w.p.kind)
        ):
            limit = w.to_local(Money(fee.max_consignment_value, fee.currency), fee.id)
            if fee.max_consignment_value == 0 or value <= limit:
                return fee
    return None


def _duty(
    w: _Work,
    rules: CustomsRules,
    valuation: Valuation,
    customs_value: Decimal,
    goods: Decimal,
) -> Decimal:
    p, dm = w.p, w.p.destination.duty_de_minimis
    value = _consignment(w, goods)
    if (
        p.kind == "parcel"
        and dm.value > 0
        and value <= w.to_local(Money(dm.value, dm.currency), "duty de minimis")
    ):
        return w.add(
            "duty",
            Decimal(0),
            f"consignment <= duty de minimis {dm.value} {dm.currency}",
            p.destination.source,
        )
    flat = _flat_duty(w, rules, value)
    if flat is not None:
        if flat.kind == "per_item_category":
            amount, basis = _category_charge(w, flat)
        else:
            amount = w.to_local(Money(flat.amount, flat.currency), flat.id)
            basis = f"flat {flat.amount} {flat.currency} {flat.kind}"
        return w.add("duty", amount, basis, flat.source)
    rate = (
        duty_rate(valuation.duty_source, p.hs_code) if valuation.duty_source else None
    )
    if rate is None:
        rate = DutyRate(
            p.user_duty_rate or Decimal(0),
            "user rate" if p.user_duty_rate is not None else "none",
        )
        if p.user_duty_rate is None:
            w.notes.append(
                f"no tariff data for {p.hs_code} in {p.destination.id}: "
                "duty taken as 0; pass a duty rate"
            )
    if rate.note:
        w.notes.append(rate.note)
    total = w.add(
        "duty",
        customs_value * rate.rate,
        f"{rate.rate:.2%} of {valuation.duty_basis} {customs_value:.2f}",
        rate.source,
    )
    if p.additional_duty_rate:
        total += w.add(
            "additional duty",
            customs_value * p.additional_duty_rate,
            f"{p.additional_duty_rate:.2%} of {valuation.duty_basis}",
            "user rate (e.g. Section 301)",
        )
    return total


def _fee_applies(w: _Work, fee: Fee, value: Decimal) -> bool:
    """Return True when ``fee`` covers this consignment.

    The value must exceed the fee's minimum and not exceed its maximum (the
    wording of the sources: "over AUD 1,000", "not over USD 2,500").
    """
    if fee.replaces_duty or not (
        applies(fee.destinations, *_keys(w.p.destination))
        and applies(fee.kinds, w.p.kind)
    ):
        return False
    floor = w.to_local(Money(fee.min_consignment_value, fee.currency), fee.id)
    ceiling = w.to_local(Money(fee.max_consignment_value, fee.currency), fee.id)
    return (not floor or value > floor) and (not ceiling or value <= ceiling)


def _fees(
    w: _Work, rules: CustomsRules, customs_value: Decimal, value: Decimal
) -> Decimal:
    total = Decimal(0)
    for fee in rules.fees:
        if not _fee_applies(w, fee, value):
            continue
        if fee.kind == "per_item_category":
            amount, basis = _category_charge(w, fee)
            total += w.add(fee.id, amount, basis, fee.source)
            continue
        if fee.kind != "ad_valorem":
            lines = len(_parcel_lines(w.p))
            amount = w.to_local(Money(fee.amount, fee.currency), fee.id) / lines
            basis = f"{fee.amount} {fee.currency} {fee.kind}"
            if lines > 1:
                basis += f", shared by the parcel's {lines} lines"
            total += w.add(fee.id, amount, basis, fee.source)
            continue
        amount = customs_value * fee.rate
        if fee.minimum:
            amount = max(amount, w.to_local(Money(fee.minimum, fee.currency), fee.id))
        if fee.maximum:
            amount = min(amount, w.to_local(Money(fee.maximum, fee.currency), fee.id))
        basis = (
            f"{fee.rate:.4%} of customs value, "
            f"min {fee.minimum} max {fee.maximum} {fee.currency}"
        )
        total += w.add(fee.id, amount, basis, fee.source)
    return total


def _vat(
    w: _Work, valuation: Valuation, goods: Decimal, cif: Decimal, duty: Decimal
) -> Decimal:
    market = w.p.destination
    if valuation.vat_basis == "NONE" or market.vat_rate == 0:
        return w.add(
            "import VAT/GST", Decimal(0), "no import VAT/GST", valuation.source
        )
    base = (cif if valuation.vat_basis == "CIF_DUTY" else goods) * (
        1 + valuation.vat_uplift
    ) + duty
    label = f"{market.vat_rate:.2%} of {valuation.vat_basis} {base:.2f}"
    if w.p.kind == "parcel":
        w.notes.append(
            "B2C: VAT charged at checkout is approximated on the import base"
        )
    return w.add(
        "import VAT/GST",
        base * market.vat_rate,
        label,
        f"{market.source} (rate); {valuation.source} (base)",
    )


def landed_cost(
    problem: LandedCostProblem, rules: CustomsRules, fx: FxTable
) -> LandedCost:
    """Return the landed cost of ``problem`` with its breakdown.

    Args:
        problem: SKU, quantity, costs, marketplace and route.
        rules: Customs rules in force (valuation bases, fees).
        fx: Exchange rates into the marketplace currency.

    Raises:
        InputError: when the quantity is below 1, a cost is negative or an FX
            rate is missing.
    """
    p = problem
    _check(p)
    w, valuation = _Work(p, fx), _valuation(rules, p.destination)
    goods, freight, insurance = _cif_parts(w)
    cif = goods + freight + insurance
    customs_value = cif if valuation.duty_basis == "CIF" else goods
    duty = _duty(w, rules, valuation, customs_value, goods)
    value = _consignment(w, customs_value)
    fees = _fees(w, rules, customs_value, value)
    vat = _vat(w, valuation, goods, cif, duty)
    total = cif + duty + fees + (Decimal(0) if p.vat_recoverable else vat)
    if p.vat_recoverable and vat:
        w.notes.append(
            "import VAT/GST is recoverable by the importer and left out of the total"
        )
    return LandedCost(
        sku=p.sku,
        destination=p.destination.id,
        quantity=p.quantity,
        lines=tuple(w.lines),
        total=Money(total.quantize(_CENT), w.currency),
        per_unit=Money((total / p.quantity).quantize(_CENT), w.currency),
        notes=tuple(w.notes),
        fx=tuple(w.used.values()),
    )


def _check(p: LandedCostProblem) -> None:
    if p.quantity < 1:
        raise InputError(
            "must be at least 1", record=p.sku, field="quantity", value=p.quantity
        )
    for name in ("unit_cost", "freight_per_unit", "insurance_per_unit"):
        if getattr(p, name).amount < 0:
            raise InputError(
                "must not be negative", record=p.sku, field=name, value=getattr(p, name)
            )


def _cif_parts(w: _Work) -> tuple[Decimal, Decimal, Decimal]:
    """Product, freight and insurance lines in the marketplace currency."""
    p = w.p
    goods = w.add(
        "product",
        w.to_local(p.unit_cost.times(p.quantity), "product cost"),
        f"{p.quantity} x {_show(p.unit_cost)}",
        "SKU unit cost",
    )
    freight = w.add(
        "freight",
        w.to_local(p.freight_per_unit.times(p.quantity), "freight"),
        f"{p.quantity} x {_show(p.freight_per_unit)}",
        p.route or "caller",
    )
    insurance = w.add(
        "insurance",
        w.to_local(p.insurance_per_unit.times(p.quantity), "insurance"),
        f"{p.quantity} x {_show(p.insurance_per_unit)}",
        "caller",
    )
    return goods, freight, insurance
