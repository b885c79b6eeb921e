"""Hub billing service: close a month, read statements, record charges, reconcile.

The hub operator (role ``hub``) closes a month for every seller at once: SQL
aggregates over the journal give each seller's daily on-hand changes and its
receive/ship usage; :mod:`worldpool.hub.billing` turns them into daily
snapshots and priced lines with the seller's rate card. A seller (any role of
that seller) reads its own statement; only the operator sees across sellers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.errors import InputError, UnknownReference
from worldpool.hub.billing import (
    MovementRow,
    Snapshot,
    StatementLine,
    Usage,
    charge_usage,
    daily_snapshots,
    handling_usage,
    month_bounds,
    price_usage,
    storage_usage,
    usage_from_movements,
)
from worldpool.hub.ratecard import ALL_SELLERS, RateCard, load_rate_card
from worldpool.hub.records import (
    ChargeRequest,
    CloseRequest,
    CloseResult,
    Reconciliation,
    SellerTotal,
    Statement,
)
from worldpool.i18n import N_
from worldpool.ledger import hub_billing as q
from worldpool.ledger.sellers import scoped

__all__ = [
    "close_month",
    "operator_view",
    "rate_card",
    "reconcile",
    "record_charge",
    "statement",
]

RATE_CARD_FILE = "hub_rate_cards.csv"
"""A rate-card file in ``settings.catalog_dir`` adds (negotiated) rows."""


def rate_card(ctx: Context) -> RateCard:
    """Return the hub's rate card: the packaged tariff plus the operator's file."""
    extra = []
    if ctx.settings.catalog_dir:
        path = Path(ctx.settings.catalog_dir) / RATE_CARD_FILE
        if path.is_file():
            extra.append(path)
    return load_rate_card(extra)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _hub(ctx: Context, node: str) -> None:
    if node not in {h.id for h in ctx.catalog.hubs()}:
        raise UnknownReference("not a hub node", record="hub", field="node", value=node)


def close_month(ctx: Context, req: CloseRequest) -> CloseResult:
    """Close ``req.month`` at ``req.node``: write snapshots, statements and lines.

    Closing again replaces the month's statements with a fresh computation (a
    late movement is then billed); each close is audited.

    Raises:
        Forbidden: the actor is not the hub operator.
        CatalogError: a used service has no rate.
    """
    ctx.require("hub")
    _hub(ctx, req.node)
    first, end = month_bounds(req.month)
    card = rate_card(ctx)
    sellers = list(req.sellers) if req.sellers is not None else None
    own = {r.seller for r in card.rows if r.service == "inbound_carton"} - {ALL_SELLERS}
    per = {s: card.for_seller(s).per_units("inbound_carton", first) for s in own}
    default_per = card.for_seller(ALL_SELLERS).per_units("inbound_carton", first)
    with scoped(ctx.engine, ALL_SELLERS).begin() as conn:
        deltas = q.stock_deltas_on(conn, req.node, _utc(end), sellers)
        handling = q.handling_usage_on(
            conn, req.node, _utc(first), _utc(end), per, default_per, sellers
        )
        charges = q.charge_usage_on(conn, req.node, _utc(first), _utc(end), sellers)
        snaps, usage = _usage(req, deltas, handling, charges)
        rows = _rows(ctx, req, card, snaps, usage)
        q.save_month_on(conn, req.node, req.month, *rows)
        result = CloseResult(
            req.month,
            req.node,
            len(rows[0]),
            len(rows[1]),
            len(rows[2]),
            _totals(rows[0]),
        )
        audit_on(
            conn,
            ctx,
            "hub.close_month",
            target=f"{req.node}/{req.month}",
            inputs={"sellers": sellers},
            result=result.summary(),
        )
    return result


def _usage(
    req: CloseRequest,
    deltas: list[tuple[str, date, int, Any]],
    handling: list[tuple[str, date, str, int, int, int, int]],
    charges: list[tuple[str, date, str, Any, Any, int]],
) -> tuple[dict[str, list[Snapshot]], dict[str, list[Usage]]]:
    by_seller: dict[str, dict[date, tuple[int, Decimal]]] = defaultdict(dict)
    for seller, day, units, volume in deltas:
        by_seller[seller][day] = (units, Decimal(volume or 0))
    snaps = {
        s: daily_snapshots(s, req.node, d, req.month) for s, d in by_seller.items()
    }
    usage: dict[str, list[Usage]] = {s: storage_usage(v) for s, v in snaps.items()}
    for seller, day, kind, qty, n, cartons, orders in handling:
        usage.setdefault(seller, []).extend(
            handling_usage(seller, req.node, day, kind, qty, n, cartons, orders)
        )
    for seller, day, service, qty, cost, n in charges:
        usage.setdefault(seller, []).append(
            charge_usage(seller, req.node, day, service, Decimal(qty), Decimal(cost), n)
        )
    return snaps, usage


def _rows(
    ctx: Context,
    req: CloseRequest,
    card: RateCard,
    snaps: dict[str, list[Snapshot]],
    usage: dict[str, list[Usage]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    now = datetime.now(UTC)
    statements, lines = [], []
    for seller in sorted(usage):
        priced = price_usage(usage[seller], card.for_seller(seller))
        if not priced:
            continue
        base = {"seller": seller, "node": req.node, "month": req.month}
        statements.append(
            base
            | {
                "currency": priced[0].currency,
                "total": sum((ln.amount for ln in priced), Decimal(0)),
                "lines": len(priced),
                "closed_at": now,
            }
        )
        lines += [base | _line_row(ln) for ln in priced]
    snapshot_rows = [
        {
            "seller": s.seller,
            "node": s.node,
            "day": s.day,
            "units": s.units,
            "volume_m3": s.volume_m3,
        }
        for v in snaps.values()
        for s in v
    ]
    return statements, lines, snapshot_rows


def _line_row(ln: StatementLine) -> dict[str, Any]:
    return {
        "line_no": ln.line_no,
        "day": ln.day,
        "service": ln.service,
        "unit": ln.unit,
        "basis": ln.basis,
        "rate": ln.rate,
        "amount": ln.amount,
        "currency": ln.currency,
        "records": ln.records,
        "trace": ln.trace,
    }


def _totals(statements: list[dict[str, Any]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for s in statements:
        out[s["currency"]] += s["total"]
    return dict(out)


def statement(ctx: Context, month: str, node: str = "CN-SZX") -> Statement:
    """Return the context seller's closed statement of ``month`` at ``node``.

    Raises:
        UnknownReference: the month is not closed for this seller.
    """
    ctx.require("viewer")
    month_bounds(month)
    with scoped(ctx.engine, ctx.seller).connect() as conn:
        heads = q.statements_on(conn, node, month, ctx.seller)
        rows = q.lines_on(conn, ctx.seller, node, month)
    if not heads:
        raise UnknownReference(
            N_("no closed statement"),
            record=f"seller {ctx.seller}",
            field="month",
            value=month,
        )
    head = heads[0]
    lines = tuple(
        StatementLine(
            r["line_no"],
            r["day"],
            r["service"],
            r["unit"],
            Decimal(r["basis"]),
            Decimal(r["rate"]),
            Decimal(r["amount"]),
            r["currency"],
            r["records"],
            r["trace"],
        )
        for r in rows
    )
    return Statement(
        ctx.seller,
        node,
        month,
        head["currency"],
        Decimal(head["total"]),
        head["closed_at"],
        lines,
    )


def operator_view(ctx: Context, month: str, node: str = "CN-SZX") -> list[SellerTotal]:
    """Return every seller's statement total of ``month`` (the hub operator only)."""
    ctx.require("hub")
    month_bounds(month)
    with scoped(ctx.engine, ALL_SELLERS).connect() as conn:
        heads = q.statements_on(conn, node, month, None)
    return [
        SellerTotal(
            h["seller"], h["currency"], Decimal(h["total"]), h["lines"], h["closed_at"]
        )
        for h in heads
    ]


