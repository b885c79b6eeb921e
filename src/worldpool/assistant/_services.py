"""The one adapter between the assistant and the other capabilities and the ledger.

Everything the assistant reads (stock, demand, orders, dead letters,
transfers, SKUs) or does (transfers, SKU changes, buffers, outgoing
messages) passes through here, so call sites of the other services are in
one place. Reads use the journal's public column names, like the demand
service does; writes take the caller's transaction ``conn``.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from worldpool.assistant._state import Transit
from worldpool.assistant.operations import (
    ChannelHealth,
    DeadLetterInfo,
    LateArrival,
    OpenOrder,
)
from worldpool.context import Context, ledger_of
from worldpool.demand.service import history_from_ledger
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.network import Mode
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger.assistant_tables import get_buffer_on, set_buffer_on
from worldpool.ledger.audit_tables import enqueue_on
from worldpool.ledger.effects import validate
from worldpool.ledger.journal import post_on
from worldpool.ledger.skus import get_sku_on, upsert_skus_on

__all__ = [
    "atp",
    "available",
    "buffer",
    "channel_health",
    "channel_sync_rows",
    "dead_letters",
    "forecast",
    "history",
    "hs_suggestions",
    "key_scope",
    "landed_cost",
    "listings",
    "open_orders",
    "open_transits",
    "order_route",
    "plan_lines",
    "post_transfer",
    "send_message",
    "set_buffer",
    "sku_facts",
    "update_sku",
]

_TRANSFERS = text(
    "SELECT kind, sku, node, from_node, lane, qty, reference, at FROM movements "
    "WHERE kind IN ('transfer_out', 'transfer_in') AND seller = :seller"
)
_BALANCES = text(
    "SELECT sku, node, on_hand, reserved FROM balances WHERE seller = :seller"
)
_SKUS = text(
    "SELECT sku, unit_cost, unit_volume_m3, currency, hs_code, battery, title "
    "FROM skus WHERE seller = :seller"
)
_LISTINGS = text(
    "SELECT sku, market, ffo_allowed FROM sku_markets WHERE listed AND seller = :seller"
)
_ORDERS = text(
    "SELECT channel, channel_order_id, market, status, order_value, currency, "
    "backordered, decision, created_at FROM orders WHERE status NOT IN "
    "('shipped', 'cancelled') AND seller = :seller"
)
_SALES = text(
    "SELECT channel, market, currency, SUM(order_value) AS value FROM orders "
    "WHERE seller = :seller AND created_at >= :since GROUP BY channel, market, currency"
)
_LETTERS = text(
    "SELECT id, source, kind, error, created_at FROM dead_letters "
    "WHERE resolved_at IS NULL AND seller = :seller ORDER BY id"
)


def _aware(at: Any) -> datetime:
    value = pd.Timestamp(at).to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def history(ctx: Context) -> pd.DataFrame:
    """Return the daily demand history ``sku, market, date, units`` from the journal."""
    return history_from_ledger(ctx).frame


def available(ctx: Context) -> dict[tuple[str, str], int]:
    """Return free units (on hand - reserved) per (SKU, node)."""
    with ctx.engine.connect() as conn:
        return {
            (r.sku, r.node): int(r.on_hand - r.reserved)
            for r in conn.execute(_BALANCES, {"seller": ctx.seller})
        }


def listings(ctx: Context) -> list[tuple[str, str]]:
    """Return every (SKU, market) the seller lists."""
    with ctx.engine.connect() as conn:
        return sorted(
            (r.sku, r.market) for r in conn.execute(_LISTINGS, {"seller": ctx.seller})
        )


def sku_facts(ctx: Context) -> dict[str, dict[str, Any]]:
    """Return cost, volume, currency, HS code, battery, title, FFO markets per SKU."""
    with ctx.engine.connect() as conn:
        ffo: dict[str, list[str]] = {}
        for r in conn.execute(_LISTINGS, {"seller": ctx.seller}):
            if r.ffo_allowed:
                ffo.setdefault(r.sku, []).append(r.market)
        return {
            r.sku: {
                "ffo_markets": tuple(sorted(ffo.get(r.sku, ()))),
                "unit_cost": float(r.unit_cost),
                "unit_volume_m3": float(r.unit_volume_m3),
                "currency": r.currency,
                "hs_code": r.hs_code,
                "battery": r.battery,
                "title": r.title,
            }
            for r in conn.execute(_SKUS, {"seller": ctx.seller})
        }


def open_transits(
    ctx: Context, costs: dict[str, float], currency: str, now: datetime
) -> tuple[list[Transit], list[LateArrival]]:
    """Return transfers still on the way (with their P90 ETA) and the late ones."""
    with ctx.engine.connect() as conn:
        rows = pd.DataFrame(
            conn.execute(_TRANSFERS, {"seller": ctx.seller}).mappings().all()
        )
    if rows.empty:
        return [], []
    sent = rows[rows["kind"] == MovementKind.TRANSFER_OUT.value]
    got = rows[rows["kind"] == MovementKind.TRANSFER_IN.value]
    landed = got.groupby(["reference", "sku", "node"])["qty"].sum().to_dict()
    transits, late = [], []
    for group, g in sent.groupby(["reference", "sku", "node"]):
        ref, sku, node = (str(x) for x in group)
        left = int(g["qty"].sum()) - int(landed.get((ref, sku, node), 0))
        if left <= 0:
            continue
        lane_id = g["lane"].iloc[0]
        p90 = ctx.catalog.lane(lane_id).transit.p90_days if lane_id else 30.0
        eta = _aware(g["at"].max()) + timedelta(days=p90)
        transits.append(Transit(sku, node, left, eta))
        days_late = (now - eta) / timedelta(days=1)
        if days_late > 0:
            value = Decimal(str(round(left * costs.get(sku, 0.0), 2)))
            late.append(
                LateArrival(ref, False, sku, node, left, value, currency, days_late)
            )
    return transits, late


def open_orders(ctx: Context, now: datetime) -> list[OpenOrder]:
    """Return orders not shipped or cancelled, with their age in days."""
    out = []
    with ctx.engine.connect() as conn:
        for r in conn.execute(_ORDERS, {"seller": ctx.seller}):
            sku = None
            if r.backordered:
                sku = _first_short_sku(r.decision)
            out.append(
                OpenOrder(
                    key=f"{r.channel}:{r.channel_order_id}",
                    market=r.market,
                    status=r.status,
                    value=Decimal(r.order_value),
                    currency=r.currency,
                    backordered_units=int(r.backordered),
                    age_days=(now - _aware(r.created_at)) / timedelta(days=1),
                    sku=sku,
                )
            )
    return out


def _first_short_sku(decision: str) -> str | None:
    import json

    try:
        data = json.loads(decision)
    except ValueError:
        return None
    for line in data.get("lines", []) if isinstance(data, dict) else []:
        if isinstance(line, dict) and line.get("backordered"):
            return str(line.get("sku"))
    return None


def dead_letters(ctx: Context, now: datetime) -> list[DeadLetterInfo]:
    """Return unresolved dead letters with their age in days."""
    with ctx.engine.connect() as conn:
        return [
            DeadLetterInfo(
                int(r.id),
                r.source,
                r.kind,
                r.error,
                (now - _aware(r.created_at)) / timedelta(days=1),
            )
            for r in conn.execute(_LETTERS, {"seller": ctx.seller})
        ]


def post_transfer(
    ctx: Context,
    conn: Connection,
    *,
    sku: str,
    market: str,
    qty: int,
    mode: str,
    reference: str,
) -> dict[str, Any]:
    """Send ``qty`` units hub -> the market's FC by ``mode`` (sea/air) in ``conn``."""
    fcs = ctx.catalog.fcs_for(market)
    hubs = ctx.catalog.hubs()
    if not fcs or not hubs:
        raise UnknownReference(
            "no hub -> FC lane", record="transfer", field="market", value=market
        )
    lanes = ctx.catalog.lanes_between(hubs[0].id, fcs[0].id, Mode(mode))
    if not lanes:
        raise InputError(
            f"no {mode} lane to {fcs[0].id}",
            record="transfer",
            field="mode",
            value=mode,
        )
    lane = min(lanes, key=lambda ln: ln.transit.p50_days)
    m = Movement(
        kind=MovementKind.TRANSFER_OUT,
        sku=sku,
        node=fcs[0].id,
        from_node=hubs[0].id,
        lane=lane.id,
        qty=qty,
        reason=f"assistant {mode} transfer",
        reference=reference,
        idempotency_key=f"assistant:{ctx.seller}:{reference}",
    )
    validate(m, ctx.catalog.nodes)
    posted = post_on(conn, m, seller=ctx.seller)
    return {
        "reference": reference,
        "lane": lane.id,
        "from": hubs[0].id,
        "to": fcs[0].id,
        "qty": qty,
        "duplicate": bool(getattr(posted, "duplicate", False)),
    }


