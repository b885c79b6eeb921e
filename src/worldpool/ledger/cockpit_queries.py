"""Read models for the cockpit: paged, sorted, filtered in SQL (10,000+ SKUs).

Every function takes a connection and returns plain rows; nothing here writes
inventory. Sorting accepts only the listed column names (never raw SQL).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from worldpool.ledger.order_tables import orders
from worldpool.ledger.plan_tables import plans
from worldpool.ledger.tables import balances, skus

__all__ = [
    "BALANCE_SORTS",
    "COUNT_CAP",
    "MAX_SEARCH_SKUS",
    "ORDER_SORTS",
    "Page",
    "PageQuery",
    "balance_page_on",
    "low_stock_on",
    "order_page_on",
    "orders_since_on",
    "plan_list_on",
    "pool_by_node_on",
    "set_plan_status_on",
]

_AVAILABLE = balances.c.on_hand - balances.c.reserved
BALANCE_SORTS: dict[str, Any] = {
    "sku": balances.c.sku,
    "available": _AVAILABLE,
}
"""Columns the inventory table may be sorted by: SKU through the primary key;
available units by a top-N sort of the seller's balances (no index on purpose:
an index on on_hand - reserved is rewritten by every posted movement, which
cost the ledger 10-15 % of its throughput, see migration 0006_rls)."""

COUNT_CAP = 10_000
"""Order counts are exact up to this many matches."""

MAX_SEARCH_SKUS = 2000
"""A text search of the inventory looks at most this many matching SKUs."""

ORDER_SORTS: dict[str, Any] = {
    "created": orders.c.created_at,
    "channel": orders.c.channel,
    "order": orders.c.channel_order_id,
    "market": orders.c.market,
    "status": orders.c.status,
    "value": orders.c.order_value,
    "backordered": orders.c.backordered,
}
"""Columns the order table may be sorted by."""


@dataclass(frozen=True, slots=True)
class PageQuery:
    """One page of a server-side table."""

    offset: int = 0
    """Rows to skip."""
    limit: int = 50
    """Rows to return."""
    sort: str = ""
    """Column name to sort by (one of the table's sorts)."""
    descending: bool = False
    """Sort direction."""


@dataclass(frozen=True, slots=True)
class Page:
    """Rows of one page plus the total number of matching rows."""

    rows: list[dict[str, Any]]
    """The page's rows as plain dicts."""
    total: int
    """Rows matching the filter, over all pages (at most COUNT_CAP + 1 if capped)."""
    capped: bool = False
    """True when there are more than :data:`COUNT_CAP` matches (total not exact)."""


def _ordered(stmt: Any, sorts: dict[str, Any], q: PageQuery, tie: Any) -> Any:
    column = sorts.get(q.sort)
    if column is None:
        return stmt.order_by(tie)
    return stmt.order_by(column.desc() if q.descending else column.asc(), tie)


def balance_page_on(
    conn: Connection,
    q: PageQuery,
    *,
    seller: str,
    search: str = "",
    nodes: Collection[str] | None = None,
) -> Page:
    """Return balances (with SKU title) matching ``search`` at ``nodes``, paged.

    A search first finds the SKUs whose id or title contains it (at most
    :data:`MAX_SEARCH_SKUS`), so neither the count nor the page joins the whole
    balance table to the SKU table.
    """
    conds: list[ColumnElement[bool]] = [balances.c.seller == seller]
    if search:
        pattern = f"%{search}%"
        found = select(skus.c.sku).where(
            skus.c.seller == seller,
            or_(skus.c.sku.like(pattern), skus.c.title.like(pattern)),
        )
        ids = list(conn.execute(found.limit(MAX_SEARCH_SKUS)).scalars())
        conds.append(balances.c.sku.in_(ids))
    if nodes is not None:
        conds.append(balances.c.node.in_(list(nodes)))
    where = and_(True, *conds)
    count = select(func.count()).select_from(balances).where(where)
    keys = _ordered(
        select(balances.c.sku, balances.c.node).where(where),
        BALANCE_SORTS,
        q,
        balances.c.sku,
    )
    page = keys.offset(q.offset).limit(q.limit)
    wanted = [(r[0], r[1]) for r in conn.execute(page)]
    rows = _balance_rows(conn, seller, wanted)
    return Page(rows, int(conn.execute(count).scalar_one()))


def _join(seller: str) -> Any:
    """Balances joined to their SKU record, both of ``seller``."""
    return balances.join(
        skus, and_(skus.c.seller == balances.c.seller, skus.c.sku == balances.c.sku)
    )


def _balance_rows(
    conn: Connection, seller: str, wanted: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    if not wanted:
        return []
    stmt = (
        select(
            balances.c.sku,
            skus.c.title,
            balances.c.node,
            balances.c.on_hand,
            balances.c.reserved,
            _AVAILABLE.label("available"),
            balances.c.in_transit,
        )
        .select_from(_join(seller))
        .where(
            balances.c.seller == seller,
            balances.c.sku.in_(sorted({sku for sku, _ in wanted})),
        )
    )
    # By SKU (the primary key's prefix), not by (sku, node) pairs: SQLite scans
    # the whole table for a row-value IN list.
    keep = set(wanted)
    found = {
        (r.sku, r.node): dict(r._mapping)
        for r in conn.execute(stmt)
        if (r.sku, r.node) in keep
    }
    return [found[k] for k in wanted if k in found]


def pool_by_node_on(conn: Connection, seller: str) -> list[dict[str, Any]]:
    """Return per node and SKU currency: units, value at cost, available, in transit.

    One pass over the balance table (with each SKU's unit cost).
    """
    stmt = (
        select(
            balances.c.node,
            skus.c.currency,
            func.sum(balances.c.on_hand).label("units"),
            func.sum(balances.c.on_hand * skus.c.unit_cost).label("value"),
            func.sum(_AVAILABLE).label("available"),
            func.sum(balances.c.in_transit).label("in_transit"),
        )
        .select_from(_join(seller))
        .where(balances.c.seller == seller)
        .group_by(balances.c.node, skus.c.currency)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def low_stock_on(
    conn: Connection, seller: str, nodes: Collection[str], threshold: int, limit: int
) -> list[dict[str, Any]]:
    """Return balances at ``nodes`` at or below ``threshold`` available units."""
    stmt = (
        select(
            balances.c.sku,
            balances.c.node,
            _AVAILABLE.label("available"),
            balances.c.reserved,
            balances.c.in_transit,
        )
        .where(
            balances.c.seller == seller,
            balances.c.node.in_(list(nodes)),
            threshold >= _AVAILABLE,
        )
        .order_by(_AVAILABLE.asc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def orders_since_on(
    conn: Connection, seller: str, since: datetime
) -> list[tuple[str, str]]:
    """Return ``(channel, decision JSON)`` of orders created at or after ``since``."""
    stmt = select(orders.c.channel, orders.c.decision).where(
        orders.c.seller == seller, orders.c.created_at >= since
    )
    return [(r[0], r[1]) for r in conn.execute(stmt)]


def order_page_on(
    conn: Connection,
    q: PageQuery,
    *,
    seller: str,
    search: str = "",
    status: str = "",
    channel: str = "",
    market: str = "",
) -> Page:
    """Return stored orders matching the filters (without payloads), paged."""
    conds: list[ColumnElement[bool]] = [orders.c.seller == seller]
    if search:
        conds.append(orders.c.channel_order_id.like(f"%{search}%"))
    for column, value in (
        (orders.c.status, status),
        (orders.c.channel, channel),
        (orders.c.market, market),
    ):
        if value:
            conds.append(column == value)
    where = and_(True, *conds)
    cols: Sequence[Any] = (
        orders.c.channel,
        orders.c.channel_order_id,
        orders.c.market,
        orders.c.status,
        orders.c.currency,
        orders.c.order_value,
        orders.c.backordered,
        orders.c.created_at,
    )
    stmt = _ordered(select(*cols).where(where), ORDER_SORTS, q, orders.c.id.desc())
    rows = [
        dict(r._mapping) for r in conn.execute(stmt.offset(q.offset).limit(q.limit))
    ]
    # Counting every match of a broad filter over millions of orders costs more
    # than the page itself; the total is exact up to COUNT_CAP, then "COUNT_CAP+".
    capped = select(orders.c.id).where(where).limit(COUNT_CAP + 1).subquery()
    total = conn.execute(select(func.count()).select_from(capped)).scalar_one()
    return Page(rows, int(total), capped=int(total) > COUNT_CAP)


def plan_list_on(conn: Connection, seller: str, limit: int) -> list[dict[str, Any]]:
    """Return the newest ``limit`` stored plans (without payloads), newest first."""
    stmt = (
        select(
            plans.c.id,
            plans.c.as_of,
            plans.c.hub,
            plans.c.status,
            plans.c.summary,
            plans.c.created_at,
            plans.c.applied_at,
            plans.c.applied_lines,
        )
        .where(plans.c.seller == seller)
        .order_by(plans.c.created_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def set_plan_status_on(
    conn: Connection, seller: str, plan_id: str, status: str, only: str
) -> bool:
    """Set the seller's plan's status when it is ``only`` now; True if it was."""
    stmt = (
        update(plans)
        .where(plans.c.seller == seller, plans.c.id == plan_id, plans.c.status == only)
        .values(status=status)
    )
    return bool(conn.execute(stmt).rowcount)
