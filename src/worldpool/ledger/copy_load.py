"""PostgreSQL fast path for import chunks: ``COPY`` into staging, then set-based SQL.

A chunk of SKUs or of stock-adding movements is streamed with ``COPY`` into a
session temporary table (``ON COMMIT DELETE ROWS``: empty again after each
transaction) and applied with a few ``INSERT ... SELECT`` statements, instead
of one statement per row. Row-level security still holds: ``COPY`` only writes
the unprotected temporary table, and the seller-owned tables are written by
ordinary ``INSERT``/``DELETE`` statements checked against ``worldpool.seller``.
Every statement runs inside the caller's transaction, so a chunk, its dead
letters and the import's progress still commit or vanish together. None is
prepared: each is planned for the tables' current size (a generic plan kept
from when ``skus`` was empty would scan it whole for every chunk).

The semantics are those of :func:`worldpool.ledger.skus.upsert_skus_on` and
:func:`worldpool.ledger.bulk_post.post_adds_on`: the latest record of a SKU
wins and replaces its listings; a movement key already journaled with the
same payload is a duplicate, with another payload a conflict; an unknown SKU
is refused; only newly written movements change balances.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.product import SkuRecord
from worldpool.errors import IdempotencyConflict, UnknownReference, WorldpoolError
from worldpool.ledger.bulk_post import BulkPosted, post_adds_on
from worldpool.ledger.effects import payload_hash

__all__ = ["ADD_KINDS", "copy_post_adds", "copy_upsert_skus"]

ADD_KINDS = frozenset({MovementKind.RECEIVE, MovementKind.RETURN, MovementKind.ADJUST})
"""Kinds whose only effect is ``on_hand += qty`` at ``node`` (qty > 0)."""

_SKU_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS wp_sku_stage (
    sku text, title text, gtin text, unit_weight_kg numeric,
    unit_volume_m3 numeric, unit_cost numeric, currency text, hs_code text,
    battery text, category text, markets text[], ffo text[]
) ON COMMIT DELETE ROWS
"""
_SKU_COLUMNS = (
    "sku, title, gtin, unit_weight_kg, unit_volume_m3, unit_cost, currency, "
    "hs_code, battery, category"
)
_SKU_UPSERT = f"""
WITH up AS (
INSERT INTO skus (seller, created_at, {_SKU_COLUMNS})
SELECT %(seller)s, %(now)s, {_SKU_COLUMNS} FROM pg_temp.wp_sku_stage
ON CONFLICT (seller, sku) DO UPDATE SET
    title = excluded.title, gtin = excluded.gtin,
    unit_weight_kg = excluded.unit_weight_kg,
    unit_volume_m3 = excluded.unit_volume_m3, unit_cost = excluded.unit_cost,
    currency = excluded.currency, hs_code = excluded.hs_code,
    battery = excluded.battery, category = excluded.category
RETURNING created_at
)  -- a row created now is new; an updated row keeps its earlier created_at
SELECT count(*) FILTER (WHERE created_at = %(now)s), count(*) FROM up
"""
_LISTINGS_DELETE = """
DELETE FROM sku_markets
WHERE seller = %(seller)s AND sku = ANY(ARRAY(SELECT sku FROM pg_temp.wp_sku_stage))
"""
_LISTINGS_INSERT = """
INSERT INTO sku_markets (seller, sku, market, listed, ffo_allowed)
SELECT %(seller)s, s.sku, mk, true, mk = ANY(s.ffo)
FROM pg_temp.wp_sku_stage s, unnest(s.markets) AS mk
"""