def update_sku(ctx: Context, conn: Connection, sku: str, **changes: Any) -> SkuRecord:
    """Change fields of a SKU record in ``conn``; return the record as it was."""
    before = get_sku_on(conn, ctx.seller, sku)
    if before is None:
        raise UnknownReference("unknown SKU", record="sku", field="sku", value=sku)
    upsert_skus_on(
        conn,
        ctx.seller,
        [dataclasses.replace(before, **changes)],
        ctx.catalog.marketplaces,
    )
    return before


def set_buffer(
    ctx: Context, conn: Connection, channel: str, sku: str, units: int
) -> int:
    """Set a channel stock buffer in ``conn``; return the previous units."""
    ctx.catalog.channel(channel)
    return set_buffer_on(conn, ctx.seller, channel, sku, units)


def buffer(ctx: Context, channel: str, sku: str) -> int:
    """Return the units held back from ``channel`` for ``sku``."""
    with ctx.engine.connect() as conn:
        return get_buffer_on(conn, ctx.seller, channel, sku)


def send_message(
    ctx: Context,
    conn: Connection,
    *,
    topic: str,
    destination: str,
    key: str,
    payload: dict[str, Any],
) -> bool:
    """Queue an outgoing message (PO, price) in ``conn`` through the outbox."""
    return enqueue_on(
        conn,
        seller=ctx.seller,
        topic=topic,
        destination=destination,
        key=key,
        payload=payload,
    )


