"""Tables of the assistant (migration ``0005_assistant``): proposals, channel buffers.

``assistant_proposals``: one row per (seller, signal key, day) the assistant
proposed, with its rank, impact, the signal as JSON, the approval mode the
policy gave it, and what became of it (open, approved, rejected, done, failed,
refused, undone). ``channel_buffers``: units held back from what each channel
is told is available (the channel sync reads it; a seam for connectors).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)

from worldpool.ledger.tables import _BigId, metadata

__all__ = [
    "add_proposal_on",
    "assistant_proposals",
    "channel_buffers",
    "get_buffer_on",
    "get_proposal_on",
    "list_proposals_on",
    "save_proposals_on",
    "set_buffer_on",
    "update_proposal_on",
]

assistant_proposals = Table(
    "assistant_proposals",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default", index=True),
    Column("day", Date, nullable=False),
    Column("key", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("impact", Numeric(16, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("probability", Float, nullable=False),
    Column("signal", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(128)),
    Column("result", Text, nullable=False, server_default="{}"),
    UniqueConstraint("seller", "key", "day", name="uq_assistant_proposals_key_day"),
    Index("ix_assistant_proposals_seller_day", "seller", "day"),
)

channel_buffers = Table(
    "channel_buffers",
    metadata,
    Column("seller", String(64), primary_key=True, server_default="default"),
    Column("channel", String(32), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("units", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def _decode(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["signal"] = json.loads(out["signal"])
    out["result"] = json.loads(out["result"])
    return out


def save_proposals_on(
    conn: Connection, seller: str, day: date, rows: list[dict[str, Any]]
) -> int:
    """Store the day's proposals; a key already proposed that day keeps its row.

    Open rows of the day whose key is not proposed again are marked ``expired``
    (the situation went away). Returns the number of new rows.
    """
    t = assistant_proposals
    seen = {
        r.key: r.status
        for r in conn.execute(
            select(t.c.key, t.c.status).where(
                t.c.seller == seller, t.c.day == day, t.c.kind != "request"
            )
        )
    }
    now = datetime.now(UTC)
    fresh = [
        {**r, "seller": seller, "day": day, "created_at": now, "status": "open"}
        | {"signal": json.dumps(r["signal"], default=str), "result": "{}"}
        for r in rows
        if r["key"] not in seen
    ]
    if fresh:
        conn.execute(insert(t), fresh)
    for r in rows:
        if r["key"] in seen and seen[r["key"]] == "open":
            conn.execute(
                update(t)
                .where(t.c.seller == seller, t.c.day == day, t.c.key == r["key"])
                .values(
                    rank=r["rank"], impact=r["impact"], probability=r["probability"]
                )
            )
    keys = {r["key"] for r in rows}
    gone = [k for k, s in seen.items() if s == "open" and k not in keys]
    if gone:
        conn.execute(
            update(t)
            .where(t.c.seller == seller, t.c.day == day, t.c.key.in_(gone))
            .values(status="expired")
        )
    return len(fresh)


def add_proposal_on(
    conn: Connection, seller: str, day: date, row: dict[str, Any]
) -> int:
    """Store one proposal (an action asked for directly); return its id.

    The same key on the same day returns the existing row's id (idempotent).
    """
    t = assistant_proposals
    found = conn.execute(
        select(t.c.id).where(
            t.c.seller == seller, t.c.day == day, t.c.key == row["key"]
        )
    ).scalar()
    if found is not None:
        return int(found)
    values = {
        **row,
        "seller": seller,
        "day": day,
        "status": "open",
        "created_at": datetime.now(UTC),
        "result": "{}",
        "signal": json.dumps(row["signal"], default=str),
    }
    key = conn.execute(insert(t).values(**values)).inserted_primary_key
    return int(key[0]) if key else 0


def list_proposals_on(
    conn: Connection, seller: str, *, day: date | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Return the seller's proposals (of ``day``, with ``status``), best rank first."""
    t = assistant_proposals
    stmt = select(t).where(t.c.seller == seller).order_by(t.c.day.desc(), t.c.rank)
    if day is not None:
        stmt = stmt.where(t.c.day == day)
    if status is not None:
        stmt = stmt.where(t.c.status == status)
    return [_decode(r) for r in conn.execute(stmt).mappings()]


def get_proposal_on(conn: Connection, seller: str, pid: int) -> dict[str, Any] | None:
    """Return one proposal of ``seller`` by id, or None."""
    t = assistant_proposals
    row = (
        conn.execute(select(t).where(t.c.seller == seller, t.c.id == pid))
        .mappings()
        .first()
    )
    return None if row is None else _decode(row)


def update_proposal_on(
    conn: Connection,
    seller: str,
    pid: int,
    *,
    status: str,
    decided_by: str | None,
    result: dict[str, Any],
    expect: tuple[str, ...],
) -> bool:
    """Move a proposal to ``status`` if it is in one of ``expect``; True if it moved."""
    t = assistant_proposals
    done = conn.execute(
        update(t)
        .where(t.c.seller == seller, t.c.id == pid, t.c.status.in_(expect))
        .values(
            status=status,
            decided_by=decided_by,
            decided_at=datetime.now(UTC),
            result=json.dumps(result, default=str),
        )
    )
    return bool(done.rowcount)


def get_buffer_on(conn: Connection, seller: str, channel: str, sku: str) -> int:
    """Return the units held back from ``channel`` for ``sku`` (0 when none)."""
    t = channel_buffers
    units = conn.execute(
        select(t.c.units).where(
            t.c.seller == seller, t.c.channel == channel, t.c.sku == sku
        )
    ).scalar()
    return int(units or 0)


def set_buffer_on(
    conn: Connection, seller: str, channel: str, sku: str, units: int
) -> int:
    """Set the buffer of ``channel`` x ``sku``; return the previous units."""
    t = channel_buffers
    before = get_buffer_on(conn, seller, channel, sku)
    scope = (t.c.seller == seller, t.c.channel == channel, t.c.sku == sku)
    now = datetime.now(UTC)
    if conn.execute(select(t.c.units).where(*scope)).first() is None:
        conn.execute(
            insert(t).values(
                seller=seller, channel=channel, sku=sku, units=units, updated_at=now
            )
        )
    else:
        conn.execute(update(t).where(*scope).values(units=units, updated_at=now))
    return before
