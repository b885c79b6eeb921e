"""Scenario: demand replayed day by day, SKU economics and the network as arrays."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

__all__ = ["FloatArray", "IntArray", "Scenario", "TransitDraws", "draw_transits"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_Z90 = 1.2815515655446004


@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    """An immutable twin problem: S SKUs x M markets x T days, money in one currency.

    Shapes: ``(T, S, M)`` for demand, ``(S, M)`` per SKU-market, ``(S,)`` per
    SKU, ``(M,)`` per market. Build it from a long frame with
    :func:`worldpool.sim.scenario_from_frame`.
    """

    skus: tuple[str, ...]
    """SKU ids, in array order (S)."""
    markets: tuple[str, ...]
    """Market ids (marketplaces or stores), in array order (M)."""
    start: date
    """Calendar date of day 0."""
    demand: NDArray[np.float32]
    """Units demanded per day, shape (T, S, M); days without a sale are 0."""
    unit_cost: FloatArray
    """Purchase cost per unit, in ``currency`` (S). [c]"""
    unit_price: FloatArray
    """Selling price per unit, in ``currency`` (S). [p]"""
    holding_fc: FloatArray
    """FC storage cost per unit per day, in ``currency`` (S, M)."""
    holding_hub: FloatArray
    """Hub storage cost per unit per day, in ``currency`` (S)."""
    capital_day: FloatArray
    """Cost of capital per unit per day owned (on hand or at sea), ``currency`` (S)."""
    sea_cost: FloatArray
    """Sea freight hub -> FC per unit, in ``currency`` (S, M)."""
    parcel_cost: FloatArray
    """Fulfil-from-origin parcel cost per unit (weight part), ``currency`` (S, M)."""
    parcel_fixed: FloatArray
    """Fulfil-from-origin cost per parcel (one per SKU-market-day), ``currency`` (M)."""
    sea_transit: FloatArray
    """Hub -> FC sea transit P50 and P90, in days (M, 2)."""
    parcel_transit: FloatArray
    """Hub -> shopper parcel transit P50 and P90, in days (M, 2)."""
    fc_delivery_days: FloatArray
    """Median FC -> shopper delivery time, in days (M)."""
    ffo_loss: FloatArray
    """Share of demand lost when the promise is the slow origin parcel (M), 0..1."""
    supplier_lead_days: int = 14
    """Supplier production lead time to the origin (hub) in days. [L_s]"""
    currency: str = "USD"
    """ISO 4217 code of every money array."""
    air_cost: FloatArray | None = None
    """Air freight hub -> FC per unit, in ``currency`` (S, M); None = no air lane."""
    air_transit: FloatArray | None = None
    """Hub -> FC air transit P50 and P90, in days (M, 2); set with ``air_cost``."""
    origin_max_units: FloatArray | None = None
    """Most units of a SKU one fulfil-from-origin parcel may carry (S): the
    routing rules' parcel value and weight limits; None = no limit."""
    origin_cleared: NDArray[np.bool_] | None = None
    """Where a SKU may ship from origin at all (S, M): the routing rules'
    clearance (loose lithium, the SKU's FFO markets); None = everywhere."""
    market_place: tuple[str, ...] | None = None
    """Marketplace (country market) of each market (M): several channels of
    one marketplace share it; None = every market is its own marketplace."""
    fc_peak: FloatArray | None = None
    """Multiplier of ``holding_fc`` per day and market (T, M): the rate
    table's peak months (FBA Oct-Dec); None = 1 every day."""
    shipment_fixed: FloatArray | None = None
    """Fixed cost of one sea shipment into each market's FC (M), ``currency``:
    paid once per departure day with any units; None = 0."""
    shipment_fixed_air: FloatArray | None = None
    """Fixed cost of one air consignment into each market's FC (M); None = 0."""
    handling_fc: float = 0.0
    """Handling per unit received at an FC, in ``currency``."""
    handling_hub: float = 0.0
    """Handling per unit stored at the hub (not cross-docked), in ``currency``."""
    lane_review_days: IntArray | None = None
    """Days between shipments on each market's lane (M), multiples of the
    twin's review period; None = every review."""
    stream_demand: NDArray[np.float32] | None = None
    """Demand per original stream (T, S, K) when the markets are stock nodes
    that each serve several streams (:func:`worldpool.sim.apply_topology`);
    stock-out days are then counted per stream. None = markets are streams."""
    stream_node: IntArray | None = None
    """Node (market index) serving each stream (K), set with ``stream_demand``."""
    supplier: IntArray | None = None
    """Supplier (factory) index of each SKU, 0..G-1 (S): split's orders and a
    pooled network's direct buys ship per (supplier, lane) and pay the fixed
    shipment cost per supplier departure; the hub consolidates every supplier
    per lane. None = one supplier whose direct buys ride with the hub's
    transfers (the model before suppliers; :mod:`worldpool.sim.suppliers`)."""
    supplier_review_days: IntArray | None = None
    """Days between shipments of each supplier on each lane (G, M), set with
    ``supplier``; None = each lane's ``lane_review_days``."""
    inbound_fixed: float = 0.0
    """Fixed cost of one supplier -> hub delivery (domestic trucking), in
    ``currency``, per supplier and day with units bought for the hub; only
    charged when ``supplier`` is set."""

    def __post_init__(self) -> None:
        _, s, m = self.demand.shape
        if (s, m) != (len(self.skus), len(self.markets)):
            raise ValueError(
                f"demand has shape {self.demand.shape}, expected (T, "
                f"{len(self.skus)}, {len(self.markets)})"
            )
        for name in ("unit_cost", "unit_price", "holding_hub", "capital_day"):
            _check_shape(name, getattr(self, name), (s,))
        for name in ("holding_fc", "sea_cost", "parcel_cost"):
            _check_shape(name, getattr(self, name), (s, m))
        for name in ("parcel_fixed", "fc_delivery_days", "ffo_loss"):
            _check_shape(name, getattr(self, name), (m,))
        _check_shape("sea_transit", self.sea_transit, (m, 2))
        _check_shape("parcel_transit", self.parcel_transit, (m, 2))
        if (self.air_cost is None) != (self.air_transit is None):
            raise ValueError("air_cost and air_transit go together (both or neither)")
        self._check_optional(s, m)
        if (self.stream_demand is None) != (self.stream_node is None):
            raise ValueError("stream_demand and stream_node go together")
        if np.any(self.demand < 0):
            raise ValueError("demand holds negative units")
        if self.supplier_lead_days < 0:
            raise ValueError(f"supplier_lead_days={self.supplier_lead_days} < 0")
        self._check_suppliers(s, m)

    def _check_suppliers(self, s: int, m: int) -> None:
        """Check the supplier index (S) and its cadence (G, M) when set."""
        if self.supplier is None:
            if self.supplier_review_days is not None:
                raise ValueError("supplier_review_days needs supplier")
            return
        _check_shape("supplier", self.supplier, (s,))
        if s and int(self.supplier.min()) < 0:
            raise ValueError("supplier holds a negative index")
        cadence = self.supplier_review_days
        if cadence is not None and (
            cadence.ndim != 2
            or cadence.shape[1] != m
            or (s > 0 and len(cadence) <= int(self.supplier.max()))
        ):
            raise ValueError(
                f"Scenario.supplier_review_days has shape {cadence.shape}, "
                f"expected (G, {m}) with a row for every supplier index"
            )

    def _check_optional(self, s: int, m: int) -> None:
        """Check the shapes of the optional arrays that are set."""
        shapes = {
            "air_cost": (s, m),
            "air_transit": (m, 2),
            "origin_max_units": (s,),
            "origin_cleared": (s, m),
            "fc_peak": (self.days, m),
            "shipment_fixed": (m,),
            "shipment_fixed_air": (m,),
            "lane_review_days": (m,),
        }
        for name, shape in shapes.items():
            value = getattr(self, name)
            if value is not None:
                _check_shape(name, value, shape)

    @property
    def days(self) -> int:
        """Number of days T in the demand history."""
        return int(self.demand.shape[0])

    @property
    def suppliers(self) -> int:
        """Number of supplier indices G (1 when ``supplier`` is None).

        The rows of ``supplier_review_days`` when set (a SKU subset keeps them).
        """
        if self.supplier is None or not len(self.supplier):
            return 1
        top = int(self.supplier.max()) + 1
        rows = self.supplier_review_days
        return top if rows is None else max(top, len(rows))

    @property
    def margin(self) -> FloatArray:
        """Unit margin before logistics, price - cost, in ``currency`` (S). [m]."""
        return np.maximum(self.unit_price - self.unit_cost, 0.0)

    @property
    def has_air(self) -> bool:
        """True when hub -> FC air lanes are part of the scenario."""
        return self.air_cost is not None

    def sea_moments(self) -> tuple[FloatArray, FloatArray]:
        """Return mean and variance of the sea transit (days, days²) per market."""
        return _moments(self.sea_transit)

    def air_moments(self) -> tuple[FloatArray, FloatArray]:
        """Return mean and variance of the air transit (days, days²) per market.

        Raises:
            ValueError: when the scenario has no air lanes.
        """
        if self.air_transit is None:
            raise ValueError("the scenario has no air lanes")
        return _moments(self.air_transit)

    def subset(self, sku_index: IntArray) -> Scenario:
        """Return the scenario restricted to the SKUs at ``sku_index`` (positions)."""
        idx = np.asarray(sku_index, dtype=np.int64)
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        fields["skus"] = tuple(self.skus[i] for i in idx)
        fields["demand"] = np.ascontiguousarray(self.demand[:, idx, :])
        for name in (
            "unit_cost",
            "unit_price",
            "holding_hub",
            "capital_day",
            "holding_fc",
            "sea_cost",
            "parcel_cost",
        ):
            fields[name] = getattr(self, name)[idx]
        if self.air_cost is not None:
            fields["air_cost"] = self.air_cost[idx]
        if self.origin_max_units is not None:
            fields["origin_max_units"] = self.origin_max_units[idx]
        if self.origin_cleared is not None:
            fields["origin_cleared"] = self.origin_cleared[idx]
        if self.supplier is not None:
            fields["supplier"] = self.supplier[idx]
        if self.stream_demand is not None:
            fields["stream_demand"] = np.ascontiguousarray(self.stream_demand[:, idx])
        return Scenario(**fields)


