"""``/hub``: the 3PL operator's billing close, statements, bins and cycle counts.

Closing a month, recording charges and the view across sellers need an
operator key (seller ``*``, role ``hub``; ``X-Seller`` names the seller of a
seller-level call). A seller's own key reads its statement and its bin stock.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from worldpool.hub import (
    ChargeRequest,
    CloseRequest,
    Statement,
    bins_service,
    counts_service,
    inbound_service,
    waves_service,
)
from worldpool.hub import service as billing
from worldpool.hub.statement_file import statement_csv, statement_pdf
from worldpool.hub.waves import Pick
from worldpool.interfaces.api.deps import HubCtx, ReadCtx, WriteCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND

__all__ = ["router"]

router = APIRouter(prefix="/hub", tags=["hub"], responses=AUTH)
_MONTH = r"^\d{4}-\d{2}$"


class CloseIn(BaseModel):
    """Close a month for every seller (or those named)."""

    month: str = Field(pattern=_MONTH, examples=["2026-10"])
    node: str = "CN-SZX"
    sellers: list[str] | None = None


class ChargeIn(BaseModel):
    """A parcel cost or value-added service for the seller in ``X-Seller``."""

    service: str = Field(examples=["ffo_parcel", "vas_label"])
    reference: str = Field(min_length=1)
    qty: Decimal = Field(gt=0)
    idempotency_key: str = Field(min_length=1, max_length=200)
    cost: Decimal = Field(default=Decimal(0), ge=0)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    node: str = "CN-SZX"


class PutAwayIn(BaseModel):
    """Put units on hand into a bin."""

    node: str = "CN-SZX"
    sku: str
    bin: str
    qty: int = Field(gt=0)
    reference: str
    idempotency_key: str = Field(min_length=1, max_length=200)


class BinMoveIn(BaseModel):
    """Move units between two bins."""

    node: str = "CN-SZX"
    sku: str
    from_bin: str
    to_bin: str
    qty: int = Field(gt=0)
    reference: str
    idempotency_key: str = Field(min_length=1, max_length=200)


class CountPlanIn(BaseModel):
    """Plan a count sheet of the bins due."""

    node: str = "CN-SZX"
    sheet: str = Field(min_length=1, max_length=64)
    day: date | None = None
    blind: bool = True


class CountIn(BaseModel):
    """Units counted on one line."""

    bin: str
    sku: str
    counted: int = Field(ge=0)


class PostIn(BaseModel):
    """Post a sheet's variances with a reason."""

    reason: str = Field(min_length=1)


@router.post("/billing/close")
def close(body: CloseIn, ctx: HubCtx) -> dict[str, Any]:
    """Close a month: daily snapshots, statements and lines for every seller."""
    sellers = tuple(body.sellers) if body.sellers is not None else None
    req = CloseRequest(body.month, body.node, sellers)
    return billing.close_month(ctx, req).summary()


@router.get("/billing/sellers")
def sellers(ctx: HubCtx, month: str, node: str = "CN-SZX") -> list[dict[str, Any]]:
    """The operator's view: every seller's statement total of a month."""
    return [
        {
            "seller": s.seller,
            "currency": s.currency,
            "total": str(s.total),
            "lines": s.lines,
            "closed_at": s.closed_at.isoformat(),
        }
        for s in billing.operator_view(ctx, month, node)
    ]


