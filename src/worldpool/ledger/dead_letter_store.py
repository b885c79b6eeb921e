"""The dead-letter store: rejected input records kept with their reason.

One store for every kind of record (``sku``, ``asn``, ``order`` ...): record,
list, fetch by id and mark re-driven, always within one seller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, select, update

from worldpool.ledger.tables import dead_letters

__all__ = [
    "DeadLetter",
    "StoredDeadLetter",
    "get_dead_letter_on",
    "list_dead_letters_on",
    "record_dead_letters_on",
    "resolve_dead_letter_on",
]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One rejected record."""

    source: str
    """Where it came from (file path, channel, API call)."""
    kind: str
    """What it was meant to be (``asn``, ``sku``, ``order`` ...)."""
    row: int | None
    """1-based data row in the source file, if any."""
    field: str | None
    """The field that was wrong, if known."""
    error: str
    """The error message."""
    payload: dict[str, str]
    """The raw record as received."""


@dataclass(frozen=True, slots=True)
class StoredDeadLetter:
    """A dead letter and its id."""

    id: int
    """Row id (what ``re-drive`` takes)."""
    letter: DeadLetter
    """The rejected record and its reason."""
    created_at: datetime
    """When it was rejected (UTC)."""


def _stored(r: Any) -> StoredDeadLetter:
    letter = DeadLetter(
        r.source, r.kind, r.row, r.field, r.error, json.loads(r.payload)
    )
    return StoredDeadLetter(r.id, letter, r.created_at)


def record_dead_letters_on(
    conn: Connection, seller: str, letters: Iterable[DeadLetter]
) -> int:
    """Store ``letters`` for ``seller``; return how many were stored."""
    now = datetime.now(UTC)
    rows = [
        {
            "seller": seller,
            "source": d.source,
            "kind": d.kind,
            "row": d.row,
            "field": d.field,
            "error": d.error,
            "payload": json.dumps(d.payload, sort_keys=True),
            "created_at": now,
        }
        for d in letters
    ]
    if rows:
        conn.execute(dead_letters.insert(), rows)
    return len(rows)


def list_dead_letters_on(
    conn: Connection, seller: str, kind: str | None = None, limit: int | None = None
) -> list[StoredDeadLetter]:
    """Return the seller's unresolved dead letters, oldest first.

    Args:
        conn: Open connection.
        seller: Whose letters.
        kind: Only this kind of record (None: every kind).
        limit: At most this many (None: all).
    """
    d = dead_letters.c
    stmt = select(dead_letters).where(d.seller == seller, d.resolved_at.is_(None))
    if kind is not None:
        stmt = stmt.where(d.kind == kind)
    stmt = stmt.order_by(d.id).limit(limit)
    return [_stored(r) for r in conn.execute(stmt)]


def get_dead_letter_on(
    conn: Connection, seller: str, letter_id: int
) -> StoredDeadLetter | None:
    """Return one unresolved dead letter of ``seller``, or None."""
    d = dead_letters.c
    stmt = select(dead_letters).where(
        and_(d.seller == seller, d.id == letter_id, d.resolved_at.is_(None))
    )
    r = conn.execute(stmt).one_or_none()
    return None if r is None else _stored(r)


def resolve_dead_letter_on(conn: Connection, seller: str, letter_id: int) -> bool:
    """Mark a dead letter re-driven (it leaves the list); False if none matched."""
    d = dead_letters.c
    done = conn.execute(
        update(dead_letters)
        .where(d.seller == seller, d.id == letter_id, d.resolved_at.is_(None))
        .values(resolved_at=datetime.now(UTC))
    )
    return bool(done.rowcount)
