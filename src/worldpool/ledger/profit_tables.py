"""Table of the profit capability: launches applied by ``worldpool expand --apply``.

It shares :data:`worldpool.ledger.tables.metadata`; migration ``0004_profit``
creates it. One row per (seller, SKU, market) launch; ``key`` makes applying
the same expansion twice change nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    select,
)

from worldpool.ledger.tables import metadata

__all__ = ["insert_launches_on", "launches_on", "profit_launches"]

profit_launches = Table(
    "profit_launches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default", index=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("sku", String(64), nullable=False),
    Column("market", String(8), nullable=False),
    Column("strategy", String(32), nullable=False),
    Column("lane", String(64), nullable=False),
    Column("seed_units", Integer, nullable=False),
    Column("price", Numeric(14, 4), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("why", Text, nullable=False),
    Column("created_by", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def insert_launches_on(
    conn: Connection,
    seller: str,
    rows: list[dict[str, object]],
    user: str | None,
) -> int:
    """Insert launch rows whose key is new; return how many were written.

    Args:
        conn: Connection in an open transaction.
        seller: The seller the rows belong to.
        rows: Dicts with key, sku, market, strategy, lane, seed_units, price,
            currency, why.
        user: Who applied it.
    """
    keys = [str(r["key"]) for r in rows]
    seen = set(
        conn.execute(
            select(profit_launches.c.key).where(
                profit_launches.c.seller == seller, profit_launches.c.key.in_(keys)
            )
        ).scalars()
    )
    fresh = [
        r | {"seller": seller, "created_by": user, "created_at": datetime.now(UTC)}
        for r in rows
        if r["key"] not in seen
    ]
    if fresh:
        conn.execute(profit_launches.insert(), fresh)
    return len(fresh)


def launches_on(
    conn: Connection, seller: str, sku: str | None = None
) -> list[dict[str, object]]:
    """Return the seller's launches (newest first), optionally for one SKU."""
    c = profit_launches.c
    stmt = select(profit_launches).where(c.seller == seller).order_by(c.id.desc())
    if sku is not None:
        stmt = stmt.where(c.sku == sku)
    return [dict(row._mapping) for row in conn.execute(stmt)]
