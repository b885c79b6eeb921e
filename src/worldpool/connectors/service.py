"""Connections, sync status, shipping and webhooks: the connectors' services.

Plain functions ``fn(ctx, request) -> result``; every write is audited.
Credentials are sealed (:mod:`worldpool.connectors.secrets`) before they reach
the ledger and never come back out of this module in clear: results carry
only the credential NAMES.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError

from worldpool.audit import audit_on, record
from worldpool.connectors import _services, feed, sync
from worldpool.connectors.errors import ChannelError
from worldpool.connectors.providers import CREDENTIAL_NAMES, PROVIDERS, WEBHOOKS
from worldpool.connectors.secrets import mask, seal, unseal
from worldpool.context import Context
from worldpool.errors import Forbidden, InputError, UnknownReference
from worldpool.i18n import t
from worldpool.ledger.connections import (
    ConnectionRow,
    event_seen_on,
    get_connection_on,
    insert_connection_on,
    list_connections_on,
    seen_event_on,
    set_status_on,
    upsert_shipment_on,
)
from worldpool.ledger.outbox_queue import outbox_stats_on

__all__ = [
    "ConnectRequest",
    "ConnectionInfo",
    "ShipRequest",
    "ShipResult",
    "SyncStatus",
    "WebhookResult",
    "connect",
    "disconnect",
    "list_connections",
    "receive_webhook",
    "ship",
    "sync_status",
    "test_connection",
    "webhook_connection",
]


@dataclass(frozen=True, slots=True)
class ConnectRequest:
    """A new connection to a channel account."""

    name: str
    """Unique name per seller (``shopify-us``)."""
    channel: str
    """Channel id with a live connector (``shopify``, ``amazon``, ``ebay``,
    ``tiktok_shop``, ``walmart``, ``temu``, ``shein``)."""
    base_url: str
    """API root (``https://shop.myshopify.com``, the SP-API regional endpoint;
    a ``file://`` folder for the Temu and SHEIN file exchange)."""
    credentials: Mapping[str, str]
    """Secrets (tokens, client secret); stored encrypted."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Non-secret settings: ``market`` (required), ``location_id``,
    ``marketplace_id``, ``seller_id``, ``rate_limits`` ..."""


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    """A connection as shown to people and the API (no secrets)."""

    name: str
    """Connection name."""
    channel: str
    """Channel id."""
    base_url: str
    """API root."""
    status: str
    """``active`` or ``disconnected``."""
    market: str
    """Marketplace its stock levels are computed for."""
    credentials: dict[str, str]
    """Credential names, values masked."""
    settings: dict[str, Any]
    """Non-secret settings."""


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """Sync health of one connection."""

    name: str
    """Connection name."""
    channel: str
    """Channel id."""
    status: str
    """``active`` or ``disconnected``."""
    lag_s: float | None
    """Seconds since the last successful poll (None: never)."""
    last_error: str | None
    """Last poll error (no secrets in it)."""
    queue_pending: int
    """Outbox rows waiting for this connection."""
    queue_dead: int
    """Outbox rows that failed for good."""
    oldest_pending_s: float | None
    """Age of the oldest waiting row, in seconds."""
    delivered: int
    """Outbox rows delivered so far."""
    orders_ingested: int
    """Orders taken in from this connection so far."""
    market: str = ""
    """Marketplace the connection sells in."""


@dataclass(frozen=True, slots=True)
class ShipRequest:
    """The seller shipped an order: carrier and tracking number."""

    channel: str
    """Channel id of the order."""
    channel_order_id: str
    """The channel's order id."""
    carrier: str
    """Carrier name or code (``UPS``, ``DHL``, ``YunExpress``)."""
    tracking_number: str
    """Tracking number."""
    shipped_at: datetime | None = None
    """When it left (default now, UTC)."""


@dataclass(frozen=True, slots=True)
class ShipResult:
    """What shipping an order did."""

    order: str
    """``channel:order id``."""
    status: str
    """The order's status afterwards (``shipped``)."""
    push_enqueued: bool
    """True when a tracking push to the channel was queued now."""


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """What receiving one webhook did."""

    event_id: str
    """The provider's event id."""
    duplicate: bool
    """True when this event was handled before (nothing done)."""
    ingested: int = 0
    """Orders created or changed."""
    stale: int = 0
    """Order versions dropped as older than one already seen."""


def _info(row: ConnectionRow, key: str | None) -> ConnectionInfo:
    try:
        names = mask(unseal(str(row["secret"]), key))
    except Exception:  # a wrong key must not hide the connection list
        names = {}
    settings = dict(row["settings"])
    return ConnectionInfo(
        str(row["name"]),
        str(row["channel"]),
        str(row["base_url"]),
        str(row["status"]),
        str(settings.get("market", "")),
        names,
        settings,
    )


def connect(ctx: Context, request: ConnectRequest) -> ConnectionInfo:
    """Store a new connection with its credentials encrypted.

    Raises:
        Forbidden: the actor is not an owner.
        InputError: unknown channel, no market, or the name is taken.
        ConfigError: no ``WORLDPOOL_SECRET_KEY``.
    """
    ctx.require("owner")
    if request.channel not in PROVIDERS:
        raise UnknownReference(
            f"no live connector; available: {', '.join(PROVIDERS)}",
            record="connection",
            field="channel",
            value=request.channel,
        )
    required = CREDENTIAL_NAMES.get(request.channel, ((), ()))[0]
    missing = [n for n in required if not str(request.credentials.get(n) or "").strip()]
    if missing:
        raise InputError(
            f"this channel needs the credential {missing[0]}"
            f" (needs: {', '.join(required)})",
            record=f"connection {request.name}",
            field=missing[0],
        )
    if not request.settings.get("market"):
        raise InputError(
            "a connection needs the marketplace its stock is for",
            record=f"connection {request.name}",
            field="market",
        )
    ctx.catalog.marketplace(str(request.settings["market"]))
    values = {
        "seller": ctx.seller,
        "name": request.name,
        "channel": request.channel,
        "base_url": request.base_url,
        "settings": dict(request.settings),
        "secret": seal(dict(request.credentials), ctx.settings.secret_key),
    }
    try:
        with ctx.engine.begin() as conn:
            insert_connection_on(conn, values)
            audit_on(
                conn,
                ctx,
                "channels.connect",
                target=request.name,
                inputs={"channel": request.channel, "settings": dict(request.settings)},
            )
            row = get_connection_on(conn, ctx.seller, request.name)
    except IntegrityError:
        raise InputError(
            "a connection with this name exists",
            record="connection",
            field="name",
            value=request.name,
        ) from None
    assert row is not None
    return _info(row, ctx.settings.secret_key)


def list_connections(ctx: Context) -> list[ConnectionInfo]:
    """Return the seller's connections (credentials masked)."""
    with ctx.engine.connect() as conn:
        rows = list_connections_on(conn, ctx.seller)
    return [_info(r, ctx.settings.secret_key) for r in rows]


def _row(ctx: Context, name: str) -> ConnectionRow:
    with ctx.engine.connect() as conn:
        row = get_connection_on(conn, ctx.seller, name)
    if row is None:
        raise UnknownReference(
            "no such connection", record="connection", field="name", value=name
        )
    return row


def test_connection(ctx: Context, name: str) -> str:
    """Call the provider with the stored credentials; return what it says.

    Raises:
        ChannelError: the provider refused or could not be reached.
    """
    ctx.require("operator")
    row = _row(ctx, name)
    provider, http = sync.open_provider(ctx, row)
    try:
        answer = provider.test()
    except ChannelError as exc:
        record(ctx, "channels.test", target=name, status="failed", result=str(exc))
        raise
    finally:
        http.close()
    record(ctx, "channels.test", target=name, result=answer)
    return t(
        "connection {name} works: {answer}", ctx.language, name=name, answer=answer
    )


def disconnect(ctx: Context, name: str) -> None:
    """Stop syncing a connection (rows and history are kept)."""
    ctx.require("owner")
    with ctx.engine.begin() as conn:
        if not set_status_on(conn, ctx.seller, name, "disconnected"):
            raise UnknownReference(
                "no such connection", record="connection", field="name", value=name
            )
        audit_on(conn, ctx, "channels.disconnect", target=name)


def sync_status(ctx: Context) -> list[SyncStatus]:
    """Return lag, last error and queue depth per connection of the seller."""
    now = datetime.now(UTC)
    with ctx.engine.connect() as conn:
        rows = list_connections_on(conn, ctx.seller)
        stats = outbox_stats_on(conn, ctx.seller)

    def age(when: datetime | None) -> float | None:
        """Seconds since ``when`` (None stays None)."""
        if when is None:
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        return round((now - when).total_seconds(), 3)

    out = []
    for r in rows:
        s = stats.get(str(r["name"]), {})
        out.append(
            SyncStatus(
                str(r["name"]),
                str(r["channel"]),
                str(r["status"]),
                age(r["last_success_at"]),
                r["last_error"],
                int(s.get("pending", 0)),
                int(s.get("dead", 0)),
                age(s.get("oldest_pending")),
                int(s.get("delivered", 0)),
                int(r["orders_ingested"]),
                str((r.get("settings") or {}).get("market", "")),
            )
        )
    return out


def ship(ctx: Context, request: ShipRequest) -> ShipResult:
    """Record carrier + tracking, ship the order, enqueue the push to its channel.

    Repeating the call changes nothing. If the process dies between shipping
    and enqueueing, the stock feed enqueues the push when it reads the ``ship``
    movements (see :func:`worldpool.connectors.feed.publish_stock`).
    """
    ctx.require("operator")
    if not request.tracking_number.strip() or not request.carrier.strip():
        raise InputError(
            "carrier and tracking number are both needed",
            record=f"order {request.channel}:{request.channel_order_id}",
            field="tracking_number" if request.carrier.strip() else "carrier",
        )
    _services.order_payload(ctx, request.channel, request.channel_order_id)
    with ctx.engine.begin() as conn:
        upsert_shipment_on(
            conn,
            ctx.seller,
            {
                "channel": request.channel,
                "channel_order_id": request.channel_order_id,
                "carrier": request.carrier,
                "tracking_number": request.tracking_number,
                "shipped_at": request.shipped_at or datetime.now(UTC),
            },
        )
        audit_on(
            conn,
            ctx,
            "orders.ship",
            target=f"{request.channel}:{request.channel_order_id}",
            inputs={"carrier": request.carrier, "tracking": request.tracking_number},
        )
    status = _services.ship_order(ctx, request.channel, request.channel_order_id)
    pushed = feed.enqueue_shipment(ctx, request.channel, request.channel_order_id)
    return ShipResult(
        f"{request.channel}:{request.channel_order_id}", status, bool(pushed)
    )


def webhook_connection(ctx: Context, channel: str, shop: str | None) -> str:
    """Return the name of the seller's ``channel`` connection a webhook is for.

    ``shop`` is the shop's domain as the provider names it (Shopify's
    ``X-Shopify-Shop-Domain``), matched against the connection's API host;
    without it the seller must have exactly one active connection there.

    Raises:
        UnknownReference: no connection, or several and no shop to choose by.
    """
    with ctx.engine.connect() as conn:
        rows = [
            r
            for r in list_connections_on(conn, ctx.seller, active_only=True)
            if str(r["channel"]) == channel
        ]
    if shop:
        rows = [r for r in rows if urlsplit(str(r["base_url"])).hostname == shop]
    if len(rows) != 1:
        raise UnknownReference(
            "no single connection for this webhook; post it to "
            "/channels/{name}/webhooks",
            record="webhook",
            field="X-Shopify-Shop-Domain",
            value=shop,
        )
    return str(rows[0]["name"])


def receive_webhook(
    ctx: Context, name: str, headers: Mapping[str, str], body: bytes
) -> WebhookResult:
    """Verify, dedupe (by event id) and ingest one provider webhook.

    The event id is stored only after its orders went in, so a crash midway
    lets the provider's retry do it again (intake is idempotent).

    Raises:
        Forbidden: the signature does not match the connection's secret.
        UnknownReference: no such connection.
    """
    row = _row(ctx, name)
    creds = unseal(str(row["secret"]), ctx.settings.secret_key)
    lower = {k.lower(): v for k, v in headers.items()}
    verify = WEBHOOKS.get(str(row["channel"]))
    # Walmart signs the request path: by default the API's own webhook route.
    settings = {"webhook_path": f"/channels/{name}/webhooks", **row["settings"]}
    event = verify(lower, body, creds, settings) if verify else None
    if event is None:
        raise Forbidden(f"webhook for {name}: bad or missing signature")
    with ctx.engine.connect() as conn:
        seen = event_seen_on(conn, ctx.seller, int(row["id"]), event.event_id)
    if seen:
        return WebhookResult(event.event_id, True)
    records = event.records or _fetch_named(ctx, row, event.order_ids)
    report = sync.ingest(ctx, row, records, f"webhook {event.topic}")
    with ctx.engine.begin() as conn:
        seen_event_on(conn, ctx.seller, int(row["id"]), event.event_id)
    return WebhookResult(event.event_id, False, report.ingested, report.stale)


def _fetch_named(
    ctx: Context, row: ConnectionRow, order_ids: tuple[str, ...]
) -> tuple[tuple[dict[str, Any], str], ...]:
    """Fetch the orders a thin webhook names (eBay, TikTok Shop, Walmart)."""
    if not order_ids:
        return ()
    provider, http = sync.open_provider(ctx, row)
    try:
        fetch = getattr(provider, "fetch_by_ids", None)
        return fetch(list(order_ids)).records if fetch is not None else ()
    finally:
        http.close()
