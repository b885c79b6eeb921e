"""Read the movement journal back, for audits and for demand history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from worldpool.domain.inventory import MovementKind
from worldpool.ledger.tables import movements

__all__ = [
    "JOURNAL_COLUMNS",
    "JournalEntry",
    "journal_on",
    "last_movement_at_on",
    "movement_rows_on",
]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One posted movement as the journal holds it."""

    id: int
    """Journal id (increasing in posting order)."""
    kind: MovementKind
    """What happened."""
    sku: str
    """SKU id."""
    node: str
    """Node whose stock changed (destination of a transfer)."""
    from_node: str | None
    """Source node of a transfer."""
    qty: int
    """Units (signed for adjustments)."""
    reason: str
    """Why, as posted."""
    reference: str
    """External reference (ASN, order, transfer ...)."""
    at: datetime
    """When it happened."""


def journal_on(
    conn: Connection,
    seller: str,
    *,
    sku: str | None = None,
    node: str | None = None,
    reference: str | None = None,
    limit: int = 100,
) -> list[JournalEntry]:
    """Return up to ``limit`` entries, newest first; ``node`` matches either end."""
    m = movements.c
    stmt = (
        select(movements).where(m.seller == seller).order_by(m.id.desc()).limit(limit)
    )
    if sku is not None:
        stmt = stmt.where(m.sku == sku)
    if node is not None:
        stmt = stmt.where(or_(m.node == node, m.from_node == node))
    if reference is not None:
        stmt = stmt.where(m.reference == reference)
    return [
        JournalEntry(
            r.id,
            MovementKind(r.kind),
            r.sku,
            r.node,
            r.from_node,
            r.qty,
            r.reason,
            r.reference,
            r.at,
        )
        for r in conn.execute(stmt)
    ]


JOURNAL_COLUMNS = (
    "kind",
    "sku",
    "node",
    "from_node",
    "qty",
    "damaged",
    "short",
    "reference",
    "at",
)
"""Columns of :func:`movement_rows_on`, in order (the journal's public shape)."""


def movement_rows_on(
    conn: Connection, seller: str, sku: str | None = None
) -> list[tuple[Any, ...]]:
    """Return the seller's journal (one SKU's when named), oldest first.

    Rows are ``JOURNAL_COLUMNS``; a named SKU is read through the
    ``(seller, sku, node)`` index instead of scanning the journal.
    """
    m = movements.c
    stmt = (
        select(*(m[c] for c in JOURNAL_COLUMNS))
        .where(m.seller == seller)
        .order_by(m.id)
    )
    if sku is not None:
        stmt = stmt.where(m.sku == sku)
    return [tuple(r) for r in conn.execute(stmt)]


def last_movement_at_on(conn: Connection, seller: str) -> datetime | None:
    """Return when the seller's latest movement happened (None: empty journal)."""
    found: datetime | None = conn.execute(
        select(func.max(movements.c.at)).where(movements.c.seller == seller)
    ).scalar()
    return found
