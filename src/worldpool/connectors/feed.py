"""The stock feed: journal changes -> stock levels (and tracking) in the outbox.

The journal (``movements``) is the change log. Each scan reads the movements
after the feed's cursor, computes the level every active connection should
show for each SKU touched (ATP in its market minus its buffer rule, see
:mod:`worldpool.connectors.buffers`) and enqueues the ones that changed, in
the same transaction that moves the cursor: a crash never loses a change and
never sends one twice. One outbox row per connection per scan, holding one
level per SKU whatever the number of movements: that is the coalescing (the
deliverer merges rows again, sending only each SKU's newest level).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from worldpool.connectors import _services
from worldpool.connectors.buffers import BufferRule, published_level, rule_for
from worldpool.context import Context
from worldpool.ledger.audit_tables import enqueue_on
from worldpool.ledger.connections import (
    ConnectionRow,
    list_connections_on,
    order_connection_on,
    shipment_on,
)
from worldpool.ledger.outbox_queue import (
    atp_many_on,
    enqueue_many_on,
    lock_cursor_on,
    published_on,
    save_cursor_on,
    set_published_on,
    touched_since_on,
)

__all__ = [
    "SHIP_TOPIC",
    "STOCK_TOPIC",
    "current_levels",
    "enqueue_shipment",
    "publish_stock",
]

STOCK_TOPIC = "stock.level"
"""Outbox topic of a stock level for one SKU on one connection."""
SHIP_TOPIC = "shipment.confirmed"
"""Outbox topic of a shipment confirmation (carrier + tracking)."""
_FEED = "stock_feed"


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
        count = enqueue_many_on(conn, ctx.seller, STOCK_TOPIC, _messages(levels))
        set_published_on(
            conn, ctx.seller, {k: (lv, ver) for k, (lv, ver, _at) in levels.items()}
        )
        save_cursor_on(conn, ctx.seller, _FEED, top)
    for ref in dict.fromkeys(shipped):
        channel, _, oid = ref.partition(":")
        count += enqueue_shipment(ctx, channel, oid)
    return count


def _messages(
    levels: Mapping[tuple[str, str, str], tuple[int, int, datetime]],
) -> list[tuple[str, str, dict[str, Any]]]:
    """One outbox row per connection: every level this scan changed for it.

    The key is the journal version plus a digest of the levels, so a repeated
    scan is a no-op and a different set of levels at the same version is not.
    """
    per_dest: dict[str, list[list[Any]]] = {}
    version = 0
    for (dest, sku, market), (level, ver, at) in sorted(levels.items()):
        per_dest.setdefault(dest, []).append([sku, market, level, at.isoformat()])
        version = max(version, ver)
    out = []
    for dest, rows in per_dest.items():
        digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:12]
        out.append(
            (
                dest,
                f"stock:{dest}:{version}:{digest}",
                {"version": version, "levels": rows},
            )
        )
    return out


def _levels(
    ctx: Context,
    conn: Any,
    conns: list[ConnectionRow],
    touched: Mapping[str, datetime],
    rules: tuple[BufferRule, ...],
    version: int,
) -> dict[tuple[str, str, str], tuple[int, int, datetime]]:
    """Return the changed (level, version, changed_at) per (dest, SKU, market)."""
    wanted = _wanted(ctx, conn, conns, sorted(touched), rules)
    before = published_on(conn, ctx.seller, list(wanted))
    return {
        k: (lv, version, touched[k[1]])
        for k, lv in wanted.items()
        if k not in before or before[k][0] != lv
    }


def _wanted(
    ctx: Context,
    conn: Any,
    conns: list[ConnectionRow],
    skus: list[str],
    rules: tuple[BufferRule, ...],
    only: str | None = None,
) -> dict[tuple[str, str, str], int]:
    """Return the level each connection (or just ``only``) should show per SKU."""
    markets = sorted({str(c["settings"].get("market", "")) for c in conns} - {""})
    atp = atp_many_on(conn, ctx.catalog, skus, markets)
    today = datetime.now(UTC).date()
    ruled = [
        (
            c,
            str(c["settings"]["market"]),
            rule_for(rules, str(c["channel"]), str(c["settings"]["market"]), today),
        )
        for c in conns
        if c["settings"].get("market")
    ]
    weights: dict[str, float] = {}
    for _c, market, rule in ruled:
        weights[market] = weights.get(market, 0.0) + float(rule.weight if rule else 1)
    wanted: dict[tuple[str, str, str], int] = {}
    for c, market, rule in ruled:
        if only is not None and str(c["name"]) != only:
            continue
        share = float(rule.weight if rule else 1) / weights[market]
        for sku in skus:
            wanted[(str(c["name"]), sku, market)] = published_level(
                atp.get((sku, market), 0), rule, share
            )
    return wanted


def current_levels(
    ctx: Context, dest: str, skus: Sequence[str], rules: tuple[BufferRule, ...]
) -> dict[tuple[str, str], int]:
    """Return the level connection ``dest`` should show NOW per (SKU, market).

    The deliverer recomputes each level just before sending it (ATP as it is
    after the latest ingested sales), so a level never goes out older than
    the sales the worker already knows of.
    """
    with ctx.engine.connect() as conn:
        conns = _active(ctx, conn)
        wanted = _wanted(ctx, conn, conns, sorted(set(skus)), rules, only=dest)
    return {(sku, market): lv for (_d, sku, market), lv in wanted.items()}


_ACTIVE: dict[tuple[int, str], tuple[float, list[ConnectionRow]]] = {}
_ACTIVE_TTL_S = 2.0


def _active(ctx: Context, conn: Any) -> list[ConnectionRow]:
    """The seller's active connections, re-read at most every 2 s (per engine)."""
    key = (id(ctx.engine), ctx.seller)
    hit = _ACTIVE.get(key)
    now = time.monotonic()
    if hit is None or now - hit[0] > _ACTIVE_TTL_S:
        hit = (now, list_connections_on(conn, ctx.seller, active_only=True))
        _ACTIVE[key] = hit
    return hit[1]


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
