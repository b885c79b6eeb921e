"""Per (SKU, FC) order-up-to targets and the sea / air / none mode choice.

For every pair and inbound mode ``j`` the FC is a newsvendor over lead time +
review period. With a fulfil-from-origin fallback a stock-out does not lose
the whole margin: only the share ``d`` of buyers who will not wait is lost, the
rest cost the extra shipping ``c_x``. Net of the freight the local unit needs,

    Cu_j = d*m + (1 - d)*c_x - t_j',    Co_j = (h_f + r*(c + t_j)/365) * R,
    CR_j = Cu_j / (Cu_j + Co_j),        S_j = F^-1_{L_j+R}(CR_j),

where ``t_j'`` adds the cost of capital in transit. Each mode's expected cost
per review period (freight, shortage, leftover) is compared with serving every
buyer from origin (``Cu_none * mu * R``); the cheapest wins.

References:
    Eppen, "Effects of centralization on expected costs in a multi-location
    newsboy problem", Management Science 25(5), 1979.
    Silver, Pyke & Thomas, "Inventory and Production Management in Supply
    Chains", 4th ed., CRC 2017, ch. 6 (periodic review, order-up-to).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from worldpool.demand import dist as _dist
from worldpool.plan.params import PlanParams
from worldpool.plan.problem import FloatArray, IntArray, PlanProblem

__all__ = ["Reason", "Targets", "targets"]

NONE = -1
"""Mode index meaning "no forward stock: serve from origin"."""


class Reason(IntEnum):
    """Why a pair got its fulfilment mode (rendered by :mod:`.explain`)."""

    NO_DEMAND = 0
    LAUNCH = 1
    FFO_CHEAPER = 2
    NO_LANE = 3
    STOCK = 4


@dataclass(frozen=True, slots=True, eq=False)
class Targets:
    """Chosen mode and order-up-to level per pair (arrays of length P)."""

    mode: IntArray
    """Mode index into ``problem.modes``; -1 = serve from origin."""
    reason: IntArray
    """:class:`Reason` code."""
    target: FloatArray
    """Order-up-to level S (inventory position), in units. [S]"""
    cu: FloatArray
    """Underage cost of the chosen mode, per unit. [Cu]"""
    co: FloatArray
    """Overage cost of the chosen mode, per unit per review period. [Co]"""
    mean: FloatArray
    """Mean demand over lead time + review, in units."""
    var: FloatArray
    """Variance of demand over lead time + review, in units²."""
    local_fill: FloatArray
    """Expected share of demand served from the FC, 0..1."""
    served: FloatArray
    """Expected share of demand served at all (FC or origin), 0..1."""
    cost: FloatArray
    """Expected cost of the chosen option per review period, in currency."""
    cost_none: FloatArray
    """Expected cost of serving every buyer from origin, per review period."""


class _Window:
    """The pairs' demand quantile function, carried to a window of given moments.

    The grid (the forecast's quantiles over H days) is moved to the window of
    lead time + review: its mean to the window's mean, its spread by the ratio
    of standard deviations (lead-time variance included), keeping its shape.
    """

    def __init__(self, pb: PlanProblem, sl: slice) -> None:
        levels, grid, _ = pb.grid()
        self.levels = levels
        self.grid = grid[sl][:, None, :]
        g_mean, g_var = _dist.grid_moments(levels, grid[sl])
        self.g_mean, self.g_std = g_mean[:, None], np.sqrt(g_var)[:, None]

    def _carried(self, mean: FloatArray, var: FloatArray) -> FloatArray:
        scale = np.sqrt(var) / np.maximum(self.g_std, 1e-12)
        scale = np.where(self.g_std > 1e-9, scale, 0.0)
        return _dist.transport(self.grid, self.g_mean, mean, scale)

    def quantile(self, mean: FloatArray, var: FloatArray, p: FloatArray) -> FloatArray:
        """Return the ``p`` quantile of window demand with these moments (units)."""
        q = _dist.grid_quantile(self.levels, self._carried(mean, var), p)
        out: FloatArray = np.where((mean > 1e-9) & (p > 0), np.maximum(q, 0.0), 0.0)
        return out

    def shortage(self, mean: FloatArray, var: FloatArray, s: FloatArray) -> FloatArray:
        """Return E[(D - s)+] of window demand with these moments (units)."""
        out: FloatArray = np.where(
            mean > 1e-9,
            _dist.grid_shortage(self.levels, self._carried(mean, var), s),
            0.0,
        )
        return out


def _mode_costs(pb: PlanProblem, p: PlanParams, sl: slice) -> dict[str, FloatArray]:
    """Evaluate every mode for the pairs in ``sl``; arrays are (n, M)."""
    s = pb.pair_sku[sl]
    fc = pb.pair_fc[sl]
    c = pb.unit_cost[s][:, None]
    vol = pb.unit_volume_m3[s][:, None]
    r_day = p.capital_rate_year / 365.0
    hold = np.where(fc >= 0, pb.fc_hold_m3_day[np.maximum(fc, 0)], 0.0)[:, None]
    d = np.where(pb.ffo_allowed[sl], p.ffo_lost_share, 1.0)[:, None]
    cu_none = d * pb.margin[sl][:, None] + (1.0 - d) * pb.ffo_extra_cost[sl][:, None]
    t = pb.lane_cost[sl]
    lead = pb.lane_days[sl]
    ok = np.isfinite(t) & (fc >= 0)[:, None]
    t0 = np.where(ok, t, 0.0)
    t_eff = t0 + r_day * (c + t0) * lead
    cu = cu_none - t_eff
    co = (hold * vol + r_day * (c + t0)) * p.review_days
    cr = np.clip(cu / np.maximum(cu + co, 1e-12), 0.0, p.max_service)
    cr = np.where(cu > 0, cr, 0.0)
    mu = pb.demand_mean[sl][:, None]
    sig = pb.demand_std[sl][:, None]
    mean, var = _dist.lead_time_moments(
        mu, sig, lead, pb.lane_std_days[sl], p.review_days
    )
    mean_l, var_l = _dist.lead_time_moments(mu, sig, lead, pb.lane_std_days[sl], 0)
    window = _Window(pb, sl)
    s_lvl = np.ceil(window.quantile(mean, var, cr) - 1e-9)
    short_lr = window.shortage(mean, var, s_lvl)
    short_l = window.shortage(mean_l, var_l, s_lvl)
    short = np.maximum(short_lr - short_l, 0.0)
    left = np.maximum(s_lvl - mean + short_lr, 0.0)
    flow = mu * p.review_days
    cost = t_eff * flow + cu_none * short + co * left
    return {
        "cost": np.where(ok, cost, np.inf),
        "cu": cu,
        "co": co,
        "mean": mean,
        "var": var,
        "target": s_lvl,
        "short": short,
        "flow": flow[:, 0],
        "cost_none": (cu_none * flow)[:, 0],
        "d": d[:, 0],
    }


def _chunk(pb: PlanProblem, p: PlanParams, sl: slice) -> dict[str, FloatArray]:
    mc = _mode_costs(pb, p, sl)
    rows = np.arange(mc["cost"].shape[0])
    best = np.argmin(mc["cost"], axis=1)
    best_cost = mc["cost"][rows, best]
    flow = mc["flow"]
    launch = pb.ffo_allowed[sl] & (
        (pb.history_days[sl] < p.launch_min_days)
        | (pb.history_units[sl] < p.launch_min_units)
    )
    stock = np.isfinite(best_cost) & (best_cost < mc["cost_none"]) & ~launch
    stock &= flow > 0
    reason = np.select(
        [flow <= 0, launch, ~np.isfinite(best_cost), stock],
        [Reason.NO_DEMAND, Reason.LAUNCH, Reason.NO_LANE, Reason.STOCK],
        Reason.FFO_CHEAPER,
    )
    pick = {k: v[rows, best] for k, v in mc.items() if np.ndim(v) == 2}
    short_share = np.where(flow > 0, pick["short"] / np.maximum(flow, 1e-12), 0.0)
    local = np.where(stock, 1.0 - np.clip(short_share, 0, 1), 0.0)
    return {
        "mode": np.where(stock, best, NONE),
        "reason": reason,
        "target": np.where(stock, pick["target"], 0.0),
        "cu": pick["cu"],
        "co": pick["co"],
        "mean": pick["mean"],
        "var": pick["var"],
        "local_fill": np.where(flow > 0, local, 1.0),
        "served": np.where(flow > 0, local + (1 - local) * (1 - mc["d"]), 1.0),
        "cost": np.where(stock, best_cost, mc["cost_none"]),
        "cost_none": mc["cost_none"],
    }


def targets(problem: PlanProblem, params: PlanParams) -> Targets:
    """Return the mode and order-up-to target of every pair (vectorised, chunked).

    Args:
        problem: The planning problem.
        params: Policy settings (review period R, lost share d, CR cap ...).

    Returns:
        Targets with one entry per pair; pairs with no demand, a launch in
        progress, no lane, or a cheaper origin option get mode -1 and S = 0.
    """
    n, step = problem.n_pairs, params.chunk_pairs
    parts = [
        _chunk(problem, params, slice(i, min(i + step, n))) for i in range(0, n, step)
    ]
    if not parts:
        parts = [_chunk(problem, params, slice(0, 0))]
    cat = {k: np.concatenate([x[k] for x in parts]) for k in parts[0]}
    return Targets(
        mode=cat["mode"].astype(np.int64),
        reason=cat["reason"].astype(np.int64),
        target=cat["target"],
        cu=cat["cu"],
        co=cat["co"],
        mean=cat["mean"],
        var=cat["var"],
        local_fill=cat["local_fill"],
        served=cat["served"],
        cost=cat["cost"],
        cost_none=cat["cost_none"],
    )
