"""Cockpit service: the read models behind the web pages, and a few writes.

The writes (file uploads, plan rejection) are the ones no capability service
offers yet.

Functions have the service shape ``fn(ctx, request)``; writes are audited in
their own transaction. Tables are paged, sorted and filtered in SQL so a pool of
10,000+ SKUs x 20 marketplaces stays fast.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from worldpool.audit import audit_on, record
from worldpool.cockpit.views import (
    FileReport,
    MarketAtp,
    NodeValue,
    Overview,
    PlanDiff,
    diff_plans,
    orders_by_source,
)
from worldpool.context import Context, ledger_of
from worldpool.domain.money import Money
from worldpool.errors import UnknownReference
from worldpool.i18n import t
from worldpool.ledger import DeadLetter, JournalEntry
from worldpool.ledger.cockpit_queries import (
    Page,
    PageQuery,
    balance_page_on,
    low_stock_on,
    order_page_on,
    orders_since_on,
    plan_list_on,
    pool_by_node_on,
    set_plan_status_on,
)
from worldpool.ledger.rows import RowError

__all__ = [
    "AT_RISK_UNITS",
    "POOL_MAX_AGE_S",
    "InventoryQuery",
    "OrderQuery",
    "Page",
    "PageQuery",
    "compare_plan",
    "inventory_page",
    "journal",
    "list_plans",
    "order_page",
    "overview",
    "reject_plan",
]

AT_RISK_UNITS = 5
"""An FC balance with at most this many available units counts as at risk."""

POOL_MAX_AGE_S = 30.0
"""Age, in seconds, after which the Overview's stock value and ATP totals are
re-read in the background (the page shows when they were read)."""

_VALUE_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class InventoryQuery:
    """Request: one page of balances."""

    page: PageQuery = field(default_factory=PageQuery)
    """Offset, size and sort."""
    search: str = ""
    """Substring of the SKU id or title."""
    node: str = ""
    """Only this node."""
    market: str = ""
    """Only the nodes serving this marketplace (its FCs and the hubs)."""


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """Request: one page of orders."""

    page: PageQuery = field(default_factory=PageQuery)
    """Offset, size and sort."""
    search: str = ""
    """Substring of the channel's order id."""
    status: str = ""
    """Only this status (open, shipped, cancelled)."""
    channel: str = ""
    """Only this channel."""
    market: str = ""
    """Only this marketplace."""


def _value(ctx: Context, rows: list[dict[str, Any]]) -> list[NodeValue]:
    by_node: dict[str, tuple[int, Decimal]] = defaultdict(lambda: (0, Decimal(0)))
    for r in rows:
        amount = Decimal(str(r["value"] or 0))
        usd = ctx.fx.convert(Money(amount, r["currency"]), _VALUE_CURRENCY)
        units, value = by_node[r["node"]]
        by_node[r["node"]] = (
            units + int(r["units"] or 0),
            value + (usd.amount if usd is not None else Decimal(0)),
        )
    return [
        NodeValue(node, units, value.quantize(Decimal("0.01")), _VALUE_CURRENCY)
        for node, (units, value) in sorted(by_node.items())
    ]


def _atp(ctx: Context, rows: list[dict[str, Any]]) -> list[MarketAtp]:
    available: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for r in rows:
        a, t = available[r["node"]]
        available[r["node"]] = (
            a + int(r["available"] or 0),
            t + int(r["in_transit"] or 0),
        )
    origin = sum(available[h.id][0] for h in ctx.catalog.hubs())
    out = []
    for market in sorted(ctx.catalog.marketplaces):
        fcs = [n.id for n in ctx.catalog.fcs_for(market)]
        local = sum(available[n][0] for n in fcs)
        moving = sum(available[n][1] for n in fcs)
        out.append(MarketAtp(market, local, moving, origin))
    return out


_POOL_CACHE: dict[tuple[str, str], tuple[float, list[dict[str, Any]]]] = {}
_POOL_REFRESHING: set[tuple[str, str]] = set()
_POOL_LOCK = threading.Lock()


def _read_pool(ctx: Context, key: tuple[str, str]) -> list[dict[str, Any]]:
    try:
        with ctx.engine.connect() as conn:
            rows = pool_by_node_on(conn, ctx.seller)
        with _POOL_LOCK:
            _POOL_CACHE[key] = (time.monotonic(), rows)
        return rows
    finally:
        with _POOL_LOCK:
            _POOL_REFRESHING.discard(key)


