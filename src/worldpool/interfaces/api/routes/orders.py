"""``/orders``: import (per channel or normalised), list, get, cancel, ship."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from worldpool.interfaces.api.deps import ReadCtx, RoutingDep, WriteCtx
from worldpool.interfaces.api.errors import AUTH, CONFLICT, NOT_FOUND
from worldpool.interfaces.api.schemas import (
    ImportPublic,
    OrderCreate,
    OrderPublic,
    OutcomePublic,
)
from worldpool.orders import service
from worldpool.orders.channels import adapter
from worldpool.orders.codec import order_from_dict
from worldpool.orders.service import ImportReport, OrderRow, Outcome
from worldpool.textio import decode_text, load_json

__all__ = ["public_import", "read_document", "router"]

router = APIRouter(prefix="/orders", tags=["orders"], responses=AUTH)


def _outcome(o: Outcome) -> OutcomePublic:
    return OutcomePublic(
        key=o.key, action=o.action, status=o.status, decision=o.decision
    )


def _public(row: OrderRow) -> OrderPublic:
    return OrderPublic(
        channel=row.channel,
        channel_order_id=row.channel_order_id,
        market=row.market,
        status=row.status,
        revision=row.revision,
        currency=row.currency,
        order_value=str(row.order_value),
        backordered=row.backordered,
        order=json.loads(row.payload),
        decision=json.loads(row.decision),
    )


def public_import(r: ImportReport) -> ImportPublic:
    """Return an import report as its public model."""
    return ImportPublic(
        created=r.count("created"),
        updated=r.count("updated"),
        cancelled=r.count("cancelled"),
        duplicates=r.count("duplicate"),
        rejected=[{"record": s, "error": e, "field": f} for s, e, f in r.rejected],
        orders=[_outcome(o) for o in r.outcomes],
    )


async def read_document(request: Request, fmt: str) -> Any:
    """Return the request body as decoded JSON or CSV text (422 when unreadable)."""
    raw = await request.body()
    return load_json(raw, "body") if fmt == "json" else decode_text(raw, "body")


@router.post("", response_model=OutcomePublic, responses=CONFLICT)
def submit(body: OrderCreate, ctx: WriteCtx, params: RoutingDep) -> OutcomePublic:
    """Route and reserve one normalised order (idempotent by channel + order id)."""
    order = order_from_dict(body.model_dump(mode="json"))
    return _outcome(service.submit_order(ctx, order, params))


@router.post("/import/{channel}", response_model=ImportPublic)
async def import_channel(
    channel: str, request: Request, ctx: WriteCtx, params: RoutingDep
) -> ImportPublic:
    """Import a channel's own payload (JSON, or CSV text for Temu/SHEIN exports)."""
    ad = adapter(channel)
    document = await read_document(request, ad.FORMAT)
    report = await run_in_threadpool(
        service.import_orders, ctx, channel, document, "api", params
    )
    return public_import(report)


@router.get("", response_model=list[OrderPublic])
def list_orders(
    ctx: ReadCtx,
    status: str | None = None,
    channel: str | None = None,
    limit: Annotated[int, Query(ge=1, description="At most 1000 are returned")] = 100,
) -> list[OrderPublic]:
    """List orders, newest first."""
    rows = service.list_orders(
        ctx, status=status, channel=channel, limit=min(limit, 1000)
    )
    return [_public(r) for r in rows]


@router.get("/{channel}/{order_id}", response_model=OrderPublic, responses=NOT_FOUND)
def get_order(channel: str, order_id: str, ctx: ReadCtx) -> OrderPublic:
    """Return one order with its routing decision and explanation."""
    return _public(service.get_order(ctx, channel, order_id))


@router.post(
    "/{channel}/{order_id}/cancel",
    response_model=OutcomePublic,
    responses={**NOT_FOUND, **CONFLICT},
)
def cancel(channel: str, order_id: str, ctx: WriteCtx) -> OutcomePublic:
    """Cancel an order and release its reservations."""
    return _outcome(service.cancel_order(ctx, channel, order_id))


@router.post(
    "/{channel}/{order_id}/ship",
    response_model=OutcomePublic,
    responses={**NOT_FOUND, **CONFLICT},
)
def ship(channel: str, order_id: str, ctx: WriteCtx) -> OutcomePublic:
    """Mark an order shipped: its reserved units leave the nodes."""
    return _outcome(service.ship_order(ctx, channel, order_id))
