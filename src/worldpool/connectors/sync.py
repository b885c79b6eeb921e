"""The sync engine's steps: poll orders, publish stock, deliver the outbox.

Each step is one service function over the ledger; the worker
(:mod:`worldpool.connectors.worker`) runs them in a loop. A connection is
worked by one worker at a time (a lease taken ``FOR UPDATE SKIP LOCKED``), so
its pushes go out in order and a stale stock level never overtakes a newer one.

Exactly-once effects: order intake is idempotent by (channel, order id) and
drops versions older than one already seen; the outbox is delivered at least
once and the providers apply it once (absolute stock levels; Shopify's
``@idempotent`` key; a closed fulfillment order or Amazon's "already shipped"
answer for a repeated confirmation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from random import Random
from typing import Any

from worldpool.connectors import _services
from worldpool.connectors._http import HttpClient
from worldpool.connectors.backoff import delay_s
from worldpool.connectors.buffers import BufferRule, published_level, rule_for
from worldpool.connectors.errors import ChannelError
from worldpool.connectors.provider import Provider, ShipmentPush, StockPush
from worldpool.connectors.providers import build_provider, limits_for
from worldpool.connectors.secrets import unseal
from worldpool.context import Context
from worldpool.ledger.audit_tables import enqueue_on
from worldpool.ledger.connections import (
    ConnectionRow,
    active_sellers_on,
    claim_connection_on,
    list_connections_on,
    note_poll_on,
    order_connection_on,
    record_channel_orders_on,
    release_connection_on,
    renew_connection_on,
    shipment_on,
)
from worldpool.ledger.outbox_queue import (
    atp_many_on,
    claim_outbox_on,
    lock_cursor_on,
    published_on,
    retry_outbox_on,
    save_cursor_on,
    set_published_on,
    settle_outbox_on,
    touched_since_on,
)

__all__ = [
    "DeliveryReport",
    "PollReport",
    "claim",
    "deliver_outbox",
    "enqueue_shipment",
    "open_provider",
    "poll_orders",
    "publish_stock",
    "release",
    "renew",
    "sellers",
]

STOCK_TOPIC = "stock.level"
SHIP_TOPIC = "shipment.confirmed"
_FEED = "stock_feed"


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of a connection did."""

    fetched: int = 0
    """Order records the provider returned."""
    ingested: int = 0
    """Orders created, updated, cancelled or shipped in the pool."""
    duplicates: int = 0
    """Records already in the pool unchanged (re-deliveries)."""
    stale: int = 0
    """Records older than a version already seen (dropped)."""
    rejected: int = 0
    """Records dead-lettered."""
    more: bool = False
    """The provider has more pages now."""
    error: str | None = None
    """Why the poll failed, if it did."""


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one outbox batch did."""

    delivered: int = 0
    """Rows sent and acknowledged."""
    superseded: int = 0
    """Stock rows replaced by a newer level of the same SKU (not sent)."""
    retried: int = 0
    """Rows that failed and were scheduled again."""
    dead: int = 0
    """Rows that failed for the last time."""
    lag_s: tuple[float, ...] = ()
    """Stock change -> delivered, in seconds, per delivered stock row."""


def _seller_ctx(ctx: Context, row: ConnectionRow) -> Context:
    return ctx.acting_as(seller=str(row["seller"]))


def open_provider(
    ctx: Context, row: ConnectionRow, *, rng: Random | None = None
) -> tuple[Provider, HttpClient]:
    """Return the connector and its HTTP client for a stored connection."""
    settings = row["settings"]
    http = HttpClient(
        str(row["base_url"]),
        name=str(row["name"]),
        timeout_s=float(settings.get("timeout_s", 10.0)),
        limits=limits_for(str(row["channel"]), settings),
        rng=rng,
    )
    creds = unseal(str(row["secret"]), ctx.settings.secret_key)
    return build_provider(str(row["channel"]), settings, creds, http), http


def claim(
    ctx: Context, worker: str, lease_s: float, exclude: tuple[int, ...] = ()
) -> ConnectionRow | None:
    """Lease one connection nobody works on (any seller); None when none is free."""
    with ctx.engine.begin() as conn:
        return claim_connection_on(conn, worker, lease_s, exclude=exclude)


def renew(
    ctx: Context, connection_id: int, worker: str, lease_s: float
) -> ConnectionRow | None:
    """Extend a held lease; return the fresh row, or None when it was lost."""
    with ctx.engine.begin() as conn:
        return renew_connection_on(conn, connection_id, worker, lease_s)


def sellers(ctx: Context) -> list[str]:
    """Return the sellers with an active connection (the worker serves them all)."""
    with ctx.engine.connect() as conn:
        return active_sellers_on(conn)


def release(ctx: Context, connection_id: int, worker: str) -> None:
    """Give a connection's lease back."""
    with ctx.engine.begin() as conn:
        release_connection_on(conn, connection_id, worker)


