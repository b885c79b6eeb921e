"""Turn the phases' arrays into the immutable :class:`Plan` value."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

import numpy as np

from worldpool.plan.lp import LpOutcome
from worldpool.plan.params import PlanParams
from worldpool.plan.problem import IntArray, PlanProblem
from worldpool.plan.replenish import HubOrders
from worldpool.plan.result import Plan, columns
from worldpool.plan.targets import Targets

__all__ = ["assemble", "plan_id"]


def plan_id(fingerprint: str, params: PlanParams, seed: int) -> str:
    """Return ``PLAN-`` + 12 hex digits of the fingerprint, params and seed."""
    h = hashlib.blake2b(digest_size=6)
    h.update(fingerprint.encode())
    h.update(repr(sorted(asdict(params).items())).encode())
    h.update(str(seed).encode())
    return f"PLAN-{h.hexdigest()}"


def _transfers(
    pb: PlanProblem, t: Targets, need: IntArray, alloc: IntArray, final: IntArray
) -> dict[str, Any]:
    i = np.flatnonzero(final > 0)
    mode = t.mode[i]
    cut = np.where(final[i] < alloc[i], 2, np.where(alloc[i] < need[i], 1, 0))
    cr = t.cu[i] / np.maximum(t.cu[i] + t.co[i], 1e-12)
    return columns(
        pair=i,
        sku=pb.pair_sku[i],
        fc=pb.pair_fc[i],
        market=pb.pair_market[i],
        mode=mode,
        qty=final[i],
        days=pb.lane_days[i, mode],
        target=t.target[i],
        position=pb.position[i],
        need=need[i],
        cr=np.clip(cr, 0, 1),
        cut=cut,
    )


def _orders(
    pb: PlanProblem, p: PlanParams, ho: HubOrders, qty: IntArray
) -> dict[str, Any]:
    k = np.flatnonzero(qty > 0)
    return columns(
        sku=k,
        qty=qty[k],
        lead=pb.supplier_lead_days[k] + 0.0,
        target=ho.target[k],
        position=ho.position[k],
        moq=pb.moq[k],
    )


def _costs(
    pb: PlanProblem, t: Targets, tr: dict[str, Any], po: dict[str, Any]
) -> dict[str, float]:
    freight = pb.lane_cost[tr["pair"], tr["mode"]] * tr["qty"]
    return {
        "freight this plan": float(freight.sum()),
        "purchase orders": float((pb.unit_cost[po["sku"]] * po["qty"]).sum()),
        "expected cost per review (policy)": float(t.cost.sum()),
        "expected cost per review (all from origin)": float(t.cost_none.sum()),
    }


def assemble(
    pb: PlanProblem,
    p: PlanParams,
    seed: int,
    t: Targets,
    ho: HubOrders,
    need: IntArray,
    alloc: IntArray,
    final: IntArray,
    po_qty: IntArray,
    lp: LpOutcome | None,
    times: dict[str, float],
) -> Plan:
    """Return the plan value built from every phase's output."""
    fp = pb.fingerprint()
    tr = _transfers(pb, t, need, alloc, final)
    po = _orders(pb, p, ho, po_qty)
    arrive = np.zeros(pb.n_pairs)
    arrive[tr["pair"]] = tr["qty"]
    cover = np.where(
        pb.demand_mean > 0,
        (pb.position + arrive) / np.maximum(pb.demand_mean, 1e-12),
        0.0,
    )
    mk = columns(
        sku=pb.pair_sku,
        market=pb.pair_market,
        mode=t.mode,
        reason=t.reason,
        served=t.served,
        local_fill=t.local_fill,
        cover_days=cover,
        cost=t.cost,
        cost_none=t.cost_none,
    )
    stats = _stats(pb, seed, need, ho, lp, times)
    return Plan(
        id=plan_id(fp, p, seed),
        fingerprint=fp,
        as_of=pb.as_of,
        hub=pb.hub,
        currency=pb.currency,
        names={
            "skus": pb.skus,
            "markets": pb.markets,
            "fcs": pb.fcs,
            "modes": pb.modes,
        },
        transfers=tr,
        orders=po,
        markets=mk,
        costs=_costs(pb, t, tr, po),
        stats=stats,
    )


def _stats(
    pb: PlanProblem,
    seed: int,
    need: IntArray,
    ho: HubOrders,
    lp: LpOutcome | None,
    times: dict[str, float],
) -> dict[str, Any]:
    """Return the plan's run statistics (sizes, shortages, LP, phase times)."""
    wanted = np.bincount(pb.pair_sku, weights=need, minlength=len(pb.skus))
    return {
        "seed": seed,
        "pairs": pb.n_pairs,
        "skus": len(pb.skus),
        "short_skus": int((wanted > pb.hub_available).sum()),
        "moq_skipped": int(ho.moq_skipped.sum()),
        "lp_status": lp.status if lp else "off",
        "lp_columns": lp.columns if lp else 0,
        "lp_rows": lp.rows if lp else 0,
        "lp_binaries": lp.binaries if lp else 0,
        **{f"seconds_{k}": v for k, v in times.items()},
    }
