"""The twin's routing rule: when may a short FC fall back to fulfil-from-origin.

A vectorised stand-in for ``worldpool.orders.route``'s origin step: a yes/no
per (SKU, market) and a per-unit origin cost. The routing rules' clearance
(``Scenario.origin_cleared``) and parcel limits (``origin_max_units``) are
applied by the engine to every policy; same-zone FCs are not modelled (each
market has its own FC).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from worldpool.sim.scenario import FloatArray, Scenario

__all__ = ["origin_fallback", "origin_unit_cost"]


def origin_unit_cost(
    scenario: Scenario, mean: FloatArray, sale_share: FloatArray
) -> FloatArray:
    """Return the expected fulfil-from-origin cost per unit served (S, M).

    Args:
        scenario: Economics of the lanes (per-unit and per-parcel parcel rates).
        mean: Mean daily demand (S, M), units/day.
        sale_share: Share of days with demand (S, M), 0..1.

    Returns:
        Parcel cost per unit, in the scenario currency: the weight part plus the
        per-parcel part spread over the expected units of one day's order line.
    """
    line_units = np.where(sale_share > 0, mean / np.maximum(sale_share, 1e-9), 1.0)
    line_units = np.maximum(line_units, 1.0)
    return scenario.parcel_cost + scenario.parcel_fixed[None, :] / line_units


def origin_fallback(
    scenario: Scenario,
    mean: FloatArray,
    sale_share: FloatArray,
    value: FloatArray | None = None,
) -> NDArray[np.bool_]:
    """Return where a stocked-out FC may send the order from origin (S, M) bool.

    Args:
        scenario: Economics and lanes.
        mean: Mean daily demand (S, M), units/day.
        sale_share: Share of days with demand (S, M), 0..1.
        value: What a kept sale is worth per unit (S, M) or (S, 1), in
            currency; defaults to the margin m.

    Returns:
        True where the value of a kept sale exceeds the parcel cost c_x and
        the SKU is cleared for origin to the market.
    """
    cost = origin_unit_cost(scenario, mean, sale_share)
    worth = scenario.margin[:, None] if value is None else value
    ok = np.asarray(worth > cost)
    if scenario.origin_cleared is not None:
        ok &= scenario.origin_cleared
    return ok