def _pool(ctx: Context, fresh: bool) -> tuple[datetime, list[dict[str, Any]]]:
    # The pool's totals are one pass over every balance (200,000 rows for 10,000
    # SKUs x 20 markets, about a second on SQLite). They are served from memory
    # with the time they were read; once older than POOL_MAX_AGE_S a background
    # thread re-reads them while the page shows the last figures.
    key = (ctx.engine.url.render_as_string(hide_password=True), ctx.seller)
    with _POOL_LOCK:
        hit = None if fresh else _POOL_CACHE.get(key)
        stale = hit is not None and time.monotonic() - hit[0] > POOL_MAX_AGE_S
        start = stale and key not in _POOL_REFRESHING
        if start or hit is None:
            _POOL_REFRESHING.add(key)
    if hit is None:
        rows = _read_pool(ctx, key)
        return datetime.now(UTC), rows
    if start:
        threading.Thread(
            target=_read_pool, args=(ctx, key), name="cockpit-pool", daemon=True
        ).start()
    age = timedelta(seconds=time.monotonic() - hit[0])
    return datetime.now(UTC) - age, hit[1]


def overview(ctx: Context, *, fresh: bool = False) -> Overview:
    """Return stock value by node, ATP by market, today's orders, stock-outs at risk.

    Args:
        ctx: Who asks.
        fresh: Read the pool's totals now (otherwise they may be up to
            :data:`POOL_MAX_AGE_S` seconds old, or older while a re-read runs).
    """
    as_of, pool = _pool(ctx, fresh)
    hubs = {h.id for h in ctx.catalog.hubs()}
    fcs = [n for n in ctx.catalog.nodes if n not in hubs]
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    with ctx.engine.connect() as conn:
        today_rows = orders_since_on(conn, ctx.seller, today)
        at_risk = low_stock_on(conn, ctx.seller, fcs, AT_RISK_UNITS, 20)
    return Overview(
        stock_value=_value(ctx, pool),
        atp=_atp(ctx, pool),
        orders_today=orders_by_source(today_rows),
        at_risk=at_risk,
        totals_as_of=as_of,
    )


def inventory_page(ctx: Context, req: InventoryQuery) -> Page:
    """Return one page of balances (SKU, title, node, on hand, reserved ...)."""
    nodes: list[str] | None = None
    if req.node:
        ctx.catalog.node(req.node)
        nodes = [req.node]
    elif req.market:
        ctx.catalog.marketplace(req.market)
        nodes = [n.id for n in ctx.catalog.fcs_for(req.market)]
        nodes += [h.id for h in ctx.catalog.hubs()]
    with ctx.engine.connect() as conn:
        return balance_page_on(
            conn, req.page, seller=ctx.seller, search=req.search, nodes=nodes
        )


def journal(
    ctx: Context, sku: str | None, node: str | None, limit: int = 100
) -> list[JournalEntry]:
    """Return the journal behind a balance (newest first)."""
    return ledger_of(ctx).journal(sku=sku or None, node=node or None, limit=limit)


def order_page(ctx: Context, req: OrderQuery) -> Page:
    """Return one page of orders matching the filters."""
    with ctx.engine.connect() as conn:
        return order_page_on(
            conn,
            req.page,
            seller=ctx.seller,
            search=req.search,
            status=req.status,
            channel=req.channel,
            market=req.market,
        )


def _letters(source: str, kind: str, errors: list[RowError]) -> list[DeadLetter]:
    return [DeadLetter(source, kind, e.row, e.field, e.message, e.raw) for e in errors]


def _report(ctx: Context, action: str, name: str, rep: FileReport) -> FileReport:
    record(
        ctx,
        action,
        target=name,
        result={
            "accepted": rep.accepted,
            "duplicates": rep.duplicates,
            "rejected": len(rep.errors),
        },
        status="done" if not rep.errors else "partial",
    )
    return rep


def list_plans(ctx: Context, limit: int = 20) -> list[dict[str, Any]]:
    """Return the newest stored plans (id, status, summary ...), newest first."""
    with ctx.engine.connect() as conn:
        return plan_list_on(conn, ctx.seller, limit)


def compare_plan(
    ctx: Context, current: dict[str, Any], previous: dict[str, Any] | None
) -> list[PlanDiff]:
    """Return the transfer lines of ``current`` next to ``previous``'s."""
    return diff_plans(current, previous)


def reject_plan(ctx: Context, plan_id: str) -> None:
    """Mark a draft plan rejected (it can no longer be applied); audited.

    Raises:
        Forbidden: the actor is below operator.
        UnknownReference: no draft plan has this id.
    """
    ctx.require("operator")
    with ctx.engine.begin() as conn:
        if not set_plan_status_on(conn, ctx.seller, plan_id, "rejected", only="draft"):
            raise UnknownReference(
                t("No draft plan {plan_id}.", ctx.language, plan_id=plan_id),
                record="plan",
                value=plan_id,
            )
        audit_on(conn, ctx, "plan.reject", target=plan_id, status="done")
