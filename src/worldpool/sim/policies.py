"""Replenishment policies of the twin besides the planner's pool: split, echelon, FFO.

The one-pool policy driven by the real planner is :class:`worldpool.sim.PoolPolicy`
(:mod:`worldpool.sim.pool`); :class:`EchelonPolicy` is the textbook pooled
order-up-to rule it is measured against. The clairvoyant bound is an LP, not a
policy (see :mod:`worldpool.sim.oracle`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from worldpool.sim.choice import direct_order
from worldpool.sim.echelon import order_up_to, pooled_targets
from worldpool.sim.protocol import Decision, Network, PolicyView
from worldpool.sim.scenario import FloatArray

__all__ = ["EchelonPolicy", "FfoPolicy", "SplitPolicy"]


def _check_service(service: float) -> None:
    if not 0.0 < service < 1.0:
        raise ValueError(f"service must be in (0, 1), got {service}")


def _fc_position(view: PolicyView) -> FloatArray:
    return view.fc_on_hand + view.fc_on_order


@dataclass(frozen=True, slots=True)
class SplitPolicy:
    """Legacy split stock: each market its own FC, order-up-to by sea, no sharing.

    Every ``review_days`` each FC orders up to mu P + z(s) sigma_P from the
    supplier, with P = supplier lead + sea transit + review.
    """

    service: float = 0.95
    """Cycle service level (critical ratio) of every FC, 0..1. [s]"""
    name: str = "split"
    """Name in tables."""

    def __post_init__(self) -> None:
        _check_service(self.service)

    @property
    def network(self) -> Network:
        """Split: no hub, no fallback."""
        return Network.SPLIT

    def with_service(self, service: float) -> SplitPolicy:
        """Return a copy with another service level (0..1)."""
        return dataclasses.replace(self, service=service)

    def decide(self, view: PolicyView) -> Decision:
        """Order each FC up to its own target from the supplier (units).

        The cover is supplier lead + sea transit + the lane's review period.
        """
        every = np.ones(view.mean.shape, dtype=bool)
        order = direct_order(view, self.service, every)
        return Decision(order, np.zeros(len(view.scenario.skus)))


@dataclass(frozen=True, slots=True)
class EchelonPolicy:
    """One pool at the hub run by a textbook echelon rule + fulfil-from-origin.

    The hub buys up to the echelon target of :func:`pooled_targets`; FCs are
    topped up from the hub to their FC targets (rationed pro rata by the
    engine when the hub is short); a short FC falls back to origin. A simple
    reference for :class:`worldpool.sim.PoolPolicy`, which uses the planner.
    """

    service: float = 0.95
    """System critical ratio for a lost sale, 0..1. [s]"""
    always_origin: bool = True
    """Ship every order the hub can serve from origin (no cancellations);
    False ships from origin only where the sale is worth the parcel."""
    name: str = "echelon"
    """Name in tables."""

    def __post_init__(self) -> None:
        _check_service(self.service)

    @property
    def network(self) -> Network:
        """Pool: hub + FCs + fallback from origin."""
        return Network.POOL

    def with_service(self, service: float) -> EchelonPolicy:
        """Return a copy with another service target (0..1)."""
        return dataclasses.replace(self, service=service)

    def decide(self, view: PolicyView) -> Decision:
        """Top FCs up from the hub and buy the hub up to the echelon target."""
        targets = pooled_targets(view, self.service, self.always_origin)
        fc_position = _fc_position(view)
        fc_order = np.ceil(np.maximum(targets.fc - fc_position, 0.0))
        echelon = view.hub_on_hand + view.hub_on_order + fc_position.sum(axis=1)
        hub_order = np.ceil(np.maximum(targets.echelon - echelon, 0.0))
        return Decision(fc_order, hub_order, targets.origin_ok)


@dataclass(frozen=True, slots=True)
class FfoPolicy:
    """Pure fulfil-from-origin: all stock at the hub, every order a parcel.

    The hub orders up to the pooled demand over supplier lead + review.
    """

    service: float = 0.95
    """Cycle service level of the hub, 0..1. [s]"""
    name: str = "ffo"
    """Name in tables."""

    def __post_init__(self) -> None:
        _check_service(self.service)

    @property
    def network(self) -> Network:
        """Origin: hub only."""
        return Network.ORIGIN

    def with_service(self, service: float) -> FfoPolicy:
        """Return a copy with another service level (0..1)."""
        return dataclasses.replace(self, service=service)

    def decide(self, view: PolicyView) -> Decision:
        """Buy the hub up to its target; send nothing to FCs."""
        sc = view.scenario
        total = view.mean.sum(axis=1)
        days = np.full(total.shape, float(sc.supplier_lead_days + view.review_days))
        target = order_up_to(
            total, view.total_var, days, np.zeros_like(total), self.service
        )
        position = view.hub_on_hand + view.hub_on_order
        hub_order = np.ceil(np.maximum(target - position, 0.0))
        return Decision(np.zeros_like(view.mean), hub_order)
