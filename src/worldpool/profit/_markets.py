"""Per-market demand, ranking and expansion plans for one SKU (used by the service).

Expected units per month in each market: the SKU's own sales where it sold;
elsewhere the demand estimate of :func:`worldpool.profit.demand.expected_revenue`
(its own markets plus similar SKUs) divided by the reference price; with no
sales anywhere, :data:`COLD_START_UNITS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np

from worldpool.domain.money import Money
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError
from worldpool.profit._problem import Mode
from worldpool.profit.buyers import BuyerIndex, buyer_counts
from worldpool.profit.demand import DemandParams, TitleIndex, expected_revenue
from worldpool.profit.evaluate import (
    Evaluation,
    ProfitInputs,
    evaluate,
    reference_price,
)
from worldpool.profit.expand import (
    ExpandParams,
    checklist,
    launch_plan,
    load_registrations,
    logistics_options,
)
from worldpool.profit.history import MarketSales, SaleRow, market_history, market_sales
from worldpool.profit.rank import MarketOption, MarketScore, rank_markets
from worldpool.profit.results import MarketExpansion

__all__ = [
    "COLD_START_UNITS",
    "REPORT_CURRENCY",
    "expansion",
    "monthly_units",
    "rank_for",
]

COLD_START_UNITS = 10.0
"""Units per month assumed where nothing is known (editable default)."""
REPORT_CURRENCY = "USD"
"""Currency rankings compare profits in."""
_STOCKED = ("sea", "air", "express")
_MODES: tuple[tuple[Mode, tuple[str, ...]], ...] = (
    ("local_fc", _STOCKED),
    ("origin", ("parcel",)),
)


def _usd(inputs: ProfitInputs, amount: float, currency: str) -> float:
    money = inputs.fx.convert(Money(Decimal(str(amount)), currency), REPORT_CURRENCY)
    if money is None:
        raise InputError(
            f"no FX rate {currency}->{REPORT_CURRENCY}", record="fx", field=currency
        )
    return float(money.amount)


def monthly_units(
    inputs: ProfitInputs,
    rec: SkuRecord,
    markets: Sequence[str],
    rows: Sequence[SaleRow],
    titles: Mapping[str, str],
) -> dict[str, float]:
    """Return expected units per month of ``rec`` per market, at its reference price.

    Args:
        inputs: Reference data (FX, day).
        rec: The SKU.
        markets: Markets to estimate.
        rows: Every sales row of the seller (all SKUs).
        titles: SKU id -> title (similarity of products).
    """
    sales = market_sales(rows)
    own = {m: s for (sku, m), s in sales.items() if sku == rec.sku}
    if not rows:
        return dict.fromkeys(markets, COLD_START_UNITS)
    params = DemandParams()
    skus = sorted({r.sku for r in rows} | {rec.sku})
    columns = sorted(set(markets) | {r.market for r in rows})
    history = market_history(
        rows,
        skus,
        columns,
        lambda a, c: _usd(inputs, float(a), c),
        inputs.as_of,
        params.half_life_days,
    )
    months = max(
        (max(r.day for r in rows) - min(r.day for r in rows)).days / 30.4375, 1.0
    )
    target = skus.index(rec.sku)
    index = TitleIndex([titles.get(s, s) for s in skus])
    buyers, customers = _reach(rows, skus, columns, target)
    revenue = expected_revenue(
        history,
        history.revenue[target],
        index.similarity(rec.title),
        params,
        exclude=target,
        buyers=buyers,
        customers=customers,
    )
    out = {}
    for m in markets:
        if m in own:
            out[m] = own[m].units_per_month
            continue
        currency = inputs.catalog.marketplace(m).currency
        price = _usd(inputs, reference_price(inputs, rec, currency), currency)
        estimate = float(revenue[columns.index(m)]) / months / price
        out[m] = estimate if np.isfinite(estimate) and estimate > 0 else 0.0
    return out


def _reach(
    rows: Sequence[SaleRow], skus: list[str], columns: list[str], target: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Co-buyer similarity of ``target`` and buyers per SKU x market (None: no buyers).

    The target's buyers are those of its own sales (its known markets), as in
    ``benchmarks/market_ranking.py``, so no sale it has not made is used.
    """
    row = {s: i for i, s in enumerate(skus)}
    triples = [(row[r.sku], r.buyer, r.market) for r in rows if r.buyer]
    if not triples:
        return None, None
    index = BuyerIndex(len(skus), ((i, b) for i, b, _ in triples))
    own = [b for i, b, _ in triples if i == target]
    return index.similarity(own), buyer_counts(len(skus), columns, triples)


