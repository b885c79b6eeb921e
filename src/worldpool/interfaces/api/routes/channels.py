"""Channel connections, sync status, shipping with tracking, webhooks, metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from worldpool.connectors import service
from worldpool.connectors.metrics import CONTENT_TYPE, Metric, render
from worldpool.context import Context
from worldpool.errors import Forbidden
from worldpool.interfaces.api.deps import AdminCtx, ReadCtx, WriteCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found

__all__ = ["router", "system_ctx", "webhook"]

router = APIRouter(tags=["channels"], responses=AUTH)


def system_ctx(request: Request, user: str) -> Context:
    """The server's context acting as worldpool itself (signed webhooks, metrics)."""
    base: Context = request.app.state.ctx
    return base.acting_as(role="system", user=user)


class ConnectionCreate(BaseModel):
    """A new channel connection (credentials are stored encrypted, never returned)."""

    name: str = Field(min_length=1, max_length=64)
    channel: str
    base_url: str
    market: str
    credentials: dict[str, str]
    settings: dict[str, Any] = Field(default_factory=dict)


class ShipmentCreate(BaseModel):
    """The seller shipped an order."""

    channel: str
    channel_order_id: str
    carrier: str = Field(min_length=1)
    tracking_number: str = Field(min_length=1)


@router.get("/channels")
async def list_channels(ctx: ReadCtx) -> list[dict[str, Any]]:
    """List connections (credential names only, values masked)."""
    rows = await run_in_threadpool(service.list_connections, ctx)
    return [_public(r) for r in rows]


def _public(info: service.ConnectionInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "channel": info.channel,
        "base_url": info.base_url,
        "status": info.status,
        "market": info.market,
        "credentials": info.credentials,
        "settings": info.settings,
    }


@router.post("/channels", status_code=201)
async def connect(body: ConnectionCreate, ctx: AdminCtx) -> dict[str, Any]:
    """Connect a channel account."""
    request = service.ConnectRequest(
        body.name,
        body.channel,
        body.base_url,
        body.credentials,
        {**body.settings, "market": body.market},
    )
    return _public(await run_in_threadpool(service.connect, ctx, request))


@router.post("/channels/{name}/test", responses=NOT_FOUND)
async def test(name: str, ctx: WriteCtx) -> dict[str, str]:
    """Call the channel with the stored credentials."""
    with not_found():
        result = await run_in_threadpool(service.test_connection, ctx, name)
    return {"result": result}


@router.delete("/channels/{name}", status_code=204, responses=NOT_FOUND)
async def disconnect(name: str, ctx: AdminCtx) -> Response:
    """Stop syncing a connection."""
    with not_found():
        await run_in_threadpool(service.disconnect, ctx, name)
    return Response(status_code=204)


@router.get("/sync/status")
async def sync_status(ctx: ReadCtx) -> list[dict[str, Any]]:
    """Lag, last error and queue depth per connection."""
    rows = await run_in_threadpool(service.sync_status, ctx)
    return [
        {
            "name": r.name,
            "channel": r.channel,
            "status": r.status,
            "lag_s": r.lag_s,
            "last_error": r.last_error,
            "queue_pending": r.queue_pending,
            "queue_dead": r.queue_dead,
            "oldest_pending_s": r.oldest_pending_s,
            "delivered": r.delivered,
            "orders_ingested": r.orders_ingested,
        }
        for r in rows
    ]


@router.post("/shipments")
async def ship(body: ShipmentCreate, ctx: WriteCtx) -> dict[str, Any]:
    """Mark an order shipped with carrier + tracking; queue the push to its channel."""
    request = service.ShipRequest(
        body.channel, body.channel_order_id, body.carrier, body.tracking_number
    )
    result = await run_in_threadpool(service.ship, ctx, request)
    return {
        "order": result.order,
        "status": result.status,
        "push_enqueued": result.push_enqueued,
    }


@router.post("/channels/{name}/webhooks", responses=NOT_FOUND)
async def webhook(name: str, request: Request) -> dict[str, Any]:
    """Receive a provider webhook (signature checked with the connection's secret)."""
    ctx = system_ctx(request, f"webhook:{name}")
    raw = await request.body()
    try:
        with not_found():
            result = await run_in_threadpool(
                service.receive_webhook, ctx, name, dict(request.headers), raw
            )
    except Forbidden as exc:
        raise HTTPException(401, str(exc)) from None
    return {
        "event_id": result.event_id,
        "duplicate": result.duplicate,
        "ingested": result.ingested,
        "stale": result.stale,
    }


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics: outbox depth and sync lag per connection."""
    ctx = system_ctx(request, "metrics")
    rows = await run_in_threadpool(service.sync_status, ctx)
    gauges = [
        Metric(
            "worldpool_outbox_pending",
            "Outbox rows waiting per connection.",
            samples=tuple(
                ({"connection": r.name}, float(r.queue_pending)) for r in rows
            ),
        ),
        Metric(
            "worldpool_outbox_dead",
            "Outbox rows failed for good.",
            samples=tuple(({"connection": r.name}, float(r.queue_dead)) for r in rows),
        ),
        Metric(
            "worldpool_sync_lag_seconds",
            "Seconds since the last good poll.",
            samples=tuple(({"connection": r.name}, float(r.lag_s or 0)) for r in rows),
        ),
    ]
    return Response(render(gauges), media_type=CONTENT_TYPE)
