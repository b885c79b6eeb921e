"""``/profit``: unit economics, price advice, repricing, best markets, expansion.

Each handler parses, builds the request's :class:`~worldpool.context.Context`
(the key's scope gives its role: read = viewer, write = operator, admin =
owner) and calls one :mod:`worldpool.profit.service` function. Expanding with
``apply`` needs a write key.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from worldpool.errors import UnknownReference
from worldpool.interfaces.api.deps import ReadCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND
from worldpool.profit import PriceBounds
from worldpool.profit import service as svc
from worldpool.profit.evaluate import MODES

__all__ = ["router"]

router = APIRouter(prefix="/profit", tags=["profit"], responses=AUTH)

ContextDep = ReadCtx
"""The request's context (engine and catalog of the app, role from the key)."""


@contextmanager
def not_found() -> Iterator[None]:
    """Answer 404 for an unknown SKU (the path's resource); other ids stay 422."""
    try:
        yield
    except UnknownReference as exc:
        if exc.record != "sku":
            raise
        raise HTTPException(404, str(exc)) from None


def _markets(text: str) -> tuple[str, ...]:
    return tuple(m.strip().upper() for m in text.split(",") if m.strip())


class ExpandIn(BaseModel):
    """Body of ``POST /profit/skus/{sku}/expand``."""

    markets: list[str] = Field(
        min_length=1, max_length=30, description="Marketplace ids."
    )
    channel: str = Field(
        "amazon", max_length=32, description="Channel whose fees apply."
    )
    apply: bool = Field(
        False, description="List the SKU and record the launch (write key)."
    )


@router.get("/reprice")
async def reprice(
    ctx: ContextDep,
    since: Annotated[date, Query(description="Rows effective after this day count.")],
    channel: Annotated[str, Query(max_length=32)] = "amazon",
) -> dict[str, Any]:
    """SKUs whose margin fee/tariff rows effective since a day change; new prices."""
    request = svc.RepriceRequest(since, channel)
    return (await run_in_threadpool(svc.reprice, ctx, request)).to_dict()


@router.get("/skus/{sku}", responses=NOT_FOUND)
async def unit_economics(
    ctx: ContextDep,
    sku: str,
    to: Annotated[
        str, Query(max_length=200, description="Marketplace ids, comma-separated.")
    ] = "",
    channel: Annotated[str, Query(max_length=32)] = "amazon",
    price: Annotated[Decimal | None, Query(gt=0, lt=10**9)] = None,
    new_seller: bool = False,
    quantity: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> dict[str, Any]:
    """Unit economics of a SKU per market and fulfilment mode, every line explained."""
    request = svc.ProfitRequest(
        sku, _markets(to), channel, MODES, price, (), new_seller, quantity
    )
    with not_found():
        return (await run_in_threadpool(svc.sku_profit, ctx, request)).to_dict()


@router.get("/skus/{sku}/price", responses=NOT_FOUND)
async def price_advice(
    ctx: ContextDep,
    sku: str,
    market: Annotated[str, Query(max_length=8)],
    channel: Annotated[str, Query(max_length=32)] = "amazon",
    mode: Annotated[str, Query(pattern="^(local_fc|origin|3pl)$")] = "local_fc",
    floor: Annotated[float, Query(ge=0)] = 0.0,
    ceiling: Annotated[float | None, Query(gt=0)] = None,
    band_low: Annotated[float, Query(ge=0)] = 0.0,
    band_high: Annotated[float | None, Query(gt=0)] = None,
) -> dict[str, Any]:
    """The profit-maximising price of a SKU in one market, with the demand fit used."""
    bounds = PriceBounds(
        floor,
        math.inf if ceiling is None else ceiling,
        band_low,
        math.inf if band_high is None else band_high,
    )
    chosen = next(m for m in MODES if m == mode)
    request = svc.PriceRequest(sku, market.upper(), channel, chosen, bounds)
    with not_found():
        return (await run_in_threadpool(svc.advise_price, ctx, request)).to_dict()


@router.get("/skus/{sku}/markets", responses=NOT_FOUND)
async def best_markets(
    ctx: ContextDep,
    sku: str,
    to: Annotated[str, Query(max_length=200)] = "",
    channel: Annotated[str, Query(max_length=32)] = "amazon",
) -> dict[str, Any]:
    """Every marketplace ranked for a SKU by risk-adjusted expected monthly profit."""
    request = svc.RankRequest(sku, channel, _markets(to))
    with not_found():
        return (await run_in_threadpool(svc.best_markets, ctx, request)).to_dict()


@router.post("/skus/{sku}/expand", responses=NOT_FOUND)
async def expand(ctx: ContextDep, sku: str, body: ExpandIn) -> dict[str, Any]:
    """Plan (and with ``apply``, record) the launch of a SKU in new markets."""
    if body.apply and ctx.role == "viewer":
        raise HTTPException(403, "applying an expansion needs a write key")
    request = svc.ExpandRequest(
        sku, _markets(",".join(body.markets)), body.channel, body.apply
    )
    with not_found():
        return (await run_in_threadpool(svc.expand, ctx, request)).to_dict()
