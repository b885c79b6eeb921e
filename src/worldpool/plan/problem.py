"""The planning problem: immutable NumPy arrays over SKUs, (SKU, market) pairs and FCs.

Index sets: ``S`` SKUs, ``P`` pairs (one SKU in one marketplace, served by at
most one FC), ``F`` fulfilment centres and ``M`` inbound modes (``sea``,
``air`` ...). Money is float64 in one currency; quantities are units; times
are days. Build one with :func:`worldpool.plan.problem_from_records` or by hand
(the digital twin does the latter).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
from numpy.typing import NDArray

from worldpool.demand.dist import gamma_grid
from worldpool.errors import InputError

__all__ = ["GRID_DAYS", "FloatArray", "IntArray", "PlanProblem"]

GRID_DAYS = 28.0
"""Window of the gamma grid built for a problem given only daily moments, in days."""

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True, eq=False)
class PlanProblem:
    """Everything one planning run needs, as arrays (no database, no catalog)."""

    as_of: date
    """Day the plan is made for (ship-by dates count from it)."""
    hub: str
    """Origin hub id holding the pool."""
    skus: tuple[str, ...]
    """SKU ids, index ``s``."""
    markets: tuple[str, ...]
    """Marketplace ids, index ``k``."""
    fcs: tuple[str, ...]
    """FC ids, index ``f``."""
    modes: tuple[str, ...]
    """Inbound modes hub -> FC, index ``j`` (e.g. ``("sea", "air")``)."""
    unit_cost: FloatArray
    """(S,) landed-at-hub cost per unit, in currency. [c]"""
    unit_volume_m3: FloatArray
    """(S,) packed volume per unit, in m³. [v]"""
    case_pack: IntArray
    """(S,) units per case; transfers and orders are whole cases."""
    moq: IntArray
    """(S,) supplier minimum order quantity, in units."""
    supplier_lead_days: FloatArray
    """(S,) supplier lead time to the hub, in days. [L_s]"""
    hub_available: IntArray
    """(S,) hub on hand minus reserved, in units."""
    hub_inbound: IntArray
    """(S,) units already ordered from the supplier, not yet received."""
    pair_sku: IntArray
    """(P,) SKU index of each pair."""
    pair_market: IntArray
    """(P,) marketplace index of each pair."""
    pair_fc: IntArray
    """(P,) FC index serving the pair locally, -1 when there is none."""
    demand_mean: FloatArray
    """(P,) mean daily demand at a local promise, in units/day. [mu]"""
    demand_std: FloatArray
    """(P,) standard deviation of daily demand, in units/day. [sigma]"""
    margin: FloatArray
    """(P,) contribution margin of one sale, in currency. [m]"""
    ffo_extra_cost: FloatArray
    """(P,) extra cost of serving a unit from origin instead of locally. [c_x]"""
    ffo_allowed: BoolArray
    """(P,) True when fulfil-from-origin may serve the market."""
    ffo_days: FloatArray
    """(P,) median fulfil-from-origin delivery time, in days."""
    history_days: IntArray
    """(P,) days since the first sale in the market (0 = new). """
    history_units: FloatArray
    """(P,) units sold in the market so far."""
    position: IntArray
    """(P,) FC on hand - reserved + in transit for the pair's SKU, in units."""
    lane_cost: FloatArray
    """(P, M) freight per unit hub -> FC by mode, in currency; inf = no lane. [t]"""
    lane_days: FloatArray
    """(P, M) mean transit time by mode, in days. [L]"""
    lane_std_days: FloatArray
    """(P, M) standard deviation of the transit time, in days. [sigma_L]"""
    fc_free_m3: FloatArray
    """(F,) free storage at each FC now, in m³."""
    fc_hold_m3_day: FloatArray
    """(F,) storage cost per m³ per day at each FC, in currency. [h_f]"""
    hub_hold_m3_day: float
    """Storage cost per m³ per day at the hub, in currency. [h_0]"""
    budget: float = float("inf")
    """Cash this plan may commit (freight + purchase orders), in currency. [B]"""
    currency: str = "USD"
    """ISO 4217 code of every money array."""
    demand_levels: FloatArray | None = None
    """(K,) probability levels of the demand grid, starting at 0 (see
    :func:`worldpool.demand.dist.anchored`); None: a gamma law on the moments."""
    demand_grid: FloatArray | None = None
    """(P, K) quantiles of demand over ``demand_window_days`` at
    ``demand_levels``, in units: the forecast's own quantile function."""
    demand_window_days: FloatArray | None = None
    """(P,) window of ``demand_grid``, in days. [H]"""

    def grid(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Return (levels, quantile grid, window days) of every pair's demand.

        The forecast's grid when the problem carries one; else the grid of a
        gamma law matched on the daily moments over :data:`GRID_DAYS`.
        """
        if self.demand_grid is not None and self.demand_levels is not None:
            window = self.demand_window_days
            days = np.full(self.n_pairs, GRID_DAYS) if window is None else window
            return self.demand_levels, self.demand_grid, days
        days = np.full(self.n_pairs, GRID_DAYS)
        levels, grid = gamma_grid(
            self.demand_mean * GRID_DAYS, self.demand_std**2 * GRID_DAYS
        )
        return levels, grid, days

    def __post_init__(self) -> None:
        n_s, n_p, n_m = len(self.skus), len(self.pair_sku), len(self.modes)
        if n_m == 0:
            raise InputError(
                "needs at least one inbound mode", record="PlanProblem", field="modes"
            )
        shapes = {
            "unit_cost": (n_s,),
            "unit_volume_m3": (n_s,),
            "case_pack": (n_s,),
            "moq": (n_s,),
            "supplier_lead_days": (n_s,),
            "hub_available": (n_s,),
            "hub_inbound": (n_s,),
            "pair_market": (n_p,),
            "pair_fc": (n_p,),
            "demand_mean": (n_p,),
            "demand_std": (n_p,),
            "margin": (n_p,),
            "ffo_extra_cost": (n_p,),
            "ffo_allowed": (n_p,),
            "ffo_days": (n_p,),
            "history_days": (n_p,),
            "history_units": (n_p,),
            "position": (n_p,),
            "lane_cost": (n_p, n_m),
            "lane_days": (n_p, n_m),
            "lane_std_days": (n_p, n_m),
            "fc_free_m3": (len(self.fcs),),
            "fc_hold_m3_day": (len(self.fcs),),
        }
        if self.demand_grid is not None:
            k = len(self.demand_levels) if self.demand_levels is not None else -1
            shapes.update(demand_grid=(n_p, k), demand_window_days=(n_p,))
        for name, shape in shapes.items():
            got = np.shape(getattr(self, name))
            if got != shape:
                raise InputError(
                    f"expected shape {shape}",
                    record="PlanProblem",
                    field=name,
                    value=got,
                )
        self._check_values()

    def _check_values(self) -> None:
        bad = {
            "demand_mean": ~(self.demand_mean >= 0),
            "demand_std": ~(self.demand_std >= 0),
            "case_pack": self.case_pack < 1,
            "moq": self.moq < 0,
            "unit_volume_m3": ~(self.unit_volume_m3 >= 0),
        }
        for name, mask in bad.items():
            if mask.any():
                i = int(np.flatnonzero(mask)[0])
                raise InputError(
                    "must be non-negative (case packs >= 1)",
                    record="PlanProblem",
                    row=i,
                    field=name,
                    value=getattr(self, name)[i].item(),
                )
        ranges = {
            "pair_sku": (self.pair_sku, 0, len(self.skus)),
            "pair_market": (self.pair_market, 0, len(self.markets)),
            "pair_fc": (self.pair_fc, -1, len(self.fcs)),
        }
        for name, (idx, lo, hi) in ranges.items():
            if len(idx) and (idx.min() < lo or idx.max() >= hi):
                raise InputError(
                    f"index out of range [{lo}, {hi})",
                    record="PlanProblem",
                    field=name,
                )

    @property
    def n_pairs(self) -> int:
        """Number of (SKU, market) pairs. [P]."""
        return len(self.pair_sku)

    def fingerprint(self) -> str:
        """Return a BLAKE2b digest of every input (arrays, ids, budget, day)."""
        h = hashlib.blake2b(digest_size=16)
        for f in fields(self):
            value = getattr(self, f.name)
            h.update(f.name.encode())
            if isinstance(value, np.ndarray):
                h.update(str(value.dtype).encode())
                h.update(np.ascontiguousarray(value).tobytes())
            else:
                h.update(repr(value).encode())
        return h.hexdigest()