def poll_orders(ctx: Context, row: ConnectionRow, provider: Provider) -> PollReport:
    """Fetch orders since the connection's cursor and route them into the pool.

    The cursor is saved only after every record was submitted, so a crash
    re-fetches the page (intake is idempotent) and nothing is lost.
    """
    sctx = _seller_ctx(ctx, row)
    try:
        page = provider.fetch_orders(row.get("cursor"))
    except ChannelError as exc:
        with ctx.engine.begin() as conn:
            note_poll_on(conn, int(row["id"]), cursor=None, ingested=0, error=str(exc))
        return PollReport(error=str(exc))
    report = ingest(sctx, row, page.records, f"poll {row['name']}")
    with ctx.engine.begin() as conn:
        note_poll_on(
            conn, int(row["id"]), cursor=page.cursor, ingested=report.ingested, error=None
        )
    return PollReport(
        len(page.records),
        report.ingested,
        report.duplicates,
        report.stale,
        report.rejected,
        page.more,
    )


def ingest(
    ctx: Context,
    row: ConnectionRow,
    records: Sequence[tuple[dict[str, Any], str]],
    source: str,
) -> PollReport:
    """Submit order records of a connection, dropping versions already overtaken."""
    channel = str(row["channel"])
    versions: dict[str, str] = {}
    for record, version in records:
        oid = _order_id(record)
        if oid and version >= versions.get(oid, ""):
            versions[oid] = version
    with ctx.engine.begin() as conn:
        stale_ids = record_channel_orders_on(
            conn, ctx.seller, int(row["id"]), channel, versions
        )
    fresh = [
        r for r, v in records if _order_id(r) not in stale_ids and v >= versions.get(
            _order_id(r), "")
    ]
    stale = len(records) - len(fresh)
    outcomes, rejected = _services.submit_records(ctx, channel, fresh, source)
    dups = sum(o.action in ("duplicate", "unchanged") for o in outcomes)
    return PollReport(
        len(records), len(outcomes) - dups, dups, stale, len(rejected)
    )


def _order_id(record: Mapping[str, Any]) -> str:
    return str(
        record.get("id") or record.get("orderId") or record.get("AmazonOrderId") or ""
    )


def publish_stock(
    ctx: Context,
    rules: tuple[BufferRule, ...],
    *,
    lookback: int = 500,
    limit: int = 20000,
    skus: Sequence[str] | None = None,
) -> int:
    """Enqueue the stock level of every SKU the journal touched, per connection.

    Published level = ATP in the connection's market minus its buffer rule.
    Only changed levels are enqueued (one per SKU and connection per scan,
    whatever the number of movements: that is the coalescing); ``ship``
    movements of orders with a recorded shipment enqueue its confirmation too
    (a safety net for a crash between shipping and enqueueing). Returns rows
    enqueued; 0 when another worker's feed holds the cursor.

    Args:
        ctx: Context of the seller whose feed runs.
        rules: Buffer rules.
        lookback: Journal ids re-read behind the cursor (late commits).
        limit: Journal rows read per scan at most.
        skus: Publish these SKUs whatever the journal says (initial sync).
    """
    with ctx.engine.begin() as conn:
        cursor = lock_cursor_on(conn, ctx.seller, _FEED)
        if cursor is None:
            return 0
        top, touched, shipped = touched_since_on(conn, cursor, lookback, limit)
        now = datetime.now(UTC)
        for sku in skus or ():
            touched.setdefault(sku, now)
        conns = list_connections_on(conn, ctx.seller, active_only=True)
        levels = _levels(ctx, conn, conns, touched, rules, top)
        count = 0
        for (dest, sku, market), (level, version, at) in sorted(levels.items()):
            count += enqueue_on(
                conn,
                seller=ctx.seller,
                topic=STOCK_TOPIC,
                destination=dest,
                key=f"stock:{dest}:{market}:{sku}:{version}",
                payload={
                    "sku": sku,
                    "market": market,
                    "level": level,
                    "version": version,
                    "changed_at": at.isoformat(),
                },
            )
        set_published_on(
            conn, ctx.seller, {k: (lv, ver) for k, (lv, ver, _at) in levels.items()}
        )
        save_cursor_on(conn, ctx.seller, _FEED, top)
    for ref in dict.fromkeys(shipped):
        channel, _, oid = ref.partition(":")
        count += enqueue_shipment(ctx, channel, oid)
    return count


