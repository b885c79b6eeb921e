"""Build a :class:`PlanProblem` from catalog, SKU, balance and demand records (pure).

Each marketplace is served by one FC: the catalog FC in the market's own
country, else its first FC. A SKU is planned only for the marketplaces it is
listed in (``listed_markets``; empty: all), as the order router accepts it.
Money is in the hub's currency: SKU costs and margins in another currency are
converted at the FX table's rate in force on the planning day (never mixed
silently). Freight per unit is the lane's price for one
unit's chargeable weight / volume (fixed per-shipment fees are left out);
the fulfil-from-origin extra cost is the parcel lane's price for one unit
minus the local last-mile cost it replaces.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from worldpool.catalog import Catalog
from worldpool.catalog.fx import FxTable, packaged_fx
from worldpool.domain.eligibility import origin_block_for
from worldpool.domain.inventory import Balance
from worldpool.domain.network import Lane, Mode, Node
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError
from worldpool.plan.demand import DemandTable
from worldpool.plan.problem import PlanProblem

__all__ = ["SupplyTerms", "problem_from_records"]

_MODES = (Mode.SEA, Mode.AIR, Mode.EXPRESS)


@dataclass(frozen=True, slots=True)
class SupplyTerms:
    """Commercial terms the ledger does not hold (per-SKU overrides by id)."""

    margin_rate: float = 1.0
    """Default contribution margin as a multiple of unit cost. [m/c]"""
    margin: Mapping[str, float] = field(default_factory=dict)
    """Contribution margin per unit by SKU, in currency (overrides the rate). [m]"""
    case_pack: Mapping[str, int] = field(default_factory=dict)
    """Units per case by SKU (default 1)."""
    moq: Mapping[str, int] = field(default_factory=dict)
    """Supplier MOQ by SKU, in units (default 0)."""
    supplier_lead_days: Mapping[str, float] = field(default_factory=dict)
    """Supplier lead time by SKU, in days (default ``default_lead_days``)."""
    default_lead_days: float = 30.0
    """Supplier lead time when a SKU has none, in days. [L_s]"""
    local_last_mile: float = 3.0
    """Local delivery cost an FC sale pays and an origin parcel replaces."""
    budget: float = float("inf")
    """Cash the plan may commit, in the hub's currency. [B]"""


def _fc_for(catalog: Catalog, market: str) -> Node | None:
    fcs = catalog.fcs_for(market)
    own = [n for n in fcs if n.country == catalog.marketplace(market).country]
    both = own or list(fcs)
    return both[0] if both else None


def _lane_stats(lane: Lane, w: Decimal, v: Decimal) -> tuple[float, float, float]:
    """Return (cost per unit, mean days, std days) of a lane for one unit."""
    per_unit = float(lane.cost(w, v) - lane.cost_per_parcel)
    mu, sigma = lane.transit.lognormal()
    mean = math.exp(mu + sigma**2 / 2)
    return per_unit, mean, mean * math.sqrt(math.expm1(sigma**2))


def problem_from_records(
    catalog: Catalog,
    skus: Sequence[SkuRecord],
    balances: Iterable[Balance],
    demand: DemandTable,
    *,
    hub: str,
    as_of: date,
    terms: SupplyTerms | None = None,
    fx: FxTable | None = None,
) -> PlanProblem:
    """Return the planning problem for ``skus`` on ``demand`` at ``hub``.

    Args:
        catalog: Nodes, lanes and marketplaces in force.
        skus: SKU records (weight kg, volume m³, unit cost, FFO markets).
        balances: Balance rows of the hub and the FCs.
        demand: Daily demand moments per (sku, market).
        hub: Origin hub id.
        as_of: Planning day.
        terms: Margins, packs, MOQs, supplier lead times, budget.
        fx: Exchange rates (``ctx.fx``); default the packaged table.

    Raises:
        InputError: when demand names a SKU not in ``skus``, or a SKU's
            currency has no rate into the hub's.
    """
    tm = terms or SupplyTerms()
    hub_node = catalog.node(hub)
    sku_ix = {s.sku: i for i, s in enumerate(skus)}
    markets = tuple(sorted({m for m in demand.market if m in catalog.marketplaces}))
    fc_of = {m: _fc_for(catalog, m) for m in markets}
    fcs = tuple(sorted({n.id for n in fc_of.values() if n is not None}))
    rows = [i for i, m in enumerate(demand.market) if m in fc_of]
    _check_rows(demand, rows, sku_ix)
    rows = [i for i in rows if _listed(skus[sku_ix[demand.sku[i]]], demand.market[i])]
    rate = _fx(skus, hub_node.currency, fx or packaged_fx(), as_of)
    bal = {(b.sku, b.node): b for b in balances}
    pairs = _pairs(catalog, skus, sku_ix, demand, rows, fc_of, fcs, bal, hub, tm)
    pairs["margin"] = pairs["margin"] * rate[pairs["pair_sku"]]
    pairs["pair_market"] = np.array(
        [markets.index(demand.market[i]) for i in rows], np.int64
    ).reshape(-1)
    return PlanProblem(
        as_of=as_of,
        hub=hub,
        skus=tuple(s.sku for s in skus),
        markets=markets,
        fcs=fcs,
        modes=tuple(m.value for m in _MODES),
        **_fc_arrays(catalog, skus, bal, fcs),
        hub_hold_m3_day=float(hub_node.storage_cost_m3_day),
        budget=tm.budget,
        currency=hub_node.currency,
        **_sku_arrays(skus, bal, hub, tm, rate),
        **pairs,
    )


