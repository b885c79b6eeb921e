"""The sync engine's steps: poll orders, publish stock, deliver the outbox.

Each step is one service function over the ledger; the worker
(:mod:`worldpool.connectors.worker`) runs them in a loop. A connection is
worked by one worker at a time (a lease taken ``FOR UPDATE SKIP LOCKED``), so
its pushes go out in order and a stale stock level never overtakes a newer one.

Exactly-once effects: order intake is idempotent by (channel, order id) and
drops versions older than one already seen; the outbox is delivered at least
once and the providers apply it once (absolute stock levels; Shopify's
``@idempotent`` key; a closed fulfillment order or Amazon's "already shipped"
answer for a repeated confirmation). A worker that stalled past its lease
sends nothing more and settles nothing (see :mod:`worldpool.connectors.leases`
and :mod:`worldpool.ledger.outbox_claims`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Any

from worldpool.connectors import _services
from worldpool.connectors._http import HttpClient
from worldpool.connectors.buffers import BufferRule
from worldpool.connectors.errors import ChannelError
from worldpool.connectors.feed import SHIP_TOPIC, STOCK_TOPIC
from worldpool.connectors.inflight import ChannelView
from worldpool.connectors.provider import Provider, ShipmentPush
from worldpool.connectors.providers import build_provider, limits_for
from worldpool.connectors.providers._common import TokenCache
from worldpool.connectors.sealed import SealedCredentials
from worldpool.connectors.secrets import unseal
from worldpool.connectors.stock_push import (
    StockBatch,
    coalesce,
    entry,
    push_stock_rows,
    retry_rows,
)
from worldpool.context import Context
from worldpool.ledger.connection_leases import (
    claim_connection_on,
    holds_lease_on,
    release_connection_on,
    renew_connection_on,
    renew_leases_on,
    unheld_count_on,
)
from worldpool.ledger.connections import (
    ConnectionRow,
    active_sellers_on,
    note_poll_on,
    record_channel_orders_on,
)
from worldpool.ledger.outbox_queue import (
    claim_outbox_on,
    lease_token,
    published_on,
    retry_outbox_on,
    settle_outbox_on,
    unclaim_outbox_on,
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
    "renew_many",
    "sellers",
    "token_of",
    "unclaim",
    "unheld",
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
    sold: tuple[tuple[str, int], ...] = ()
    """(SKU, units) of the orders this poll created in the pool."""


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
    provider = build_provider(str(row["channel"]), settings, creds, http)
    store = SealedCredentials(_seller_ctx(ctx, row), int(row["id"]))
    if hasattr(provider, "store"):
        provider.store = store
    tokens = getattr(provider, "tokens", None)
    if isinstance(tokens, TokenCache):
        tokens.shared = store
    return provider, http


def claim(
    ctx: Context,
    worker: str,
    lease_s: float,
    exclude: tuple[int, ...] = (),
    *,
    orphans_only: bool = False,
    given_back_s: float | None = None,
    dead_holders: bool = False,
) -> ConnectionRow | None:
    """Lease one connection nobody works on (any seller); None when none is free.

    ``orphans_only``: only a connection whose lease ran out without being
    given back (its worker died or stalled), and with ``given_back_s`` one
    given back that long ago that nobody took since (seconds).
    ``dead_holders``: also one whose worker's liveness lock is gone
    (PostgreSQL, see :mod:`worldpool.connectors.liveness`).
    """
    with ctx.engine.begin() as conn:
        return claim_connection_on(
            conn,
            worker,
            lease_s,
            exclude=exclude,
            orphans_only=orphans_only,
            given_back_s=given_back_s,
            dead_holders=dead_holders,
        )


def renew(
    ctx: Context,
    connection_id: int,
    worker: str,
    lease_s: float,
    epoch: int | None = None,
) -> ConnectionRow | None:
    """Extend a held lease (``epoch``: that lease only); None when it was lost."""
    with ctx.engine.begin() as conn:
        return renew_connection_on(conn, connection_id, worker, lease_s, epoch)


def renew_many(
    ctx: Context, worker: str, held: dict[int, int], lease_s: float
) -> set[int]:
    """Extend ``worker``'s leases (connection id -> epoch); return those still held."""
    with ctx.engine.begin() as conn:
        return renew_leases_on(conn, worker, held, lease_s)


def token_of(row: ConnectionRow) -> str | None:
    """The fencing token of the lease a claimed row was returned under, if any."""
    owner = row.get("lease_owner")
    return None if owner is None else lease_token(str(owner), int(row["lease_epoch"]))


def unheld(ctx: Context) -> int:
    """How many active connections (any seller) no live worker holds now."""
    with ctx.engine.connect() as conn:
        return unheld_count_on(conn)


def sellers(ctx: Context) -> list[str]:
    """Return the sellers with an active connection (the worker serves them all)."""
    with ctx.engine.connect() as conn:
        return active_sellers_on(conn)


def unclaim(ctx: Context, row: ConnectionRow, *, own: bool = False) -> int:
    """Make the connection's claimed rows due again; return how many were freed.

    Default (a takeover): the rows claimed under every lease but the one
    ``row`` was claimed under: those leases have ended. ``own``: only the
    rows this lease claimed (its batch broke off). Nothing is freed once
    the lease is no longer the connection's (checked, and held, in the
    same transaction).
    """
    token = token_of(row)
    with ctx.engine.begin() as conn:
        if not _still_held(conn, row):
            return 0
        seller, dest = str(row["seller"]), str(row["name"])
        if own:
            return unclaim_outbox_on(conn, seller, dest, only=token)
        return unclaim_outbox_on(conn, seller, dest, keep=token)