_MOVE_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS wp_move_stage (
    i integer, idempotency_key text, payload_hash text, kind text, sku text,
    node text, qty integer, reason text, reference text, at timestamptz,
    posted boolean NOT NULL DEFAULT false
) ON COMMIT DELETE ROWS
"""
_MOVE_POST = """
WITH ins AS (
    INSERT INTO movements (seller, idempotency_key, payload_hash, kind, sku, node,
        qty, damaged, short, reason, reference, at, posted_at)
    SELECT %(seller)s, s.idempotency_key, s.payload_hash, s.kind, s.sku, s.node,
        s.qty, 0, 0, s.reason, s.reference, s.at, %(now)s
    FROM pg_temp.wp_move_stage s
    JOIN LATERAL (
        SELECT 1 FROM skus k WHERE k.seller = %(seller)s AND k.sku = s.sku LIMIT 1
    ) k ON true
    ORDER BY s.i
    ON CONFLICT (seller, idempotency_key) DO NOTHING
    RETURNING idempotency_key, sku, node, qty
), bal AS (
    INSERT INTO balances (seller, sku, node, on_hand, reserved, in_transit)
    SELECT %(seller)s, sku, node, sum(qty), 0, 0 FROM ins
    GROUP BY sku, node ORDER BY sku, node
    ON CONFLICT (seller, sku, node)
    DO UPDATE SET on_hand = balances.on_hand + excluded.on_hand
)
UPDATE pg_temp.wp_move_stage s SET posted = true
FROM ins WHERE s.idempotency_key = ins.idempotency_key
"""
_MOVE_LEFT = """
SELECT s.i, k.sku IS NULL, m.payload_hash = s.payload_hash
FROM pg_temp.wp_move_stage s
LEFT JOIN LATERAL (
    SELECT k.sku FROM skus k WHERE k.seller = %(seller)s AND k.sku = s.sku LIMIT 1
) k ON true
LEFT JOIN LATERAL (
    SELECT m.payload_hash FROM movements m
    WHERE m.seller = %(seller)s AND m.idempotency_key = s.idempotency_key LIMIT 1
) m ON true
WHERE NOT s.posted
ORDER BY s.i
"""
# The joins to the big tables are LATERAL ... LIMIT 1 on purpose: one index
# probe per staged row. A plain join let the planner (which has no statistics
# for the temporary table, and stale ones for a table an import is filling)
# hash-join against every row of the seller's ``skus``, once per chunk.


def copy_upsert_skus(
    conn: Connection,
    seller: str,
    records: Sequence[SkuRecord],
    all_markets: Collection[str],
) -> tuple[int, int]:
    """Insert or update ``records`` and replace their listings; return (new, updated).

    PostgreSQL only; ``conn`` is in the caller's open transaction. The latest
    record of a SKU id wins; an empty ``listed_markets`` lists it everywhere.
    """
    latest = {rec.sku: rec for rec in records}
    if not latest:
        return 0, 0
    everywhere = sorted(all_markets)
    cur = _cursor(conn)
    cur.execute(_SKU_STAGE, prepare=False)
    with cur.copy(
        "COPY pg_temp.wp_sku_stage (sku, title, gtin, unit_weight_kg, "
        "unit_volume_m3, unit_cost, currency, hs_code, battery, category, "
        "markets, ffo) FROM STDIN"
    ) as copy:
        for r in latest.values():
            copy.write_row(
                (
                    r.sku,
                    r.title,
                    r.gtin,
                    r.unit_weight_kg,
                    r.unit_volume_m3,
                    r.unit_cost,
                    r.currency,
                    r.hs_code,
                    r.battery.value,
                    r.category,
                    list(r.listed_markets or everywhere),
                    list(r.ffo_markets),
                )
            )
    params = {"seller": seller, "now": datetime.now(UTC)}
    cur.execute(_SKU_UPSERT, params, prepare=False)
    new, total = cur.fetchone()
    if new < total:  # some SKUs existed: their old listings go
        cur.execute(_LISTINGS_DELETE, params, prepare=False)
    cur.execute(_LISTINGS_INSERT, params, prepare=False)
    return int(new), int(total - new)


def copy_post_adds(
    conn: Connection, seller: str, chunk: Sequence[Movement]
) -> BulkPosted:
    """Post ``chunk`` (validated receipts, returns, positive adjustments) at once.

    PostgreSQL only; ``conn`` is in the caller's open transaction. Same
    outcome as :func:`worldpool.ledger.bulk_post.post_adds_on`.

    Raises:
        ValueError: a movement is not of :data:`ADD_KINDS` with qty > 0.
    """
    for m in chunk:
        if m.kind not in ADD_KINDS or m.qty <= 0 or m.from_node or m.damaged:
            raise ValueError(f"movement {m.idempotency_key!r} does not only add")
    if not chunk:
        return BulkPosted(0, 0, ())
    if len({m.idempotency_key for m in chunk}) < len(chunk):
        return post_adds_on(conn, seller, chunk)  # a key twice: the general path
    now = datetime.now(UTC)
    cur = _cursor(conn)
    cur.execute(_MOVE_STAGE, prepare=False)
    with cur.copy(
        "COPY pg_temp.wp_move_stage (i, idempotency_key, payload_hash, kind, sku, "
        "node, qty, reason, reference, at) FROM STDIN"
    ) as copy:
        for i, m in enumerate(chunk):
            copy.write_row(
                (
                    i,
                    m.idempotency_key,
                    payload_hash(m),
                    m.kind.value,
                    m.sku,
                    m.node,
                    m.qty,
                    m.reason,
                    m.reference,
                    m.at or now,
                )
            )
    params = {"seller": seller, "now": now}
    cur.execute(_MOVE_POST, params, prepare=False)
    posted = cur.rowcount
    if posted == len(chunk):
        return BulkPosted(posted, 0, ())
    cur.execute(_MOVE_LEFT, params, prepare=False)
    return _outcome(chunk, posted, cur.fetchall())


def _outcome(chunk: Sequence[Movement], posted: int, left: list[Any]) -> BulkPosted:
    """Sort the rows not written into duplicates and refusals."""
    duplicates = 0
    rejected: list[tuple[int, WorldpoolError]] = []
    for i, unknown, same in left:
        m = chunk[i]
        if unknown:
            why: WorldpoolError = UnknownReference(
                "SKU is not registered", field="sku", value=m.sku
            )
            rejected.append((i, why))
        elif same:
            duplicates += 1
        else:
            rejected.append((i, _conflict(m.idempotency_key)))
    return BulkPosted(posted, duplicates, tuple(rejected))


def _conflict(key: str) -> IdempotencyConflict:
    return IdempotencyConflict(
        f"idempotency key {key!r} was already used for a different movement"
    )


def _cursor(conn: Connection) -> Any:
    """A psycopg cursor on ``conn``'s connection, inside its transaction."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
