"""Synthetic planning problems with intermittent demand (tests, benchmark, twin).

Daily demand rates are log-normal across (SKU, market) pairs with a long tail
of slow movers and some dead pairs; dispersion follows a negative binomial
(variance = mu + mu²/k), the usual model of intermittent counts. Network
figures mirror the packaged catalog's orders of magnitude (sea ~35 days at
~150 USD/m³, air ~9 days at ~5 USD/kg).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from worldpool.demand.dist import gamma_grid
from worldpool.plan.problem import GRID_DAYS, PlanProblem

__all__ = ["synthetic_problem"]


def synthetic_problem(
    n_skus: int = 100,
    n_markets: int = 20,
    *,
    seed: int = 0,
    budget: float = float("inf"),
    hub_cover_days: float = 60.0,
    as_of: date = date(2026, 11, 24),
) -> PlanProblem:
    """Return a random but realistic problem of ``n_skus`` x ``n_markets`` pairs.

    Args:
        n_skus: Number of SKUs. [S]
        n_markets: Number of marketplaces, one FC each. [K]
        seed: Random seed; the same seed gives the same problem.
        budget: Cash the plan may commit, in USD. [B]
        hub_cover_days: Hub stock as days of total mean demand, in days.
        as_of: Planning day.
    """
    rng = np.random.default_rng(seed)
    n_p = n_skus * n_markets
    sku = np.repeat(np.arange(n_skus, dtype=np.int64), n_markets)
    mkt = np.tile(np.arange(n_markets, dtype=np.int64), n_skus)
    rate = rng.lognormal(-2.0, 1.5, n_p) * (rng.random(n_p) > 0.15)
    k = rng.uniform(0.3, 2.0, n_p)
    std = np.sqrt(rate + rate**2 / k)
    cost = rng.lognormal(1.5, 0.6, n_skus)
    vol = rng.lognormal(np.log(0.003), 0.7, n_skus)
    weight = vol * rng.uniform(120, 300, n_skus)
    margin = cost[sku] * rng.uniform(0.6, 1.5, n_p)
    sea, air, ffo = _freight(rng, vol, weight, sku, mkt, n_markets)
    hub_units = np.bincount(sku, weights=rate, minlength=n_skus) * hub_cover_days
    # What a forecast would hand over: quantiles of 28-day demand (gamma here).
    levels, grid = gamma_grid(rate * GRID_DAYS, std**2 * GRID_DAYS)
    return PlanProblem(
        as_of=as_of,
        hub="CN-SZX",
        skus=tuple(f"SKU-{i:06d}" for i in range(n_skus)),
        markets=tuple(f"M{j:02d}" for j in range(n_markets)),
        fcs=tuple(f"M{j:02d}-FC1" for j in range(n_markets)),
        modes=("sea", "air"),
        unit_cost=cost,
        unit_volume_m3=vol,
        **_supply(rng, n_skus, hub_units),
        pair_sku=sku,
        pair_market=mkt,
        pair_fc=mkt.copy(),
        demand_mean=rate,
        demand_std=std,
        margin=margin,
        **_pair_terms(rng, rate, sea, air, ffo),
        fc_free_m3=rng.uniform(2.0, 8.0, n_markets) * n_skus / 100,
        fc_hold_m3_day=rng.uniform(1.0, 1.7, n_markets),
        hub_hold_m3_day=0.9,
        budget=budget,
        demand_levels=levels,
        demand_grid=grid,
        demand_window_days=np.full(n_p, GRID_DAYS),
    )


def _freight(
    rng: np.random.Generator,
    vol: np.ndarray,
    weight: np.ndarray,
    sku: np.ndarray,
    mkt: np.ndarray,
    n_markets: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return per-pair sea, air and fulfil-from-origin cost per unit (USD)."""
    scale = rng.uniform(0.8, 1.3, n_markets)[mkt]
    sea = vol[sku] * 150.0 * scale
    air = np.maximum(weight, vol * 1e6 / 6000)[sku] * 5.0 * scale
    ffo = 2.5 + np.maximum(weight, vol * 1e6 / 8000)[sku] * 9.0 * scale
    return sea, air, ffo


def _supply(
    rng: np.random.Generator, n_skus: int, hub_units: np.ndarray
) -> dict[str, Any]:
    """Return case packs, MOQs, supplier lead times and hub stock per SKU."""
    return {
        "case_pack": rng.choice(np.array([1, 1, 2, 6, 12]), n_skus).astype(np.int64),
        "moq": rng.choice(np.array([0, 50, 100, 500]), n_skus).astype(np.int64),
        "supplier_lead_days": rng.uniform(15, 45, n_skus),
        "hub_available": np.floor(hub_units * rng.uniform(0.2, 1.5, n_skus)).astype(
            np.int64
        ),
        "hub_inbound": np.zeros(n_skus, np.int64),
    }


def _pair_terms(
    rng: np.random.Generator,
    rate: np.ndarray,
    sea: np.ndarray,
    air: np.ndarray,
    ffo: np.ndarray,
) -> dict[str, Any]:
    """Return origin terms, history, position and lanes per pair (draw order kept)."""
    n_p = len(rate)
    return {
        "ffo_extra_cost": np.maximum(ffo - 1.0, 0.0),
        "ffo_allowed": rng.random(n_p) > 0.1,
        "ffo_days": rng.uniform(8, 18, n_p),
        "history_days": np.where(rng.random(n_p) < 0.05, 0, 365).astype(np.int64),
        "history_units": rate * 365,
        "position": np.floor(rate * rng.uniform(0, 40, n_p)).astype(np.int64),
        "lane_cost": np.stack([sea, air], axis=1),
        "lane_days": np.stack([rng.uniform(30, 45, n_p), rng.uniform(7, 11, n_p)], 1),
        "lane_std_days": np.stack([np.full(n_p, 6.0), np.full(n_p, 2.0)], 1),
    }
