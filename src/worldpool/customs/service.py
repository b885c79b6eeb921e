"""Customs service: the pure core plus SKUs from the Ledger.

One function per action; the CLI (and later the API and MCP tools) call
these and only render the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from worldpool.catalog import Catalog, load_catalog
from worldpool.catalog.as_of import today_utc
from worldpool.catalog.fx import FxTable, read_fx
from worldpool.customs.documents import build_documents, documents_to_dict
from worldpool.customs.examples import Example, append_confirmed, read_examples
from worldpool.customs.issues import Issue, Severity, ValidationReport
from worldpool.customs.landed import LandedCost, LandedCostProblem, landed_cost
from worldpool.customs.nomenclature import hs_digits, load_nomenclature
from worldpool.customs.rules import load_rules
from worldpool.customs.shipment import Shipment, ShipmentLine
from worldpool.customs.shipment_file import (
    ParsedShipment,
    parse_shipment,
    read_shipment,
)
from worldpool.customs.validate import ValidationContext, validate
from worldpool.domain.money import Money
from worldpool.domain.network import Lane
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger import Ledger

if TYPE_CHECKING:
    from worldpool.customs.suggest import HsSuggester, HsSuggestion

__all__ = [
    "DocumentsResult",
    "check_shipment",
    "check_shipment_json",
    "confirm_hs",
    "hs_model",
    "pick_lane",
    "shipment_documents",
    "shipment_documents_json",
    "sku_landed_cost",
    "sku_text",
    "suggest_hs",
]

_LEDGER = "ledger SKU record"


def hs_model(confirmed: tuple[Example, ...] = ()) -> HsSuggester:
    """Return the packaged HS suggester plus ``confirmed`` (fitted once per process).

    Args:
        confirmed: The user's confirmed codes.
    """
    # Imported here: scikit-learn is only loaded when a suggestion is asked for.
    from worldpool.customs.model import default_suggester

    return default_suggester(confirmed)


def suggest_hs(
    text: str, k: int = 3, examples: Path | None = None
) -> tuple[HsSuggestion, ...]:
    """Suggest ``k`` HS codes for a product text.

    Args:
        text: Title, description and attributes.
        k: Number of suggestions.
        examples: CSV of the user's confirmed codes (``text,hs6``), if any.

    Raises:
        InputError: when ``text`` is empty or the examples file is malformed.
    """
    if not text.strip():
        raise InputError("describe the product", record="hs", field="text", value=text)
    confirmed = read_examples(examples) if examples else ()
    return hs_model(confirmed).suggest(text, k)


def sku_text(ledger: Ledger, sku: str) -> str:
    """Return the text a registered SKU is classified from (title ; category).

    Args:
        ledger: The ledger holding the SKU.
        sku: SKU id.

    Raises:
        UnknownReference: when the SKU is not registered.
    """
    rec = ledger.sku(sku)
    return " ; ".join(part for part in (rec.title, rec.category or "") if part)


def confirm_hs(text: str, code: str, examples: Path) -> int:
    """Record a user's confirmed HS code; it feeds back as a labelled example.

    Args:
        text: The product text the code was confirmed for.
        code: The confirmed HS code (6+ digits of an HS 2022 subheading).
        examples: The user's examples CSV (created when missing).

    Returns:
        Rows appended (1).

    Raises:
        InputError: when the text is empty or the code is not an HS 2022 subheading.
    """
    digits = hs_digits(code)
    if not text.strip():
        raise InputError("describe the product", record="hs", field="text", value=text)
    if not load_nomenclature().exists(digits):
        raise InputError(
            "not an HS 2022 subheading", record="hs", field="confirm", value=code
        )
    return append_confirmed(examples, [Example(text.strip(), digits[:6], "confirmed")])


def _fx(path: Path | None) -> FxTable:
    return read_fx(path) if path else FxTable.of(())


def _fill(
    line: ShipmentLine, rec: SkuRecord, currency: str, fx: FxTable
) -> ShipmentLine:
    cost = (
        fx.convert(Money(rec.unit_cost, rec.currency), currency) if currency else None
    )
    return replace(
        line,
        description=line.description or rec.title,
        hs_code=line.hs_code or (rec.hs_code or ""),
        unit_gross_kg=line.unit_gross_kg or rec.unit_weight_kg,
        unit_cost=line.unit_cost
        if line.unit_cost is not None
        else (cost.amount if cost else None),
        battery=line.battery if line.battery != "none" else str(rec.battery),
    )


def _with_skus(
    s: Shipment, ledger: Ledger, fx: FxTable
) -> tuple[Shipment, list[Issue]]:
    lines, issues = [], []
    for i, line in enumerate(s.lines):
        try:
            rec = ledger.sku(line.sku)
        except UnknownReference:
            issues.append(
                Issue(
                    Severity.WARNING,
                    f"lines[{i}].sku",
                    "SKU is not registered: fields not filled from the ledger",
                    "sku",
                    _LEDGER,
                    line.sku,
                )
            )
            lines.append(line)
            continue
        lines.append(_fill(line, rec, s.currency, fx))
    return replace(s, lines=tuple(lines)), issues


def _context(
    day: date, fx: FxTable, rules_dir: Path | None
) -> tuple[ValidationContext, Catalog]:
    catalog = load_catalog(as_of=day)
    overrides = (rules_dir,) if rules_dir else ()
    ctx = ValidationContext(
        load_rules(day, overrides), load_nomenclature(), catalog.marketplaces, fx
    )
    return ctx, catalog


def _checked(
    path: Path,
    ledger: Ledger | None,
    fx_path: Path | None,
    rules_dir: Path | None,
    today: date,
) -> tuple[Shipment, ValidationReport]:
    parsed = read_shipment(path)
    fx = _fx(fx_path)
    shipment, issues = parsed.shipment, list(parsed.issues)
    if ledger is not None:
        shipment, more = _with_skus(shipment, ledger, fx)
        issues += more
    ctx, _ = _context(shipment.date or today, fx, rules_dir)
    return shipment, validate(shipment, ctx, tuple(issues))


def check_shipment(
    path: Path,
    ledger: Ledger | None = None,
    fx_path: Path | None = None,
    rules_dir: Path | None = None,
    today: date | None = None,
) -> ValidationReport:
    """Validate a shipment file against its destination's rules.

    Args:
        path: The shipment JSON file.
        ledger: Fills missing line fields from registered SKUs when given.
        fx_path: FX table CSV (``base,quote,rate,source,date``).
        rules_dir: Directory with user rule files overriding the packaged ones.
        today: Rules day when the shipment has no date (default: today, UTC).
    """
    return _checked(path, ledger, fx_path, rules_dir, today or today_utc())[1]


@dataclass(frozen=True, slots=True)
class DocumentsResult:
    """Documents of a shipment, or why they were not produced."""

    report: ValidationReport
    """Validation report."""
    documents: dict[str, object] | None
    """Invoice and packing list as plain data (None when blocked)."""
    pdf: bytes | None
    """The PDF (None when not asked for, or blocked by errors)."""


def shipment_documents(
    path: Path,
    ledger: Ledger | None = None,
    *,
    pdf: bool = False,
    force: bool = False,
    fx_path: Path | None = None,
    rules_dir: Path | None = None,
) -> DocumentsResult:
    """Build the commercial invoice and packing list of a shipment file.

    Args:
        path: The shipment JSON file.
        ledger: Fills missing line fields from registered SKUs when given.
        pdf: Also render the PDF.
        force: Produce documents even with blocking errors.
        fx_path: FX table CSV.
        rules_dir: Directory with user rule files.
    """
    shipment, report = _checked(path, ledger, fx_path, rules_dir, today_utc())
    if not report.ok and not force:
        return DocumentsResult(report, None, None)
    from worldpool.customs.pdf import render_pdf  # fpdf2 only when documents are made

    invoice, packing = build_documents(shipment, report.tax_scheme)
    data = documents_to_dict(invoice, packing) | {"validation": report.to_dict()}
    return DocumentsResult(report, data, render_pdf(invoice, packing) if pdf else None)


def pick_lane(catalog: Catalog, market: str, lane_id: str | None = None) -> Lane:
    """Return ``lane_id``, or the cheapest-per-kg lane reaching ``market``.

    Args:
        catalog: The catalog in force.
        market: Marketplace id.
        lane_id: An explicit lane id.

    Raises:
        UnknownReference: when the lane or any lane to the market is unknown.
    """
    if lane_id:
        return catalog.lane(lane_id)
    nodes = {n.id for n in catalog.nodes.values() if market in n.markets}
    lanes = [ln for ln in catalog.lanes.values() if ln.destination in nodes | {market}]
    if not lanes:
        raise UnknownReference(
            "no lane reaches the marketplace",
            record="lane",
            field="destination",
            value=market,
        )
    return min(lanes, key=lambda ln: (ln.cost(Decimal(1), Decimal("0.005")), ln.id))


def sku_landed_cost(
    ledger: Ledger,
    sku: str,
    market: str,
    *,
    quantity: int = 1,
    lane_id: str | None = None,
    fx_path: Path | None = None,
    duty_rate: Decimal | None = None,
    additional_duty_rate: Decimal = Decimal(0),
    hs_code: str | None = None,
) -> LandedCost:
    """Return the landed cost of ``quantity`` units of a registered SKU in a market.

    Args:
        ledger: The ledger holding the SKU.
        sku: SKU id.
        market: Marketplace id (``DE``, ``US`` ...).
        quantity: Units in the consignment.
        lane_id: Lane whose cost gives the freight share (default: cheapest).
        fx_path: FX table CSV (needed when currencies differ).
        duty_rate: Duty rate (fraction) when the tariff data lacks the code.
        additional_duty_rate: Extra duty (fraction), e.g. US Section 301.
        hs_code: Overrides the SKU's HS code.

    Raises:
        InputError: on an unknown SKU/market, a missing HS code or FX rate.
    """
    rec, catalog = ledger.sku(sku), ledger.catalog
    code = hs_code or rec.hs_code
    if not code:
        raise InputError(
            "the SKU has no HS code: set one or pass --hs", record=sku, field="hs_code"
        )
    lane = pick_lane(catalog, market, lane_id)
    weight, volume = rec.unit_weight_kg * quantity, rec.unit_volume_m3 * quantity
    freight = lane.cost(weight, volume) / quantity
    kind = "parcel" if lane.destination == market else "transfer"
    problem = LandedCostProblem(
        sku=sku,
        hs_code=code,
        quantity=quantity,
        unit_cost=Money(rec.unit_cost, rec.currency),
        freight_per_unit=Money(freight, lane.currency),
        insurance_per_unit=Money(Decimal(0), rec.currency),
        destination=catalog.marketplace(market),
        kind=kind,
        vat_recoverable=kind == "transfer",
        user_duty_rate=duty_rate,
        additional_duty_rate=additional_duty_rate,
        route=lane.id,
    )
    return landed_cost(problem, load_rules(catalog.as_of), _fx(fx_path))


def _checked_json(
    raw: bytes, ledger: Ledger | None, fx_path: Path | None, today: date
) -> tuple[Shipment, ValidationReport]:
    try:
        parsed = parse_shipment(json.loads(raw.decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        empty = Shipment(id="shipment", kind="", destination="", mode="")
        issue = Issue(Severity.ERROR, "(document)", f"cannot read JSON: {exc}",
                      "format", "shipment format (docs/how-to/customs.md)")  # fmt: skip
        parsed = ParsedShipment(empty, (issue,))
    fx = _fx(fx_path)
    shipment, issues = parsed.shipment, list(parsed.issues)
    if ledger is not None:
        shipment, more = _with_skus(shipment, ledger, fx)
        issues += more
    ctx, _ = _context(shipment.date or today, fx, None)
    return shipment, validate(shipment, ctx, tuple(issues))


def check_shipment_json(
    raw: bytes, ledger: Ledger | None = None, fx_path: Path | None = None
) -> ValidationReport:
    """Validate a shipment given as JSON bytes (an HTTP body); never raises.

    Unreadable JSON, a non-object document or bad values are errors in the report.

    Args:
        raw: The shipment document, UTF-8 JSON (format of docs/how-to/customs.md).
        ledger: Fills missing line fields from registered SKUs when given.
        fx_path: FX table CSV (``base,quote,rate,source,date``).
    """
    return _checked_json(raw, ledger, fx_path, today_utc())[1]


def shipment_documents_json(
    raw: bytes,
    ledger: Ledger | None = None,
    *,
    pdf: bool = False,
    force: bool = False,
    fx_path: Path | None = None,
) -> DocumentsResult:
    """Build the invoice and packing list of a shipment given as JSON bytes.

    Args:
        raw: The shipment document, UTF-8 JSON.
        ledger: Fills missing line fields from registered SKUs when given.
        pdf: Also render the PDF.
        force: Produce documents even with blocking errors.
        fx_path: FX table CSV.
    """
    shipment, report = _checked_json(raw, ledger, fx_path, today_utc())
    if not report.ok and not force:
        return DocumentsResult(report, None, None)
    from worldpool.customs.pdf import render_pdf  # fpdf2 only when documents are made

    invoice, packing = build_documents(shipment, report.tax_scheme)
    data = documents_to_dict(invoice, packing) | {"validation": report.to_dict()}
    return DocumentsResult(report, data, render_pdf(invoice, packing) if pdf else None)
