"""The order book's SQL: statements built once per shape, values as parameters.

Private to :mod:`worldpool.ledger.order_book` (see its docstring for the
single-statement PostgreSQL write).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from worldpool.domain.inventory import MovementKind
from worldpool.ledger.effects import effects
from worldpool.ledger.journal import MOVEMENT_COLUMNS, movement_row
from worldpool.ledger.order_records import Change, OrderRow, Stock, order_row
from worldpool.ledger.order_tables import orders
from worldpool.ledger.tables import balances, movements

__all__ = [
    "INSERT_ORDER",
    "available_on",
    "find_on",
    "find_with_stock_on",
    "held_on",
    "order_exists_error",
    "signed_units",
    "write_params",
    "write_statement",
]

# Statements are built once, values go in as parameters: building them per call
# costs more than running them (the ledger's journal makes the same choice).
_FIND = select(orders).where(
    and_(
        orders.c.seller == bindparam("f_seller"),
        orders.c.channel == bindparam("f_channel"),
        orders.c.channel_order_id == bindparam("f_id"),
    )
)
_AVAILABLE = select(
    balances.c.sku, balances.c.node, balances.c.on_hand - balances.c.reserved
).where(
    balances.c.seller == bindparam("a_seller"),
    balances.c.sku.in_(bindparam("a_skus", expanding=True)),
)
INSERT_ORDER = orders.insert()
_STOCK = select(
    balances.c.sku.label("s_sku"),
    balances.c.node.label("s_node"),
    (balances.c.on_hand - balances.c.reserved).label("s_available"),
).where(
    balances.c.seller == bindparam("a_seller"),
    balances.c.sku.in_(bindparam("a_skus", expanding=True)),
)
# The order (or NULLs) next to each balance row of the SKUs, in one round trip:
# ``(SELECT 1) LEFT JOIN orders ON key LEFT JOIN stock ON true`` always yields
# at least one row, with NULL order columns when the order is new.
_ANCHOR = select(literal(1).label("anchor")).subquery("anchor")
_STOCK_SUB = _STOCK.subquery("stock")
_FIND_WITH_STOCK = select(orders, _STOCK_SUB).select_from(
    _ANCHOR.outerjoin(
        orders,
        and_(
            orders.c.seller == bindparam("f_seller"),
            orders.c.channel == bindparam("f_channel"),
            orders.c.channel_order_id == bindparam("f_id"),
        ),
    ).outerjoin(_STOCK_SUB, true())
)


def find_on(
    conn: Connection, seller: str, channel: str, channel_order_id: str
) -> OrderRow | None:
    """Return the seller's stored order, or None."""
    params = {"f_seller": seller, "f_channel": channel, "f_id": channel_order_id}
    r = conn.execute(_FIND, params).one_or_none()
    return None if r is None else order_row(r)


_ORDER_VALUES = (
    "market",
    "status",
    "revision",
    "payload_hash",
    "currency",
    "order_value",
    "backordered",
    "payload",
    "decision",
    "updated_at",
)


@cache
def write_statement(is_update: bool, n_moves: int) -> Any:
    """Return the one PostgreSQL statement writing an order and ``n_moves`` moves.

    ``WITH ord AS (INSERT order | UPDATE order WHERE revision = expected
    RETURNING id), b0 AS (UPDATE balances ... WHERE guard AND EXISTS (SELECT
    FROM ord) RETURNING 1), m0 AS (INSERT INTO movements SELECT ..., (SELECT
    qty FROM b0), ... WHERE EXISTS (SELECT FROM ord) RETURNING id), b1 ...
    SELECT (SELECT count(*) FROM ord), (SELECT count(*) FROM m0), ...``.

    Parameters: ``o_<column>`` for the order (``o_expected`` the stored
    revision), ``m<i>_<column>`` for movement ``i`` and ``b<i>_d_oh``,
    ``b<i>_d_rs``, ``b<i>_d_it``, ``b<i>_node`` for its balance effect.
    """
    ord_cte = _order_statement(is_update).returning(orders.c.id).cte("ord")
    written = exists(select(ord_cte.c.id))
    counts: list[Any] = [select(func.count()).select_from(ord_cte).scalar_subquery()]
    for i in range(n_moves):
        move = _move_cte(i, written)
        counts.append(select(func.count()).select_from(move).scalar_subquery())
    return select(*counts)


def _order_statement(is_update: bool) -> Any:
    """The order's INSERT, or its UPDATE under the revision check."""
    o = orders.c
    if is_update:
        return (
            update(orders)
            .where(
                and_(
                    o.seller == bindparam("o_seller"),
                    o.channel == bindparam("o_channel"),
                    o.channel_order_id == bindparam("o_channel_order_id"),
                    o.revision == bindparam("o_expected", type_=Integer()),
                )
            )
            .values({c: bindparam(f"o_{c}", type_=o[c].type) for c in _ORDER_VALUES})
        )
    cols = ("seller", "channel", "channel_order_id", "created_at", *_ORDER_VALUES)
    return postgresql.insert(orders).values(
        {c: bindparam(f"o_{c}", type_=o[c].type) for c in cols}
    )


