"""Profit service: SKUs and sales -> unit economics, prices, markets, launches.

The only module of ``worldpool.profit`` that touches the ledger. Reads the
SKU record, the seller's sales (order lines from the order book, plus rows a
caller passes, e.g. from a file) and the fee book in force (packaged rows plus
the seller's override files in ``settings.catalog_dir``); writes only on
``expand(apply=True)``: the SKU's listed and fulfil-from-origin markets and
one launch row per market, in one transaction, after
:func:`request_approval`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from worldpool.catalog.as_of import today_utc
from worldpool.catalog.rates import load_rates
from worldpool.context import Context, ledger_of
from worldpool.customs.rules import load_rules
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError, WorldpoolError
from worldpool.ledger.order_tables import orders
from worldpool.ledger.profit_tables import insert_launches_on
from worldpool.ledger.skus import upsert_skus_on
from worldpool.profit import _markets
from worldpool.profit._resolve import complete_fx
from worldpool.profit.evaluate import ProfitInputs, evaluate
from worldpool.profit.fees import load_fee_book
from worldpool.profit.history import SaleRow, market_sales
from worldpool.profit.requests import (
    ExpandRequest,
    PriceRequest,
    ProfitRequest,
    RankRequest,
    RepriceRequest,
)
from worldpool.profit.results import (
    ExpandResult,
    MarketExpansion,
    PriceResult,
    ProfitResult,
    RankResult,
    RepriceItem,
    RepriceResult,
)

__all__ = [
    "ExpandRequest",
    "PriceRequest",
    "ProfitRequest",
    "RankRequest",
    "RepriceRequest",
    "advise_price",
    "best_markets",
    "expand",
    "profit_inputs",
    "reprice",
    "request_approval",
    "sales_rows",
    "sku_profit",
]


def profit_inputs(ctx: Context, as_of: date | None = None) -> ProfitInputs:
    """Return the reference data of the seller on ``as_of`` (default today).

    Args:
        ctx: The context (catalog, FX, settings with the override folder).
        as_of: The day the fee, duty and customs rows are chosen for.
    """
    day = as_of or today_utc()
    overrides = (Path(ctx.settings.catalog_dir),) if ctx.settings.catalog_dir else ()
    hubs = ctx.catalog.hubs()
    if not hubs:
        raise InputError(
            "the catalog has no origin hub", record="catalog", field="nodes"
        )
    return ProfitInputs(
        catalog=ctx.catalog,
        book=load_fee_book(day, overrides),
        rules=load_rules(day),
        fx=complete_fx(ctx.fx),
        hub=hubs[0].id,
        origin=hubs[0].country,
        as_of=day,
        language=ctx.language,
        rates=load_rates(as_of=day),
    )


def sales_rows(ctx: Context) -> tuple[SaleRow, ...]:
    """Return the order book's order lines as sales rows (cancelled orders left out).

    Args:
        ctx: The context (its engine).
    """
    o = orders.c
    stmt = select(o.market, o.currency, o.payload, o.created_at).where(
        o.status != "cancelled", o.seller == ctx.seller
    )
    rows = []
    with ctx.engine.connect() as conn:
        for market, currency, payload, created in conn.execute(stmt):
            data = json.loads(payload)
            day = created.date()
            buyer = buyer_id(data.get("ship_to") or {})
            for line in data.get("lines", ()):
                rows.append(
                    SaleRow(
                        line["sku"],
                        market,
                        day,
                        int(line["qty"]),
                        Decimal(str(line["unit_price"])),
                        currency,
                        buyer,
                    )
                )
    return tuple(rows)


def buyer_id(ship_to: dict[str, Any]) -> str:
    """Return a pseudonymous buyer id for an order's ship-to address ("" if none).

    The same name at the same postcode in the same country is the same buyer;
    only a digest is kept, so the ranking never holds names or addresses.
    """
    parts = [
        " ".join(str(ship_to.get(k) or "").lower().split())
        for k in ("name", "postal_code", "country")
    ]
    if not parts[0]:
        return ""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def request_approval(ctx: Context, action: str, payload: dict[str, object]) -> None:
    """Check that ``action`` may run now; raise Forbidden otherwise.

    The seam for the approval policy and audit log (being built elsewhere):
    today it only requires role ``operator``. The lead rewires this one
    function to the policy; callers stay as they are.

    Args:
        ctx: Who is acting.
        action: Action id (``profit.expand``).
        payload: The action's inputs, for the audit record.
    """
    del action, payload
    ctx.require("operator")


def _sku(ctx: Context, sku: str) -> SkuRecord:
    return ledger_of(ctx).sku(sku)


def _markets_of(
    ctx: Context, rec: SkuRecord, markets: Sequence[str]
) -> tuple[str, ...]:
    chosen = (
        tuple(markets) or rec.listed_markets or tuple(sorted(ctx.catalog.marketplaces))
    )
    for m in chosen:
        ctx.catalog.marketplace(m)
    return chosen


def sku_profit(ctx: Context, request: ProfitRequest) -> ProfitResult:
    """Return the unit economics of a SKU per market and fulfilment mode.

    Args:
        ctx: The context.
        request: SKU, markets, channel, modes, optional price.

    Raises:
        UnknownReference: unknown SKU or marketplace.
    """
    rec, inputs = _sku(ctx, request.sku), profit_inputs(ctx)
    sales = market_sales((*sales_rows(ctx), *request.history))
    rows, skipped = [], []
    for market in _markets_of(ctx, rec, request.markets):
        for mode in request.modes:
            try:
                rows.append(
                    evaluate(
                        inputs,
                        rec,
                        market,
                        mode,
                        channel=request.channel,
                        sales=sales.get((rec.sku, market)),
                        price=request.price,
                        new_seller=request.new_seller,
                        quantity=request.quantity,
                    )
                )
            except InputError as exc:
                skipped.append(f"{market}/{mode}: {exc.message}")
    return ProfitResult(rec.sku, tuple(rows), tuple(skipped))


def advise_price(ctx: Context, request: PriceRequest) -> PriceResult:
    """Return the profit-maximising price of a SKU in one market.

    Args:
        ctx: The context.
        request: SKU, market, mode, bounds.

    Raises:
        UnknownReference: unknown SKU or marketplace.
        InputError: no lane for the mode, bounds that leave no price.
    """
    rec, inputs = _sku(ctx, request.sku), profit_inputs(ctx)
    sales = market_sales((*sales_rows(ctx), *request.history))
    ctx.catalog.marketplace(request.market)
    e = evaluate(
        inputs,
        rec,
        request.market,
        request.mode,
        channel=request.channel,
        sales=sales.get((rec.sku, request.market)),
        bounds=request.bounds,
    )
    return PriceResult(rec.sku, e)


def _reprice_one(
    old: ProfitInputs,
    new: ProfitInputs,
    rec: SkuRecord,
    market: str,
    channel: str,
    sales: object,
) -> RepriceItem | None:
    from worldpool.profit.history import MarketSales

    hist = sales if isinstance(sales, MarketSales) else None
    before = evaluate(old, rec, market, "local_fc", channel=channel, sales=hist)
    after = evaluate(
        new,
        rec,
        market,
        "local_fc",
        channel=channel,
        sales=hist,
        price=Decimal(str(before.advice.price)),
    )
    if before.economics.contribution == after.economics.contribution:
        return None
    return RepriceItem(
        rec.sku,
        market,
        before.economics.price.currency,
        before.advice.price,
        after.advice.price,
        float(before.economics.contribution.amount),
        float(after.economics.contribution.amount),
    )


def reprice(
    ctx: Context,
    request: RepriceRequest,
    progress: Callable[[int, int], None] | None = None,
) -> RepriceResult:
    """Return the SKUs whose margin rows effective since a day change; new prices.

    Each registered SKU in each listed market is priced under the rows in force
    on ``since`` and under today's; it is affected when its contribution at the
    old advised price differs.

    Args:
        ctx: The context.
        request: The day and channel.
        progress: Called with (SKUs done, SKUs in all) after each SKU.
    """
    new = profit_inputs(ctx)
    old = replace(
        new,
        book=load_fee_book(request.since, _overrides(ctx)),
        rules=load_rules(request.since),
        as_of=request.since,
    )
    changed = new.book.changed_since(request.since)
    sales = market_sales((*sales_rows(ctx), *request.history))
    ledger, items = ledger_of(ctx), []
    skus = ledger.skus() if changed else []
    for done, sku in enumerate(skus, start=1):
        rec = ledger.sku(sku)
        for market in _markets_of(ctx, rec, ()):
            try:
                item = _reprice_one(
                    old, new, rec, market, request.channel, sales.get((sku, market))
                )
            except WorldpoolError:
                continue
            if item is not None:
                items.append(item)
        if progress is not None:
            progress(done, len(skus))
    return RepriceResult(request.since, changed, tuple(items))


def _overrides(ctx: Context) -> tuple[Path, ...]:
    return (Path(ctx.settings.catalog_dir),) if ctx.settings.catalog_dir else ()


def _titles(ctx: Context, rows: Sequence[SaleRow], rec: SkuRecord) -> dict[str, str]:
    """Return the titles of the SKUs in ``rows`` (unregistered ones: their id)."""
    ledger, titles = ledger_of(ctx), {rec.sku: rec.title}
    for sku in sorted({r.sku for r in rows} - {rec.sku}):
        try:
            titles[sku] = ledger.sku(sku).title
        except WorldpoolError:
            titles[sku] = sku
    return titles


def best_markets(ctx: Context, request: RankRequest) -> RankResult:
    """Rank every marketplace for a SKU by risk-adjusted expected monthly profit.

    Args:
        ctx: The context.
        request: SKU, channel, candidate markets.
    """
    rec, inputs = _sku(ctx, request.sku), profit_inputs(ctx)
    rows = (*sales_rows(ctx), *request.history)
    markets = tuple(request.markets) or tuple(sorted(ctx.catalog.marketplaces))
    units = _markets.monthly_units(inputs, rec, markets, rows, _titles(ctx, rows, rec))
    scores = _markets.rank_for(inputs, rec, markets, request.channel, rows, units)
    return RankResult(rec.sku, _markets.REPORT_CURRENCY, scores)


def expand(ctx: Context, request: ExpandRequest) -> ExpandResult:
    """Plan (and with ``apply`` write) the launch of a SKU in new markets.

    Args:
        ctx: The context; applying needs role ``operator`` (via
            :func:`request_approval`).
        request: SKU, markets, channel, apply flag.

    Raises:
        UnknownReference: unknown SKU or marketplace.
        Forbidden: applying without the role the approval policy asks.
    """
    rec, inputs = _sku(ctx, request.sku), profit_inputs(ctx)
    if not request.markets:
        raise InputError("name at least one market", record=rec.sku, field="markets")
    for m in request.markets:
        ctx.catalog.marketplace(m)
    rows = (*sales_rows(ctx), *request.history)
    units = _markets.monthly_units(
        inputs, rec, request.markets, rows, _titles(ctx, rows, rec)
    )
    sales = market_sales(rows)
    plans = tuple(
        _markets.expansion(
            inputs,
            rec,
            m,
            request.channel,
            sales.get((rec.sku, m)),
            units[m],
            request.params,
        )
        for m in request.markets
    )
    result = ExpandResult(rec.sku, plans)
    if not request.apply:
        return result
    request_approval(ctx, "profit.expand", result.to_dict())
    return replace(result, applied=True, written=_apply(ctx, rec, result))


def _apply(ctx: Context, rec: SkuRecord, result: ExpandResult) -> int:
    listed = set(rec.listed_markets) | {m.market for m in result.markets}
    ffo = set(rec.ffo_markets) | {
        m.market for m in result.markets if m.plan.strategy == "serve_from_origin"
    }
    updated = replace(
        rec, listed_markets=tuple(sorted(listed)), ffo_markets=tuple(sorted(ffo))
    )
    launches = [_launch(ctx, rec, m) for m in result.markets]
    # The listing and the launch rows change together or not at all.
    with ctx.engine.begin() as conn:
        upsert_skus_on(conn, ctx.seller, [updated], list(ctx.catalog.marketplaces))
        return insert_launches_on(conn, ctx.seller, launches, ctx.user)


def _launch(ctx: Context, rec: SkuRecord, m: MarketExpansion) -> dict[str, object]:
    price = m.evaluation.economics.price
    text = f"{m.market}|{m.plan.strategy}|{m.plan.seed_units}|{price.amount}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return {
        "key": f"{ctx.seller}:{rec.sku}:{m.market}:{digest}",
        "sku": rec.sku,
        "market": m.market,
        "strategy": m.plan.strategy,
        "lane": m.plan.lane,
        "seed_units": m.plan.seed_units,
        "price": price.amount,
        "currency": price.currency,
        "why": m.plan.why,
    }