def atp(ctx: Context, sku: str, market: str) -> dict[str, Any]:
    """Return what can be promised for ``sku`` in ``market``, by source node."""
    found = ledger_of(ctx).atp(sku, market)
    return {
        "sku": sku,
        "market": market,
        "total": found.total,
        "sources": [dataclasses.asdict(s) for s in found.sources],
    }


def order_route(ctx: Context, channel: str, order_id: str) -> dict[str, Any]:
    """Return a stored order's status and routing decision (with its ``why``)."""
    import json

    from worldpool.ledger.order_book import OrderBook

    row = OrderBook(ctx.engine, ctx.catalog.nodes).find(channel, order_id)
    if row is None:
        raise UnknownReference(
            "unknown order", record="order", field="order_id", value=order_id
        )
    return {
        "order": row.key,
        "market": row.market,
        "status": row.status,
        "backordered": row.backordered,
        "decision": json.loads(row.decision),
    }


def forecast(ctx: Context, sku: str, market: str, horizon_days: int) -> dict[str, Any]:
    """Return the demand forecast of one SKU x market over ``horizon_days``."""
    from worldpool.demand.service import ForecastRequest
    from worldpool.demand.service import forecast as run_forecast

    request = ForecastRequest(horizon_days=horizon_days, sku=sku, market=market)
    rows = run_forecast(ctx, request).frame.to_dict(orient="records")
    return {"sku": sku, "market": market, "horizon_days": horizon_days, "rows": rows}


def plan_lines(ctx: Context, plan_id: str) -> dict[str, Any]:
    """Return a stored plan (its lines with their ``why``)."""
    from worldpool.plan.service import get_plan

    return get_plan(ctx, plan_id)


def landed_cost(ctx: Context, sku: str, market: str, quantity: int) -> dict[str, Any]:
    """Return the landed cost breakdown of ``quantity`` units of a SKU in a market."""
    from worldpool.customs.service import LandedCostRequest, sku_landed_cost

    result = sku_landed_cost(ctx, LandedCostRequest(sku, market, quantity))
    return dict(result.to_dict())


def hs_suggestions(text_: str, k: int) -> list[dict[str, Any]]:
    """Return ``k`` HS code suggestions for a product text."""
    from worldpool.customs.service import suggest_hs

    return [dataclasses.asdict(s) for s in suggest_hs(text_, k)]


def key_scope(ctx: Context, key: str) -> str | None:
    """Return the scope of an API key (read, write, admin), or None when invalid."""
    from worldpool.access import authenticate_key

    acting = authenticate_key(ctx, key)
    if acting is None:
        return None
    return {"viewer": "read", "operator": "write"}.get(acting.role, "admin")


def channel_health(ctx: Context, now: datetime, days: int = 7) -> list[ChannelHealth]:
    """Return each active shop connection's sync state and daily order value.

    The value is the channel's orders in the connection's market over the last
    ``days`` days, per day (its largest currency).
    """
    from worldpool.connectors import service as channels

    since = now - timedelta(days=days)
    sales: dict[tuple[str, str], tuple[Decimal, str]] = {}
    with ctx.engine.connect() as conn:
        for r in conn.execute(_SALES, {"seller": ctx.seller, "since": since}):
            value = Decimal(str(r.value or 0)) / days
            key = (str(r.channel), str(r.market))
            if value > sales.get(key, (Decimal(-1), ""))[0]:
                sales[key] = (value, str(r.currency))
    out = []
    for s in channels.sync_status(ctx):
        if s.status != "active":
            continue
        market = s.market
        value, currency = sales.get((s.channel, market), (Decimal(0), "USD"))
        out.append(
            ChannelHealth(
                s.name,
                s.channel,
                market,
                s.lag_s,
                s.oldest_pending_s,
                s.queue_dead,
                s.last_error,
                value.quantize(Decimal("0.01")),
                currency,
            )
        )
    return out


def channel_sync_rows(ctx: Context) -> list[dict[str, Any]]:
    """Return ``sync_status`` of every connection as plain dicts (seconds, counts)."""
    from worldpool.connectors import service as channels

    return [dataclasses.asdict(s) for s in channels.sync_status(ctx)]
