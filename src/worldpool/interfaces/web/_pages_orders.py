"""Orders: search and filter, routing explanation and promise, ship, dead letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from worldpool.cockpit import OrderQuery
from worldpool.errors import Forbidden, WorldpoolError
from worldpool.interfaces.web import _services as svc
from worldpool.interfaces.web._auth import Actor, Writer
from worldpool.interfaces.web._paging import PageParams, pager
from worldpool.interfaces.web._render import explain, page, tr

__all__ = ["router"]

router = APIRouter(prefix="/ui/orders")
Pager = Annotated[PageParams, Depends(pager)]


@router.get("")
def orders(
    request: Request,
    actor: Actor,
    p: Pager,
    search: str = "",
    status: str = "",
    channel: str = "",
    market: str = "",
) -> Response:
    """Orders, newest first; filter by id, status, channel and market."""
    req = OrderQuery(p.query, search.strip(), status, channel, market)
    result = svc.order_page(actor.ctx, req)
    template = "_orders.html" if request.headers.get("hx-request") else "orders.html"
    return page(
        request,
        template,
        result=result,
        p=p,
        search=search,
        status=status,
        channel=channel,
        market=market,
        catalog=actor.ctx.catalog,
    )


@router.get("/dead-letters")
def dead_letters(request: Request, actor: Actor) -> Response:
    """Orders that could not be taken in, with a redrive button each."""
    return page(request, "dead_letters.html", letters=svc.order_dead_letters(actor.ctx))


@router.post("/dead-letters/{letter_id}/redrive")
def redrive(request: Request, actor: Writer, letter_id: int) -> Response:
    """Submit a dead letter again (after the cause was fixed)."""
    try:
        key = svc.redrive(actor.ctx, letter_id)
    except WorldpoolError as exc:
        return page(request, "_message.html", 422, error=explain(request, exc))
    return page(request, "_message.html", done=tr(request, "Redriven: {key}", key=key))


@router.get("/{channel}/{order_id}")
def order(request: Request, actor: Actor, channel: str, order_id: str) -> Response:
    """One order: lines, the routing decision with its reasons, promise per line."""
    try:
        detail = svc.order_detail(actor.ctx, channel, order_id)
    except WorldpoolError as exc:
        return page(request, "_message.html", 404, error=explain(request, exc))
    return page(request, "order.html", d=detail, error=None)


@router.post("/{channel}/{order_id}/ship")
def ship(
    request: Request,
    actor: Writer,
    channel: str,
    order_id: str,
    carrier: Annotated[str, Form(min_length=1, max_length=64)],
    tracking: Annotated[str, Form(min_length=1, max_length=64)],
) -> Response:
    """Ship an open order with a carrier and tracking number."""
    try:
        svc.ship_order(actor.ctx, channel, order_id, carrier, tracking)
    except WorldpoolError as exc:
        detail = svc.order_detail(actor.ctx, channel, order_id)
        code = 403 if isinstance(exc, Forbidden) else 422
        return page(request, "order.html", code, d=detail, error=explain(request, exc))
    return RedirectResponse(f"/ui/orders/{channel}/{order_id}", status_code=303)