@router.get("/billing/statement", response_model=None)
def statement(
    ctx: ReadCtx,
    month: str,
    node: str = "CN-SZX",
    format: Literal["json", "csv", "pdf"] = "json",
) -> Response | dict[str, Any]:
    """The seller's closed statement (JSON, CSV or PDF, in the request's language)."""
    stmt = billing.statement(ctx, month, node)
    name = f"statement-{stmt.seller}-{month}"
    if format == "csv":
        return Response(
            statement_csv(stmt, ctx.language),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if format == "pdf":
        return Response(
            statement_pdf(stmt, ctx.language),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    return _statement_json(stmt)


def _statement_json(stmt: Statement) -> dict[str, Any]:
    return {
        "seller": stmt.seller,
        "node": stmt.node,
        "month": stmt.month,
        "currency": stmt.currency,
        "total": str(stmt.total),
        "closed_at": stmt.closed_at.isoformat(),
        "lines": [
            {
                "line_no": ln.line_no,
                "day": ln.day.isoformat(),
                "service": ln.service,
                "unit": ln.unit,
                "basis": str(ln.basis),
                "rate": str(ln.rate),
                "amount": str(ln.amount),
                "records": ln.records,
                "trace": ln.trace,
            }
            for ln in stmt.lines
        ],
    }


@router.get("/billing/reconcile")
def reconcile(ctx: ReadCtx, month: str, node: str = "CN-SZX") -> dict[str, Any]:
    """Recompute the seller's statement from its movements and compare to the cent."""
    r = billing.reconcile(ctx, month, node)
    return {
        "seller": r.seller,
        "month": r.month,
        "lines": r.lines,
        "stored_total": str(r.stored_total),
        "recomputed_total": str(r.recomputed_total),
        "unreconciled_cents": r.unreconciled_cents,
    }


@router.post("/charges", status_code=201)
def charge(body: ChargeIn, ctx: HubCtx) -> dict[str, bool]:
    """Record a parcel cost or value-added service (idempotent by key)."""
    req = ChargeRequest(
        body.service,
        body.reference,
        body.qty,
        body.idempotency_key,
        body.cost,
        body.currency,
        body.node,
    )
    return {"recorded": billing.record_charge(ctx, req)}


@router.get("/bins")
def bins(ctx: ReadCtx, node: str = "CN-SZX") -> list[dict[str, Any]]:
    """The bins of a hub in walking order, with capacities."""
    return [
        {k: str(v) for k, v in b.row().items()}
        for b in bins_service.list_bins(ctx, node)
    ]


@router.get("/bin-stock")
def bin_stock(
    ctx: ReadCtx, node: str = "CN-SZX", bin: str | None = None
) -> list[dict[str, Any]]:
    """The seller's units per bin and SKU."""
    return [
        {"bin": s.bin, "sku": s.sku, "units": s.units}
        for s in bins_service.bin_stock(ctx, node, bin)
    ]


@router.post("/putaway", status_code=201)
def putaway(body: PutAwayIn, ctx: WriteCtx) -> dict[str, bool]:
    """Put units on hand into a bin (idempotent by key)."""
    req = bins_service.PutAway(
        body.node, body.sku, body.bin, body.qty, body.reference, body.idempotency_key
    )
    return {"done": bins_service.put_away(ctx, req)}


@router.post("/bin-moves", status_code=201)
def bin_move(body: BinMoveIn, ctx: WriteCtx) -> dict[str, bool]:
    """Move units between bins; the node's balance does not change."""
    req = bins_service.BinMove(
        body.node,
        body.sku,
        body.from_bin,
        body.to_bin,
        body.qty,
        body.reference,
        body.idempotency_key,
    )
    return {"done": bins_service.move_bin(ctx, req)}


def _lines(lines: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "bin": ln.bin,
            "sku": ln.sku,
            "expected": ln.expected,
            "counted": ln.counted,
            "variance": ln.variance,
            "status": ln.status,
            "reason": ln.reason,
        }
        for ln in lines
    ]


@router.post("/counts", status_code=201)
def plan_count(body: CountPlanIn, ctx: WriteCtx) -> list[dict[str, Any]]:
    """Plan a count sheet of the bins due by ABC class (blind by default)."""
    req = counts_service.CountPlan(body.node, body.sheet, body.day, body.blind)
    return _lines(counts_service.plan_count(ctx, req))


@router.get("/counts/{sheet}", responses=NOT_FOUND)
def count_sheet(sheet: str, ctx: ReadCtx) -> list[dict[str, Any]]:
    """A count sheet (expected units hidden while blind)."""
    return _lines(counts_service.count_sheet(ctx, sheet))


@router.post("/counts/{sheet}/lines", responses=NOT_FOUND)
def enter_count(sheet: str, body: CountIn, ctx: WriteCtx) -> dict[str, bool]:
    """Enter the units counted on one line."""
    counts_service.enter_count(ctx, sheet, body.bin, body.sku, body.counted)
    return {"entered": True}


@router.post("/counts/{sheet}/post", responses=NOT_FOUND)
def post_count(sheet: str, body: PostIn, ctx: WriteCtx) -> list[dict[str, Any]]:
    """Post the counted lines; variances become adjust movements with the reason."""
    return _lines(counts_service.post_count(ctx, sheet, body.reason))


class AppointmentIn(BaseModel):
    """Book a dock slot for an ASN."""

    asn: str = Field(min_length=1, max_length=64)
    node: str = "CN-SZX"
    slot_start: datetime
    cartons: int = Field(gt=0)
    lines: dict[str, int] = Field(min_length=1, examples=[{"MUG-1": 120}])
    dock: str | None = None


class ReceiptIn(BaseModel):
    """What arrived: per SKU units received and damaged; optional put-away."""

    lines: list[tuple[str, int, int]] = Field(min_length=1)
    putaway: list[tuple[str, str, int]] = []


@router.post("/appointments", status_code=201)
def book(body: AppointmentIn, ctx: WriteCtx) -> dict[str, Any]:
    """Book a dock slot (capacity shared by sellers); the same ASN books once."""
    req = inbound_service.AppointmentRequest(
        body.asn,
        body.node,
        body.slot_start,
        body.cartons,
        tuple(body.lines.items()),
        body.dock,
    )
    got = inbound_service.book_appointment(ctx, req)
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in got.items()}


