"""The Channels page: every shop's sync health and the carrier accounts.

What a seller checks when a channel looks wrong: when each connection last
pulled orders, how many stock and tracking pushes wait (and how old the
oldest is), rows that failed for good, the last error; an operator can test
a connection's credentials from here. Carrier accounts are listed with their
credentials masked. An owner connects a shop here (credentials are sealed
at once and never shown again) or disconnects one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from worldpool.errors import Forbidden, WorldpoolError
from worldpool.interfaces.web import _services as svc
from worldpool.interfaces.web._auth import Actor, Writer
from worldpool.interfaces.web._render import explain, page, tr
from worldpool.textio import parse_pairs

__all__ = ["LATE_S", "router"]

router = APIRouter(prefix="/ui")

LATE_S = 300.0
"""A connection whose last good poll, or oldest waiting push, is older than
this many seconds is flagged on the page."""


def _flags(status: Any) -> list[str]:
    """Problem codes of one connection (empty: healthy)."""
    flags = []
    if status.status == "active" and (status.lag_s is None or status.lag_s > LATE_S):
        flags.append("late")
    if (status.oldest_pending_s or 0) > LATE_S:
        flags.append("queue")
    if status.queue_dead:
        flags.append("dead")
    if status.last_error:
        flags.append("error")
    return flags


def _render(
    request: Request,
    actor: Any,
    code: int = 200,
    message: str | None = None,
    error: str | None = None,
) -> Response:
    rows, accounts = [], []
    try:
        rows = [(s, _flags(s)) for s in svc.channel_status(actor.ctx)]
        accounts = svc.carrier_accounts(actor.ctx)
    except WorldpoolError as exc:
        error = error or explain(request, exc)
    return page(
        request,
        "channels.html",
        code,
        rows=rows,
        accounts=accounts,
        message=message,
        error=error,
        late_s=int(LATE_S),
        kinds=svc.channel_kinds(),
        markets=sorted(actor.ctx.catalog.marketplaces),
    )


@router.get("/channels")
def channels(request: Request, actor: Actor) -> Response:
    """Sync health per connection and the carrier accounts."""
    return _render(request, actor)


@router.post("/channels/test")
def test(
    request: Request,
    actor: Writer,
    name: Annotated[str, Form(min_length=1, max_length=128)],
) -> Response:
    """Test one connection's credentials against its provider (operator)."""
    try:
        answer = svc.test_channel(actor.ctx, name)
    except WorldpoolError as exc:
        return _refused(request, actor, exc)
    return _render(request, actor, message=answer)


def _refused(request: Request, actor: Any, exc: WorldpoolError) -> Response:
    code = 403 if isinstance(exc, Forbidden) else 422
    return _render(request, actor, code, error=explain(request, exc))


@router.post("/channels/connect")
def connect(
    request: Request,
    actor: Writer,
    name: Annotated[str, Form(min_length=1, max_length=128)],
    channel: Annotated[str, Form(min_length=1, max_length=64)],
    base_url: Annotated[str, Form(min_length=1, max_length=500)],
    market: Annotated[str, Form(min_length=1, max_length=8)],
    credentials: Annotated[str, Form(max_length=20000)] = "",
    settings: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    """Connect a shop (owner); the page never shows the credentials again."""
    try:
        extra = {
            **parse_pairs(settings.splitlines(), "settings"),
            "market": market.strip(),
        }
        made = svc.connect_channel(
            actor.ctx,
            name.strip(),
            channel,
            base_url.strip(),
            parse_pairs(credentials.splitlines(), "credentials", json_values=False),
            extra,
        )
    except WorldpoolError as exc:
        return _refused(request, actor, exc)
    return _render(request, actor, message=tr(request, "Connected {name}.", name=made))


@router.post("/channels/disconnect")
def disconnect(
    request: Request,
    actor: Writer,
    name: Annotated[str, Form(min_length=1, max_length=128)],
) -> Response:
    """Stop syncing a connection (owner); its orders and history stay."""
    try:
        svc.disconnect_channel(actor.ctx, name)
    except WorldpoolError as exc:
        return _refused(request, actor, exc)
    msg = tr(request, "Disconnected {name}.", name=name)
    return _render(request, actor, message=msg)
