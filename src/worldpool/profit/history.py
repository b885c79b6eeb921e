"""The seller's own sales as the profit engine reads them: rows -> curves and mixes.

A :class:`SaleRow` is one SKU's units at one price in one market on one day
(from the order book or a seller's file). From them: weekly (price, units)
points for the elasticity fit, monthly units and the median price per SKU x
market, and the :class:`~worldpool.profit.demand.MarketHistory` of revenue by
SKU and market (converted into one currency, recency-weighted for the prior).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from worldpool.errors import InputError
from worldpool.profit.demand import MarketHistory

__all__ = ["MarketSales", "SaleRow", "market_history", "market_sales", "read_sales"]

_DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True, slots=True)
class SaleRow:
    """Units of one SKU sold at one price in one market on one day."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    day: date
    """Sale day."""
    units: int
    """Units sold."""
    price: Decimal
    """Price per unit, in ``currency``."""
    currency: str
    """ISO 4217 code of ``price``."""
    buyer: str = ""
    """Who bought (a pseudonymous id; empty when unknown). Buyers shared
    between SKUs feed the customer reach of the market ranking."""


@dataclass(frozen=True, slots=True)
class MarketSales:
    """One SKU's sales in one market, summarised."""

    units_per_month: float
    """Units per month over the span sold (at least one month)."""
    median_price: Decimal
    """Median price per unit (unit-weighted), in ``currency``."""
    currency: str
    """Currency of the prices."""
    daily_prices: tuple[float, ...]
    """Average price of each day with sales."""
    daily_units: tuple[float, ...]
    """Units of each of those days."""


def _weighted_median(prices: list[Decimal], weights: list[int]) -> Decimal:
    expanded = sorted(zip(prices, weights, strict=True))
    half, seen = sum(weights) / 2, 0
    for price, weight in expanded:
        seen += weight
        if seen >= half:
            return price
    return expanded[-1][0]


def _summary(rows: list[SaleRow]) -> MarketSales:
    span = (max(r.day for r in rows) - min(r.day for r in rows)).days + 1
    units = sum(r.units for r in rows)
    days: dict[date, list[SaleRow]] = defaultdict(list)
    for r in rows:
        days[r.day].append(r)
    wp, wu = [], []
    for key in sorted(days):
        week = days[key]
        n = sum(r.units for r in week)
        wp.append(float(sum(r.price * r.units for r in week)) / n)
        wu.append(float(n))
    return MarketSales(
        units_per_month=units / max(span / _DAYS_PER_MONTH, 1.0),
        median_price=_weighted_median([r.price for r in rows], [r.units for r in rows]),
        currency=rows[0].currency,
        daily_prices=tuple(wp),
        daily_units=tuple(wu),
    )


def market_sales(rows: Iterable[SaleRow]) -> dict[tuple[str, str], MarketSales]:
    """Return the sales of each SKU x market (rows in another currency left out).

    Args:
        rows: Sales rows; per SKU x market the first row's currency is kept.
    """
    groups: dict[tuple[str, str], list[SaleRow]] = defaultdict(list)
    for r in rows:
        if r.units > 0 and r.price > 0:
            group = groups[(r.sku, r.market)]
            if not group or group[0].currency == r.currency:
                group.append(r)
    return {key: _summary(group) for key, group in groups.items()}


def market_history(
    rows: Sequence[SaleRow],
    skus: Sequence[str],
    markets: Sequence[str],
    to_common: Callable[[Decimal, str], float],
    as_of: date,
    half_life_days: float,
) -> MarketHistory:
    """Return revenue by SKU and market in one currency (plain and recency-weighted).

    Args:
        rows: Sales rows.
        skus: Row order (SKUs not listed are left out).
        markets: Column order (markets not listed are left out).
        to_common: Converts (amount, currency) into the common currency.
        as_of: Day the recency weights are measured from.
        half_life_days: Half-life of the recency weights, days.
    """
    si = {s: i for i, s in enumerate(skus)}
    mi = {m: i for i, m in enumerate(markets)}
    revenue = np.zeros((len(skus), len(markets)))
    recent = np.zeros_like(revenue)
    for r in rows:
        if r.sku in si and r.market in mi:
            value = to_common(r.price * r.units, r.currency)
            age = max((as_of - r.day).days, 0)
            revenue[si[r.sku], mi[r.market]] += value
            recent[si[r.sku], mi[r.market]] += value * 0.5 ** (age / half_life_days)
    return MarketHistory(tuple(skus), tuple(markets), revenue, recent)


def _row(name: str, number: int, row: dict[str, str]) -> SaleRow:
    try:
        return SaleRow(
            sku=row["sku"].strip(),
            market=row["market"].strip(),
            day=date.fromisoformat(row["date"].strip()),
            units=int(row["units"]),
            price=Decimal(row["price"]),
            currency=row["currency"].strip().upper(),
            buyer=(row.get("buyer") or "").strip(),
        )
    except KeyError as exc:
        raise InputError(
            "column missing", record=name, row=number, field=str(exc.args[0])
        ) from None
    except (ValueError, InvalidOperation, AttributeError, TypeError) as exc:
        raise InputError(f"not understood: {exc}", record=name, row=number) from None


def read_sales(path: Path) -> tuple[SaleRow, ...]:
    """Read a sales CSV: ``sku, market, date, units, price, currency[, buyer]``.

    One row per SKU, market and day (and buyer, when the optional ``buyer``
    column names who bought: any stable id, e.g. a customer number).

    Args:
        path: The file.

    Raises:
        InputError: naming the file, row and field of a bad row.
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return tuple(
            _row(path.name, n, row)
            for n, row in enumerate(csv.DictReader(handle), start=2)
        )
