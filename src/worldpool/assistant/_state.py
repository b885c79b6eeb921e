"""Read what the signal engine needs from the ledger, as arrays (service side only).

Every other capability is reached through :mod:`worldpool.assistant._services`;
this module only shapes the rows it returns into the engine's arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from worldpool.assistant._dist import FloatArray
from worldpool.assistant.excess import ExcessInputs
from worldpool.assistant.occurrence import cached_fit, history_cells, sale_counts
from worldpool.assistant.propose import Pairs
from worldpool.assistant.stockout import StockoutInputs
from worldpool.catalog import Catalog
from worldpool.domain.network import Mode

__all__ = ["PoolState", "Transit", "build_state"]


@dataclass(frozen=True, slots=True)
class Transit:
    """Units on the way to a node with their promised (P90) arrival."""

    sku: str
    """SKU."""
    node: str
    """Destination node."""
    qty: int
    """Units still expected."""
    eta: datetime
    """Promised arrival (UTC)."""


@dataclass(frozen=True, slots=True, eq=False)
class PoolState:
    """The engine's inputs for every live SKU x market and SKU x node."""

    pairs: Pairs
    """Names and network facts of the SKU x market pairs."""
    stockout: StockoutInputs
    """Stock-out engine inputs of the same pairs."""
    excess_keys: tuple[tuple[str, str], ...]
    """(SKU, node) of each excess row."""
    excess: ExcessInputs
    """Excess engine inputs per SKU x node."""


def _lane_days(catalog: Catalog, hub: str | None, fc: str, mode: Mode) -> float:
    if hub is None:
        return float("inf")
    lanes = catalog.lanes_between(hub, fc, mode)
    return min((lane.transit.p90_days for lane in lanes), default=float("inf"))