@dataclass(frozen=True, slots=True, eq=False)
class TransitDraws:
    """Realised transit times, one draw per day and market (seeded)."""

    sea_days: IntArray
    """Sea transit of a hub -> FC shipment leaving on day t, whole days (T, M)."""
    parcel_days: FloatArray
    """Parcel transit of an origin shipment leaving on day t, in days (T, M)."""
    air_days: IntArray | None = None
    """Air transit of a hub -> FC shipment leaving on day t, whole days (T, M);
    None when the scenario has no air lanes."""


def _check_shape(name: str, array: NDArray[np.generic], shape: tuple[int, ...]) -> None:
    if array.shape != shape:
        raise ValueError(f"Scenario.{name} has shape {array.shape}, expected {shape}")


def _moments(transit: FloatArray) -> tuple[FloatArray, FloatArray]:
    mu, sigma = _lognormal(transit)
    mean = np.exp(mu + sigma**2 / 2)
    var = (np.exp(sigma**2) - 1) * np.exp(2 * mu + sigma**2)
    return mean, var


def _whole_days(
    rng: np.random.Generator, transit: FloatArray, shape: tuple[int, int]
) -> IntArray:
    mu, sigma = _lognormal(transit)
    days = np.ceil(rng.lognormal(mu, sigma, size=shape))
    return np.clip(days, 1, np.ceil(3 * transit[:, 1])).astype(np.int64)


