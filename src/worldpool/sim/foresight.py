"""A reference point between real policies and the clairvoyant bound: perfect forecasts.

:class:`Foresight` wraps any policy and hands it, on each decision day, the
*true* mean and variance of demand over the next ``horizon_days`` instead of
the trailing estimates. It still does not know which day an order lands or
how big it is, so it separates what better forecasting could win (policy ->
foresight) from what only clairvoyance could (foresight -> bound). It reads
the future on purpose: a yardstick, never a policy to run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from worldpool.sim.protocol import Decision, Network, PolicyView, ReplenishmentPolicy

__all__ = ["Foresight"]


@dataclass(frozen=True, slots=True)
class Foresight:
    """``inner`` fed the true demand moments of the coming ``horizon_days``."""

    inner: ReplenishmentPolicy
    """The policy that decides (its own rules, perfect demand estimates)."""
    horizon_days: int = 56
    """Days ahead whose realised demand sets the mean and variance, in days."""

    def __post_init__(self) -> None:
        if self.horizon_days < 1:
            raise ValueError(f"horizon_days={self.horizon_days} must be >= 1")

    @property
    def name(self) -> str:
        """The inner policy's name + ``_foresight``."""
        return f"{self.inner.name}_foresight"

    @property
    def network(self) -> Network:
        """The inner policy's network."""
        return self.inner.network

    @property
    def service(self) -> float:
        """The inner policy's service target (0..1)."""
        return self.inner.service

    def with_service(self, service: float) -> Foresight:
        """Return a copy whose inner policy has another service target (0..1)."""
        return dataclasses.replace(self, inner=self.inner.with_service(service))

    def decide(self, view: PolicyView) -> Decision:
        """Decide with the next ``horizon_days`` of real demand as the estimate."""
        ahead = view.scenario.demand[view.day : view.day + self.horizon_days]
        if len(ahead) == 0:
            return self.inner.decide(view)
        block = ahead.astype("float64")
        totals = block.sum(axis=2)
        known = dataclasses.replace(
            view,
            mean=block.mean(axis=0),
            var=block.var(axis=0),
            total_var=totals.var(axis=0),
            sale_share=(block > 0).mean(axis=0),
        )
        return self.inner.decide(known)
