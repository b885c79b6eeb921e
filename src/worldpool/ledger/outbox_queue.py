"""Delivering the outbox, and the journal-driven stock feed that fills it.

Outbox delivery: a worker claims due ``pending`` rows of one destination
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers never take the
same row), which counts an attempt and pushes ``next_attempt_at`` out by a
lease: if the worker dies mid-send, the row becomes due again when the lease
ends. The worker then settles each row ``delivered`` (with ``delivered_at``),
``superseded`` (a newer stock level of the same SKU went instead), retries it
later (``next_attempt_at`` = backoff) or marks it ``dead`` after N attempts.
The claim functions live in :mod:`worldpool.ledger.outbox_claims` (they record
the claiming lease, so only that lease settles a row) and are re-exported here.

Stock feed: the journal (``movements``) is the change log. The feed reads
movements after its cursor (minus a look-back window of ids, because on
PostgreSQL ids are handed out before commit and a slow transaction can commit
an older id after a newer one was read), and the caller enqueues levels for the
SKUs they touch; the cursor row is locked ``FOR UPDATE SKIP LOCKED`` so one
feed runs at a time per seller, and it moves in the same transaction as the
enqueues.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from worldpool.catalog import Catalog
from worldpool.ledger.audit_tables import outbox
from worldpool.ledger.connector_tables import stock_published, sync_state
from worldpool.ledger.outbox_claims import (
    claim_outbox_on,
    lease_token,
    retry_outbox_on,
    settle_outbox_on,
    still_claimed_on,
    unclaim_outbox_on,
)
from worldpool.ledger.tables import balances, movements, sku_markets

__all__ = [
    "atp_many_on",
    "claim_outbox_on",
    "enqueue_many_on",
    "lease_token",
    "lock_cursor_on",
    "outbox_stats_on",
    "published_on",
    "repin_published_on",
    "retry_outbox_on",
    "save_cursor_on",
    "set_published_on",
    "settle_outbox_on",
    "still_claimed_on",
    "touched_since_on",
    "unclaim_outbox_on",
]

_O = outbox.c


def _now() -> datetime:
    return datetime.now(UTC)


def enqueue_many_on(
    conn: Connection,
    seller: str,
    topic: str,
    rows: list[tuple[str, str, Any]],
    *,
    delay_s: float = 0.0,
    dead_error: str | None = None,
) -> int:
    """Add many outgoing messages in one statement; return how many were new.

    Same semantics as :func:`worldpool.ledger.audit_tables.enqueue_on` (a key
    already there is a no-op), for the stock feed's bursts.

    Args:
        conn: The transaction that makes the change the messages report.
        seller: Seller the messages belong to.
        topic: What they are (``stock.level``).
        rows: (destination, idempotency key, JSON-able payload) per message.
        delay_s: Seconds before the messages are due (a retry after a poll).
        dead_error: Store them ``dead`` with this error (retries used up).
    """
    if not rows:
        return 0
    now = _now()
    due = now + timedelta(seconds=delay_s)
    values = [
        {
            "seller": seller,
            "topic": topic,
            "destination": dest,
            "key": key,
            "payload": json.dumps(payload, default=str, sort_keys=True),
            "created_at": now,
            "next_attempt_at": due,
            **(
                {"status": "dead", "last_error": dead_error[:500]} if dead_error else {}
            ),
        }
        for dest, key, payload in rows
    ]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    total = 0
    for i in range(0, len(values), 1000):
        stmt = (
            dialect.insert(outbox)
            .values(values[i : i + 1000])
            .on_conflict_do_nothing(index_elements=["seller", "key"])
            .returning(_O.id)
        )
        total += len(conn.execute(stmt).all())
    return total


def outbox_stats_on(conn: Connection, seller: str | None) -> dict[str, dict[str, Any]]:
    """Per destination: counts by status and the oldest pending row's age basis."""
    stmt = select(
        _O.destination, _O.status, func.count(), func.min(_O.created_at)
    ).group_by(_O.destination, _O.status)
    if seller is not None:
        stmt = stmt.where(_O.seller == seller)
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for dest, status, count, oldest in conn.execute(stmt):
        out[dest][status] = int(count)
        if status == "pending":
            out[dest]["oldest_pending"] = oldest
    return dict(out)


