"""Post movements: append to the journal and update balances in one transaction.

The fast path is two statements: ``INSERT ... ON CONFLICT DO NOTHING`` on the
idempotency key, then one guarded ``UPDATE`` per touched balance row whose
``WHERE`` clause re-checks ``on_hand - reserved >= 0`` (and the other states)
on the row it locks. On PostgreSQL the row lock makes a concurrent reserve wait
and re-evaluate the guard on the new row version; on SQLite the transaction
holds the single write lock (``BEGIN IMMEDIATE``). Either way no unit is sold
twice, and no ``SKIP LOCKED`` is used on stock rows.

On PostgreSQL a movement with one balance effect (every order movement:
reserve, release, ship) is posted in a single statement: a data-modifying CTE
inserts the journal row and applies the guarded update (or upsert) only when
that insert happened, and reports both. It is the same two statements in one
round trip; the guard, the row lock and the duplicate handling are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    bindparam,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from worldpool.domain.inventory import Movement
from worldpool.errors import (
    IdempotencyConflict,
    InsufficientStock,
    UnknownReference,
)
from worldpool.ledger.effects import Effect, effects, payload_hash
from worldpool.ledger.tables import balances, movements

__all__ = [
    "MOVEMENT_COLUMNS",
    "PostResult",
    "balance_upsert",
    "movement_row",
    "post_on",
]


@dataclass(frozen=True, slots=True)
class PostResult:
    """What posting one movement did."""

    movement_id: int
    """Journal id of the movement (the earlier one for a duplicate)."""
    duplicate: bool
    """True when the key was already posted with the same payload (a no-op)."""


@cache
def _statements(dialect_name: str) -> _Statements:
    """Build the posting statements once per dialect; values go in as parameters.

    Rebuilding the statements on every call cost ~15x the SQL's own time on
    SQLite (SQLAlchemy coercion and cache-key generation): see BENCHMARKS.md.
    """
    dialect: Any = postgresql if dialect_name == "postgresql" else sqlite
    insert_movement = (
        dialect.insert(movements)
        .on_conflict_do_nothing(index_elements=["seller", "idempotency_key"])
        .returning(movements.c.id)
    )
    d_oh = bindparam("d_oh", type_=Integer())
    d_rs = bindparam("d_rs", type_=Integer())
    d_it = bindparam("d_it", type_=Integer())
    new_on_hand = balances.c.on_hand + d_oh
    new_reserved = balances.c.reserved + d_rs
    new_transit = balances.c.in_transit + d_it
    guarded = (
        update(balances)
        .where(
            and_(
                balances.c.seller == bindparam("k_seller"),
                balances.c.sku == bindparam("k_sku"),
                balances.c.node == bindparam("k_node"),
                new_on_hand - new_reserved >= 0,
                new_reserved >= 0,
                new_transit >= 0,
            )
        )
        .values(on_hand=new_on_hand, reserved=new_reserved, in_transit=new_transit)
    )
    ins = dialect.insert(balances)
    upsert = ins.on_conflict_do_update(
        index_elements=["seller", "sku", "node"],
        set_={
            "on_hand": balances.c.on_hand + ins.excluded.on_hand,
            "reserved": balances.c.reserved + ins.excluded.reserved,
            "in_transit": balances.c.in_transit + ins.excluded.in_transit,
        },
    )
    one_guarded = one_upsert = None
    if dialect_name == "postgresql":
        one_guarded, one_upsert = _combined(guarded)
    return _Statements(insert_movement, guarded, upsert, one_guarded, one_upsert)


MOVEMENT_COLUMNS: tuple[str, ...] = (
    "seller",
    "idempotency_key",
    "payload_hash",
    "kind",
    "sku",
    "node",
    "from_node",
    "lane",
    "qty",
    "damaged",
    "short",
    "reason",
    "reference",
    "at",
    "posted_at",
)


def _combined(guarded: Any) -> tuple[Any, Any]:
    """Return PostgreSQL statements posting a one-effect movement in one go.

    Each is ``WITH ins AS (INSERT movement ... ON CONFLICT DO NOTHING RETURNING
    id), bal AS (UPDATE/UPSERT balance ... WHERE EXISTS (SELECT FROM ins)
    RETURNING 1) SELECT (SELECT id FROM ins), (SELECT count(*) FROM bal)``: the
    balance changes only when the journal row is new, exactly as the two
    separate statements do. Movement values are bound as ``m_<column>``.
    """
    values = {
        c: bindparam(f"m_{c}", type_=movements.c[c].type) for c in MOVEMENT_COLUMNS
    }
    ins = (
        postgresql.insert(movements)
        .values(values)
        .on_conflict_do_nothing(index_elements=["seller", "idempotency_key"])
        .returning(movements.c.id)
        .cte("ins")
    )
    is_new = exists(select(ins.c.id))
    upd = guarded.where(is_new).returning(literal(1).label("n")).cte("bal")
    new_row = select(
        values["seller"],
        values["sku"],
        bindparam("b_node", type_=balances.c.node.type),
        bindparam("b_on_hand", type_=Integer()),
        bindparam("b_reserved", type_=Integer()),
        bindparam("b_in_transit", type_=Integer()),
    ).where(is_new)
    up = postgresql.insert(balances).from_select(
        ["seller", "sku", "node", "on_hand", "reserved", "in_transit"], new_row
    )
    up = up.on_conflict_do_update(
        index_elements=["seller", "sku", "node"],
        set_={
            "on_hand": balances.c.on_hand + up.excluded.on_hand,
            "reserved": balances.c.reserved + up.excluded.reserved,
            "in_transit": balances.c.in_transit + up.excluded.in_transit,
        },
    )
    ups = up.returning(literal(1).label("n")).cte("bal")
    one_guarded, one_upsert = (
        select(
            select(ins.c.id).scalar_subquery().label("id"),
            select(func.count()).select_from(bal).scalar_subquery().label("n"),
        )
        for bal in (upd, ups)
    )
    return one_guarded, one_upsert


def balance_upsert(dialect_name: str) -> Any:
    """The cached ``INSERT ... ON CONFLICT`` adding deltas to a balance row (units).

    Parameters: ``seller, sku, node, on_hand, reserved, in_transit``; only for
    effects that add stock (no guard is needed).
    """
    return _statements(dialect_name).upsert_balance


@dataclass(frozen=True, slots=True)
class _Statements:
    insert_movement: Any
    guarded_update: Any
    upsert_balance: Any
    one_guarded: Any
    """PostgreSQL only: insert + guarded update in one statement (else None)."""
    one_upsert: Any
    """PostgreSQL only: insert + balance upsert in one statement (else None)."""


def post_on(conn: Connection, m: Movement, *, seller: str) -> PostResult:
    """Post ``m`` for ``seller`` inside the caller's open transaction (validated).

    Raises:
        IdempotencyConflict: the key was posted before with another payload.
        InsufficientStock: a guarded state would go below zero.
        UnknownReference: the SKU is not registered.
    """
    stmts = _statements(conn.dialect.name)
    row = movement_row(m, datetime.now(UTC), seller)
    digest = row["payload_hash"]
    changes = effects(m)
    if stmts.one_guarded is not None and len(changes) == 1:
        return _post_combined(conn, stmts, m, digest, row, changes[0])
    try:
        new_id = conn.execute(stmts.insert_movement, row).scalar()
    except IntegrityError as exc:
        raise UnknownReference(
            "SKU is not registered", record="movement", field="sku", value=m.sku
        ) from exc
    if new_id is None:
        return _duplicate(conn, seller, m, digest)
    for effect in changes:
        _apply(conn, stmts, seller, m.sku, effect)
    return PostResult(movement_id=int(new_id), duplicate=False)


def movement_row(m: Movement, now: datetime, seller: str) -> dict[str, Any]:
    """Return the journal row of ``m`` for ``seller`` (``at`` defaults to ``now``)."""
    return {
        "seller": seller,
        "idempotency_key": m.idempotency_key,
        "payload_hash": payload_hash(m),
        "kind": m.kind.value,
        "sku": m.sku,
        "node": m.node,
        "from_node": m.from_node,
        "lane": m.lane,
        "qty": m.qty,
        "damaged": m.damaged,
        "short": m.short,
        "reason": m.reason,
        "reference": m.reference,
        "at": m.at or now,
        "posted_at": now,
    }


def _post_combined(
    conn: Connection,
    stmts: _Statements,
    m: Movement,
    digest: str,
    row: dict[str, Any],
    e: Effect,
) -> PostResult:
    """Post a one-effect movement with one statement (PostgreSQL)."""
    params = {f"m_{c}": v for c, v in row.items()}
    if e.only_adds:
        stmt = stmts.one_upsert
        params |= {
            "b_node": e.node,
            "b_on_hand": e.on_hand,
            "b_reserved": e.reserved,
            "b_in_transit": e.in_transit,
        }
    else:
        stmt = stmts.one_guarded
        params |= {
            "k_seller": row["seller"],
            "k_sku": m.sku,
            "k_node": e.node,
            "d_oh": e.on_hand,
            "d_rs": e.reserved,
            "d_it": e.in_transit,
        }
    try:
        new_id, changed = conn.execute(stmt, params).one()
    except IntegrityError as exc:
        raise UnknownReference(
            "SKU is not registered", record="movement", field="sku", value=m.sku
        ) from exc
    if new_id is None:
        return _duplicate(conn, row["seller"], m, digest)
    if changed != 1:
        raise _shortage(conn, row["seller"], m.sku, e)
    return PostResult(movement_id=int(new_id), duplicate=False)


def _duplicate(conn: Connection, seller: str, m: Movement, digest: str) -> PostResult:
    row = conn.execute(
        select(movements.c.id, movements.c.payload_hash).where(
            movements.c.seller == seller,
            movements.c.idempotency_key == m.idempotency_key,
        )
    ).one()
    if row.payload_hash != digest:
        raise IdempotencyConflict(
            f"idempotency key {m.idempotency_key!r} was already used for a "
            f"different movement (journal id {row.id})"
        )
    return PostResult(movement_id=int(row.id), duplicate=True)


def _apply(
    conn: Connection, stmts: _Statements, seller: str, sku: str, e: Effect
) -> None:
    if e.only_adds:
        params = {
            "seller": seller,
            "sku": sku,
            "node": e.node,
            "on_hand": e.on_hand,
            "reserved": e.reserved,
            "in_transit": e.in_transit,
        }
        try:
            conn.execute(stmts.upsert_balance, params)
        except IntegrityError as exc:
            raise UnknownReference(
                "SKU is not registered", record="movement", field="sku", value=sku
            ) from exc
        return
    params = {
        "k_seller": seller,
        "k_sku": sku,
        "k_node": e.node,
        "d_oh": e.on_hand,
        "d_rs": e.reserved,
        "d_it": e.in_transit,
    }
    if conn.execute(stmts.guarded_update, params).rowcount != 1:
        raise _shortage(conn, seller, sku, e)


def _shortage(conn: Connection, seller: str, sku: str, e: Effect) -> InsufficientStock:
    b = balances.c
    row = conn.execute(
        select(b.on_hand, b.reserved, b.in_transit).where(
            and_(b.seller == seller, b.sku == sku, b.node == e.node)
        )
    ).one_or_none()
    on_hand, reserved, transit = (0, 0, 0) if row is None else tuple(row)
    if e.in_transit < 0 and transit + e.in_transit < 0:
        return InsufficientStock(sku, e.node, "in_transit", -e.in_transit, transit)
    if e.reserved < 0 and reserved + e.reserved < 0:
        return InsufficientStock(sku, e.node, "reserved", -e.reserved, reserved)
    available = on_hand - reserved
    asked = max(e.reserved - e.on_hand, -e.on_hand, e.reserved)
    return InsufficientStock(sku, e.node, "available", asked, available)