def _moments(
    history: pd.DataFrame, now: datetime, window: int
) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Return (mean, var, sale share) per (sku, market) over the trailing window.

    A pair younger than the window (first sale less than ``window`` days ago)
    is averaged over its own days (at least a week), so a new SKU's rate is
    not diluted by days before it was sold.
    """
    if history.empty:
        return {}
    today = pd.Timestamp(now.date())
    dates = pd.to_datetime(history["date"])
    first = {
        (str(k[0]), str(k[1])): v  # type: ignore[index]
        for k, v in history.assign(date=dates)
        .groupby(["sku", "market"])["date"]
        .min()
        .items()
    }
    recent = history[dates >= today - pd.Timedelta(days=window)]
    out = {}
    for (sku, market), g in recent.groupby(["sku", "market"]):
        age = (today - first[(str(sku), str(market))]).days
        days = float(min(max(age, 7), window))
        units = g["units"].to_numpy(float)
        mean = units.sum() / days
        var = max((units**2).sum() / days - mean**2, 0.0)
        out[(str(sku), str(market))] = (mean, var, float((units > 0).sum()) / days)
    return out


def _shoppers(
    history: pd.DataFrame, now: datetime, window: int, horizon: int
) -> dict[tuple[str, str], float]:
    """Return the calibrated daily chance of a shopper per (sku, market).

    The occurrence table is learned from the last year of the seller's own
    daily demand (every 7th morning whose next ``horizon`` days are past),
    once per version of that history (:func:`cached_fit`), then read at each
    pair's sale counts as of today.
    """
    if history.empty:
        return {}
    today = pd.Timestamp(now.date())
    days = pd.date_range(today - pd.Timedelta(days=364), today, freq="D")
    dates = pd.to_datetime(history["date"])
    year = history[(dates >= days[0]) & (dates <= today)].assign(
        date=dates.dt.normalize()
    )
    if year.empty:
        return {}
    grid = year.pivot_table(
        index="date", columns=["sku", "market"], values="units", aggfunc="sum"
    ).reindex(days, fill_value=0.0)
    matrix = grid.fillna(0.0).to_numpy(np.float64)
    table = cached_fit(matrix, window, horizon, stride=7)
    daily = table.daily(history_cells(sale_counts(matrix, window)))
    return {
        (str(k[0]), str(k[1])): float(q)
        for k, q in zip(grid.columns, daily, strict=True)
    }


def _arrivals(
    transits: Sequence[Transit],
    index: Mapping[tuple[str, str], int],
    now: datetime,
    horizon: int,
) -> FloatArray:
    out = np.zeros((horizon, len(index)))
    for tr in transits:
        i = index.get((tr.sku, tr.node))
        if i is None:
            continue
        day = max((tr.eta.date() - now.date()).days, 1)  # late: expected tomorrow
        if day < horizon:
            out[day, i] += tr.qty
    return out


def _group_listings(
    catalog: Catalog, listings: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], list[str]]:
    # Markets served by one FC share its stock: (SKU, FC) -> its markets.
    groups: dict[tuple[str, str], list[str]] = {}
    for sku, market in listings:
        fc = catalog.fcs_for(market)
        if fc:
            groups.setdefault((sku, fc[0].id), []).append(market)
    return groups


def _make_pairs(
    catalog: Catalog,
    keys: Sequence[tuple[str, str]],
    fcs: Sequence[str],
    cost: FloatArray,
    available: Mapping[tuple[str, str], int],
    hub: str | None,
) -> Pairs:
    # The pairs' names, costs, hub stock and lane days from the hub to each FC.
    return Pairs(
        skus=[k[0] for k in keys],
        markets=[k[1] for k in keys],
        unit_cost=cost,
        hub_available=np.array(
            [available.get((s, hub or ""), 0) for s, _ in keys], float
        ),
        sea_days=np.array([_lane_days(catalog, hub, fc, Mode.SEA) for fc in fcs]),
        air_days=np.array([_lane_days(catalog, hub, fc, Mode.AIR) for fc in fcs]),
    )


def _pair_moments(
    groups: Mapping[tuple[str, str], Sequence[str]],
    moments: Mapping[tuple[str, str], tuple[float, float, float]],
    shoppers: Mapping[tuple[str, str], float],
) -> FloatArray:
    """Return (mean, var, sale share, shopper) per (SKU, FC), its markets combined."""
    mom = np.zeros((len(groups), 4))
    for i, ((sku, _), ms) in enumerate(groups.items()):
        rows = np.array([moments.get((sku, m), (0.0, 0.0, 0.0)) for m in ms])
        none = np.prod([1.0 - shoppers.get((sku, m), 0.0) for m in ms])
        mom[i] = (
            rows[:, 0].sum(),
            rows[:, 1].sum(),
            1 - np.prod(1 - rows[:, 2]),
            1 - none,
        )
    return mom


def build_state(
    catalog: Catalog,
    *,
    history: pd.DataFrame,
    available: Mapping[tuple[str, str], int],
    listings: Sequence[tuple[str, str]],
    unit_cost: Mapping[str, float],
    unit_volume: Mapping[str, float],
    transits: Sequence[Transit],
    now: datetime,
    margin_share: float,
    window: int = 91,
    horizon: int = 14,
) -> PoolState:
    """Shape ledger rows into the engine's arrays.

    Args:
        catalog: Nodes and lanes.
        history: Daily demand ``sku, market, date, units``.
        available: Free units per (SKU, node).
        listings: (SKU, market) pairs the seller sells.
        unit_cost: Unit cost per SKU, money.
        unit_volume: Unit volume per SKU, m³ (storage is priced per m³-day).
        transits: Units on the way, with ETAs.
        now: The moment of the reading (UTC).
        margin_share: Unit margin as a share of unit cost (editable default).
        window: Trailing days for the demand moments.
        horizon: Days the stock-out risk looks ahead.
    """
    moments = _moments(history, now, window)
    shoppers = _shoppers(history, now, window, horizon)
    hubs = catalog.hubs()
    hub = hubs[0].id if hubs else None
    # Markets served by one FC share its stock: they are one pair, named after
    # the first market, with their demand added up.
    groups = _group_listings(catalog, listings)
    keys = [(sku, sorted(ms)[0]) for (sku, _), ms in groups.items()]
    fcs = [fc for _, fc in groups]
    mom = _pair_moments(groups, moments, shoppers)
    cost = np.array([unit_cost.get(s, 0.0) for s, _ in keys])
    index = {(k[0], fc): i for i, (k, fc) in enumerate(zip(keys, fcs, strict=True))}
    pairs = _make_pairs(catalog, keys, fcs, cost, available, hub)
    stock = StockoutInputs(
        mean=mom[:, 0],
        var=mom[:, 1],
        sale_share=mom[:, 2],
        shopper=mom[:, 3],
        on_hand=np.array(
            [available.get((s, fc), 0) for (s, _), fc in zip(keys, fcs, strict=True)],
            float,
        ),
        arrivals=_arrivals(transits, index, now, horizon),
        unit_margin=cost * margin_share,
    )
    ex_keys, ex = _excess(catalog, available, moments, unit_cost, unit_volume)
    return PoolState(pairs, stock, ex_keys, ex)


def _excess(
    catalog: Catalog,
    available: Mapping[tuple[str, str], int],
    moments: Mapping[tuple[str, str], tuple[float, float, float]],
    unit_cost: Mapping[str, float],
    unit_volume: Mapping[str, float],
) -> tuple[tuple[tuple[str, str], ...], ExcessInputs]:
    keys = tuple(k for k, units in sorted(available.items()) if units > 0)
    rate: dict[tuple[str, str], float] = {}
    for (sku, market), (mean, _, _) in moments.items():
        for fc in catalog.fcs_for(market):
            rate[(sku, fc.id)] = rate.get((sku, fc.id), 0.0) + mean
    hubs = {h.id for h in catalog.hubs()}
    for (sku, _), (mean, _, _) in moments.items():
        for hub in hubs:
            rate[(sku, hub)] = rate.get((sku, hub), 0.0) + mean
    cost = np.array([unit_cost.get(s, 0.0) for s, _ in keys])
    return keys, ExcessInputs(
        on_hand=np.array([available[k] for k in keys], float),
        mean=np.array([rate.get(k, 0.0) for k in keys]),
        unit_cost=cost,
        storage_day=np.array(
            [
                unit_volume.get(s, 0.0) * float(catalog.node(node).storage_cost_m3_day)
                for s, node in keys
            ]
        ),
    )


def days_between(a: datetime, b: datetime) -> float:
    """Return b - a in days (float)."""
    return (b - a) / timedelta(days=1)
