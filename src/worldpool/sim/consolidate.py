"""How a pooled network stocks a pair when suppliers ship on their own.

With a supplier assignment (:mod:`worldpool.sim.suppliers`) a pair has three
ways to be stocked forward, and :func:`stock_options` picks the cheapest per
day by the cost model (ties go to the supplier's own shipment, what split
does):

* **direct**: split's buy, shipped by its supplier on the supplier's own
  cadence on the lane, paying the fixed cost per (supplier, lane) departure;
* **cross-dock**: split's order-up-to rule, but delivered to the hub by
  domestic truck and consolidated there with every supplier's goods into the
  lane's one shipment, on the lane's (shorter) cadence;
* **pooled**: forward stock replenished from the hub pool, the planner's pair
  (:mod:`worldpool.sim.choice` gives its safety-stock part), on the lane's
  consolidated cadence.

Costs per day, in currency: safety stock z sigma over the cover at FC (and
hub) storage + capital, cycle stock mu R / 2 over the cadence R, the pair's
share of a departure's fixed cost K / R pro rata its volume on the shipment,
and its share of the supplier -> hub delivery. A pro rata share is a
heuristic: the first pair moved off a supplier's lane does not save a whole
departure.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from worldpool.demand.dist import norm_ppf
from worldpool.sim.choice import lane_review
from worldpool.sim.protocol import PolicyView
from worldpool.sim.scenario import FloatArray
from worldpool.sim.suppliers import group_sum, pair_review

__all__ = ["stock_options"]

Mask = NDArray[np.bool_]


def _share(fixed: FloatArray, mean: FloatArray, volume: FloatArray) -> FloatArray:
    """Return a pair's share of a fixed cost per day, pro rata its volume."""
    out: FloatArray = fixed * mean / np.maximum(volume, 1e-12)
    return out


def _safety(view: PolicyView, z: float, days: FloatArray) -> FloatArray:
    """Return z sigma over ``days`` of cover (S, M), units (sea variance included)."""
    _, sea_var = view.scenario.sea_moments()
    out: FloatArray = z * np.sqrt(view.var * days + view.mean**2 * sea_var[None, :])
    return out


def _pooled(view: PolicyView, z: float, r: FloatArray, h_f: FloatArray) -> FloatArray:
    """Return a pooled pair's safety stock and handling cost per day (S, M).

    The FC covers sea + the lane's cadence; the hub the pooled supplier lead
    (the measured variance of the SKU's daily total, shared by variance).
    """
    sc = view.scenario
    sea_mean, _ = sc.sea_moments()
    h_h = (sc.holding_hub + sc.capital_day)[:, None]
    fc = _safety(view, z, sea_mean[None, :] + r) * h_f
    hub_sd = np.sqrt(sc.supplier_lead_days * view.total_var)[:, None]
    total = view.var.sum(axis=1, keepdims=True)
    share = np.where(total > 0, view.var / np.maximum(total, 1e-12), 0.0)
    days = float(view.review_days)
    cycle_hub = view.mean * days / 2.0 * h_h
    out: FloatArray = fc + z * hub_sd * share * h_h + sc.handling_hub * view.mean
    return out + cycle_hub


def stock_options(view: PolicyView, service: float) -> tuple[Mask, Mask]:
    """Return where a pair is bought direct and where cross-docked (S, M) each.

    The rest are pooled. Both stocking-forward options hold z(service)
    standard deviations, z = max(Phi^-1(s), 0), as split does.

    Raises:
        ValueError: when the scenario has no supplier assignment.
    """
    sc = view.scenario
    if sc.supplier is None:
        raise ValueError("stock_options needs a supplier assignment")
    z = max(float(norm_ppf(np.array([service]))[0]), 0.0)
    sea_mean, _ = sc.sea_moments()
    lead, mean = float(sc.supplier_lead_days), view.mean
    r, own = lane_review(view)[None, :], pair_review(view)
    h_f = sc.holding_fc + sc.capital_day[:, None]
    k = np.zeros(len(sc.markets)) if sc.shipment_fixed is None else sc.shipment_fixed
    on_lane = group_sum(mean, sc.supplier, sc.suppliers)[sc.supplier]
    lane = mean.sum(axis=0, keepdims=True)
    per_supplier = group_sum(mean.sum(axis=1, keepdims=True), sc.supplier, sc.suppliers)
    truck = _share(np.array(sc.inbound_fixed), mean, per_supplier[sc.supplier])
    consolidated = mean * r / 2.0 * h_f + _share(k[None, :] / r, mean, lane)
    direct = (
        _safety(view, z, lead + sea_mean[None, :] + own) * h_f
        + mean * own / 2.0 * h_f
        + _share(k[None, :] / own, mean, on_lane)
    )
    xdock = (
        _safety(view, z, lead + sea_mean[None, :] + r) * h_f + consolidated + truck / r
    )
    pooled = _pooled(view, z, r, h_f) + consolidated + truck / view.review_days
    is_direct = (direct <= xdock) & (direct <= pooled)
    return is_direct, ~is_direct & (xdock <= pooled)
