"""The one-pool policy driven by the real planner, :mod:`worldpool.plan`.

Each decision day the twin's state becomes a :class:`~worldpool.plan.PlanProblem`
(one pair per live SKU x market, one FC per market; inbound modes: the sea
lane and, where the scenario has them, the air lanes), and the planner's own
functions decide: :func:`~worldpool.plan.targets` (mode and order-up-to
level, or "serve from origin", per pair), :func:`~worldpool.plan.hub_orders`
(pooled purchase orders and the hub's buffer for origin sales) and
:func:`~worldpool.plan.allocate` (short hub stock shared by marginal value).
What the twin measures for this policy is therefore what ``worldpool plan``
would do for the seller, day after day.

The tunable ``service`` is the planner's critical-ratio cap
(``PlanParams.max_service``): the planner's economics choose every level,
and the cap bounds how far into the demand tail a level may reach.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from worldpool.plan import PlanParams, PlanProblem, allocate, hub_orders, targets
from worldpool.sim.choice import direct_order, direct_pairs, lane_review
from worldpool.sim.consolidate import stock_options
from worldpool.sim.fallback import origin_unit_cost
from worldpool.sim.protocol import Decision, Network, PolicyView
from worldpool.sim.scenario import FloatArray, Scenario

__all__ = ["PoolPolicy", "origin_allowed", "plan_problem"]

BoolArray = NDArray[np.bool_]


def _storage_factors(sc: Scenario) -> tuple[FloatArray, FloatArray, float]:
    """Split per-unit storage (S, M) into a per-SKU size and a per-FC rate.

    Returns the size (S), the FC rates (M) and the hub rate, such that
    ``size[s] * rate[m] == holding_fc[s, m]``: exact for scenarios built by
    :func:`worldpool.sim.scenario_from_frame` (volume x rate by construction).
    """
    size = sc.holding_fc.mean(axis=1)
    total = float(size.sum())
    if total <= 0:
        return np.ones(len(sc.skus)), np.zeros(len(sc.markets)), 0.0
    rate = sc.holding_fc.sum(axis=0) / total
    hub = float(sc.holding_hub.sum()) / total
    return size, rate, hub


def _lost_share(sc: Scenario, mean: FloatArray) -> float:
    """Demand-weighted share of buyers lost to the origin promise, 0..1."""
    weight = mean.sum(axis=0)
    if weight.sum() <= 0:
        return float(sc.ffo_loss.mean())
    return float((sc.ffo_loss * weight).sum() / weight.sum())


def _lanes(
    sc: Scenario, cell: tuple[NDArray[np.intp], NDArray[np.intp]], wait: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return per-pair freight per unit, mean and std transit (P, modes).

    ``wait`` (M) is each lane's review period beyond the twin's, in days: a
    lane that ships every 28 days covers 21 more days than the planner's
    7-day review, so it is added to the lane's lead time.
    """
    market = cell[1]
    mean, var = sc.sea_moments()
    mean = mean + wait
    costs, means, stds = [sc.sea_cost[cell]], [mean[market]], [np.sqrt(var[market])]
    if sc.air_cost is not None:
        a_mean, a_var = sc.air_moments()
        costs.append(sc.air_cost[cell])
        means.append(a_mean[market] + wait[market])
        stds.append(np.sqrt(a_var[market]))
    return np.stack(costs, 1), np.stack(means, 1), np.stack(stds, 1)


def origin_allowed(
    view: PolicyView, always_origin: bool, ffo: bool = True
) -> NDArray[np.bool_]:
    """Return where a short FC may fall back to origin (S, M) bool.

    Everywhere when the seller ships every paid order (``always_origin``),
    else only where the margin pays the parcel (c_x < m); never where the SKU
    is not cleared for origin to the market (``Scenario.origin_cleared``),
    nowhere when the topology has no fulfil-from-origin (``ffo`` False).
    """
    sc = view.scenario
    if not ffo:
        return np.zeros(view.mean.shape, dtype=bool)
    if always_origin:
        ok = np.ones(view.mean.shape, dtype=bool)
    else:
        c_x = origin_unit_cost(sc, view.mean, view.sale_share)
        ok = np.asarray(c_x < sc.margin[:, None])
    if sc.origin_cleared is not None:
        ok &= sc.origin_cleared
    return ok


def plan_problem(
    view: PolicyView,
    always_origin: bool = True,
    window_days: int = 91,
    *,
    ffo: bool = True,
    exclude: NDArray[np.bool_] | None = None,
) -> PlanProblem:
    """Return the planning problem the twin's state poses on a decision day.

    Only live pairs (demand in the window, or stock on hand or on order).

    Args:
        view: The decision-day view (stock positions, trailing demand).
        always_origin: Origin for every pair; False: where the margin pays.
        window_days: Days behind the trailing estimates (history of a pair).
        ffo: The topology allows fulfil-from-origin at all.
        exclude: Pairs bought direct for the FC, left out (S, M); None = none.

    Returns:
        One pair per live (SKU, market); modes ``sea`` (and ``air``).
    """
    sc, m_n = view.scenario, view.mean.shape[1]
    position = view.fc_on_hand + view.fc_on_order
    pair_sku, pair_market = _live(view, position, exclude)
    size, rate, hub_rate = _storage_factors(sc)
    cell = (pair_sku, pair_market)
    lane_cost, lane_days, lane_std = _lanes(
        sc, cell, lane_review(view) - view.review_days
    )
    return PlanProblem(
        as_of=sc.start + timedelta(days=view.day),
        hub="hub",
        skus=sc.skus,
        markets=sc.markets,
        fcs=sc.markets,
        modes=("sea", "air") if sc.has_air else ("sea",),
        unit_cost=sc.unit_cost,
        unit_volume_m3=size,
        **_hub_arrays(view),
        pair_sku=pair_sku.astype(np.int64),
        pair_market=pair_market.astype(np.int64),
        pair_fc=pair_market.astype(np.int64),
        demand_mean=view.mean[cell],
        demand_std=np.sqrt(view.var[cell]),
        margin=sc.margin[pair_sku],
        ffo_extra_cost=origin_unit_cost(sc, view.mean, view.sale_share)[cell],
        ffo_allowed=origin_allowed(view, always_origin, ffo)[cell],
        ffo_days=sc.parcel_transit[pair_market, 0],
        history_days=np.full(len(pair_sku), window_days, dtype=np.int64),
        history_units=view.mean[cell] * window_days,
        position=np.round(position[cell]).astype(np.int64),
        lane_cost=lane_cost,
        lane_days=lane_days,
        lane_std_days=lane_std,
        fc_free_m3=np.full(m_n, np.inf),
        fc_hold_m3_day=rate,
        hub_hold_m3_day=hub_rate,
        currency=sc.currency,
    )