def _levels(
    ctx: Context,
    conn: Any,
    conns: list[ConnectionRow],
    touched: Mapping[str, datetime],
    rules: tuple[BufferRule, ...],
    version: int,
) -> dict[tuple[str, str, str], tuple[int, int, datetime]]:
    """Return the changed (level, version, changed_at) per (dest, SKU, market)."""
    markets = sorted({str(c["settings"].get("market", "")) for c in conns} - {""})
    skus = sorted(touched)
    atp = atp_many_on(conn, ctx.catalog, skus, markets)
    today = datetime.now(UTC).date()
    wanted: dict[tuple[str, str, str], int] = {}
    for c in conns:
        market = str(c["settings"].get("market", ""))
        if not market:
            continue
        rule = rule_for(rules, str(c["channel"]), market, today)
        for sku in skus:
            wanted[(str(c["name"]), sku, market)] = published_level(
                atp.get((sku, market), 0), rule
            )
    before = published_on(conn, ctx.seller, list(wanted))
    return {
        k: (lv, version, touched[k[1]])
        for k, lv in wanted.items()
        if k not in before or before[k][0] != lv
    }


def enqueue_shipment(ctx: Context, channel: str, channel_order_id: str) -> int:
    """Enqueue the tracking push of a shipped order to its connection; 1 if new.

    Nothing is enqueued for an order without a recorded shipment (shipped by
    the channel itself) or from no known connection.
    """
    with ctx.engine.connect() as conn:
        shipment = shipment_on(conn, ctx.seller, channel, channel_order_id)
        conn_id = order_connection_on(conn, ctx.seller, channel, channel_order_id)
        dest = _destination(conn, ctx.seller, channel, conn_id)
    if shipment is None or dest is None:
        return 0
    order = _services.order_payload(ctx, channel, channel_order_id)
    payload = {
        "channel_order_id": channel_order_id,
        "lines": [[ln["line_id"], ln["sku"], ln["qty"]] for ln in order["lines"]],
        "carrier": shipment["carrier"],
        "tracking_number": shipment["tracking_number"],
        "shipped_at": _utc(shipment["shipped_at"]).isoformat(),
        "extra": order.get("extra") or {},
    }
    with ctx.engine.begin() as conn:
        return int(
            enqueue_on(
                conn,
                seller=ctx.seller,
                topic=SHIP_TOPIC,
                destination=dest,
                key=f"ship:{channel}:{channel_order_id}",
                payload=payload,
            )
        )


