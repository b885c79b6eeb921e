"""Dead letters with their ids: list, fetch and mark re-driven.

Extends :mod:`worldpool.ledger.deadletter` (which stores and lists them) with
what re-driving needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, select, update

from worldpool.errors import UnknownReference
from worldpool.ledger.db import reader
from worldpool.ledger.deadletter import DeadLetter
from worldpool.ledger.tables import dead_letters

__all__ = [
    "StoredDeadLetter",
    "get_dead_letter",
    "list_dead_letters",
    "resolve_dead_letter",
]


@dataclass(frozen=True, slots=True)
class StoredDeadLetter:
    """A dead letter and its id."""

    id: int
    """Row id (what ``re-drive`` takes)."""
    letter: DeadLetter
    """The rejected record and its reason."""
    created_at: datetime
    """When it was rejected (UTC)."""


def _stored(r: object) -> StoredDeadLetter:
    return StoredDeadLetter(
        r.id,  # type: ignore[attr-defined]
        DeadLetter(
            r.source,  # type: ignore[attr-defined]
            r.kind,  # type: ignore[attr-defined]
            r.row,  # type: ignore[attr-defined]
            r.field,  # type: ignore[attr-defined]
            r.error,  # type: ignore[attr-defined]
            json.loads(r.payload),  # type: ignore[attr-defined]
        ),
        r.created_at,  # type: ignore[attr-defined]
    )


def list_dead_letters(
    engine: Engine, kind: str | None = None, limit: int = 100
) -> list[StoredDeadLetter]:
    """Return unresolved dead letters with ids, oldest first."""
    stmt = select(dead_letters).where(dead_letters.c.resolved_at.is_(None))
    if kind is not None:
        stmt = stmt.where(dead_letters.c.kind == kind)
    with reader(engine).connect() as conn:
        rows = conn.execute(stmt.order_by(dead_letters.c.id).limit(limit)).all()
    return [_stored(r) for r in rows]


def get_dead_letter(engine: Engine, letter_id: int) -> StoredDeadLetter:
    """Return one unresolved dead letter.

    Raises:
        UnknownReference: when no unresolved letter has that id.
    """
    stmt = select(dead_letters).where(
        and_(dead_letters.c.id == letter_id, dead_letters.c.resolved_at.is_(None))
    )
    with reader(engine).connect() as conn:
        r = conn.execute(stmt).one_or_none()
    if r is None:
        raise UnknownReference(
            "no unresolved dead letter",
            record="dead letter",
            field="id",
            value=letter_id,
        )
    return _stored(r)


def resolve_dead_letter(engine: Engine, letter_id: int) -> None:
    """Mark a dead letter re-driven (it leaves the list)."""
    with engine.begin() as conn:
        conn.execute(
            update(dead_letters)
            .where(dead_letters.c.id == letter_id)
            .values(resolved_at=datetime.now(UTC))
        )
