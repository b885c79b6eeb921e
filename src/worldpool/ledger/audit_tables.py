"""The audit log and the transactional outbox (migration ``0004_audit``).

``audit_log``: one row per action a person, key, worker or assistant took
(who asked, who approved, the inputs, the result, the status). Rows are never
updated except to record a later approval/undo on the same action id.

``outbox``: everything worldpool sends outside (stock levels, shipment
confirmations with carrier + tracking number, cancellations) is written here
in the SAME transaction as the change that caused it, then delivered at least
once by a worker; the ``(seller, key)`` idempotency key makes a repeated
enqueue a no-op, and the receiver dedupes by the same key.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from worldpool.ledger.tables import metadata

__all__ = [
    "audit_log",
    "enqueue_on",
    "list_audit_on",
    "outbox",
    "record_audit_on",
]

_BigId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default"),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(256), nullable=False, server_default=""),
    Column("inputs", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("approved_by", String(128)),
    Index("ix_audit_log_seller_at", "seller", "at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default"),
    Column("topic", String(64), nullable=False),
    Column("destination", String(128), nullable=False),
    Column("key", String(256), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("last_error", Text),
    # The lease (``owner#epoch``) a connection's row was claimed under (0008).
    Column("claimed_by", String(96)),
    UniqueConstraint("seller", "key", name="uq_outbox_seller_key"),
    Index("ix_outbox_status_next", "status", "next_attempt_at"),
)


def record_audit_on(conn: Connection, row: dict[str, Any]) -> int:
    """Append one audit row (``inputs``/``result`` as JSON-able values); return its id.

    Args:
        conn: Open transaction (the same one as the action's own writes).
        row: ``seller, actor, role, action, target, inputs, result, status`` and
            optionally ``approved_by`` and ``at`` (default now, UTC).
    """
    values = dict(row)
    values.setdefault("at", datetime.now(UTC))
    values["inputs"] = json.dumps(values.get("inputs", {}), default=str)
    values["result"] = json.dumps(values.get("result", {}), default=str)
    result = conn.execute(insert(audit_log).values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


def list_audit_on(
    conn: Connection, seller: str | None, limit: int = 100
) -> list[dict[str, Any]]:
    """Return the newest audit rows of ``seller`` (None: every seller), newest first."""
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if seller is not None:
        stmt = stmt.where(audit_log.c.seller == seller)
    rows = []
    for r in conn.execute(stmt).mappings():
        row = dict(r)
        row["inputs"] = json.loads(row["inputs"])
        row["result"] = json.loads(row["result"])
        rows.append(row)
    return rows


def enqueue_on(
    conn: Connection,
    *,
    seller: str,
    topic: str,
    destination: str,
    key: str,
    payload: dict[str, Any],
) -> bool:
    """Add one outgoing message in the caller's transaction; False if ``key`` was there.

    Args:
        conn: The transaction that makes the change the message reports.
        seller: Seller the message belongs to.
        topic: What it is (``stock.level``, ``shipment.confirmed``, ...).
        destination: Where it goes (a connection id, e.g. ``shopify:shop-1``).
        key: Idempotency key, unique per seller (a repeat is a no-op).
        payload: JSON-able body.
    """
    now = datetime.now(UTC)
    values = {
        "seller": seller,
        "topic": topic,
        "destination": destination,
        "key": key,
        "payload": json.dumps(payload, default=str, sort_keys=True),
        "created_at": now,
        "next_attempt_at": now,
    }
    if conn.dialect.name == "postgresql":
        stmt: Any = postgresql.insert(outbox).values(**values)
    else:
        stmt = sqlite.insert(outbox).values(**values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["seller", "key"])
    return conn.execute(stmt.returning(outbox.c.id)).first() is not None