def _utc(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _destination(
    conn: Any, seller: str, channel: str, conn_id: int | None
) -> str | None:
    rows = [
        r for r in list_connections_on(conn, seller) if str(r["channel"]) == channel
    ]
    for r in rows:
        if conn_id is not None and int(r["id"]) == conn_id:
            return str(r["name"])
    return str(rows[0]["name"]) if len(rows) == 1 else None


def deliver_outbox(
    ctx: Context,
    row: ConnectionRow,
    provider: Provider,
    *,
    limit: int = 500,
    lease_s: float = 30.0,
    max_attempts: int = 10,
    rng: Random | None = None,
) -> DeliveryReport:
    """Claim and send one batch of the connection's outbox rows.

    Stock rows whose version is older than the last level enqueued for the
    same SKU are superseded (never sent); the rest go in one push. A failed
    row is retried after a jittered backoff, and is ``dead`` after
    ``max_attempts`` tries.
    """
    sctx = _seller_ctx(ctx, row)
    dest = str(row["name"])
    with ctx.engine.begin() as conn:
        items = claim_outbox_on(conn, sctx.seller, dest, limit, lease_s)
        if not items:
            return DeliveryReport()
        stock = [i for i in items if i["topic"] == STOCK_TOPIC]
        newest = published_on(
            conn,
            sctx.seller,
            [(dest, i["payload"]["sku"], i["payload"]["market"]) for i in stock],
        )
    send, stale = _coalesce(dest, stock, newest)
    rng = rng or Random()
    report = _push_stock(ctx, provider, send, stale, max_attempts, rng)
    for item in items:
        if item["topic"] == SHIP_TOPIC:
            report = _merge(
                report, _push_one(ctx, provider, item, max_attempts, rng)
            )
    return report


def _coalesce(
    dest: str,
    stock: list[dict[str, Any]],
    newest: Mapping[tuple[str, str, str], tuple[int, int]],
) -> tuple[list[dict[str, Any]], list[int]]:
    """Split claimed stock rows into the latest per SKU and the superseded rest."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    stale: list[int] = []
    for item in sorted(stock, key=lambda i: int(i["payload"]["version"])):
        p = item["payload"]
        current = newest.get((dest, p["sku"], p["market"]))
        if current is not None and int(p["version"]) < current[1]:
            stale.append(int(item["id"]))
            continue
        old = latest.get((p["sku"], p["market"]))
        if old is not None:
            stale.append(int(old["id"]))
        latest[(p["sku"], p["market"])] = item
    return list(latest.values()), stale


def _push_stock(
    ctx: Context,
    provider: Provider,
    send: list[dict[str, Any]],
    stale: list[int],
    max_attempts: int,
    rng: Random,
) -> DeliveryReport:
    error = None
    if send:
        try:
            provider.push_stock(
                [
                    StockPush(
                        i["payload"]["sku"],
                        i["payload"]["market"],
                        int(i["payload"]["level"]),
                        str(i["key"]),
                    )
                    for i in send
                ]
            )
        except ChannelError as exc:
            error = str(exc)
    done = datetime.now(UTC)
    with ctx.engine.begin() as conn:
        settle_outbox_on(conn, stale, "superseded")
        if error is None:
            settle_outbox_on(conn, [int(i["id"]) for i in send], "delivered")
            lags = tuple(
                (done - datetime.fromisoformat(i["payload"]["changed_at"])).total_seconds()
                for i in send
            )
            return DeliveryReport(len(send), len(stale), lag_s=lags)
        dead = _retry(conn, send, error, max_attempts, rng)
    return DeliveryReport(0, len(stale), len(send) - dead, dead)


def _retry(
    conn: Any,
    items: list[dict[str, Any]],
    error: str,
    max_attempts: int,
    rng: Random,
) -> int:
    dead = 0
    for i in items:
        last = int(i["attempts"]) >= max_attempts
        dead += last
        wait = delay_s(int(i["attempts"]), rng, base_s=0.5, cap_s=60.0)
        retry_outbox_on(conn, int(i["id"]), error, wait, dead=last)
    return dead


def _push_one(
    ctx: Context,
    provider: Provider,
    item: dict[str, Any],
    max_attempts: int,
    rng: Random,
) -> DeliveryReport:
    p = item["payload"]
    try:
        provider.push_shipment(
            ShipmentPush(
                str(p["channel_order_id"]),
                tuple((str(a), str(b), int(c)) for a, b, c in p["lines"]),
                str(p["carrier"]),
                str(p["tracking_number"]),
                datetime.fromisoformat(p["shipped_at"]),
                str(item["key"]),
                dict(p.get("extra") or {}),
            )
        )
    except ChannelError as exc:
        with ctx.engine.begin() as conn:
            dead = _retry(conn, [item], str(exc), max_attempts, rng)
        return DeliveryReport(retried=1 - dead, dead=dead)
    with ctx.engine.begin() as conn:
        settle_outbox_on(conn, [int(item["id"])], "delivered")
    return DeliveryReport(delivered=1)


def _merge(a: DeliveryReport, b: DeliveryReport) -> DeliveryReport:
    return DeliveryReport(
        a.delivered + b.delivered,
        a.superseded + b.superseded,
        a.retried + b.retried,
        a.dead + b.dead,
        a.lag_s + b.lag_s,
    )
