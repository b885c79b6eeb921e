"""Running totals of one simulation run, turned into a SimResult at the end."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from worldpool.sim.kpi import DELIVERY_BUCKETS, compute_kpis
from worldpool.sim.protocol import Network
from worldpool.sim.result import SimResult
from worldpool.sim.scenario import FloatArray, Scenario, TransitDraws
from worldpool.sim.suppliers import group_sum

__all__ = ["Tally"]

_EDGES = np.array([1.0, 3.0, 7.0])


def bucket_of(days: FloatArray) -> np.ndarray:
    """Return the delivery bucket index of each promise, in days (same shape)."""
    return np.searchsorted(_EDGES, days, side="left")


class Tally:
    """Accumulates flows (S, M), unit-days and daily series by node."""

    def __init__(self, sc: Scenario, start: int, draws: TransitDraws) -> None:
        s, m = len(sc.skus), len(sc.markets)
        n = sc.days - start
        self.sc, self.start = sc, start
        self.parcel_days = draws.parcel_days
        names = (
            "demand",
            "served_fc",
            "served_origin",
            "lost_stock",
            "lost_slow",
            "stockout_days",
            "short_days",
            "demand_days",
            "parcels",
            "shipped",
            "shipped_air",
            "fc_days",
            "transit_days",
            "fc_days_rated",
        )
        self.flows: dict[str, FloatArray] = {k: np.zeros((s, m)) for k in names}
        self.hub_days = np.zeros(s)
        self.fc_units = np.zeros((n, m))
        self.fc_value = np.zeros((n, m))
        self.hub_units = np.zeros(n)
        self.hub_value = np.zeros(n)
        self.transit_value = np.zeros(n)
        self.origin_buckets = np.zeros(len(DELIVERY_BUCKETS))
        self.shipments = np.zeros((2, m))
        """Shipment departures per lane: row 0 sea, row 1 air (M)."""
        self.departed = np.full((2, m), -1, dtype=np.int64)
        """Last day each lane departed (row 0 sea, row 1 air), -1 = never."""
        self.hub_received = np.zeros(s)
        """Units put away at the hub (handled there) per SKU (S)."""
        self.by_supplier = sc.supplier is not None
        """Supplier shipments counted per (supplier, lane), hub's per lane."""
        groups = sc.suppliers
        self.supplier_shipments = np.zeros((groups, m))
        """Sea departures per (supplier, lane) of supplier-shipped units (G, M)."""
        self.supplier_departed = np.full((groups, m), -1, dtype=np.int64)
        self.inbound_units = np.zeros(s)
        """Units delivered supplier -> hub per SKU (S), when suppliers are modelled."""
        self.inbound_trips = 0
        """Supplier -> hub deliveries (one per supplier and order day with units)."""
        k = 0 if sc.stream_node is None else len(sc.stream_node)
        self.streams = {n: np.zeros(k) for n in ("stockout", "short", "demand")}
        """Per-stream day counts when nodes serve several streams (K)."""

    def shipment(
        self, t: int, units: FloatArray, air: bool, direct: bool = False
    ) -> None:
        """Count one departure on every lane that carries units on day t (S, M).

        Units leaving one lane the same day travel as one shipment (a direct
        buy cross-docked at the hub rides with the hub's transfer), so a lane
        is counted at most once a day. When suppliers are modelled, units a
        supplier ships itself (``direct``) count once per (supplier, lane)
        and day, apart from the hub's consolidated shipments.
        """
        if direct and self.by_supplier:
            assert self.sc.supplier is not None
            sent = group_sum(units, self.sc.supplier, self.sc.suppliers) > 0
            self.supplier_shipments += sent & (self.supplier_departed != t)
            self.supplier_departed[sent] = t
            return
        lanes = units.sum(axis=0) > 0
        row = int(air)
        self.shipments[row] += lanes & (self.departed[row] != t)
        self.departed[row][lanes] = t

    def inbound(self, units: FloatArray) -> None:
        """Count one supplier -> hub delivery per supplier with units today (S)."""
        if not self.by_supplier or not units.any():
            return
        assert self.sc.supplier is not None
        self.inbound_units += units
        per = np.bincount(self.sc.supplier, weights=units, minlength=self.sc.suppliers)
        self.inbound_trips += int((per > 0).sum())

    @property
    def shipped(self) -> FloatArray:
        """Units sent by sea towards FCs so far (S, M)."""
        return self.flows["shipped"]

    @shipped.setter
    def shipped(self, value: FloatArray) -> None:
        """Replace the units sent by sea (S, M)."""
        self.flows["shipped"] = value

    def serve(
        self,
        t: int,
        demand: FloatArray,
        served_fc: FloatArray,
        lost_stock: FloatArray,
        origin: FloatArray | None,
        lost_slow: FloatArray | None,
    ) -> None:
        """Add one day's demand, service and losses (units, (S, M))."""
        f = self.flows
        f["demand"] += demand
        f["served_fc"] += served_fc
        f["lost_stock"] += lost_stock
        asked = demand > 0
        short = lost_stock > 1e-9
        f["demand_days"] += asked
        f["short_days"] += short
        if origin is None or lost_slow is None:
            # No stock to serve: nothing left the FC (and nothing from origin).
            out = short & (served_fc <= 1e-9)
        else:
            out = short & (served_fc + origin + lost_slow <= 1e-9)
        f["stockout_days"] += out
        if self.sc.stream_demand is not None and self.sc.stream_node is not None:
            self._streams(t, out, short)
        if origin is None or lost_slow is None:
            return
        f["served_origin"] += origin
        f["lost_slow"] += lost_slow
        f["parcels"] += origin > 1e-9
        by_market = origin.sum(axis=0)
        buckets = bucket_of(self.parcel_days[t])
        self.origin_buckets += np.bincount(
            buckets, weights=by_market, minlength=len(DELIVERY_BUCKETS)
        )

    def _streams(
        self, t: int, out: NDArray[np.bool_], short: NDArray[np.bool_]
    ) -> None:
        """Count stock-out, short and demand days per stream (node shared pro rata)."""
        assert self.sc.stream_demand is not None and self.sc.stream_node is not None
        asked = self.sc.stream_demand[t] > 0
        node = self.sc.stream_node
        self.streams["demand"] += asked.sum(axis=0)
        self.streams["stockout"] += (asked & out[:, node]).sum(axis=0)
        self.streams["short"] += (asked & short[:, node]).sum(axis=0)

    def record(
        self,
        t: int,
        fc: FloatArray,
        hub: FloatArray,
        transit: FloatArray,
    ) -> None:
        """Record end-of-day stock on hand (S, M), at the hub (S) and at sea."""
        i = t - self.start
        cost = self.sc.unit_cost
        self.flows["fc_days"] += fc
        peak = self.sc.fc_peak
        self.flows["fc_days_rated"] += fc if peak is None else fc * peak[t]
        self.flows["transit_days"] += transit
        self.hub_days += hub
        self.fc_units[i] = fc.sum(axis=0)
        self.fc_value[i] = cost @ fc
        self.hub_units[i] = hub.sum()
        self.hub_value[i] = cost @ hub
        self.transit_value[i] = (cost @ transit).sum()

    def _extra(self) -> dict[str, object]:
        """Return shipment, handling and per-stream counts for the KPIs."""
        sc = self.sc
        zero = np.zeros(len(sc.markets))
        sea = zero if sc.shipment_fixed is None else sc.shipment_fixed
        air = zero if sc.shipment_fixed_air is None else sc.shipment_fixed_air
        departures = self.shipments[0] + self.supplier_shipments.sum(axis=0)
        return {
            "shipment_lane_cost": departures * sea + self.shipments[1] * air,
            "inbound_cost": self.inbound_trips * sc.inbound_fixed,
            "inbound_units": self.inbound_units,
            "handling_fc_units": self.flows["shipped"] + self.flows["shipped_air"],
            "hub_received": self.hub_received,
            "streams": self.streams if sc.stream_node is not None else None,
        }

    def result(self, name: str, network: Network, service: float) -> SimResult:
        """Return the finished run's result."""
        kpis, sku_cost = compute_kpis(
            self.sc,
            self.flows,
            self.hub_days,
            self.origin_buckets,
            self.transit_value,
            extra=self._extra(),
        )
        return SimResult(
            policy=name,
            network=network,
            service=service,
            kpis=kpis,
            sku_cost=sku_cost,
            start_day=self.start,
            fc_units=self.fc_units,
            fc_value=self.fc_value,
            hub_units=self.hub_units,
            hub_value=self.hub_value,
            transit_value=self.transit_value,
        )
