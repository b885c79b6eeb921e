"""Rates and quotes service, and the adapters to other capabilities' services.

:func:`plan_data` and :func:`unit_facts` are the only places the logistics
services call the planning service and the ledger's SKU records: the one spot
to adjust when those services change shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from worldpool.audit import audit_on
from worldpool.context import Context, ledger_of
from worldpool.errors import InputError
from worldpool.ledger.db import reader
from worldpool.ledger.logistics_tables import get_rates_on, put_rates_on
from worldpool.logistics.build import pack_lines, pieces_of
from worldpool.logistics.quote import Quote, QuoteRequest
from worldpool.logistics.quote import quote as quote_core
from worldpool.logistics.ratecard import (
    RateRow,
    load_rate_rows,
    load_surcharges,
    parse_rate_rows,
)
from worldpool.logistics.records import QuoteAsk
from worldpool.plan import service as plan_service

__all__ = [
    "convert_to",
    "load_rates",
    "plan_data",
    "quote",
    "rate_rows",
    "unit_facts",
    "volumes",
]


def _now() -> datetime:
    return datetime.now(UTC)


def plan_data(ctx: Context, plan_id: str) -> dict[str, Any]:
    """Return a stored plan as plain data, with its ``status``."""
    return plan_service.get_plan(ctx, plan_id)


def unit_facts(ctx: Context, skus: Iterable[str]) -> dict[str, Any]:
    """Return the SKU records (unit volume, weight, cost) by SKU id."""
    ledger = ledger_of(ctx)
    return {s: ledger.sku(s) for s in sorted(set(skus))}


def rate_rows(ctx: Context, conn: Connection | None = None) -> tuple[RateRow, ...]:
    """Return the rate rows in force for ``ctx.seller`` (packaged + contracted).

    Args:
        ctx: The context.
        conn: An open transaction to read in (default: a read-only one).
    """
    if conn is not None:
        return load_rate_rows(get_rates_on(conn, ctx.seller))
    with reader(ctx.engine).connect() as own:
        return load_rate_rows(get_rates_on(own, ctx.seller))


def load_rates(ctx: Context, csv_text: str) -> int:
    """Store the seller's contracted rate card (CSV); return its row count.

    Raises:
        InputError: a bad row, naming the row and field (nothing is stored).
    """
    ctx.require("owner")
    rows = parse_rate_rows(csv_text, "contracted rates")
    with ctx.engine.begin() as conn:
        put_rates_on(conn, ctx.seller, csv_text, _now())
        audit_on(conn, ctx, "logistics.rates", inputs={"rows": len(rows)})
    return len(rows)


def convert_to(ctx: Context, currency: str) -> Any:
    """Return a converter of amounts into ``currency`` with the context's FX table."""

    def convert(amount: Decimal, base: str) -> Decimal | None:
        """Return ``amount`` of ``base`` in the quote currency (None: no rate)."""
        fx = ctx.fx.rate(base, currency)
        return None if fx is None else amount * fx.rate

    return convert


def quote(ctx: Context, ask: QuoteAsk) -> tuple[Quote, ...]:
    """Return every service for the shipment, cheapest landed cost first.

    Units of SKUs are packed into cartons first (first-fit decreasing).
    """
    pieces, value = ask.pieces, ask.goods_value
    if not pieces:
        if not ask.units:
            raise InputError("give pieces or units to quote", record="quote")
        facts = unit_facts(ctx, (s for s, _ in ask.units))
        lines = [{"sku": s, "qty": q} for s, q in ask.units]
        pieces = pieces_of(pack_lines(lines, volumes(facts)))
        if value is None:
            value = sum((facts[s].unit_cost * q for s, q in ask.units), Decimal(0))
    req = QuoteRequest(
        ask.origin,
        ask.destination,
        pieces,
        ask.ship_date or _now().date(),
        value or Decimal(0),
        ask.currency,
    )
    conv = convert_to(ctx, ask.currency)
    return quote_core(req, ctx.catalog, rate_rows(ctx), load_surcharges(), conv)


def volumes(facts: dict[str, Any]) -> dict[str, tuple[Decimal, Decimal]]:
    """Return (unit m3, unit kg) per SKU from its records."""
    return {s: (r.unit_volume_m3, r.unit_weight_kg) for s, r in facts.items()}
