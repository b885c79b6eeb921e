"""The dead-letter store: rejected input records kept with their reason."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from worldpool.ledger.tables import dead_letters

__all__ = ["DeadLetter", "list_dead_letters_on", "record_dead_letters_on"]


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


def record_dead_letters_on(conn: Connection, letters: Iterable[DeadLetter]) -> int:
    """Store ``letters``; return how many were stored."""
    now = datetime.now(UTC)
    rows = [
        {
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


def list_dead_letters_on(conn: Connection, kind: str | None = None) -> list[DeadLetter]:
    """Return unresolved dead letters, oldest first, optionally of one ``kind``."""
    stmt = select(dead_letters).where(dead_letters.c.resolved_at.is_(None))
    if kind is not None:
        stmt = stmt.where(dead_letters.c.kind == kind)
    return [
        DeadLetter(
            source=r.source,
            kind=r.kind,
            row=r.row,
            field=r.field,
            error=r.error,
            payload=json.loads(r.payload),
        )
        for r in conn.execute(stmt.order_by(dead_letters.c.id))
    ]
