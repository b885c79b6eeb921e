"""Table of the planning capability: stored plans and whether they were applied.

It shares :data:`worldpool.ledger.tables.metadata`; migration ``0003`` creates
it. A plan is stored whole as JSON (its lines with their ``why``); applying it
writes ``TRANSFER_OUT`` movements whose idempotency keys derive from the plan
id and line number, so a plan moves stock at most once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from worldpool.ledger.tables import metadata

__all__ = ["get_plan_on", "insert_plan_on", "mark_applied_on", "plans"]

plans = Table(
    "plans",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("hub", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("applied_at", DateTime(timezone=True)),
    Column("applied_lines", Integer, nullable=False, server_default="0"),
    Column("rejected_lines", Integer, nullable=False, server_default="0"),
)


def insert_plan_on(conn: Connection, row: dict[str, Any]) -> bool:
    """Store a plan row unless its id is already there; return True when new."""
    exists = conn.execute(select(plans.c.id).where(plans.c.id == row["id"])).first()
    if exists is not None:
        return False
    conn.execute(insert(plans).values(**row))
    return True


def get_plan_on(conn: Connection, plan_id: str) -> dict[str, Any] | None:
    """Return the stored plan row as a dict, or None."""
    r = conn.execute(select(plans).where(plans.c.id == plan_id)).mappings().first()
    return dict(r) if r is not None else None


def mark_applied_on(
    conn: Connection, plan_id: str, applied: int, rejected: int, at: datetime
) -> bool:
    """Flag a draft plan as applied; return False when it was applied already."""
    res = conn.execute(
        update(plans)
        .where(plans.c.id == plan_id, plans.c.status == "draft")
        .values(
            status="applied",
            applied_at=at,
            applied_lines=applied,
            rejected_lines=rejected,
        )
    )
    return bool(res.rowcount)