def _live(
    view: PolicyView, position: FloatArray, exclude: NDArray[np.bool_] | None
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Return the (SKU, market) indices of live pairs the pool plans."""
    live = (view.mean > 0) | (position > 0)
    if exclude is not None:
        live &= ~exclude
    sku, market = np.nonzero(live)
    return sku, market


def _hub_arrays(view: PolicyView) -> dict[str, Any]:
    """Return the per-SKU supply arrays: packs of one, no MOQ, hub stock."""
    s_n = view.mean.shape[0]
    return {
        "case_pack": np.ones(s_n, dtype=np.int64),
        "moq": np.zeros(s_n, dtype=np.int64),
        "supplier_lead_days": np.full(s_n, float(view.scenario.supplier_lead_days)),
        "hub_available": np.floor(view.hub_on_hand).astype(np.int64),
        "hub_inbound": np.floor(view.hub_on_order).astype(np.int64),
    }


@dataclass(frozen=True, slots=True)
class PoolPolicy:
    """One pool at the hub run by ``worldpool.plan``, with fulfil-from-origin.

    The planner picks, per (SKU, market), forward stock by sea or origin-only
    service, sets order-up-to levels, buys the hub up to its pooled echelon
    level and shares a short hub by marginal value. ``service`` caps the
    planner's critical ratios (0..1).
    """

    service: float = 0.95
    """Highest critical ratio a planner level may use, 0..1. [CR_max]"""
    always_origin: bool = True
    """Ship every order the hub can serve from origin (no cancellations)."""
    ffo: bool = True
    """The topology has fulfil-from-origin at all (False: gwd without it)."""
    direct: bool = False
    """Choose per pair, by the cost model, between pooled forward stock and
    stock bought direct for the FC as split does (:mod:`worldpool.sim.choice`)."""
    plan: PlanParams = dataclasses.field(
        default_factory=lambda: PlanParams(
            lp=False, launch_min_days=0, launch_min_units=0.0
        )
    )
    """Planner settings; ``review_days``, ``ffo_lost_share`` and
    ``max_service`` are set from the twin on every decision."""
    name: str = "pool"
    """Name in tables."""

    def __post_init__(self) -> None:
        if not 0.0 < self.service < 1.0:
            raise ValueError(f"service must be in (0, 1), got {self.service}")

    @property
    def network(self) -> Network:
        """Pool: hub + FCs + fallback from origin."""
        return Network.POOL

    def with_service(self, service: float) -> PoolPolicy:
        """Return a copy with another critical-ratio cap (0..1)."""
        return dataclasses.replace(self, service=service)

    def _choose(self, view: PolicyView) -> tuple[BoolArray, BoolArray]:
        """Return the pairs bought direct and those cross-docked at the hub (S, M)."""
        none = np.zeros(view.mean.shape, dtype=bool)
        if not self.direct:
            return none, none
        if view.scenario.supplier is None:
            return direct_pairs(view, self.service), none
        return stock_options(view, self.service)

    def decide(self, view: PolicyView) -> Decision:
        """Plan transfers hub -> FC and purchase orders with the real planner."""
        direct, xdock = self._choose(view)
        pb = plan_problem(
            view, self.always_origin, ffo=self.ffo, exclude=direct | xdock
        )
        params = dataclasses.replace(
            self.plan,
            review_days=view.review_days,
            ffo_lost_share=_lost_share(view.scenario, view.mean),
            max_service=self.service,
        )
        t = targets(pb, params)
        ho = hub_orders(pb, params, t)
        pack = np.ones(pb.n_pairs, dtype=np.int64)
        need = np.maximum(np.round(t.target - pb.position), 0).astype(np.int64)
        need[t.mode < 0] = 0
        supply = pb.hub_available + (ho.qty if view.opening else 0)
        supply = np.maximum(supply - ho.buffer, 0)
        sent = allocate(
            need, pb.pair_sku, supply, pb.position, t.cu, t.co, t.mean, t.var, pack
        )
        by_sea = np.zeros(view.mean.shape)
        by_sea[pb.pair_sku, pb.pair_market] = np.where(t.mode == 1, 0, sent)
        by_air = None
        if len(pb.modes) > 1:
            by_air = np.zeros(view.mean.shape)
            by_air[pb.pair_sku, pb.pair_market] = np.where(t.mode == 1, sent, 0)
        return Decision(
            by_sea,
            ho.qty.astype(np.float64),
            origin_allowed(view, self.always_origin, self.ffo),
            by_air,
            direct_order(view, self.service, direct) if direct.any() else None,
            direct_order(view, self.service, xdock, lane_review(view)[None, :])
            if xdock.any()
            else None,
        )
