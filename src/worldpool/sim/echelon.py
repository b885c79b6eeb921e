"""Textbook echelon targets for :class:`worldpool.sim.EchelonPolicy`.

The twin's ``pool`` policy uses the real planner (:mod:`worldpool.sim.pool`);
this module is the simple reference it is compared with. One function,
:func:`pooled_targets`, turns the state of the pool into stock targets: an FC
order-up-to level per (SKU, market) from a newsvendor whose underage cost
knows that a stock-out at the FC is not a lost sale when the hub can still
ship from origin, and an echelon (whole-system) order-up-to level per SKU on
the pooled demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from worldpool.demand.dist import norm_ppf
from worldpool.sim.fallback import origin_fallback, origin_unit_cost
from worldpool.sim.protocol import PolicyView
from worldpool.sim.scenario import FloatArray

__all__ = ["PooledTargets", "fc_critical_ratio", "order_up_to", "pooled_targets"]


@dataclass(frozen=True, slots=True, eq=False)
class PooledTargets:
    """Order-up-to levels of a pooled plan, in units."""

    fc: FloatArray
    """Inventory-position target per FC (S, M)."""
    origin_ok: NDArray[np.bool_]
    """Where a short FC falls back to fulfil-from-origin (S, M)."""
    echelon: FloatArray
    """System (hub + pipelines + FCs) inventory-position target per SKU (S)."""


def order_up_to(
    mean: FloatArray,
    var: FloatArray,
    days: FloatArray,
    lead_var: FloatArray,
    ratio: FloatArray | float,
) -> FloatArray:
    """Return the normal-approximation order-up-to level S = mu_P + z sigma_P.

    Args:
        mean: Mean daily demand, units/day. [mu]
        var: Variance of daily demand, units²/day². [sigma²]
        days: Protection period (lead time + review), days. [P]
        lead_var: Variance of the lead time, days². [sigma_L²]
        ratio: Critical ratio (cycle service level), 0..1. [CR]

    Returns:
        The level in units: mu P + z(CR) sqrt(sigma² P + mu² sigma_L²), >= 0.

    References:
        Silver, Pyke & Thomas, *Inventory and Production Management in Supply
        Chains*, 4th ed., 2017, ch. 6 (random lead times, eq. 6.13).
    """
    sd = np.sqrt(np.maximum(var * days + mean**2 * lead_var, 0.0))
    return np.maximum(mean * days + norm_ppf(ratio) * sd, 0.0)


def fc_critical_ratio(
    view: PolicyView, service: float, always_origin: bool = True
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Return the FC critical ratio Cu / (Cu + Co) when origin backs the FC up.

    ``service`` sets the implied penalty of a lost sale, p = Co s / (1 - s),
    so that without a fallback the FC ratio is exactly ``service``. Where
    origin may serve (see :func:`origin_fallback`), the FC underage cost is
    d p + (1 - d) c_x: only the share d lost to the slow promise is lost, the
    rest costs the parcel c_x.

    Args:
        view: The decision-day view (economics and demand estimates).
        service: Critical ratio of a lost sale, 0..1. [s]
        always_origin: Ship every order the hub can serve from origin (sellers
            must not cancel paid orders); False ships only where it pays.

    Returns:
        Critical ratios (S, M), 0..1, and where origin may serve (S, M): where
        the sale is worth more than the parcel, at the larger of margin and p.

    References:
        worldpool research notes, anchors-planning §6.2 (Cu_FC = d m + (1-d) c_x).
    """
    sc = view.scenario
    over = (sc.holding_fc + sc.capital_day[:, None]) * view.review_days
    penalty = over * service / (1.0 - service)
    worth = np.maximum(sc.margin[:, None], penalty)
    fallback = origin_fallback(sc, view.mean, view.sale_share, worth)
    if always_origin:
        fallback = np.ones_like(fallback)
    loss = sc.ffo_loss[None, :]
    c_x = origin_unit_cost(sc, view.mean, view.sale_share)
    under = np.where(
        fallback, np.minimum(penalty, loss * penalty + (1 - loss) * c_x), penalty
    )
    return under / np.maximum(under + over, 1e-12), fallback


def pooled_targets(
    view: PolicyView, service: float, always_origin: bool = True
) -> PooledTargets:
    """Return FC and echelon order-up-to levels for the one-pool network.

    Args:
        view: The decision-day view.
        service: System critical ratio for a lost sale, 0..1. [s]
        always_origin: See :func:`fc_critical_ratio`.

    Returns:
        FC targets from :func:`fc_critical_ratio` over sea transit + review,
        and per-SKU echelon targets on the pooled demand (variance of the sum
        over markets, so correlation is kept) over supplier lead + sea + review.

    References:
        Eppen & Schrage (1981), centralized ordering in a multi-warehouse
        system; Eppen (1979), Management Science 25(5) (sqrt(n) pooling).
    """
    sc = view.scenario
    sea_mean, sea_var = sc.sea_moments()
    review = float(view.review_days)
    ratio, origin_ok = fc_critical_ratio(view, service, always_origin)
    fc = order_up_to(
        view.mean, view.var, sea_mean[None, :] + review, sea_var[None, :], ratio
    )
    total = view.mean.sum(axis=1)
    weights = view.mean / np.maximum(total[:, None], 1e-12)
    sea_avg = weights @ sea_mean
    days = sc.supplier_lead_days + sea_avg + review
    lead_var = (view.mean**2 @ sea_var) / np.maximum(total**2, 1e-12)
    echelon = order_up_to(total, view.total_var, days, lead_var, service)
    # The hub must at least cover the FC targets plus the pooled demand over the
    # supplier lead time (Eppen & Schrage): the FCs' own safety stock covers
    # sea + review, the hub's pooled buffer covers the supplier lead.
    lead = np.full(total.shape, float(sc.supplier_lead_days))
    hub_part = order_up_to(total, view.total_var, lead, np.zeros_like(total), service)
    floor = fc.sum(axis=1) + hub_part
    return PooledTargets(fc=fc, origin_ok=origin_ok, echelon=np.maximum(echelon, floor))
