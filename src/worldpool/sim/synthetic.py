"""Synthetic scenarios with known demand, for tests, checks and examples."""

from __future__ import annotations

from datetime import date

import numpy as np

from worldpool.sim.scenario import Scenario

__all__ = ["synthetic_scenario"]


def synthetic_scenario(
    skus: int = 20,
    markets: int = 5,
    days: int = 400,
    *,
    mean: float = 5.0,
    seed: int = 0,
    sea_days: tuple[float, float] = (30.0, 40.0),
    parcel_days: tuple[float, float] = (9.0, 15.0),
    ffo_loss: float = 0.12,
    supplier_lead_days: int = 14,
    air_days: tuple[float, float] | None = None,
    air_cost: float = 0.6,
) -> Scenario:
    """Return a scenario of independent Poisson demand, equal in every market.

    Economics are uniform: price 10, cost 4, FC storage 0.004 and hub storage
    0.0025 per unit-day, capital 15 %/yr, sea 0.2 and parcel 1.0 + 1.5 per
    parcel, local delivery 1 day (money in USD).

    Args:
        skus: Number of SKUs (S).
        markets: Number of markets (M).
        days: Days of history (T).
        mean: Mean daily demand per SKU and market, units/day.
        seed: Seed of the demand draws.
        sea_days: Sea transit P50 and P90, in days.
        parcel_days: Origin parcel transit P50 and P90, in days.
        ffo_loss: Share of demand lost to the slow origin promise (0..1).
        supplier_lead_days: Supplier lead time to the hub, in days.
        air_days: Hub -> FC air transit P50 and P90, in days; None = no air lane.
        air_cost: Air freight per unit, in USD (used with ``air_days``).
    """
    rng = np.random.default_rng(seed)
    demand = rng.poisson(mean, size=(days, skus, markets)).astype(np.float32)
    ones_s, ones_sm, ones_m = np.ones(skus), np.ones((skus, markets)), np.ones(markets)
    return Scenario(
        skus=tuple(f"SKU-{i:03d}" for i in range(skus)),
        markets=tuple(f"M{j:02d}" for j in range(markets)),
        start=date(2025, 1, 1),
        demand=demand,
        unit_cost=4.0 * ones_s,
        unit_price=10.0 * ones_s,
        holding_fc=0.004 * ones_sm,
        holding_hub=0.0025 * ones_s,
        capital_day=4.0 * 0.15 / 365 * ones_s,
        sea_cost=0.2 * ones_sm,
        parcel_cost=1.0 * ones_sm,
        parcel_fixed=1.5 * ones_m,
        sea_transit=np.tile(np.array(sea_days, dtype=float), (markets, 1)),
        parcel_transit=np.tile(np.array(parcel_days, dtype=float), (markets, 1)),
        fc_delivery_days=ones_m.copy(),
        ffo_loss=ffo_loss * ones_m,
        supplier_lead_days=supplier_lead_days,
        air_cost=None if air_days is None else air_cost * ones_sm,
        air_transit=None
        if air_days is None
        else np.tile(np.array(air_days, dtype=float), (markets, 1)),
    )