def _option(
    inputs: ProfitInputs, e: Evaluation, blockers: tuple[str, ...]
) -> MarketOption:
    currency = e.economics.price.currency
    if e.mode == "origin":
        p50, p90 = e.lane.transit.p50_days, e.lane.transit.p90_days
    else:
        fc = inputs.catalog.fcs_for(e.market)[0]
        p50, p90 = fc.delivery_p50_days or 2, fc.delivery_p90_days or 4
    return MarketOption(
        market=e.market,
        mode=e.mode,
        price=e.advice.price,
        currency=currency,
        contribution=_usd(inputs, e.advice.contribution, currency),
        monthly_units=e.advice.units,
        blockers=blockers,
        return_rate=float(e.resolved.returns.return_rate),
        transit_p50=float(p50),
        transit_p90=float(p90),
    )


def _best_option(
    inputs: ProfitInputs,
    rec: SkuRecord,
    market: str,
    channel: str,
    sales: MarketSales | None,
    units: float,
) -> MarketOption | None:
    keys = (market, inputs.catalog.marketplace(market).customs_zone)
    registrations = load_registrations(inputs.as_of)
    options = []
    for mode, transport in _MODES:
        items = checklist(
            rec, keys, transport, inputs.rules, registrations, inputs.language
        )
        blocked = tuple(
            i.text
            for i in items
            if i.kind == "blocked" and set(i.modes) >= set(transport)
        )
        try:
            e = evaluate(
                inputs,
                rec,
                market,
                mode,
                channel=channel,
                sales=sales,
                monthly_units=units,
            )
        except InputError:
            continue
        options.append(_option(inputs, e, blocked))
    return max(
        options,
        key=lambda o: (not o.blockers, o.monthly_units * o.contribution),
        default=None,
    )


def rank_for(
    inputs: ProfitInputs,
    rec: SkuRecord,
    markets: Sequence[str],
    channel: str,
    rows: Sequence[SaleRow],
    units: Mapping[str, float],
) -> tuple[MarketScore, ...]:
    """Return the markets ranked for ``rec`` (best mode of each).

    Args:
        inputs: Reference data.
        rec: The SKU.
        markets: Candidate marketplace ids.
        channel: Channel whose fees apply.
        rows: The seller's sales rows.
        units: Expected units per month at the reference price, by market.
    """
    sales = market_sales(rows)
    options = [
        _best_option(inputs, rec, m, channel, sales.get((rec.sku, m)), units[m])
        for m in markets
    ]
    return rank_markets([o for o in options if o is not None], inputs.language)


def _evaluations(
    inputs: ProfitInputs,
    rec: SkuRecord,
    market: str,
    channel: str,
    sales: MarketSales | None,
    units: float,
) -> dict[str, Evaluation]:
    evals: dict[str, Evaluation] = {}
    for mode, _ in _MODES:
        try:
            evals[mode] = evaluate(
                inputs,
                rec,
                market,
                mode,
                channel=channel,
                sales=sales,
                monthly_units=units,
            )
        except InputError:
            continue
    if not evals:
        raise InputError(
            f"no lane serves {market}", record=rec.sku, field="markets", value=market
        )
    return evals


def expansion(
    inputs: ProfitInputs,
    rec: SkuRecord,
    market: str,
    channel: str,
    sales: MarketSales | None,
    units: float,
    params: ExpandParams,
) -> MarketExpansion:
    """Return the expansion plan of ``rec`` in ``market``.

    Args:
        inputs: Reference data.
        rec: The SKU.
        market: Target marketplace id.
        channel: Channel whose fees apply.
        sales: The SKU's sales there, if any.
        units: Expected units per month at the reference price.
        params: Seeding threshold and cover.
    """
    keys = (market, inputs.catalog.marketplace(market).customs_zone)
    items = checklist(
        rec,
        keys,
        (*_STOCKED, "parcel"),
        inputs.rules,
        load_registrations(inputs.as_of),
        inputs.language,
    )
    options = logistics_options(inputs.catalog, inputs.hub, market, rec, items, params)
    evals = _evaluations(inputs, rec, market, channel, sales, units)
    origin = evals.get("origin")
    stocked = evals.get("local_fc")
    demand = (stocked or origin or next(iter(evals.values()))).advice.units
    plan = launch_plan(
        options,
        demand,
        origin.advice.contribution if origin else -1.0,
        params,
        inputs.language,
    )
    chosen = (
        origin
        if plan.strategy == "serve_from_origin" and origin
        else (stocked or origin)
    )
    assert chosen is not None
    return MarketExpansion(market, chosen, items, options, plan)
