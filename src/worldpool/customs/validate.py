"""Validate a shipment against its destination's rules (all rules are data).

:func:`validate` never raises for a bad document: every problem becomes an
:class:`~worldpool.customs.issues.Issue` naming the field and the source of
the rule it breaks. The checks are small functions, one per concern.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from worldpool.catalog.fx import FxTable
from worldpool.customs._restricted import restriction_issues
from worldpool.customs.issues import Issue, Severity, ValidationReport
from worldpool.customs.nomenclature import Nomenclature, hs_digits
from worldpool.customs.rules import CustomsRules, Limit, applies
from worldpool.customs.shipment import Shipment, ShipmentLine
from worldpool.domain.market import Marketplace
from worldpool.domain.money import Money, is_currency_code

__all__ = ["INCOTERMS", "ValidationContext", "resolve", "tax_scheme", "validate"]

INCOTERMS = frozenset(
    {"EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"}
)
"""The eleven Incoterms 2020 rules."""

_KINDS = frozenset({"transfer", "parcel"})
_MODES = frozenset({"sea", "air", "express", "parcel", "rail", "road"})
_CATALOG = "catalog marketplaces.csv"
_BUILTIN = "worldpool document checks"
_ICC = "ICC Incoterms 2020"
_COUNTRIES = "ISO 3166-1 alpha-2 (customs/data/countries.csv)"


@dataclass(frozen=True, slots=True)
class ValidationContext:
    """Everything the checks look things up in."""

    rules: CustomsRules
    """Customs rules in force on the shipment date."""
    nomenclature: Nomenclature
    """HS edition the codes are checked against."""
    marketplaces: Mapping[str, Marketplace]
    """Marketplaces in force, by id (from the catalog)."""
    fx: FxTable
    """Exchange rates for threshold comparisons."""


def _err(field: str, message: str, rule: str, source: str, value: object = "") -> Issue:
    return Issue(Severity.ERROR, field, message, rule, source, _text(value))


def _warn(
    field: str, message: str, rule: str, source: str, value: object = ""
) -> Issue:
    return Issue(Severity.WARNING, field, message, rule, source, _text(value))


def _text(value: object) -> str:
    return "" if value is None else str(value)


def resolve(shipment: Shipment, path: str) -> list[tuple[str, object]]:
    """Return (concrete path, value) pairs for a dotted field path.

    Args:
        shipment: The shipment.
        path: e.g. ``importer_of_record.ids.EORI`` or ``lines[].hs_code``.
    """
    if path.startswith("lines[]."):
        name = path.removeprefix("lines[].")
        return [
            (f"lines[{i}].{name}", getattr(ln, name))
            for i, ln in enumerate(shipment.lines)
        ]
    value: object = shipment
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part, "")
        else:
            value = getattr(value, part, "")
    return [(path, value)]


def _missing(value: object) -> bool:
    return value is None or value == "" or value == ()


def _keys(shipment: Shipment, market: Marketplace | None) -> tuple[str, ...]:
    return (shipment.destination, market.customs_zone) if market else ("\x00",)


def _required(
    s: Shipment, ctx: ValidationContext, keys: tuple[str, ...]
) -> Iterator[Issue]:
    for rule in ctx.rules.fields:
        if not (applies(rule.destinations, *keys) and applies(rule.kinds, s.kind)):
            continue
        for path, value in resolve(s, rule.field):
            if _missing(value):
                yield Issue(
                    Severity(rule.severity), path, rule.message, rule.id, rule.source
                )


def _header(s: Shipment, market: Marketplace | None) -> Iterator[Issue]:
    if market is None:
        yield _err(
            "destination",
            "unknown marketplace id",
            "destination",
            _CATALOG,
            s.destination,
        )
    if s.kind not in _KINDS:
        yield _err("kind", "must be 'transfer' or 'parcel'", "kind", _BUILTIN, s.kind)
    if s.mode not in _MODES:
        yield _err("mode", f"must be one of {sorted(_MODES)}", "mode", _BUILTIN, s.mode)
    if s.currency and not is_currency_code(s.currency):
        yield _err(
            "currency", "must be an ISO 4217 code", "currency", "ISO 4217", s.currency
        )
    if s.incoterm and s.incoterm not in INCOTERMS:
        yield _err(
            "incoterm", "not an Incoterms 2020 rule", "incoterm", _ICC, s.incoterm
        )
    for name in ("freight", "insurance"):
        if getattr(s, name) < 0:
            yield _err(
                name, "must not be negative", "non-negative", _BUILTIN, getattr(s, name)
            )
    if not s.lines:
        yield _err(
            "lines", "a commercial invoice needs at least one line", "lines", _BUILTIN
        )


def _countries(s: Shipment, ctx: ValidationContext) -> Iterator[Issue]:
    places = [
        (f"{p}.country", getattr(s, p).country)
        for p in ("exporter", "importer_of_record", "consignee")
    ]
    places += [(f"lines[{i}].origin", ln.origin) for i, ln in enumerate(s.lines)]
    for path, code in places:
        if code and code not in ctx.rules.countries:
            yield _err(path, "unknown country code", "country", _COUNTRIES, code)


def _line_numbers(at: str, ln: ShipmentLine, max_kg: Limit) -> Iterator[Issue]:
    if ln.quantity is not None and ln.quantity <= 0:
        yield _err(
            f"{at}.quantity",
            "must be at least 1",
            "non-negative",
            _BUILTIN,
            ln.quantity,
        )
    if ln.unit_value is not None and ln.unit_value < 0:
        yield _err(
            f"{at}.unit_value",
            "must not be negative",
            "non-negative",
            _BUILTIN,
            ln.unit_value,
        )
    elif ln.unit_value == 0:
        yield _warn(
            f"{at}.unit_value",
            "zero value: customs value goods even when free",
            "zero-value",
            _BUILTIN,
        )
    for name in ("unit_net_kg", "unit_gross_kg"):
        kg = getattr(ln, name)
        if kg is not None and kg <= 0:
            yield _err(f"{at}.{name}", "must be above 0 kg", "weight", _BUILTIN, kg)
        elif kg is not None and kg > max_kg.value:
            yield _err(f"{at}.{name}", max_kg.message, max_kg.id, max_kg.source, kg)
    net, gross = ln.unit_net_kg, ln.unit_gross_kg
    if net is not None and gross is not None and 0 < gross < net:
        yield _err(
            f"{at}.unit_gross_kg",
            "gross weight is below net weight",
            "weight",
            _BUILTIN,
            gross,
        )


def _line_hs(at: str, ln: ShipmentLine, ctx: ValidationContext) -> Iterator[Issue]:
    if not ln.hs_code:
        return
    digits, need = hs_digits(ln.hs_code), ctx.rules.limit("hs_min_digits")
    if len(digits) < need.value or len(digits) > 10 or len(digits) % 2:
        yield _err(f"{at}.hs_code", need.message, need.id, need.source, ln.hs_code)
    elif not ctx.nomenclature.exists(digits):
        yield _err(
            f"{at}.hs_code",
            f"{digits[:6]} is not an {ctx.nomenclature.edition} subheading",
            "hs-exists",
            ctx.nomenclature.source,
            ln.hs_code,
        )


def _code_lengths(
    s: Shipment, ctx: ValidationContext, keys: tuple[str, ...]
) -> Iterator[Issue]:
    for rule in ctx.rules.code_lengths:
        if not (applies(rule.destinations, *keys) and applies(rule.kinds, s.kind)):
            continue
        for i, ln in enumerate(s.lines):
            digits = hs_digits(ln.hs_code)
            if digits and len(digits) < rule.min_digits:
                yield Issue(
                    Severity(rule.severity),
                    f"lines[{i}].hs_code",
                    rule.message,
                    rule.id,
                    rule.source,
                    ln.hs_code,
                )


def _line_value(at: str, ln: ShipmentLine, ctx: ValidationContext) -> Iterator[Issue]:
    if ln.unit_cost is None or ln.unit_value is None or ln.unit_cost <= 0:
        return
    low, high = ctx.rules.limit("min_value_ratio"), ctx.rules.limit("max_value_ratio")
    if ln.unit_value < ln.unit_cost * low.value:
        yield _warn(
            f"{at}.unit_value",
            f"{low.message} ({ln.unit_cost})",
            low.id,
            low.source,
            ln.unit_value,
        )
    if ln.unit_value > ln.unit_cost * high.value:
        yield _warn(
            f"{at}.unit_value",
            f"{high.message} ({ln.unit_cost})",
            high.id,
            high.source,
            ln.unit_value,
        )


def _lines(s: Shipment, ctx: ValidationContext) -> Iterator[Issue]:
    max_kg = ctx.rules.limit("max_unit_kg")
    for i, ln in enumerate(s.lines):
        at = f"lines[{i}]"
        if ln.description and len(ln.description.split()) < 2:
            yield _warn(
                f"{at}.description",
                "too vague for customs: say what it is and its material",
                "description",
                "19 CFR 141.86(a)(3)",
                ln.description,
            )
        yield from _line_numbers(at, ln, max_kg)
        yield from _line_hs(at, ln, ctx)
        yield from _line_value(at, ln, ctx)


def _cartons(s: Shipment, ctx: ValidationContext) -> Iterator[Issue]:
    if not s.cartons:
        return
    packed: dict[str, int] = {}
    for carton in s.cartons:
        for sku, units in carton.contents:
            packed[sku] = packed.get(sku, 0) + units
    invoiced: dict[str, int] = {}
    for ln in s.lines:
        invoiced[ln.sku] = invoiced.get(ln.sku, 0) + (ln.quantity or 0)
    for sku in sorted(set(packed) | set(invoiced)):
        if packed.get(sku, 0) != invoiced.get(sku, 0):
            yield _err(
                f"cartons.{sku}",
                f"packing list has {packed.get(sku, 0)} units, "
                f"invoice {invoiced.get(sku, 0)}",
                "pack-consistency",
                "research/customs-rules.md §3 (invoice vs packing list)",
            )
    yield from _carton_weight(s, ctx.rules.limit("carton_weight_tolerance"))


def _carton_weight(s: Shipment, tolerance: Limit) -> Iterator[Issue]:
    weights = [c.gross_kg for c in s.cartons]
    lines = [
        ln.unit_gross_kg * ln.quantity
        for ln in s.lines
        if ln.unit_gross_kg and ln.quantity
    ]
    if None in weights or not lines:
        return
    cartons, goods = sum(w for w in weights if w is not None), sum(lines, Decimal(0))
    if goods > 0 and abs(cartons - goods) > goods * tolerance.value:
        yield _warn(
            "cartons.gross_kg",
            f"cartons weigh {cartons} kg, lines {goods} kg",
            tolerance.id,
            tolerance.source,
            cartons,
        )


def tax_scheme(
    s: Shipment, ctx: ValidationContext, market: Marketplace | None
) -> tuple[str, list[Issue]]:
    """Return the tax treatment of the shipment and the issues it raises.

    Args:
        s: The shipment.
        ctx: Rules, FX and marketplaces.
        market: The destination marketplace, if known.
    """
    if market is None:
        return "unknown", []
    for rule in ctx.rules.schemes:
        if not (
            applies(rule.destinations, *_keys(s, market))
            and applies(rule.kinds, s.kind)
        ):
            continue
        value = (
            ctx.fx.convert(Money(s.goods_value, s.currency), rule.currency)
            if is_currency_code(s.currency)
            else None
        )
        if value is None:
            return "undetermined", [
                _warn(
                    "currency",
                    f"no FX rate {s.currency}->{rule.currency} to compare "
                    f"with the {rule.id} threshold",
                    rule.id,
                    rule.source,
                    s.currency,
                )
            ]
        if value.amount > rule.max_value:
            break
        party = getattr(s, rule.id_party)
        if not party.ids.get(rule.id_name):
            return rule.id, [
                _err(
                    f"{rule.id_party}.ids.{rule.id_name}",
                    f"{rule.message}; value {value.amount:.2f} {rule.currency} "
                    f"<= {rule.max_value}",
                    rule.id,
                    rule.source,
                )
            ]
        return rule.id, []
    return (
        "import VAT/GST at the border" if market.vat_rate > 0 else "no import VAT"
    ), []


def _fx_age(
    s: Shipment, ctx: ValidationContext, keys: tuple[str, ...]
) -> Iterator[Issue]:
    limit = ctx.rules.limit("fx_max_age_days")
    if s.date is None or not is_currency_code(s.currency):
        return
    for rule in ctx.rules.schemes:
        if not applies(rule.destinations, *keys):
            continue
        rate = ctx.fx.rate(s.currency, rule.currency)
        if rate is not None and rate.base != rate.quote:
            age = abs((s.date - rate.date).days)
            if age > limit.value:
                text = f"{limit.message} ({rate.base}->{rate.quote} of {rate.date})"
                yield _warn("currency", text, limit.id, limit.source, s.currency)


def validate(
    shipment: Shipment, ctx: ValidationContext, format_issues: tuple[Issue, ...] = ()
) -> ValidationReport:
    """Check a shipment against the rules of its destination.

    Args:
        shipment: The shipment to check.
        ctx: Rules in force, nomenclature, marketplaces and FX.
        format_issues: Issues met while reading the document, reported first.

    Returns:
        The report (errors first); never raises for a bad document.
    """
    market = ctx.marketplaces.get(shipment.destination)
    keys = _keys(shipment, market)
    scheme, scheme_issues = tax_scheme(shipment, ctx, market)
    issues = [
        *format_issues,
        *_header(shipment, market),
        *_required(shipment, ctx, keys),
        *_countries(shipment, ctx),
        *_lines(shipment, ctx),
        *_code_lengths(shipment, ctx, keys),
        *_cartons(shipment, ctx),
        *scheme_issues,
        *_fx_age(shipment, ctx, keys),
        *restriction_issues(shipment, ctx.rules.restrictions, keys),
    ]
    issues.sort(key=lambda i: i.severity is not Severity.ERROR)
    return ValidationReport(shipment.id, shipment.destination, scheme, tuple(issues))
