"""Decision-day views built by hand, for testing replenishment policies."""

from __future__ import annotations

import numpy as np

from worldpool.sim import PolicyView, Scenario

__all__ = ["trailing_view"]


def trailing_view(
    scenario: Scenario,
    day: int = 91,
    *,
    review_days: int = 7,
    scale: float = 1.0,
    hub_on_hand: float = 0.0,
    opening: bool = False,
) -> PolicyView:
    """Return the view a policy gets on ``day`` with empty FCs and nothing on order.

    Demand estimates are the moments of ``scenario.demand[:day]`` times
    ``scale`` (0 fakes a world without demand).

    Args:
        scenario: The scenario.
        day: Decision day; the window is every day before it.
        review_days: Days until the next decision. [R]
        scale: Multiplier on the estimated mean and variance (>= 0).
        hub_on_hand: Units on hand at the hub for every SKU.
        opening: Whether this is the run's first decision.
    """
    s, m = len(scenario.skus), len(scenario.markets)
    window = scenario.demand[:day].astype(np.float64)
    totals = window.sum(axis=2)
    return PolicyView(
        day=day,
        scenario=scenario,
        review_days=review_days,
        fc_on_hand=np.zeros((s, m)),
        fc_on_order=np.zeros((s, m)),
        hub_on_hand=np.full(s, float(hub_on_hand)),
        hub_on_order=np.zeros(s),
        mean=window.mean(axis=0) * scale,
        var=window.var(axis=0) * scale,
        total_var=totals.var(axis=0) * scale,
        sale_share=(window > 0).mean(axis=0) * min(scale, 1.0),
        opening=opening,
    )
