"""SQL aggregates of hub billing: daily stock changes, handling usage, charges.

Each query covers every seller visible to the connection at once (the operator
closes a month for all sellers in a few statements) or the sellers named.
Days are UTC calendar days. The statement tables are written here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    values,
)
from sqlalchemy.sql.elements import ColumnElement

from worldpool.errors import IdempotencyConflict
from worldpool.ledger.hub_tables import (
    hub_charges,
    hub_snapshots,
    hub_statement_lines,
    hub_statements,
)
from worldpool.ledger.tables import movements, skus

__all__ = [
    "charge_usage_on",
    "handling_usage_on",
    "insert_charges_on",
    "lines_on",
    "movement_rows_on",
    "save_month_on",
    "statements_on",
    "stock_deltas_on",
    "unit_volumes_on",
]


def _day(conn: Connection, col: Any) -> ColumnElement[Any]:
    if conn.dialect.name == "postgresql":
        return cast(func.timezone("UTC", col), Date)
    return func.date(col)


def as_date(value: Any) -> date:
    """Return a day read from SQL (a date, or an ISO string on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _sellers(col: Any, sellers: Sequence[str] | None) -> ColumnElement[bool]:
    got: ColumnElement[bool] = (
        col.in_(list(sellers)) if sellers is not None else col.is_not(None)
    )
    return got


def stock_deltas_on(
    conn: Connection, node: str, until: datetime, sellers: Sequence[str] | None
) -> list[tuple[str, date, int, Any]]:
    """Return (seller, day, units, m³) of daily on-hand changes at ``node``."""
    m, s = movements.c, skus.c
    delta = case(
        (and_(m.kind == "transfer_out", m.from_node == node), -m.qty),
        (m.node != node, 0),
        (m.kind.in_(("receive", "return", "adjust")), m.qty),
        (m.kind == "transfer_in", m.qty - m.damaged - m.short),
        (m.kind == "ship", -m.qty),
        else_=0,
    )
    day = _day(conn, m.at).label("day")
    stmt = (
        select(
            m.seller,
            day,
            func.sum(delta),
            func.sum(delta * s.unit_volume_m3),
        )
        .join(skus, and_(s.seller == m.seller, s.sku == m.sku))
        .where(
            or_(m.node == node, m.from_node == node),
            m.kind.in_(
                ("receive", "return", "adjust", "transfer_in", "ship", "transfer_out")
            ),
            m.at < until,
            _sellers(m.seller, sellers),
        )
        .group_by(m.seller, day)
    )
    return [(r[0], as_date(r[1]), int(r[2] or 0), r[3]) for r in conn.execute(stmt)]


def handling_usage_on(
    conn: Connection,
    node: str,
    start: datetime,
    end: datetime,
    per_units: Mapping[str, int],
    default_per: int,
    sellers: Sequence[str] | None,
) -> list[tuple[str, date, str, int, int, int, int]]:
    """Return (seller, day, kind, units, rows, cartons, orders) of receive/ship.

    Args:
        conn: Open connection.
        node: Hub node.
        start: First instant (UTC, inclusive).
        end: Last instant (exclusive).
        per_units: Units per carton of sellers with their own carton rate.
        default_per: Units per carton of everyone else.
        sellers: Only these sellers (None: every visible seller).
    """
    m = movements.c
    per: Any = default_per
    stmt_from: Any = movements
    if per_units:
        v = values(
            column("p_seller", String), column("p_per", Integer), name="per"
        ).data(list(per_units.items()))
        stmt_from = movements.outerjoin(v, v.c.p_seller == m.seller)
        per = func.coalesce(v.c.p_per, default_per)
    day = _day(conn, m.at).label("day")
    cartons = case((m.kind == "receive", (m.qty + per - 1) // per), else_=0)
    orders = func.count(func.distinct(case((m.kind == "ship", m.reference))))
    stmt = (
        select(
            m.seller,
            day,
            m.kind,
            func.sum(m.qty),
            func.count(),
            func.sum(cartons),
            orders,
        )
        .select_from(stmt_from)
        .where(
            m.node == node,
            m.kind.in_(("receive", "ship")),
            m.at >= start,
            m.at < end,
            _sellers(m.seller, sellers),
        )
        .group_by(m.seller, day, m.kind)
    )
    return [
        (r[0], as_date(r[1]), r[2], int(r[3]), int(r[4]), int(r[5]), int(r[6]))
        for r in conn.execute(stmt)
    ]


def charge_usage_on(
    conn: Connection,
    node: str,
    start: datetime,
    end: datetime,
    sellers: Sequence[str] | None,
) -> list[tuple[str, date, str, Any, Any, int]]:
    """Return (seller, day, service, qty, cost, rows) of charges at ``node``."""
    c = hub_charges.c
    day = _day(conn, c.at).label("day")
    stmt = (
        select(
            c.seller, day, c.service, func.sum(c.qty), func.sum(c.cost), func.count()
        )
        .where(c.node == node, c.at >= start, c.at < end, _sellers(c.seller, sellers))
        .group_by(c.seller, day, c.service)
    )
    return [
        (r[0], as_date(r[1]), r[2], r[3], r[4], int(r[5])) for r in conn.execute(stmt)
    ]


def insert_charges_on(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert charge rows whose (seller, idempotency key) is new; return how many.

    Raises:
        IdempotencyConflict: a key was recorded before with another payload.
    """
    fresh = 0
    for row in rows:
        c = hub_charges.c
        seen = conn.execute(
            select(c.id, c.qty, c.cost, c.service, c.reference).where(
                c.seller == row["seller"], c.idempotency_key == row["idempotency_key"]
            )
        ).one_or_none()
        if seen is None:
            conn.execute(insert(hub_charges), row)
            fresh += 1
        elif (seen.service, seen.reference) != (row["service"], row["reference"]) or (
            Decimal(seen.qty),
            Decimal(seen.cost),
        ) != (Decimal(row["qty"]), Decimal(row["cost"])):
            raise IdempotencyConflict(
                f"charge key {row['idempotency_key']!r} was used for another charge"
            )
    return fresh


def save_month_on(
    conn: Connection,
    node: str,
    month: str,
    statements: Sequence[dict[str, Any]],
    lines: Sequence[dict[str, Any]],
    snapshots: Sequence[dict[str, Any]],
) -> None:
    """Replace the statements, lines and snapshots of ``month`` for their sellers."""
    sellers = sorted(
        {s["seller"] for s in statements} | {s["seller"] for s in snapshots}
    )
    days = sorted({s["day"] for s in snapshots})
    for chunk in _chunks(sellers, 500):
        conn.execute(
            delete(hub_statement_lines).where(
                hub_statement_lines.c.node == node,
                hub_statement_lines.c.month == month,
                hub_statement_lines.c.seller.in_(chunk),
            )
        )
        conn.execute(
            delete(hub_statements).where(
                hub_statements.c.node == node,
                hub_statements.c.month == month,
                hub_statements.c.seller.in_(chunk),
            )
        )
        if days:
            conn.execute(
                delete(hub_snapshots).where(
                    hub_snapshots.c.node == node,
                    hub_snapshots.c.day >= days[0],
                    hub_snapshots.c.day <= days[-1],
                    hub_snapshots.c.seller.in_(chunk),
                )
            )
    for table, rows in (
        (hub_statements, statements),
        (hub_statement_lines, lines),
        (hub_snapshots, snapshots),
    ):
        for part in _chunks(list(rows), 5000):
            conn.execute(insert(table), part)


def statements_on(
    conn: Connection, node: str, month: str, seller: str | None
) -> list[dict[str, Any]]:
    """Return the closed statements of ``month`` (one seller, or all when None)."""
    st = hub_statements.c
    stmt = select(hub_statements).where(st.node == node, st.month == month)
    if seller is not None:
        stmt = stmt.where(st.seller == seller)
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(st.seller))]


def lines_on(
    conn: Connection, seller: str, node: str, month: str
) -> list[dict[str, Any]]:
    """Return the lines of one closed statement, in line order."""
    ln = hub_statement_lines.c
    stmt = (
        select(hub_statement_lines)
        .where(ln.seller == seller, ln.node == node, ln.month == month)
        .order_by(ln.line_no)
    )
    return [dict(r._mapping) | {"day": as_date(r.day)} for r in conn.execute(stmt)]


def movement_rows_on(
    conn: Connection, node: str, until: datetime, sellers: Sequence[str] | None
) -> Any:
    """Return a streamed result of the movements touching ``node`` before ``until``.

    Rows are (seller, kind, sku, node, from_node, qty, damaged, short,
    reference, at).
    """
    m = movements.c
    stmt = select(
        m.seller,
        m.kind,
        m.sku,
        m.node,
        m.from_node,
        m.qty,
        m.damaged,
        m.short,
        m.reference,
        m.at,
    ).where(
        or_(m.node == node, m.from_node == node),
        m.at < until,
        _sellers(m.seller, sellers),
    )
    return conn.execution_options(yield_per=20000).execute(stmt)


def unit_volumes_on(
    conn: Connection, sellers: Sequence[str] | None
) -> dict[tuple[str, str], Any]:
    """Return m³ per unit of every SKU, keyed by (seller, sku)."""
    s = skus.c
    stmt = select(s.seller, s.sku, s.unit_volume_m3).where(_sellers(s.seller, sellers))
    return {(r[0], r[1]): r[2] for r in conn.execute(stmt)}


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
