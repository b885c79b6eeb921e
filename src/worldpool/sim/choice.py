"""Per SKU x market choice of how a pooled network stocks a pair, by the cost model.

The options are forward stock replenished from the hub pool (the hub keeps
the supplier-lead cover for every market together), forward stock bought
direct for the FC and cross-docked on landing (exactly what legacy split
does), origin only, both (forward stock with the origin fallback) or not
stocked. :func:`direct_pairs` compares the daily cost of carrying the same
cycle service both ways, so a pair is pooled only where pooling is cheaper;
where split is optimal the pooled network does what split does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from worldpool.demand.dist import norm_ppf
from worldpool.sim.echelon import order_up_to
from worldpool.sim.protocol import PolicyView
from worldpool.sim.scenario import FloatArray
from worldpool.sim.suppliers import pair_review

__all__ = ["direct_order", "direct_pairs", "lane_review"]


def lane_review(view: PolicyView) -> FloatArray:
    """Return each market lane's days between shipments (M), in days."""
    sc = view.scenario
    if sc.lane_review_days is None:
        return np.full(len(sc.markets), float(view.review_days))
    return np.maximum(sc.lane_review_days, view.review_days).astype(float)


def _sd(
    var: FloatArray, mean: FloatArray, days: FloatArray, lead_var: FloatArray
) -> FloatArray:
    out: FloatArray = np.sqrt(var * days + mean**2 * lead_var)
    return out


def direct_pairs(view: PolicyView, service: float) -> NDArray[np.bool_]:
    """Return where stock bought direct for the FC is cheaper than pooling (S, M).

    Both options hold z(service) standard deviations of cover, z = Phi^-1(s).
    Direct: the FC covers supplier lead L + sea transit T + lane review R,
    at FC storage + capital h_f. Pooled: the FC covers T + R (h_f) and the
    hub the pooled supplier lead, z sqrt(L var_total) with var_total the
    measured variance of the SKU's daily total over markets, shared by variance,
    at hub storage + capital h_h, plus hub handling per unit. Per day, in
    currency; ties go to direct (what split does).
    """
    sc = view.scenario
    z = max(float(norm_ppf(np.array([service]))[0]), 0.0)
    sea_mean, sea_var = sc.sea_moments()
    r = lane_review(view)
    lead = float(sc.supplier_lead_days)
    mean, var = view.mean, view.var
    h_f = sc.holding_fc + sc.capital_day[:, None]
    h_h = (sc.holding_hub + sc.capital_day)[:, None]
    direct = z * _sd(var, mean, (lead + sea_mean + r)[None, :], sea_var[None, :]) * h_f
    fc = z * _sd(var, mean, (sea_mean + r)[None, :], sea_var[None, :]) * h_f
    # The hub's cover is the SKU's total demand over the supplier lead: its
    # variance is the measured one of the daily total (correlation included).
    hub_sd = np.sqrt(lead * view.total_var)[:, None]
    total = var.sum(axis=1, keepdims=True)
    share = np.where(total > 0, var / np.maximum(total, 1e-12), 0.0)
    pooled = fc + z * hub_sd * share * h_h + sc.handling_hub * mean
    return np.asarray(direct <= pooled)


def direct_order(
    view: PolicyView,
    service: float,
    where: NDArray[np.bool_],
    review: FloatArray | None = None,
) -> FloatArray:
    """Return split's order for the ``where`` pairs (S, M), units; 0 elsewhere.

    The FC orders up to mu P + z sigma_P with P = supplier lead + sea + the
    review of its supplier on the lane (:func:`pair_review`), exactly as
    :class:`worldpool.sim.SplitPolicy` does. ``review`` (S, M or 1, M), days,
    replaces that cadence: a buy cross-docked at the hub on the lane's.
    """
    sc = view.scenario
    sea_mean, sea_var = sc.sea_moments()
    if review is not None:
        days = sc.supplier_lead_days + sea_mean[None, :] + review
    elif sc.supplier is None:
        days = (sc.supplier_lead_days + sea_mean + lane_review(view))[None, :]
    else:
        # Each supplier ships on its own cadence per lane.
        days = sc.supplier_lead_days + sea_mean[None, :] + pair_review(view)
    target = order_up_to(view.mean, view.var, days, sea_var[None, :], service)
    position = view.fc_on_hand + view.fc_on_order
    order = np.ceil(np.maximum(target - position, 0.0))
    return np.where(where, order, 0.0)
