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
from worldpool.connectors.errors import ChannelError
from worldpool.connectors.feed import SHIP_TOPIC, STOCK_TOPIC
from worldpool.connectors.provider import Provider, ShipmentPush, StockPush
from worldpool.connectors.providers import build_provider, limits_for
from worldpool.connectors.secrets import unseal
from worldpool.context import Context
from worldpool.ledger.connections import (
    ConnectionRow,
    active_sellers_on,
    claim_connection_on,
    note_poll_on,
    record_channel_orders_on,
    release_connection_on,
    renew_connection_on,
)
from worldpool.ledger.outbox_queue import (
    claim_outbox_on,
    published_on,
    retry_outbox_on,
    settle_outbox_on,
)

__all__ = [
    "DeliveryReport",
    "PollReport",
    "claim",
    "deliver_outbox",
    "open_provider",
    "poll_orders",
    "release",
    "renew",
    "sellers",
]


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
    """Outbox rows sent and acknowledged."""
    superseded: int = 0
    """SKU levels overtaken by a newer level of the same SKU (not sent)."""
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
            conn,
            int(row["id"]),
            cursor=page.cursor,
            ingested=report.ingested,
            error=None,
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
    fresh_by_id: dict[str, dict[str, Any]] = {}
    for r, v in records:
        oid = _order_id(r)
        if oid not in stale_ids and v >= versions.get(oid, ""):
            fresh_by_id[oid] = r  # one copy per order: the newest
    fresh = list(fresh_by_id.values())
    stale = len(records) - len(fresh)
    outcomes, rejected = _services.submit_records(ctx, channel, fresh, source)
    dups = sum(o.action in ("duplicate", "unchanged") for o in outcomes)
    return PollReport(len(records), len(outcomes) - dups, dups, stale, len(rejected))


def _order_id(record: Mapping[str, Any]) -> str:
    return str(
        record.get("id") or record.get("orderId") or record.get("AmazonOrderId") or ""
    )


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

    Stock rows (one per feed scan, holding every level that scan changed) are
    merged: per SKU only the newest level goes, and a level older than the last
    one enqueued for that SKU is dropped. All of them go in one push. A failed
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
        entries = [_entry(i, e) for i in stock for e in i["payload"]["levels"]]
        newest = published_on(
            conn, sctx.seller, [(dest, e["sku"], e["market"]) for e in entries]
        )
    send, dropped = _coalesce(dest, entries, newest)
    rng = rng or Random()
    report = _push_stock(ctx, provider, stock, send, dropped, max_attempts, rng)
    for item in items:
        if item["topic"] == SHIP_TOPIC:
            report = _merge(report, _push_one(ctx, provider, item, max_attempts, rng))
    return report


def _entry(item: Mapping[str, Any], level: Sequence[Any]) -> dict[str, Any]:
    """One SKU level of a stock row: ``[sku, market, level, changed_at]``."""
    return {
        "sku": str(level[0]),
        "market": str(level[1]),
        "level": int(level[2]),
        "changed_at": str(level[3]),
        "version": int(item["payload"]["version"]),
        "key": str(item["key"]),
    }


def _coalesce(
    dest: str,
    entries: list[dict[str, Any]],
    newest: Mapping[tuple[str, str, str], tuple[int, int]],
) -> tuple[list[dict[str, Any]], int]:
    """Return the newest level per SKU to send, and how many were overtaken."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for e in sorted(entries, key=lambda e: int(e["version"])):
        current = newest.get((dest, e["sku"], e["market"]))
        if current is not None and int(e["version"]) < current[1]:
            continue
        latest[(e["sku"], e["market"])] = e
    return list(latest.values()), len(entries) - len(latest)


def _push_stock(
    ctx: Context,
    provider: Provider,
    rows: list[dict[str, Any]],
    send: list[dict[str, Any]],
    dropped: int,
    max_attempts: int,
    rng: Random,
) -> DeliveryReport:
    error = None
    if send:
        try:
            provider.push_stock(
                [StockPush(e["sku"], e["market"], e["level"], e["key"]) for e in send]
            )
        except ChannelError as exc:
            error = str(exc)
    done = datetime.now(UTC)
    with ctx.engine.begin() as conn:
        if error is None:
            # Every level of these rows was sent or overtaken by a newer one.
            settle_outbox_on(conn, [int(i["id"]) for i in rows], "delivered")
            lags = tuple(
                (done - datetime.fromisoformat(e["changed_at"])).total_seconds()
                for e in send
            )
            return DeliveryReport(len(rows), dropped, lag_s=lags)
        dead = _retry(conn, rows, error, max_attempts, rng)
    return DeliveryReport(0, 0, len(rows) - dead, dead)


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
