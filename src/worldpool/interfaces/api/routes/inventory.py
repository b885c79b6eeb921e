"""Stock, ATP, promises and reservations per SKU and marketplace."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from worldpool.interfaces.api.deps import ReadKey, ServiceDep
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found
from worldpool.interfaces.api.schemas import (
    AtpPublic,
    BalancePublic,
    PromisePublic,
    ReservationPublic,
)

__all__ = ["router"]

router = APIRouter(tags=["inventory"], responses=AUTH)


@router.get("/stock/{sku}", response_model=list[BalancePublic], responses=NOT_FOUND)
def stock(
    sku: str, service: ServiceDep, _key: ReadKey, market: str | None = None
) -> list[BalancePublic]:
    """Balances of a SKU per node (optionally only nodes serving a marketplace)."""
    with not_found():
        service.ledger.sku(sku)
    return [
        BalancePublic(
            sku=b.sku,
            node=b.node,
            on_hand=b.on_hand,
            reserved=b.reserved,
            available=b.available,
            in_transit=b.in_transit,
        )
        for b in service.ledger.balances(sku=sku, market=market)
    ]


@router.get("/atp/{market}/{sku}", response_model=AtpPublic, responses=NOT_FOUND)
def atp(market: str, sku: str, service: ServiceDep, _key: ReadKey) -> AtpPublic:
    """Available-to-promise of a SKU in a marketplace, fastest source first."""
    with not_found():
        service.ledger.sku(sku)
        a = service.ledger.atp(sku, market)
    return AtpPublic(
        sku=sku, market=market, total=a.total, sources=[asdict(s) for s in a.sources]
    )


@router.get(
    "/promise/{market}/{sku}", response_model=PromisePublic, responses=NOT_FOUND
)
def promise(market: str, sku: str, service: ServiceDep, _key: ReadKey) -> PromisePublic:
    """Delivery promise for a channel's checkout ("delivers in 2-3 days")."""
    with not_found():
        p = service.promise(sku, market)
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
def reservations(
    service: ServiceDep, _key: ReadKey, sku: str | None = None
) -> list[ReservationPublic]:
    """Open reservations (order, SKU, node, units)."""
    return [
        ReservationPublic(reference=r, sku=s, node=n, qty=q)
        for r, s, n, q in service.book.reservations(sku)
    ]
