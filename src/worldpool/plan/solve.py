"""``solve(problem, params, seed) -> Plan``: the whole planning run, phase by phase.

1. targets and mode choice per (SKU, market);
2. hub purchase orders and the pooled hub buffer (echelon, pooled);
3. allocation of short hub stock by marginal expected value;
4. coupling (FC space, cash budget, minimum shipments) in HiGHS;
5. the plan value, with its id and the inputs' fingerprint.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from worldpool.plan._assemble import assemble
from worldpool.plan.allocate import allocate, round_to_packs
from worldpool.plan.callbacks import PlanCallbacks
from worldpool.plan.lp import Columns, LpOutcome, solve_coupling
from worldpool.plan.params import PlanParams
from worldpool.plan.problem import FloatArray, IntArray, PlanProblem
from worldpool.plan.replenish import HubOrders, _value, hub_orders
from worldpool.plan.result import Plan
from worldpool.plan.targets import Targets, targets

__all__ = ["solve"]

T = TypeVar("T")
_PHASES = ("targets", "hub orders", "allocate", "lp", "assemble")


class _Clock:
    def __init__(self, cb: PlanCallbacks) -> None:
        self.cb = cb
        self.done = 0
        self.times: dict[str, float] = {}

    def run(self, name: str, fn: Callable[[], T]) -> T:
        """Run one phase, timing it and telling the callbacks."""
        self.cb.on_phase(name, self.done, len(_PHASES))
        start = time.perf_counter()
        out = fn()
        self.times[name] = round(time.perf_counter() - start, 4)
        self.cb.on_phase_end(name, self.times[name])
        self.done += 1
        return out


def _need(pb: PlanProblem, p: PlanParams, t: Targets) -> IntArray:
    pack = pb.case_pack[pb.pair_sku]
    need = round_to_packs(t.target - pb.position, pack)
    need[(t.mode < 0) | (need < p.min_line_units)] = 0
    return need


def _segments(
    line_idx: IntArray,
    start: FloatArray,
    qty: FloatArray,
    mean: FloatArray,
    value: Callable[[IntArray, FloatArray], FloatArray],
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Cut lines into (cover-the-mean, safety) segments; return line, units, value."""
    first = np.clip(mean - start, 0.0, qty)
    line = np.r_[line_idx, line_idx]
    a = np.r_[start, start + first]
    units = np.r_[first, qty - first]
    keep = units > 0
    line, a, units = line[keep], a[keep], units[keep]
    val = value(line, a + units) - value(line, a)
    return line, units, np.maximum(val, 1e-9 * units)


def _couple(
    pb: PlanProblem,
    p: PlanParams,
    t: Targets,
    alloc: IntArray,
    ho: HubOrders,
    seed: int,
) -> tuple[IntArray, IntArray, LpOutcome]:
    tr = np.flatnonzero(alloc > 0)
    po = np.flatnonzero(ho.qty > 0)
    mode = np.maximum(t.mode[tr], 0)
    pos = pb.position[tr].astype(float)

    def tr_val(i: IntArray, s: FloatArray) -> FloatArray:
        """Newsvendor value of transfer line ``i`` at level ``s``."""
        return _value(t.cu[tr][i], t.co[tr][i], t.mean[tr][i], t.var[tr][i], s)

    def po_val(i: IntArray, s: FloatArray) -> FloatArray:
        """Newsvendor value of purchase-order line ``i`` at level ``s``."""
        k = po[i]
        return _value(ho.cu[k], ho.co[k], ho.mean[k], ho.var[k], s)

    l1, u1, v1 = _segments(
        np.arange(len(tr)), pos, alloc[tr].astype(float), t.mean[tr], tr_val
    )
    l2, u2, v2 = _segments(
        np.arange(len(po)),
        ho.position[po].astype(float),
        ho.qty[po].astype(float),
        ho.mean[po],
        po_val,
    )
    sku1 = pb.pair_sku[tr][l1]
    fc1 = pb.pair_fc[tr][l1]
    cols = Columns(
        value=np.r_[v1, v2],
        volume=np.r_[u1 * pb.unit_volume_m3[sku1], np.zeros(len(u2))],
        cash=np.r_[u1 * pb.lane_cost[tr, mode][l1], u2 * pb.unit_cost[po][l2]],
        fc=np.r_[fc1, np.full(len(u2), -1)],
        group=np.r_[fc1 * len(pb.modes) + mode[l1], np.full(len(u2), -1)],
    )
    out = solve_coupling(cols, pb.fc_free_m3, pb.budget, p, seed)
    kept = out.fraction * np.r_[u1, u2]
    tr_q = np.bincount(l1, weights=kept[: len(u1)], minlength=len(tr))
    po_q = np.bincount(l2, weights=kept[len(u1) :], minlength=len(po))
    pack_t = pb.case_pack[pb.pair_sku[tr]]
    new_alloc = np.zeros_like(alloc)
    new_alloc[tr] = (np.floor(tr_q / pack_t + 1e-6) * pack_t).astype(np.int64)
    new_po = np.zeros_like(ho.qty)
    new_po[po] = _po_round(po_q.astype(float), ho.qty[po], pb.moq[po], pb.case_pack[po])
    spent = (new_alloc[tr] * pb.lane_cost[tr, mode]).sum()
    density = np.bincount(l2, weights=v2, minlength=len(po)) / np.maximum(
        ho.qty[po] * pb.unit_cost[po], 1e-12
    )
    new_po[po] = _refill(
        new_po[po], ho.qty[po], pb.unit_cost[po], density, pb.budget - spent
    )
    return new_alloc, new_po, out


