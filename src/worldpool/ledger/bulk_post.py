"""Post many stock-adding movements in one transaction (imports).

Receipts, returns and positive adjustments only add stock, so no guard can
fail: a chunk of them is written with a fixed number of statements (an
``INSERT ... ON CONFLICT DO NOTHING RETURNING`` over the chunk, then one upsert
per touched balance row with the chunk's summed effect) instead of two
statements per movement. Idempotency is the same as :func:`post_on`'s: a key
already in the journal with the same payload is a duplicate (a no-op); with
another payload it is refused. Unknown SKUs are refused before anything is
written. The caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from worldpool.domain.inventory import Movement
from worldpool.errors import IdempotencyConflict, UnknownReference, WorldpoolError
from worldpool.ledger.effects import effects
from worldpool.ledger.journal import balance_upsert, movement_row
from worldpool.ledger.tables import movements, skus

__all__ = ["BulkPosted", "post_adds_on"]

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class BulkPosted:
    """What posting one chunk did."""

    posted: int
    """Movements newly written."""
    duplicates: int
    """Movements already in the journal with the same payload (no-ops)."""
    rejected: tuple[tuple[int, WorldpoolError], ...]
    """(index in the chunk, why) for movements refused; nothing of them written."""


@cache
def _insert_keys(dialect_name: str) -> Any:
    """Journal insert returning the idempotency keys it wrote (duplicates skip)."""
    dialect: Any = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(movements)
        .on_conflict_do_nothing(index_elements=["seller", "idempotency_key"])
        .returning(movements.c.idempotency_key)
    )


def post_adds_on(
    conn: Connection, seller: str, chunk: Sequence[Movement]
) -> BulkPosted:
    """Post ``chunk`` (validated, stock-adding movements) for ``seller`` at once.

    Raises:
        ValueError: a movement would take stock away (use ``post_on``).
    """
    for m in chunk:
        if not all(e.only_adds for e in effects(m)):
            raise ValueError(f"movement {m.idempotency_key!r} does not only add")
    known = _known_skus(conn, seller, {m.sku for m in chunk})
    rejected: list[tuple[int, WorldpoolError]] = []
    keep: list[tuple[int, Movement]] = []
    for i, m in enumerate(chunk):
        if m.sku in known:
            keep.append((i, m))
        else:
            why = UnknownReference("SKU is not registered", field="sku", value=m.sku)
            rejected.append((i, why))
    if not keep:
        return BulkPosted(0, 0, tuple(rejected))
    insert = _insert_keys(conn.dialect.name)
    upsert = balance_upsert(conn.dialect.name)
    now = datetime.now(UTC)
    rows = [movement_row(m, now, seller) for _, m in keep]
    new_keys = set(conn.execute(insert, rows).scalars())
    old_rows = [r for r in rows if r["idempotency_key"] not in new_keys]
    earlier = _earlier_hashes(conn, seller, old_rows)
    deltas, posted, duplicates = _tally(keep, rows, new_keys, earlier, rejected)
    if deltas:
        conn.execute(
            upsert,
            [
                {
                    "seller": seller,
                    "sku": s,
                    "node": n,
                    "on_hand": d[0],
                    "reserved": d[1],
                    "in_transit": d[2],
                }
                for (s, n), d in sorted(deltas.items())
            ],
        )
    rejected.sort(key=lambda r: r[0])
    return BulkPosted(posted, duplicates, tuple(rejected))


def _tally(
    keep: list[tuple[int, Movement]],
    rows: list[dict[str, Any]],
    new_keys: set[str],
    earlier: dict[str, str],
    rejected: list[tuple[int, WorldpoolError]],
) -> tuple[dict[tuple[str, str], list[int]], int, int]:
    """Sum the balance effects of the rows just inserted; count the others."""
    duplicates = 0
    deltas: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    first: dict[str, str] = {}
    for (i, m), row in zip(keep, rows, strict=True):
        key, digest = row["idempotency_key"], row["payload_hash"]
        if key in new_keys and key not in first:
            first[key] = digest
            for e in effects(m):
                d = deltas[(m.sku, e.node)]
                d[0] += e.on_hand
                d[1] += e.reserved
                d[2] += e.in_transit
        elif (first.get(key) or earlier.get(key)) == digest:
            duplicates += 1
        else:
            rejected.append((i, _conflict(key)))
    return deltas, len(first), duplicates


def _conflict(key: str) -> IdempotencyConflict:
    return IdempotencyConflict(
        f"idempotency key {key!r} was already used for a different movement"
    )


def _known_skus(conn: Connection, seller: str, ids: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(ids)
    for i in range(0, len(ordered), _IN_CHUNK):
        part = ordered[i : i + _IN_CHUNK]
        found.update(
            conn.execute(
                select(skus.c.sku).where(skus.c.seller == seller, skus.c.sku.in_(part))
            ).scalars()
        )
    return found


def _earlier_hashes(
    conn: Connection, seller: str, rows: list[dict[str, Any]]
) -> dict[str, str]:
    keys = sorted({r["idempotency_key"] for r in rows})
    out: dict[str, str] = {}
    for i in range(0, len(keys), _IN_CHUNK):
        part = keys[i : i + _IN_CHUNK]
        found = conn.execute(
            select(movements.c.idempotency_key, movements.c.payload_hash).where(
                movements.c.seller == seller,
                movements.c.idempotency_key.in_(part),
            )
        )
        out.update((str(k), str(h)) for k, h in found)
    return out