def lock_cursor_on(conn: Connection, seller: str, name: str) -> int | None:
    """Lock and return the named cursor (created at 0); None if another holds it."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(sync_state)
        .values(seller=seller, name=name, value=0)
        .on_conflict_do_nothing()
    )
    stmt = select(sync_state.c.value).where(
        and_(sync_state.c.seller == seller, sync_state.c.name == name)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    value = conn.execute(stmt).scalar()
    return None if value is None else int(value)


def save_cursor_on(conn: Connection, seller: str, name: str, value: int) -> None:
    """Move the named cursor to ``value`` (caller holds its lock)."""
    conn.execute(
        update(sync_state)
        .where(and_(sync_state.c.seller == seller, sync_state.c.name == name))
        .values(value=value)
    )


def touched_since_on(
    conn: Connection, after_id: int, lookback: int, limit: int
) -> tuple[int, dict[str, datetime], list[str]]:
    """Read journal rows with id > ``after_id - lookback``.

    Returns the highest id read, the SKUs touched (each with its newest
    ``posted_at``) and the references of ``ship`` movements (order keys).
    """
    m = movements.c
    rows = conn.execute(
        select(m.id, m.sku, m.kind, m.reference, m.posted_at)
        .where(m.id > max(0, after_id - lookback))
        .order_by(m.id)
        .limit(limit)
    ).all()
    top = after_id
    touched: dict[str, datetime] = {}
    shipped: list[str] = []
    for r in rows:
        top = max(top, int(r.id))
        at = r.posted_at if r.posted_at.tzinfo else r.posted_at.replace(tzinfo=UTC)
        if r.sku not in touched or at > touched[r.sku]:
            touched[r.sku] = at
        if r.kind == "ship":
            shipped.append(r.reference)
    return top, touched, shipped


def atp_many_on(
    conn: Connection, catalog: Catalog, skus: list[str], markets: list[str]
) -> dict[tuple[str, str], int]:
    """Return available-to-promise units per (SKU, market) for many SKUs at once.

    Same rule as :func:`worldpool.ledger.atp.atp_on`: the FCs serving the market
    plus each origin hub with a parcel lane where the SKU may ship from origin;
    nothing where the SKU is not listed. Two queries for all SKUs.
    """
    if not skus:
        return {}
    avail: dict[str, dict[str, int]] = defaultdict(dict)
    for r in conn.execute(
        select(
            balances.c.sku, balances.c.node, balances.c.on_hand - balances.c.reserved
        ).where(balances.c.sku.in_(skus))
    ):
        avail[r[0]][r[1]] = int(r[2])
    listing: dict[str, dict[str, tuple[bool, bool]]] = defaultdict(dict)
    for sku, mk, listed, ffo in conn.execute(
        select(
            sku_markets.c.sku,
            sku_markets.c.market,
            sku_markets.c.listed,
            sku_markets.c.ffo_allowed,
        ).where(sku_markets.c.sku.in_(skus))
    ):
        listing[sku][mk] = (bool(listed), bool(listed and ffo))
    out: dict[tuple[str, str], int] = {}
    for market in markets:
        fcs = [fc.id for fc in catalog.fcs_for(market)]
        hubs = [h.id for h in catalog.hubs() if catalog.parcel_lane(h.id, market)]
        for sku in skus:
            rows = listing.get(sku)
            listed, ffo = (
                (True, False) if not rows else rows.get(market, (False, False))
            )
            nodes = fcs + hubs if ffo else fcs
            have = avail.get(sku, {})
            out[(sku, market)] = sum(have.get(n, 0) for n in nodes) if listed else 0
    return out


def published_on(
    conn: Connection, seller: str, keys: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], tuple[int, int]]:
    """Return the last enqueued (level, version) per (destination, SKU, market)."""
    if not keys:
        return {}
    p = stock_published.c
    wanted = set(keys)
    rows = conn.execute(
        select(p.destination, p.sku, p.market, p.level, p.version).where(
            and_(
                p.seller == seller,
                p.destination.in_(sorted({k[0] for k in wanted})),
                p.sku.in_(sorted({k[1] for k in wanted})),
            )
        )
    )
    out = {(r[0], r[1], r[2]): (int(r[3]), int(r[4])) for r in rows}
    return {k: v for k, v in out.items() if k in wanted}


def repin_published_on(
    conn: Connection, seller: str, sent: list[tuple[str, str, str, int, int]]
) -> None:
    """Record the level actually sent for (dest, SKU, market) at ``version``.

    The deliverer recomputes levels at send time; the feed compares its next
    level with this one, so a level that differs from what went out is sent.
    A row the feed moved on from (newer version) is left alone.
    """
    if not sent:
        return
    p = stock_published.c
    stmt = (
        update(stock_published)
        .where(
            and_(
                p.seller == seller,
                p.destination == bindparam("b_dest"),
                p.sku == bindparam("b_sku"),
                p.market == bindparam("b_market"),
                p.version == bindparam("b_version"),
                p.level != bindparam("b_level"),
            )
        )
        .values(level=bindparam("b_level"), updated_at=_now())
    )
    # One executemany (pipelined by psycopg) rather than a round trip per SKU.
    conn.execute(
        stmt,
        [
            {
                "b_dest": dest,
                "b_sku": sku,
                "b_market": market,
                "b_level": level,
                "b_version": version,
            }
            for dest, sku, market, level, version in sent
        ],
    )


def set_published_on(
    conn: Connection, seller: str, levels: dict[tuple[str, str, str], tuple[int, int]]
) -> None:
    """Upsert the enqueued (level, version) per (destination, SKU, market)."""
    if not levels:
        return
    now = _now()
    values = [
        {
            "seller": seller,
            "destination": d,
            "sku": s,
            "market": m,
            "level": lv,
            "version": ver,
            "updated_at": now,
        }
        for (d, s, m), (lv, ver) in sorted(levels.items())
    ]
    # One statement for any number of rows (executemany): a multi-VALUES
    # insert is compiled again for every row count, and that compiling was
    # 15 % of a loaded sync worker's CPU.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt: Any = dialect.insert(stock_published)
    stmt = stmt.on_conflict_do_update(
        index_elements=["seller", "destination", "sku", "market"],
        set_={
            "level": stmt.excluded.level,
            "version": stmt.excluded.version,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    conn.execute(stmt, values)
