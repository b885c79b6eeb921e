"""Stock, ATP, promises and reservations per SKU and marketplace."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from worldpool import inventory
from worldpool.interfaces.api.deps import ReadCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found
from worldpool.interfaces.api.schemas import (
    AtpPublic,
    BalancePublic,
    PromisePublic,
    ReservationPublic,
)
from worldpool.orders import service as orders

__all__ = ["router"]

router = APIRouter(tags=["inventory"], responses=AUTH)


@router.get("/stock/{sku}", response_model=list[BalancePublic], responses=NOT_FOUND)
def stock(sku: str, ctx: ReadCtx, market: str | None = None) -> list[BalancePublic]:
    """Balances of a SKU per node (optionally only nodes serving a marketplace)."""
    with not_found():
        inventory.get_sku(ctx, sku)
    return [
        BalancePublic(
            sku=b.sku,
            node=b.node,
            on_hand=b.on_hand,
            reserved=b.reserved,
            available=b.available,
            in_transit=b.in_transit,
        )
        for b in inventory.balances(ctx, sku=sku, market=market)
    ]


@router.get("/atp/{market}/{sku}", response_model=AtpPublic, responses=NOT_FOUND)
def atp(market: str, sku: str, ctx: ReadCtx) -> AtpPublic:
    """Available-to-promise of a SKU in a marketplace, fastest source first."""
    with not_found():
        inventory.get_sku(ctx, sku)
        a = inventory.atp(ctx, sku, market)
    return AtpPublic(
        sku=sku, market=market, total=a.total, sources=[asdict(s) for s in a.sources]
    )


@router.get(
    "/promise/{market}/{sku}", response_model=PromisePublic, responses=NOT_FOUND
)
def promise(market: str, sku: str, ctx: ReadCtx) -> PromisePublic:
    """Delivery promise for a channel's checkout ("delivers in 2-3 days")."""
    with not_found():
        p = orders.checkout_promise(ctx, sku, market)
    return PromisePublic(
        sku=p.sku,
        market=p.market,
        node=p.node,
        p50_days=p.p50_days,
        p90_days=p.p90_days,
        earliest=p.earliest.isoformat() if p.earliest else None,
        latest=p.latest.isoformat() if p.latest else None,
        text=p.text,
        why=p.why,
    )


@router.get("/reservations", response_model=list[ReservationPublic])
def reservations(ctx: ReadCtx, sku: str | None = None) -> list[ReservationPublic]:
    """Open reservations (order, SKU, node, units)."""
    return [
        ReservationPublic(reference=r, sku=s, node=n, qty=q)
        for r, s, n, q in orders.reservations(ctx, sku)
    ]


class ImportPublic(BaseModel):
    """One SKU or ASN file import and how far it got."""

    id: int
    kind: str
    source: str
    state: str = Field(description="running, interrupted, complete or superseded")
    rows_done: int
    posted: int
    updated: int
    rejected: int
    started_at: datetime
    finished_at: datetime | None


@router.get("/imports", response_model=list[ImportPublic])
def imports(
    ctx: ReadCtx, limit: Annotated[int, Query(ge=1, le=1000)] = 20
) -> list[ImportPublic]:
    """The seller's newest file imports, newest first (interrupted ones included)."""
    return [
        ImportPublic(
            id=r.id,
            kind=r.kind,
            source=r.source,
            state=r.state(),
            rows_done=r.rows_done,
            posted=r.posted,
            updated=r.updated,
            rejected=r.rejected,
            started_at=r.started_at,
            finished_at=r.finished_at,
        )
        for r in inventory.imports(ctx, limit)
    ]


@router.get("/asns/{asn_id}/status", responses=NOT_FOUND)
def asn_status(
    asn_id: Annotated[str, Path(max_length=128)], ctx: ReadCtx
) -> dict[str, str]:
    """Whether an ASN is ``received`` or still ``receiving`` (404: never imported)."""
    state = inventory.asn_status(ctx, [asn_id]).get(asn_id)
    if state is None:
        raise HTTPException(404, f"ASN {asn_id!r} was never imported")
    return {"asn_id": asn_id, "status": state}