def _move_cte(i: int, written: Any) -> Any:
    """Movement ``i``: its guarded balance update, then its journal row."""
    b = balances.c
    d_oh = bindparam(f"b{i}_d_oh", type_=Integer())
    d_rs = bindparam(f"b{i}_d_rs", type_=Integer())
    d_it = bindparam(f"b{i}_d_it", type_=Integer())
    mv = {
        c: bindparam(f"m{i}_{c}", type_=movements.c[c].type) for c in MOVEMENT_COLUMNS
    }
    bal = (
        update(balances)
        .where(
            and_(
                b.seller == mv["seller"],
                b.sku == mv["sku"],
                b.node == bindparam(f"b{i}_node", type_=b.node.type),
                (b.on_hand + d_oh) - (b.reserved + d_rs) >= 0,
                b.reserved + d_rs >= 0,
                b.in_transit + d_it >= 0,
                written,
            )
        )
        .values(
            on_hand=b.on_hand + d_oh,
            reserved=b.reserved + d_rs,
            in_transit=b.in_transit + d_it,
        )
        .returning(literal(1).label("hit"))
        .cte(f"b{i}")
    )
    # NULL (and so a NOT NULL violation) unless the guarded update hit.
    qty = select(mv["qty"]).select_from(bal).scalar_subquery()
    row = select(*(qty if c == "qty" else mv[c] for c in MOVEMENT_COLUMNS))
    return (
        postgresql.insert(movements)
        .from_select(list(MOVEMENT_COLUMNS), row.where(written))
        .returning(movements.c.id)
        .cte(f"m{i}")
    )


def write_params(
    seller: str, change: Change, stored: OrderRow | None
) -> dict[str, Any] | None:
    """Return the parameters of :func:`_write_statement`, or None when it can't.

    Only movements with one balance effect that the guard checks (reserve,
    release, ship), each on its own (SKU, node), go through the one statement.
    """
    now = datetime.now(UTC)
    r = change.row
    params: dict[str, Any] = {
        "o_seller": seller,
        "o_channel": r.channel,
        "o_channel_order_id": r.channel_order_id,
        "o_market": r.market,
        "o_status": r.status,
        "o_revision": r.revision,
        "o_payload_hash": r.payload_hash,
        "o_currency": r.currency,
        "o_order_value": r.order_value,
        "o_backordered": r.backordered,
        "o_payload": r.payload,
        "o_decision": r.decision,
        "o_updated_at": now,
    }
    if stored is None:
        params["o_created_at"] = now
    else:
        params["o_expected"] = stored.revision
    seen: set[tuple[str, str]] = set()
    for i, m in enumerate(change.moves):
        changes = effects(m)
        if len(changes) != 1 or changes[0].only_adds:
            return None
        e = changes[0]
        if (m.sku, e.node) in seen:
            return None
        seen.add((m.sku, e.node))
        row = movement_row(m, now, seller)
        params.update({f"m{i}_{c}": v for c, v in row.items()})
        params[f"b{i}_node"] = e.node
        params[f"b{i}_d_oh"] = e.on_hand
        params[f"b{i}_d_rs"] = e.reserved
        params[f"b{i}_d_it"] = e.in_transit
    return params


def order_exists_error(exc: IntegrityError) -> bool:
    """True when ``exc`` is the orders unique key (the order was stored first)."""
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None) == "uq_orders_channel"


def find_with_stock_on(
    conn: Connection,
    seller: str,
    channel: str,
    channel_order_id: str,
    skus: Sequence[str],
) -> tuple[OrderRow | None, Stock]:
    """Return the stored order and the available units of ``skus``: one query."""
    if not skus:
        return find_on(conn, seller, channel, channel_order_id), {}
    params = {
        "f_seller": seller,
        "a_seller": seller,
        "f_channel": channel,
        "f_id": channel_order_id,
        "a_skus": sorted(set(skus)),
    }
    rows = conn.execute(_FIND_WITH_STOCK, params).all()
    first = rows[0]
    stored = None if first.channel is None else order_row(first)
    stock = {
        (r.s_sku, r.s_node): int(r.s_available) for r in rows if r.s_sku is not None
    }
    return stored, stock


def available_on(conn: Connection, seller: str, skus: Iterable[str]) -> Stock:
    """Return available units (on hand - reserved) of ``skus`` by (SKU, node)."""
    params = {"a_seller": seller, "a_skus": sorted(set(skus))}
    rows = conn.execute(_AVAILABLE, params)
    return {(r[0], r[1]): int(r[2]) for r in rows}


def signed_units() -> Any:
    """Return the SQL of a movement's reserved units: +reserve, -release/ship."""
    m = movements.c
    return case(
        (m.kind == MovementKind.RESERVE.value, m.qty),
        (m.kind.in_((MovementKind.RELEASE.value, MovementKind.SHIP.value)), -m.qty),
        else_=0,
    )


def held_on(conn: Connection, seller: str, reference: str) -> Stock:
    """Return units still reserved for ``reference`` by (SKU, node), net > 0."""
    m = movements.c
    stmt = (
        select(m.sku, m.node, func.sum(signed_units()))
        .where(m.seller == seller, m.reference == reference)
        .group_by(m.sku, m.node)
    )
    rows = conn.execute(stmt).all()
    return {(r[0], r[1]): int(r[2]) for r in rows if r[2] and int(r[2]) > 0}