def _check_rows(
    demand: DemandTable, rows: list[int], sku_ix: Mapping[str, int]
) -> None:
    """Refuse a duplicate (sku, market) row or an unregistered SKU, naming the row."""
    seen: set[tuple[str, str]] = set()
    for i in rows:
        key = (demand.sku[i], demand.market[i])
        if key in seen:
            raise InputError(
                "duplicate (sku, market) row",
                record="demand",
                row=i + 1,
                field="market",
                value=key[1],
            )
        seen.add(key)
        if demand.sku[i] not in sku_ix:
            raise InputError(
                "SKU is not registered",
                record="demand",
                row=i + 1,
                field="sku",
                value=demand.sku[i],
            )


def _sku_arrays(
    skus: Sequence[SkuRecord],
    bal: Mapping[tuple[str, str], Balance],
    hub: str,
    tm: SupplyTerms,
    rate: np.ndarray,
) -> dict[str, np.ndarray]:
    """Return the per-SKU arrays of the problem (money in the plan currency)."""
    lead = [tm.supplier_lead_days.get(s.sku, tm.default_lead_days) for s in skus]
    return {
        "unit_cost": np.array([float(s.unit_cost) for s in skus]) * rate,
        "unit_volume_m3": np.array([float(s.unit_volume_m3) for s in skus]),
        "case_pack": np.array([tm.case_pack.get(s.sku, 1) for s in skus], np.int64),
        "moq": np.array([tm.moq.get(s.sku, 0) for s in skus], np.int64),
        "supplier_lead_days": np.array(lead, float),
        "hub_available": np.array(
            [_get(bal, s.sku, hub).available for s in skus], np.int64
        ),
        "hub_inbound": np.array(
            [_get(bal, s.sku, hub).in_transit for s in skus], np.int64
        ),
    }


def _listed(sku: SkuRecord, market: str) -> bool:
    return not sku.listed_markets or market in sku.listed_markets


def _fx(
    skus: Sequence[SkuRecord], plan_currency: str, fx: FxTable, day: date
) -> np.ndarray:
    """Return each SKU's rate into the plan currency on ``day`` (1.0 when in it).

    Raises:
        InputError: naming the SKU when its currency has no rate.
    """
    rates = np.ones(len(skus))
    for i, s in enumerate(skus):
        rate = fx.rate(s.currency, plan_currency, day)
        if rate is None:
            raise InputError(
                f"costs in {s.currency} but the plan is in {plan_currency}, and the "
                f"FX table has no {s.currency}/{plan_currency} rate: add one to "
                "your FX file (WORLDPOOL_FX_FILE)",
                record=f"sku {s.sku}",
                field="currency",
                value=s.currency,
            )
        rates[i] = float(rate.rate)
    return rates


def _get(bal: Mapping[tuple[str, str], Balance], sku: str, node: str) -> Balance:
    return bal.get((sku, node)) or Balance(sku, node, 0, 0, 0)


