"""The ReplenishmentPolicy protocol: what a policy sees and what it decides."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from worldpool.sim.scenario import FloatArray, Scenario

__all__ = ["Decision", "Network", "PolicyView", "ReplenishmentPolicy"]


class Network(StrEnum):
    """How stock is laid out and how unserved demand falls back."""

    SPLIT = "split"
    """Each market its own FC stock, bought from the supplier by sea; no sharing."""
    POOL = "pool"
    """One pool at the origin hub, transfers to FCs, fulfil-from-origin fallback."""
    ORIGIN = "origin"
    """Everything at the hub, every order shipped from origin as a parcel."""


@dataclass(frozen=True, slots=True, eq=False)
class PolicyView:
    """What a policy may know on a decision day: state and past demand only.

    Arrays are over SKUs x markets (S, M) or SKUs (S), in units or units/day.
    """

    day: int
    """Day index t into the scenario."""
    scenario: Scenario
    """The static problem (economics, network); never read ``demand`` past ``day``."""
    review_days: int
    """Days until the next decision. [R]"""
    fc_on_hand: FloatArray
    """Units on hand at each market's FC (S, M)."""
    fc_on_order: FloatArray
    """Units bought or shipped for each FC but not arrived yet (S, M)."""
    hub_on_hand: FloatArray
    """Units on hand at the origin hub (S)."""
    hub_on_order: FloatArray
    """Units bought from the supplier for the hub, not arrived yet (S)."""
    mean: FloatArray
    """Estimated mean daily demand from the trailing window (S, M), units/day."""
    var: FloatArray
    """Estimated variance of daily demand (S, M), units²/day²."""
    total_var: FloatArray
    """Estimated variance of the SKU's daily demand summed over markets (S)."""
    sale_share: FloatArray
    """Share of trailing-window days with any demand (S, M), 0..1."""
    opening: bool = False
    """True on the first decision, whose hub order is on hand at once."""


@dataclass(frozen=True, slots=True, eq=False)
class Decision:
    """Orders placed on a decision day, in units (non-negative)."""

    fc_order: FloatArray
    """Units to send to each FC (S, M): from the supplier (split) or the hub (pool)."""
    hub_order: FloatArray
    """Units to buy from the supplier into the hub (S); zero for split."""
    origin_ok: NDArray[np.bool_] | None = None
    """Where a short FC may fall back to fulfil-from-origin until the next
    decision (S, M); None keeps the economic default rule (pool only)."""
    fc_air_order: FloatArray | None = None
    """Units to send hub -> FC by air (S, M), pool only and only where the
    scenario has air lanes; ``fc_order`` then goes by sea."""
    fc_direct: FloatArray | None = None
    """Units bought from the supplier for one FC and cross-docked through the
    hub on landing, as split stock is (S, M), pool only; never stored at the hub."""
    fc_xdock: FloatArray | None = None
    """Units bought from the supplier for one FC, trucked to the hub and
    consolidated there into the lane's shipment (S, M), pool only, when the
    scenario has suppliers (:mod:`worldpool.sim.consolidate`)."""

    @classmethod
    def empty(cls, skus: int, markets: int) -> Decision:
        """Return a decision that orders nothing, for S SKUs and M markets."""
        return cls(np.zeros((skus, markets)), np.zeros(skus))


@runtime_checkable
class ReplenishmentPolicy(Protocol):
    """A replenishment policy the twin can run (vectorised over SKUs x markets).

    ``service`` is the one scalar the comparison tunes (a critical ratio in
    (0, 1)); higher must never mean less stock. ``decide`` is pure: the same
    view gives the same decision. Check a new policy with
    :func:`worldpool.testing.check_policy`.
    """

    @property
    def name(self) -> str:
        """Short name used in tables and JSON (``split``, ``pool`` ...)."""
        ...

    @property
    def network(self) -> Network:
        """Stock layout and fallback the engine applies to this policy."""
        ...

    @property
    def service(self) -> float:
        """The tunable service target, a critical ratio in (0, 1)."""
        ...

    def with_service(self, service: float) -> ReplenishmentPolicy:
        """Return a copy of the policy with another service target (0..1)."""
        ...

    def decide(self, view: PolicyView) -> Decision:
        """Return the orders for this decision day."""
        ...