def _lognormal(transit: FloatArray) -> tuple[FloatArray, FloatArray]:
    mu = np.log(transit[:, 0])
    sigma = np.maximum(np.log(transit[:, 1]) - mu, 0.0) / _Z90
    return mu, sigma


def draw_transits(scenario: Scenario, seed: int) -> TransitDraws:
    """Sample transit times from each lane's log-normal fitted to its P50/P90.

    Args:
        scenario: The scenario (its ``sea_transit`` and ``parcel_transit``).
        seed: Seed of the NumPy generator; the same seed gives the same draws.

    Returns:
        Sea (and air) transits rounded up to whole days (at least 1, at most
        3 x P90) and parcel transits in days, one per (day, market). Air is
        drawn last, so adding air lanes leaves the sea and parcel draws alone.
    """
    rng = np.random.default_rng(seed)
    shape = (scenario.days, len(scenario.markets))
    sea_days = _whole_days(rng, scenario.sea_transit, shape)
    pmu, psigma = _lognormal(scenario.parcel_transit)
    parcel = rng.lognormal(pmu, psigma, size=shape)
    air = scenario.air_transit
    air_days = None if air is None else _whole_days(rng, air, shape)
    return TransitDraws(sea_days=sea_days, parcel_days=parcel, air_days=air_days)


def max_sea_days(scenario: Scenario) -> int:
    """Return the longest hub -> FC transit a draw can take (sea or air), in days."""
    longest = float(np.max(scenario.sea_transit[:, 1]))
    if scenario.air_transit is not None:
        longest = max(longest, float(np.max(scenario.air_transit[:, 1])))
    return math.ceil(3 * longest)
