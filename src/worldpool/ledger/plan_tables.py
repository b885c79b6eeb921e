"""Table of the planning capability: stored plans and whether they were applied.

It shares :data:`worldpool.ledger.tables.metadata`; migration ``0003`` creates
it. A plan is stored whole as JSON (its lines with their ``why``); applying it
writes ``TRANSFER_OUT`` movements whose idempotency keys derive from the plan
id and line number, so a plan moves stock at most once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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

from worldpool.domain.inventory import Movement
from worldpool.errors import UnknownReference, WorldpoolError
from worldpool.ledger.effects import validate
from worldpool.ledger.journal import post_on
from worldpool.ledger.tables import metadata, seller_column

__all__ = [
    "PlanApplied",
    "apply_plan_on",
    "get_plan_on",
    "insert_plan_on",
    "mark_applied_on",
    "plans",
]

plans = Table(
    "plans",
    metadata,
    seller_column(primary_key=True),
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


def insert_plan_on(conn: Connection, seller: str, row: dict[str, Any]) -> bool:
    """Store a plan row for ``seller`` unless its id is there; True when new."""
    mine = plans.c.seller == seller
    exists = conn.execute(select(plans.c.id).where(mine, plans.c.id == row["id"]))
    if exists.first() is not None:
        return False
    conn.execute(insert(plans).values(**(row | {"seller": seller})))
    return True


def get_plan_on(conn: Connection, seller: str, plan_id: str) -> dict[str, Any] | None:
    """Return the seller's stored plan row as a dict, or None."""
    stmt = select(plans).where(plans.c.seller == seller, plans.c.id == plan_id)
    r = conn.execute(stmt).mappings().first()
    return dict(r) if r is not None else None


def mark_applied_on(
    conn: Connection,
    seller: str,
    plan_id: str,
    applied: int,
    rejected: int,
    at: datetime,
) -> bool:
    """Flag a draft plan as applied; return False when it was applied already."""
    res = conn.execute(
        update(plans)
        .where(
            plans.c.seller == seller, plans.c.id == plan_id, plans.c.status == "draft"
        )
        .values(
            status="applied",
            applied_at=at,
            applied_lines=applied,
            rejected_lines=rejected,
        )
    )
    return bool(res.rowcount)


@dataclass(frozen=True, slots=True)
class PlanApplied:
    """What applying a plan in one transaction did."""

    posted: int = 0
    """Movements newly written."""
    duplicates: int = 0
    """Movements whose key was posted already (no-ops)."""
    rejected: tuple[tuple[Movement, WorldpoolError], ...] = ()
    """Movements refused, each with its error (nothing of them written)."""
    already_applied: bool = False
    """The plan was applied before: nothing was posted now."""


def apply_plan_on(
    conn: Connection,
    seller: str,
    plan_id: str,
    movements: Sequence[Movement],
    nodes: Collection[str],
) -> PlanApplied:
    """Post ``movements`` and mark the plan applied, inside the caller's transaction.

    Each movement runs in a savepoint, so a refused one is undone alone and the
    rest commit with the plan's status.

    Raises:
        UnknownReference: the seller has no plan ``plan_id``.
    """
    status = conn.execute(
        select(plans.c.status)
        .where(plans.c.seller == seller, plans.c.id == plan_id)
        .with_for_update()
    ).scalar_one_or_none()
    if status is None:
        raise UnknownReference("no such plan", record="plan", value=plan_id)
    if status != "draft":
        return PlanApplied(already_applied=True)
    posted = dups = 0
    rejected: list[tuple[Movement, WorldpoolError]] = []
    for m in movements:
        try:
            validate(m, nodes)
            with conn.begin_nested():
                result = post_on(conn, m, seller=seller)
        except WorldpoolError as exc:
            rejected.append((m, exc))
            continue
        dups += result.duplicate
        posted += not result.duplicate
    mark_applied_on(conn, seller, plan_id, posted, len(rejected), datetime.now(UTC))
    return PlanApplied(posted, dups, tuple(rejected))
