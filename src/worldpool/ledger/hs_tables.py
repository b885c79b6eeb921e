"""HS code corrections a seller or broker recorded (migration ``0006_hs``).

``hs_corrections``: one row per (seller, normalised product text): the 6-digit
code a person confirmed or corrected, who did it and when. The HS suggester
reads a seller's rows as that seller's own labelled products (they vote at
query time; nothing is refitted). A repeated correction of the same text
replaces the code (the latest word counts) and keeps one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
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
    "HsCorrectionRow",
    "hs_corrections",
    "list_corrections_on",
    "save_correction_on",
]

hs_corrections = Table(
    "hs_corrections",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default", index=True),
    Column("text_key", String(500), nullable=False),
    Column("text", Text, nullable=False),
    Column("hs6", String(6), nullable=False),
    Column("previous", String(6), nullable=False, server_default=""),
    Column("recorded_by", String(128), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("seller", "text_key", name="uq_hs_corrections_text"),
)


@dataclass(frozen=True, slots=True)
class HsCorrectionRow:
    """One stored correction."""

    text: str
    hs6: str
    previous: str
    """The code it replaced for this text ("" for a first correction)."""
    recorded_by: str
    recorded_at: datetime


def text_key(text: str) -> str:
    """Return the key of a correction's text (lower case, single spaces)."""
    return " ".join(text.lower().split())[:500]


def save_correction_on(
    conn: Connection, seller: str, text: str, hs6: str, by: str
) -> HsCorrectionRow:
    """Insert or replace ``seller``'s correction for ``text``; return the stored row."""
    t, key, now = hs_corrections, text_key(text), datetime.now(UTC)
    old = conn.execute(
        select(t.c.hs6).where(t.c.seller == seller, t.c.text_key == key)
    ).scalar()
    values = {"text": text, "hs6": hs6, "recorded_by": by, "recorded_at": now}
    if old is None:
        conn.execute(
            insert(t).values(seller=seller, text_key=key, previous="", **values)
        )
    else:
        conn.execute(
            update(t)
            .where(t.c.seller == seller, t.c.text_key == key)
            .values(previous=old if old != hs6 else "", **values)
        )
    return HsCorrectionRow(text, hs6, str(old or "") if old != hs6 else "", by, now)


def list_corrections_on(conn: Connection, seller: str) -> list[HsCorrectionRow]:
    """Return ``seller``'s corrections, oldest first."""
    t = hs_corrections
    rows = conn.execute(
        select(t.c.text, t.c.hs6, t.c.previous, t.c.recorded_by, t.c.recorded_at)
        .where(t.c.seller == seller)
        .order_by(t.c.id)
    )
    return [HsCorrectionRow(*row) for row in rows]