@router.post("/appointments/{asn}/receipt", responses=NOT_FOUND)
def receive(asn: str, body: ReceiptIn, ctx: WriteCtx) -> list[dict[str, Any]]:
    """Receive against the ASN: over, short and damaged per SKU; put away."""
    req = inbound_service.ReceiveRequest(asn, tuple(body.lines), tuple(body.putaway))
    return [
        {
            "sku": ln.sku,
            "expected": ln.expected,
            "received": ln.received,
            "damaged": ln.damaged,
            "over": ln.over,
            "short": ln.short,
            "good": ln.good,
        }
        for ln in inbound_service.receive(ctx, req)
    ]


class WaveIn(BaseModel):
    """Plan waves: the carrier of each order (channel:id) and a default."""

    node: str = "CN-SZX"
    carriers: dict[str, str] = {}
    default_carrier: str | None = None
    now: datetime | None = None


class PickIn(BaseModel):
    """A pick made: units of a SKU for an order from a bin."""

    order: str
    sku: str
    bin: str
    units: int = Field(gt=0)


class ShipIn(BaseModel):
    """Packed and shipped: the picks made."""

    node: str = "CN-SZX"
    picks: list[PickIn] = Field(min_length=1)


@router.post("/waves")
def plan_waves(body: WaveIn, ctx: WriteCtx) -> list[dict[str, Any]]:
    """Waves by carrier cut-off with location-sorted pick lists."""
    req = waves_service.WaveRequest(
        body.node, body.carriers, body.default_carrier, body.now
    )
    return [
        {
            "carrier": w.carrier,
            "cutoff": w.cutoff.isoformat(),
            "orders": list(w.orders),
            "picks": [
                {"order": p.order, "sku": p.sku, "bin": p.bin, "units": p.units}
                for p in w.picks
            ],
        }
        for w in waves_service.plan_waves(ctx, req)
    ]


@router.post("/waves/ship")
def ship_wave(body: ShipIn, ctx: WriteCtx) -> dict[str, str]:
    """Confirm packed and shipped orders: ship them and take the picks out of bins."""
    picks = [Pick(p.order, p.sku, p.bin, p.units) for p in body.picks]
    return waves_service.confirm_shipped(ctx, body.node, picks)
