"""Bins of a hub and the stock in them (``hub_bins``, ``hub_bin_moves``).

Bin stock is a journal of signed rows: a put-away adds units to a bin, a
bin-to-bin move is two rows of one key (minus from one bin, plus to the other),
a pick takes units out and a count correction adds the variance. The node's
balance changes only through the movement journal (receive, ship, adjust); a
move between bins writes no movement at all, so it can never change it.
Every row carries its seller; bins themselves are the operator's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from worldpool.domain.inventory import Movement
from worldpool.errors import IdempotencyConflict
from worldpool.ledger.effects import validate
from worldpool.ledger.hub_tables import hub_bin_moves, hub_bins, hub_counts
from worldpool.ledger.journal import PostResult, post_on
from worldpool.ledger.tables import balances, skus

__all__ = [
    "bin_load_on",
    "bin_stock_on",
    "bins_on",
    "count_lines_on",
    "insert_bin_rows_on",
    "insert_count_lines_on",
    "last_counted_on",
    "on_hand_on",
    "post_adjust_on",
    "seen_bin_rows_on",
    "set_count_on",
    "upsert_bins_on",
]


def upsert_bins_on(conn: Connection, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """Insert or update bins by (node, bin); return (new, updated)."""
    new = updated = 0
    b = hub_bins.c
    for row in rows:
        key = and_(b.node == row["node"], b.bin == row["bin"])
        if conn.execute(select(b.bin).where(key)).first() is None:
            conn.execute(insert(hub_bins), row | {"created_at": datetime.now(UTC)})
            new += 1
        else:
            conn.execute(update(hub_bins).where(key).values(row))
            updated += 1
    return new, updated


def bins_on(
    conn: Connection, node: str, bin_id: str | None = None
) -> list[dict[str, Any]]:
    """Return the bins of ``node`` (or one bin) in zone/aisle/shelf/position order."""
    b = hub_bins.c
    stmt = select(hub_bins).where(b.node == node)
    if bin_id is not None:
        stmt = stmt.where(b.bin == bin_id)
    stmt = stmt.order_by(b.zone, b.aisle, b.shelf, b.position, b.bin)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def bin_stock_on(
    conn: Connection,
    seller: str,
    node: str,
    bin_id: str | None = None,
    sku: str | None = None,
) -> list[tuple[str, str, int]]:
    """Return (bin, sku, units) with units != 0 of ``seller`` at ``node``."""
    m = hub_bin_moves.c
    stmt = (
        select(m.bin, m.sku, func.sum(m.qty))
        .where(m.seller == seller, m.node == node)
        .group_by(m.bin, m.sku)
        .having(func.sum(m.qty) != 0)
        .order_by(m.bin, m.sku)
    )
    if bin_id is not None:
        stmt = stmt.where(m.bin == bin_id)
    if sku is not None:
        stmt = stmt.where(m.sku == sku)
    return [(r[0], r[1], int(r[2])) for r in conn.execute(stmt)]


def bin_load_on(conn: Connection, node: str, bin_id: str) -> tuple[Decimal, Decimal]:
    """Return (m³, kg) of every seller's stock in a bin (caller sees all sellers)."""
    m, s = hub_bin_moves.c, skus.c
    stmt = (
        select(
            func.coalesce(func.sum(m.qty * s.unit_volume_m3), 0),
            func.coalesce(func.sum(m.qty * s.unit_weight_kg), 0),
        )
        .select_from(
            hub_bin_moves.join(skus, and_(s.seller == m.seller, s.sku == m.sku))
        )
        .where(m.node == node, m.bin == bin_id)
    )
    vol, kg = conn.execute(stmt).one()
    return Decimal(vol), Decimal(kg)


def on_hand_on(conn: Connection, seller: str, sku: str, node: str) -> int:
    """Return the on-hand units of one balance row (0 when there is none)."""
    b = balances.c
    got = conn.execute(
        select(b.on_hand).where(b.seller == seller, b.sku == sku, b.node == node)
    ).scalar()
    return int(got or 0)


def seen_bin_rows_on(
    conn: Connection, seller: str, rows: Sequence[dict[str, Any]]
) -> bool:
    """True when the rows' idempotency key is already recorded with these rows.

    Raises:
        IdempotencyConflict: the key was used for other rows.
    """
    m = hub_bin_moves.c
    key = rows[0]["idempotency_key"]
    seen = conn.execute(
        select(m.bin, m.sku, m.qty).where(m.seller == seller, m.idempotency_key == key)
    ).all()
    if seen and sorted((r.bin, r.sku, r.qty) for r in seen) != sorted(
        (r["bin"], r["sku"], r["qty"]) for r in rows
    ):
        raise IdempotencyConflict(f"bin move key {key!r} was used for other rows")
    return bool(seen)


def insert_bin_rows_on(
    conn: Connection, seller: str, rows: Sequence[dict[str, Any]]
) -> bool:
    """Insert bin-stock rows of one idempotency key; False when already recorded.

    Raises:
        IdempotencyConflict: the key was used for other rows.
    """
    if seen_bin_rows_on(conn, seller, rows):
        return False
    now = datetime.now(UTC)
    conn.execute(
        insert(hub_bin_moves), [r | {"seller": seller, "at": now} for r in rows]
    )
    return True


def post_adjust_on(conn: Connection, seller: str, movement: Movement) -> PostResult:
    """Post an ``adjust`` movement (a count variance) in the caller's transaction.

    Raises:
        InputError: the movement is malformed (``validate``).
        InsufficientStock: a negative variance exceeds the available units.
    """
    validate(movement, (movement.node,))
    return post_on(conn, movement, seller=seller)


def last_counted_on(conn: Connection, node: str) -> dict[str, datetime]:
    """Return when each bin of ``node`` was last counted (any seller visible)."""
    c = hub_counts.c
    stmt = (
        select(c.bin, func.max(c.counted_at))
        .where(c.node == node, c.counted_at.is_not(None))
        .group_by(c.bin)
    )
    return {r[0]: r[1] for r in conn.execute(stmt)}


def insert_count_lines_on(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert count-sheet lines; return how many."""
    if rows:
        conn.execute(insert(hub_counts), list(rows))
    return len(rows)


def count_lines_on(conn: Connection, seller: str, sheet: str) -> list[dict[str, Any]]:
    """Return the lines of a count sheet, sorted by bin and SKU."""
    c = hub_counts.c
    stmt = (
        select(hub_counts)
        .where(c.seller == seller, c.sheet == sheet)
        .order_by(c.bin, c.sku)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def set_count_on(
    conn: Connection,
    seller: str,
    sheet: str,
    bin_id: str,
    sku: str,
    values: dict[str, Any],
) -> int:
    """Update one count line; return the rows changed (0: no such line)."""
    c = hub_counts.c
    stmt = (
        update(hub_counts)
        .where(c.seller == seller, c.sheet == sheet, c.bin == bin_id, c.sku == sku)
        .values(values)
    )
    return int(conn.execute(stmt).rowcount)
