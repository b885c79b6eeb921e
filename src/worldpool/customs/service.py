"""Customs service: the pure core plus SKUs from the ledger, as functions of a Context.

One function per action; the CLI, the API (and the MCP tools, the assistant)
call these and only render the result. A shipment document is accepted as a
file path or as raw JSON bytes (an HTTP body) through the same functions.
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
from worldpool.catalog.fx import FxTable
from worldpool.context import Context, ledger_of
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

if TYPE_CHECKING:
    from worldpool.customs.suggest import HsSuggester, HsSuggestion

__all__ = [
    "DocumentsResult",
    "LandedCostRequest",
    "ShipmentSource",
    "check_shipment",
    "confirm_hs",
    "hs_model",
    "pick_lane",
    "shipment_documents",
    "sku_landed_cost",
    "sku_text",
    "suggest_hs",
]

_LEDGER = "ledger SKU record"

ShipmentSource = Path | bytes
"""A shipment document: a JSON file, or its bytes (an HTTP body)."""


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
    from worldpool.customs._confidence import load_confidence
    from worldpool.customs.answer import answer_of, load_calibration

    confirmed = read_examples(examples) if examples else ()
    model = hs_model(confirmed)
    found, evidence = model.suggest_with_evidence([text], k)
    # The confidence shown is the calibrated probability (see customs.answer).
    return answer_of(
        found[0],
        load_calibration(),
        model.params.confident_at,
        evidence[0],
        load_confidence(),
    ).suggestions


def sku_text(ctx: Context, sku: str) -> str:
    """Return the text a registered SKU is classified from (title ; category).

    Raises:
        UnknownReference: when the SKU is not registered for the context's seller.
    """
    rec = ledger_of(ctx).sku(sku)
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


def _with_skus(s: Shipment, ctx: Context) -> tuple[Shipment, list[Issue]]:
    ledger = ledger_of(ctx)
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
        lines.append(_fill(line, rec, s.currency, ctx.fx))
    return replace(s, lines=tuple(lines)), issues


def _validation(
    day: date, fx: FxTable, rules_dir: Path | None
) -> tuple[ValidationContext, Catalog]:
    catalog = load_catalog(as_of=day)
    overrides = (rules_dir,) if rules_dir else ()
    vctx = ValidationContext(
        load_rules(day, overrides), load_nomenclature(), catalog.marketplaces, fx
    )
    return vctx, catalog


def _parse(source: ShipmentSource) -> ParsedShipment:
    if isinstance(source, Path):
        return read_shipment(source)
    try:
        return parse_shipment(json.loads(source.decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        empty = Shipment(id="shipment", kind="", destination="", mode="")
        issue = Issue(Severity.ERROR, "(document)", f"cannot read JSON: {exc}",
                      "format", "shipment format (docs/how-to/customs.md)")  # fmt: skip
        return ParsedShipment(empty, (issue,))


def _checked(
    ctx: Context,
    source: ShipmentSource,
    use_ledger: bool,
    rules_dir: Path | None,
    today: date,
) -> tuple[Shipment, ValidationReport]:
    parsed = _parse(source)
    shipment, issues = parsed.shipment, list(parsed.issues)
    if use_ledger:
        shipment, more = _with_skus(shipment, ctx)
        issues += more
    vctx, _ = _validation(shipment.date or today, ctx.fx, rules_dir)
    return shipment, validate(shipment, vctx, tuple(issues))


def check_shipment(
    ctx: Context,
    source: ShipmentSource,
    *,
    use_ledger: bool = True,
    rules_dir: Path | None = None,
    today: date | None = None,
) -> ValidationReport:
    """Validate a shipment against its destination's rules; never raises on content.

    Unreadable JSON, a non-object document or bad values are errors in the report.

    Args:
        ctx: The context (FX table; SKUs of its seller fill missing line fields).
        source: The shipment JSON file or its bytes (docs/how-to/customs.md).
        use_ledger: Fill missing line fields from registered SKUs.
        rules_dir: Directory with user rule files overriding the packaged ones.
        today: Rules day when the shipment has no date (default: today, UTC).
    """
    day = today or today_utc()
    return _checked(ctx, source, use_ledger, rules_dir, day)[1]


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
    ctx: Context,
    source: ShipmentSource,
    *,
    pdf: bool = False,
    force: bool = False,
    use_ledger: bool = True,
    rules_dir: Path | None = None,
) -> DocumentsResult:
    """Build the commercial invoice and packing list of a shipment.

    Args:
        ctx: The context.
        source: The shipment JSON file or its bytes.
        pdf: Also render the PDF.
        force: Produce documents even with blocking errors.
        use_ledger: Fill missing line fields from registered SKUs.
        rules_dir: Directory with user rule files.
    """
    shipment, report = _checked(ctx, source, use_ledger, rules_dir, today_utc())
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


@dataclass(frozen=True, slots=True)
class LandedCostRequest:
    """What to cost: units of a registered SKU delivered into a marketplace."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id (``DE``, ``US`` ...; case-insensitive)."""
    quantity: int = 1
    """Units in the consignment."""
    lane_id: str | None = None
    """Lane whose cost gives the freight share (default: the cheapest)."""
    duty_rate_pct: Decimal | None = None
    """Duty rate in percent, used when the tariff data lacks the code."""
    additional_duty_pct: Decimal = Decimal(0)
    """Extra duty in percent (e.g. US Section 301)."""
    hs_code: str | None = None
    """Overrides the SKU's HS code."""

    @classmethod
    def parse(
        cls,
        sku: str,
        market: str,
        quantity: int = 1,
        lane_id: str | None = None,
        duty_rate_pct: float | None = None,
        additional_duty_pct: float = 0.0,
        hs_code: str | None = None,
    ) -> LandedCostRequest:
        """Build a request from interface values (percentages as floats, exact)."""
        duty = None if duty_rate_pct is None else Decimal(str(duty_rate_pct))
        return cls(
            sku,
            market,
            quantity,
            lane_id,
            duty,
            Decimal(str(additional_duty_pct)),
            hs_code,
        )


def sku_landed_cost(ctx: Context, request: LandedCostRequest) -> LandedCost:
    """Return the landed cost (duty, VAT, fees, freight; currency) of a SKU in a market.

    Raises:
        InputError: on an unknown SKU/market, a missing HS code or FX rate.
    """
    ledger = ledger_of(ctx)
    rec, catalog = ledger.sku(request.sku), ledger.catalog
    market = request.market.upper()
    code = request.hs_code or rec.hs_code
    if not code:
        raise InputError(
            "the SKU has no HS code: set one or pass --hs",
            record=request.sku,
            field="hs_code",
        )
    lane = pick_lane(catalog, market, request.lane_id)
    qty = request.quantity
    freight = lane.cost(rec.unit_weight_kg * qty, rec.unit_volume_m3 * qty) / qty
    kind = "parcel" if lane.destination == market else "transfer"
    duty = request.duty_rate_pct
    problem = LandedCostProblem(
        sku=request.sku,
        hs_code=code,
        quantity=qty,
        unit_cost=Money(rec.unit_cost, rec.currency),
        freight_per_unit=Money(freight, lane.currency),
        insurance_per_unit=Money(Decimal(0), rec.currency),
        destination=catalog.marketplace(market),
        kind=kind,
        vat_recoverable=kind == "transfer",
        user_duty_rate=None if duty is None else duty / 100,
        additional_duty_rate=request.additional_duty_pct / 100,
        route=lane.id,
    )
    return landed_cost(problem, load_rules(catalog.as_of), ctx.fx)