def _fill_row(
    out: dict[str, np.ndarray],
    r: int,
    catalog: Catalog,
    s: SkuRecord,
    market: str,
    fc_of: Mapping[str, Node | None],
    fcs: tuple[str, ...],
    bal: Mapping[tuple[str, str], Balance],
    hub: str,
    tm: SupplyTerms,
) -> None:
    """Fill pair ``r``'s FC, position, lanes and fulfil-from-origin terms."""
    node = fc_of[market]
    w, v = s.unit_weight_kg, s.unit_volume_m3
    if node is not None:
        out["pair_fc"][r] = fcs.index(node.id)
        b = _get(bal, s.sku, node.id)
        out["position"][r] = b.available + b.in_transit
        for j, mode in enumerate(_MODES):
            lanes = catalog.lanes_between(hub, node.id, mode)
            if lanes:
                c, d, sd = _lane_stats(lanes[0], w, v)
                out["lane_cost"][r, j] = c
                out["lane_days"][r, j], out["lane_std_days"][r, j] = d, sd
    parcel = catalog.parcel_lane(hub, market)
    if parcel is not None and origin_block_for(s, market) is None:
        out["ffo_allowed"][r] = True
        out["ffo_extra_cost"][r] = max(
            float(parcel.cost(w, v)) - tm.local_last_mile, 0.0
        )
        out["ffo_days"][r] = parcel.transit.p50_days


def _fc_arrays(
    catalog: Catalog,
    skus: Sequence[SkuRecord],
    bal: Mapping[tuple[str, str], Balance],
    fcs: tuple[str, ...],
) -> dict[str, np.ndarray]:
    """Return free storage (m³) and storage cost (per m³ per day) of each FC."""
    used = _fc_used(catalog, skus, bal, fcs)
    nodes = [catalog.node(f) for f in fcs]
    return {
        "fc_free_m3": np.array([float(n.capacity_m3) - used[n.id] for n in nodes]),
        "fc_hold_m3_day": np.array([float(n.storage_cost_m3_day) for n in nodes]),
    }


def _fc_used(
    catalog: Catalog,
    skus: Sequence[SkuRecord],
    bal: Mapping[tuple[str, str], Balance],
    fcs: tuple[str, ...],
) -> dict[str, float]:
    vol = {s.sku: float(s.unit_volume_m3) for s in skus}
    used = dict.fromkeys(fcs, 0.0)
    for (sku, node), b in bal.items():
        if node in used:
            used[node] += vol.get(sku, 0.0) * (b.on_hand + b.in_transit)
    return used


def _pairs(
    catalog: Catalog,
    skus: Sequence[SkuRecord],
    sku_ix: Mapping[str, int],
    demand: DemandTable,
    rows: list[int],
    fc_of: Mapping[str, Node | None],
    fcs: tuple[str, ...],
    bal: Mapping[tuple[str, str], Balance],
    hub: str,
    tm: SupplyTerms,
) -> dict[str, np.ndarray]:
    n, m = len(rows), len(_MODES)
    out: dict[str, np.ndarray] = {
        "lane_cost": np.full((n, m), np.inf),
        "lane_days": np.zeros((n, m)),
        "lane_std_days": np.zeros((n, m)),
        "ffo_extra_cost": np.zeros(n),
        "ffo_allowed": np.zeros(n, bool),
        "ffo_days": np.zeros(n),
        "position": np.zeros(n, np.int64),
        "pair_fc": np.full(n, -1, np.int64),
    }
    for r, i in enumerate(rows):
        s = skus[sku_ix[demand.sku[i]]]
        _fill_row(out, r, catalog, s, demand.market[i], fc_of, fcs, bal, hub, tm)
    idx = np.array([sku_ix[demand.sku[i]] for i in rows], np.int64).reshape(-1)
    cost = np.array([float(s.unit_cost) for s in skus])
    sel = np.array(rows, np.int64).reshape(-1)
    out.update(
        pair_sku=idx,
        demand_mean=demand.mean[sel],
        demand_std=demand.std[sel],
        margin=np.array(
            [tm.margin.get(skus[int(k)].sku, cost[k] * tm.margin_rate) for k in idx],
            float,
        ).reshape(-1),
        history_days=demand.history_days[sel],
        history_units=demand.history_units[sel],
    )
    if (
        demand.levels is not None
        and demand.grid is not None
        and demand.window_days is not None
    ):
        out.update(
            demand_levels=demand.levels,
            demand_grid=demand.grid[sel],
            demand_window_days=demand.window_days[sel],
        )
    return out