def _refill(
    qty: IntArray, full: IntArray, cost: FloatArray, density: FloatArray, cash: float
) -> IntArray:
    """Restore orders that MOQ rounding dropped, best value per cash first.

    Rounding an LP-trimmed order down below its MOQ frees cash the LP had
    given it; whole orders are put back while the budget allows.
    """
    left = cash - float((qty * cost).sum())
    out = qty.copy()
    cand = np.flatnonzero(qty < full)
    if not np.isfinite(left) or cand.size == 0:
        return out
    cand = cand[np.argsort(-density[cand], kind="stable")]
    extra = np.cumsum((full[cand] - qty[cand]) * cost[cand])
    take = cand[extra <= left]
    out[take] = full[take]
    return out


def _po_round(q: FloatArray, full: IntArray, moq: IntArray, pack: IntArray) -> IntArray:
    """Keep LP-trimmed orders whole packs; drop those that fell below the MOQ."""
    packs = (np.floor(q / pack + 1e-6) * pack).astype(np.int64)
    out: IntArray = np.where(packs >= np.minimum(moq, full), packs, 0)
    return out


def solve(
    problem: PlanProblem,
    params: PlanParams | None = None,
    seed: int = 0,
    callbacks: PlanCallbacks | None = None,
) -> Plan:
    """Plan transfers, purchase orders and fulfilment modes from one global pool.

    Args:
        problem: The immutable planning problem.
        params: Policy and solver settings (defaults when None).
        seed: Seed for HiGHS (ties); the same inputs and seed give the same plan.
        callbacks: Progress hooks (no-op when None).

    Returns:
        The plan: an immutable value with an id and the inputs' fingerprint.
    """
    pb, p = problem, params or PlanParams()
    clock = _Clock(callbacks or PlanCallbacks())
    t = clock.run("targets", lambda: targets(pb, p))
    ho = clock.run("hub orders", lambda: hub_orders(pb, p, t))
    need = _need(pb, p, t)
    supply = np.maximum(pb.hub_available - ho.buffer, 0)
    pack = pb.case_pack[pb.pair_sku]
    alloc = clock.run(
        "allocate",
        lambda: allocate(
            need, pb.pair_sku, supply, pb.position, t.cu, t.co, t.mean, t.var, pack
        ),
    )
    lp_out: LpOutcome | None = None
    po_qty = ho.qty
    if p.lp:
        final, po_qty, lp_out = clock.run(
            "lp", lambda: _couple(pb, p, t, alloc, ho, seed)
        )
    else:
        final = alloc
    return clock.run(
        "assemble",
        lambda: assemble(
            pb, p, seed, t, ho, need, alloc, final, po_qty, lp_out, clock.times
        ),
    )
