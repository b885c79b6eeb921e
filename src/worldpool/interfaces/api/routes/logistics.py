"""``/logistics``: quotes, shipments, documents, tracking events (webhook), receipts.

Each handler builds the request context from the app's ledger and the API key's
scope (read -> viewer, write -> operator, admin -> owner), calls one service
function in a worker thread and renders its result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from worldpool.connectors import carrier_service
from worldpool.context import Role
from worldpool.interfaces.api.deps import ReadCtx, WriteCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found
from worldpool.logistics import po_service, quote_service, service, tracking_service
from worldpool.logistics.ratecard import Piece
from worldpool.logistics.records import (
    BookRequest,
    PlanShipmentsRequest,
    PurchaseOrderRequest,
    QuoteAsk,
    ReceiveRequest,
    ShipPurchaseOrder,
)

__all__ = ["router"]

router = APIRouter(prefix="/logistics", tags=["logistics"], responses=AUTH)
_ROLE: dict[str, Role] = {"read": "viewer", "write": "operator", "admin": "owner"}


class PieceIn(BaseModel):
    """One carton or parcel."""

    weight_kg: Decimal = Field(gt=0)
    volume_m3: Decimal = Field(gt=0)


class QuoteIn(BaseModel):
    """A shipment to quote: pieces, or units of SKUs to pack."""

    origin: str
    destination: str
    pieces: list[PieceIn] = []
    units: dict[str, int] = {}
    currency: str = "USD"


class BookingIn(BaseModel):
    """Booking confirmation."""

    tracking_number: str = Field(min_length=1, max_length=64)
    carrier: str | None = None
    order_ref: str | None = Field(
        None, max_length=128, description="channel:order id the parcel serves"
    )


class ReceiptIn(BaseModel):
    """Units short or damaged per SKU (everything else arrived)."""

    short: dict[str, int] = {}
    damaged: dict[str, int] = {}


class PurchaseOrderIn(BaseModel):
    """A purchase order into a hub."""

    supplier: str
    hub: str
    lines: dict[str, int]
    po_id: str | None = None


@router.post("/quotes")
async def quotes(body: QuoteIn, ctx: ReadCtx) -> list[dict[str, Any]]:
    """Every service for the shipment, cheapest landed cost first, with CO2e."""
    pieces = tuple(Piece(p.weight_kg, p.volume_m3) for p in body.pieces)
    ask = QuoteAsk(
        body.origin,
        body.destination,
        pieces,
        tuple(body.units.items()),
        currency=body.currency,
    )
    found = await run_in_threadpool(quote_service.quote, ctx, ask)
    return [q.to_dict() for q in found]


@router.put("/rates")
async def rates(request: Request, ctx: WriteCtx) -> dict[str, int]:
    """Load the seller's contracted rate card (CSV body)."""
    text = (await request.body()).decode()
    return {"rows": await run_in_threadpool(quote_service.load_rates, ctx, text)}


@router.post("/shipments/from-plan")
async def from_plan(
    ctx: WriteCtx, plan_id: str, company_prefix: str = "0614141"
) -> list[dict[str, Any]]:
    """Build shipments from an applied plan's transfers (repeat-safe)."""
    req = PlanShipmentsRequest(plan_id, company_prefix)
    views = await run_in_threadpool(service.shipments_from_plan, ctx, req)
    return [v.to_dict() for v in views]


@router.get("/shipments")
async def shipments(ctx: ReadCtx, open_only: bool = False) -> list[dict[str, Any]]:
    """The seller's shipments, newest first."""
    return await run_in_threadpool(service.list_shipments, ctx, open_only=open_only)


@router.get("/shipments/{shipment_id}", responses=NOT_FOUND)
async def shipment(shipment_id: str, ctx: ReadCtx) -> dict[str, Any]:
    """One shipment with its events and ETA as of now."""
    with not_found():
        view = await run_in_threadpool(service.shipment_status, ctx, shipment_id)
    return view.to_dict()


@router.get("/shipments/{shipment_id}/labels.pdf", responses=NOT_FOUND)
async def labels(shipment_id: str, ctx: ReadCtx) -> Response:
    """Carton labels with GS1-128 SSCC barcodes (PDF)."""
    with not_found():
        pdf = await run_in_threadpool(service.labels_pdf, ctx, shipment_id)
    return Response(pdf, media_type="application/pdf")