def record_charge(ctx: Context, req: ChargeRequest) -> bool:
    """Record a parcel cost or value-added service; True when newly recorded.

    Raises:
        InputError: a service without a rate for the seller on that day, a
            parcel cost in another currency than the rate card's, a negative
            quantity or cost.
        IdempotencyConflict: the key was used for another charge.
    """
    ctx.require("hub")
    _hub(ctx, req.node)
    _check_charge(ctx, req)
    row = {
        "seller": ctx.seller,
        "idempotency_key": req.idempotency_key,
        "node": req.node,
        "service": req.service,
        "reference": req.reference,
        "qty": req.qty,
        "cost": req.cost,
        "currency": req.currency.upper(),
        "at": req.at or datetime.now(UTC),
    }
    with scoped(ctx.engine, ctx.seller).begin() as conn:
        fresh = q.insert_charges_on(conn, [row]) == 1
        if fresh:
            audit_on(
                conn,
                ctx,
                "hub.charge",
                target=req.reference,
                inputs={k: str(v) for k, v in row.items()},
            )
    return fresh


def _check_charge(ctx: Context, req: ChargeRequest) -> None:
    rec = f"charge {req.idempotency_key}"
    if req.service != "ffo_parcel" and not req.service.startswith("vas_"):
        raise InputError(
            "ffo_parcel or vas_*", record=rec, field="service", value=req.service
        )
    if req.qty <= 0 or req.cost < 0:
        raise InputError("qty must be > 0 and cost >= 0", record=rec, field="qty")
    day = (req.at or datetime.now(UTC)).astimezone(UTC).date()
    rate = rate_card(ctx).for_seller(ctx.seller).row(req.service, day)
    if rate is None:
        raise InputError(
            f"no rate for this service on {day}",
            record=rec,
            field="service",
            value=req.service,
        )
    if req.service == "ffo_parcel" and req.currency.upper() != rate.currency:
        raise InputError(
            f"the rate card bills in {rate.currency}",
            record=rec,
            field="currency",
            value=req.currency,
        )


