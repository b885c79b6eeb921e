"""Origin eligibility: may a SKU ship from the origin hub to a marketplace? (pure).

One rule, used by the order router (:func:`worldpool.orders.route`, through
:mod:`worldpool.orders.eligibility`), the planner's fulfil-from-origin option
(:mod:`worldpool.plan.build`) and the digital twin
(:mod:`worldpool.sim.clearance`), so that production, the plan and the twin
can never disagree about it (a hypothesis test checks the twin against the
router). It lives in ``domain`` because the planner and the router are
independent siblings that may not import each other:

* a loose lithium battery (UN3480/UN3090) never ships from origin: parcel lanes
  refuse it (IATA DGR PI 965/968 section IA/IB);
* otherwise a SKU ships from origin only to the marketplaces its table lists in
  ``ffo_markets`` (empty: none).
"""

from __future__ import annotations

from collections.abc import Collection

from worldpool.domain.product import BatteryType, SkuRecord

__all__ = ["origin_block", "origin_block_for"]


def origin_block(
    sku: str, battery: BatteryType, ffo_markets: Collection[str], market: str
) -> str | None:
    """Return why ``sku`` may not ship from origin to ``market``, or None if it may.

    Args:
        sku: SKU id (named in the reason).
        battery: The SKU's lithium battery class.
        ffo_markets: Marketplace ids cleared for fulfil-from-origin.
        market: Marketplace id of the order.

    Returns:
        A sentence naming the rule that blocks origin, or None.
    """
    if battery is BatteryType.LOOSE:
        return f"{sku} is a loose lithium battery (UN3480/UN3090)"
    if market not in ffo_markets:
        return f"{sku} is not cleared for fulfil-from-origin to {market}"
    return None


def origin_block_for(sku: SkuRecord, market: str) -> str | None:
    """Return :func:`origin_block` for a SKU record (see there).

    Args:
        sku: The SKU record (battery class, ``ffo_markets``).
        market: Marketplace id of the order.
    """
    return origin_block(sku.sku, sku.battery, sku.ffo_markets, market)