def _claim_rows(
    conn: Any, row: ConnectionRow, limit: int, lease_s: float
) -> list[dict[str, Any]]:
    """Claim a batch of the connection's rows under its lease (none once lost)."""
    if not _still_held(conn, row):
        return []  # taken over: the rows are the new holder's
    seller, dest = str(row["seller"]), str(row["name"])
    return claim_outbox_on(conn, seller, dest, limit, lease_s, token=token_of(row))


def _still_held(conn: Any, row: ConnectionRow) -> bool:
    """True while the lease ``row`` was claimed under is the connection's (locked).

    A row not claimed under a lease (no ``lease_owner``) is not fenced.
    """
    if row.get("lease_owner") is None:
        return True
    owner, epoch = str(row["lease_owner"]), int(row["lease_epoch"])
    return holds_lease_on(conn, int(row["id"]), owner, epoch)


def release(
    ctx: Context, connection_id: int, worker: str, epoch: int | None = None
) -> None:
    """Give a connection's lease back (``epoch``: only that lease)."""
    with ctx.engine.begin() as conn:
        release_connection_on(conn, connection_id, worker, epoch)


def poll_orders(
    ctx: Context,
    row: ConnectionRow,
    provider: Provider,
    view: ChannelView | None = None,
) -> PollReport:
    """Fetch orders since the connection's cursor and route them into the pool.

    The cursor is saved only after every record was submitted, so a crash
    re-fetches the page (intake is idempotent) and nothing is lost. ``view``
    (the holding slot's) learns the units of each new order once it is in.
    """
    sctx = _seller_ctx(ctx, row)
    started = time.monotonic()
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
    if view is not None:
        view.note_poll(started, dict(report.sold))
    return PollReport(
        len(page.records),
        report.ingested,
        report.duplicates,
        report.stale,
        report.rejected,
        page.more,
        sold=report.sold,
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
    sold = _services.new_units(channel, fresh, outcomes)
    return PollReport(
        len(records),
        len(outcomes) - dups,
        dups,
        stale,
        len(rejected),
        sold=tuple(sorted(sold.items())),
    )


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
    rules: tuple[BufferRule, ...] | None = None,
    view: ChannelView | None = None,
) -> DeliveryReport:
    """Claim and send one batch of the connection's outbox rows.

    Stock rows (one per feed scan, holding every level that scan changed) are
    merged: per SKU only the newest goes, and one older than the last one
    enqueued for that SKU is dropped. All of them go in one push, each level
    computed again from ATP now when ``rules`` are given, compare-and-set or
    with the in-flight hold when ``view`` is (see
    :mod:`worldpool.connectors.stock_push`). A failed row is retried after a
    jittered backoff, and is ``dead`` after ``max_attempts`` tries. Fenced:
    rows are claimed under ``row``'s lease while it is the connection's, and
    settled only while still claimed under it (:mod:`.outbox_claims`).
    """
    sctx, dest, token = _seller_ctx(ctx, row), str(row["name"]), token_of(row)
    with ctx.engine.begin() as conn:
        items = _claim_rows(conn, row, limit, lease_s)
        if not items:
            return DeliveryReport()
        stock = [i for i in items if i["topic"] == STOCK_TOPIC]
        entries = [entry(i, e) for i in stock for e in i["payload"]["levels"]]
        newest = published_on(
            conn, sctx.seller, [(dest, e["sku"], e["market"]) for e in entries]
        )
    send, dropped = coalesce(dest, entries, newest)
    rng = rng or Random()
    report = DeliveryReport()
    if stock:
        done, retried, dead, lags = push_stock_rows(
            sctx,
            provider,
            StockBatch(dest, stock, send, dropped, entries=entries),
            max_attempts=max_attempts,
            rng=rng,
            rules=rules,
            view=view,
        )
        report = DeliveryReport(done, dropped if done else 0, retried, dead, lags)
    for item in items:
        if item["topic"] == SHIP_TOPIC:
            report = _merge(report, _push_one(ctx, provider, item, max_attempts, rng))
    strays = [i for i in items if i["topic"] not in (STOCK_TOPIC, SHIP_TOPIC)]
    if strays:  # nothing here can send them: dead, with why, not claimed forever
        with ctx.engine.begin() as conn:
            for item in strays:
                why = f"no sender for topic {item['topic']} at {dest}"
                retry_outbox_on(conn, int(item["id"]), why, 0.0, dead=True, token=token)
        report = _merge(report, DeliveryReport(dead=len(strays)))
    return report


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
            dead = retry_rows(conn, [item], str(exc), max_attempts, rng)
        return DeliveryReport(retried=1 - dead, dead=dead)
    with ctx.engine.begin() as conn:
        settled = settle_outbox_on(
            conn, [int(item["id"])], "delivered", token=item.get("claimed_by")
        )
    return DeliveryReport(delivered=settled)


def _merge(a: DeliveryReport, b: DeliveryReport) -> DeliveryReport:
    return DeliveryReport(
        a.delivered + b.delivered,
        a.superseded + b.superseded,
        a.retried + b.retried,
        a.dead + b.dead,
        a.lag_s + b.lag_s,
    )