@router.get("/shipments/{shipment_id}/asn", responses=NOT_FOUND)
async def asn(shipment_id: str, ctx: ReadCtx) -> dict[str, Any]:
    """Advance ship notice for the receiving node."""
    with not_found():
        return await run_in_threadpool(service.asn, ctx, shipment_id)


@router.post("/shipments/{shipment_id}/booking", responses=NOT_FOUND)
async def booking(shipment_id: str, body: BookingIn, ctx: WriteCtx) -> dict[str, Any]:
    """Confirm the booking; the tracking number flows to the order (outbox)."""
    req = BookRequest(shipment_id, body.tracking_number, body.carrier, body.order_ref)
    with not_found():
        view = await run_in_threadpool(carrier_service.book_parcel, ctx, req)
    return view.to_dict()


@router.post("/shipments/{shipment_id}/receipt", responses=NOT_FOUND)
async def receipt(shipment_id: str, body: ReceiptIn, ctx: WriteCtx) -> dict[str, Any]:
    """Receive at the destination: in transit -> on hand; short/damaged recorded."""
    req = ReceiveRequest(shipment_id, body.short, body.damaged)
    with not_found():
        r = await run_in_threadpool(service.receive, ctx, req)
    return {
        "shipment": r.shipment_id,
        "received": r.received,
        "short": r.short,
        "damaged": r.damaged,
        "movements": r.movements,
        "already": r.already,
    }


@router.post("/events")
async def events(
    request: Request,
    ctx: WriteCtx,
    fmt: Annotated[str, Query(alias="format", pattern="^(json|csv)$")] = "json",
) -> dict[str, Any]:
    """Tracking webhook: an EPCIS 2.0 document, a JSON list, or CSV (format=csv).

    Repeats (same event id) change nothing; events may come in any order.
    """
    raw = await request.body()
    r = await run_in_threadpool(tracking_service.ingest_payload, ctx, raw, fmt)
    return {
        "applied": r.applied,
        "duplicates": r.duplicates,
        "rejected": [{"event": e, "reason": why} for e, why in r.rejected],
        "shipments": r.shipments,
    }


@router.get("/exceptions")
async def exceptions(ctx: ReadCtx) -> list[dict[str, Any]]:
    """Open shipments late against their P90 or stuck in customs."""
    found = await run_in_threadpool(service.exceptions, ctx)
    return [
        {
            "shipment": x.shipment_id,
            "code": x.code,
            "message": x.message,
            "destination": x.destination,
            "eta": x.eta,
        }
        for x in found
    ]


@router.post("/purchase-orders")
async def open_po(body: PurchaseOrderIn, ctx: WriteCtx) -> dict[str, Any]:
    """Open a purchase order into a hub (status open)."""
    req = PurchaseOrderRequest(
        body.supplier, body.hub, tuple(body.lines.items()), po_id=body.po_id
    )
    return await run_in_threadpool(po_service.open_purchase_order, ctx, req)


@router.post("/purchase-orders/{po_id}/confirm", responses=NOT_FOUND)
async def confirm_po(po_id: str, ctx: WriteCtx) -> dict[str, Any]:
    """The supplier confirmed it."""
    with not_found():
        return await run_in_threadpool(po_service.confirm_purchase_order, ctx, po_id)


@router.post("/purchase-orders/{po_id}/shipments", responses=NOT_FOUND)
async def ship_po(
    po_id: str, ctx: WriteCtx, body: dict[str, int] | None = None
) -> dict[str, str]:
    """The supplier shipped (part of) it; returns the new shipment's id."""
    req = ShipPurchaseOrder(po_id, tuple((body or {}).items()))
    with not_found():
        sid = await run_in_threadpool(po_service.ship_purchase_order, ctx, req)
    return {"shipment": sid}


@router.get("/purchase-orders")
async def list_pos(ctx: ReadCtx) -> list[dict[str, Any]]:
    """Purchase orders with their lines and status."""
    return await run_in_threadpool(po_service.list_purchase_orders, ctx)