def reconcile(ctx: Context, month: str, node: str = "CN-SZX") -> Reconciliation:
    """Recompute the seller's statement from its movements one by one and compare.

    The journal is read movement by movement and priced again; every line of
    the closed statement must match to the cent.
    """
    stored = statement(ctx, month, node)
    card = rate_card(ctx).for_seller(ctx.seller)
    first, end = month_bounds(month)
    with scoped(ctx.engine, ctx.seller).connect() as conn:
        volumes = {
            k[1]: Decimal(v) for k, v in q.unit_volumes_on(conn, [ctx.seller]).items()
        }
        moves = [
            MovementRow(
                r.kind,
                r.sku,
                r.node,
                r.from_node,
                r.qty,
                r.damaged,
                r.short,
                r.reference,
                _aware(r.at),
            )
            for r in q.movement_rows_on(conn, node, _utc(end), [ctx.seller])
        ]
        charges = q.charge_usage_on(conn, node, _utc(first), _utc(end), [ctx.seller])
    _, usage = usage_from_movements(
        ctx.seller, node, month, moves, volumes, card.per_units("inbound_carton", first)
    )
    usage += [
        charge_usage(ctx.seller, node, d, s, Decimal(a), Decimal(c), n)
        for _, d, s, a, c, n in charges
    ]
    again = price_usage(usage, card)
    return compare_lines(ctx.seller, month, stored.lines, again)


def compare_lines(
    seller: str,
    month: str,
    stored: tuple[StatementLine, ...],
    again: list[StatementLine],
) -> Reconciliation:
    """Compare lines keyed by (day, service); sum |stored - recomputed| in cents."""
    a = {(ln.day, ln.service): ln.amount for ln in stored}
    b = {(ln.day, ln.service): ln.amount for ln in again}
    diff = sum(
        abs(a.get(k, Decimal(0)) - b.get(k, Decimal(0))) for k in a.keys() | b.keys()
    )
    return Reconciliation(
        seller,
        month,
        len(a.keys() | b.keys()),
        sum(a.values(), Decimal(0)),
        sum(b.values(), Decimal(0)),
        int(Decimal(diff) * 100),
    )


def _aware(at: datetime) -> datetime:
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
