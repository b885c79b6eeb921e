"""Key figures of a run: service, inventory, capital, turns, cost and margin."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from worldpool.sim.scenario import FloatArray, Scenario

__all__ = ["DELIVERY_BUCKETS", "Kpis", "compute_kpis"]

DELIVERY_BUCKETS = ("0-1 days", "2-3 days", "4-7 days", "8+ days")
"""Promise buckets of the delivery-time mix (upper edges 1, 3, 7 days)."""


@dataclass(frozen=True, slots=True)
class Kpis:
    """Figures of one run over the simulated days; money in the scenario currency."""

    days: int
    """Simulated days (after warm-up)."""
    demand_units: float
    """Units demanded."""
    served_units: float
    """Units delivered (from FCs and from origin)."""
    served_origin_units: float
    """Units delivered as fulfil-from-origin parcels."""
    lost_units: float
    """Units not sold: no stock anywhere, or lost to the slow origin promise."""
    lost_slow_units: float
    """Of ``lost_units``, those lost because the promise was the slow parcel."""
    fill_rate: float
    """Served / demanded units, 0..1."""
    stockout_rate: float
    """Share of SKU-market-days with demand and no stock to serve it: the FC
    had none and origin could not (or might not) ship any, 0..1."""
    short_day_rate: float
    """Share of SKU-market-days with demand where some of it went unserved for
    want of stock (a partial fill counts), 0..1; >= ``stockout_rate``."""
    avg_inventory_units: dict[str, float]
    """Average end-of-day units by node: ``hub``, one per market FC, ``at sea``."""
    avg_inventory_value: dict[str, float]
    """Average inventory value at unit cost by node, same keys."""
    avg_on_hand_value: float
    """Average value on hand (hub + FCs), at unit cost."""
    capital_tied: float
    """Average value owned: on hand + at sea, at unit cost."""
    turnover: float
    """Inventory turns per year: cost of goods sold per year / avg on-hand value."""
    storage_cost: float
    """Storage at node rates (volume x rate per m³-day)."""
    capital_cost: float
    """Cost of capital on stock on hand and at sea."""
    transport_cost: float
    """Sea and air freight to FCs + origin parcels."""
    parcel_cost: float
    """Of ``transport_cost``, the fulfil-from-origin parcels."""
    air_freight_cost: float
    """Of ``transport_cost``, hub -> FC air freight."""
    lost_margin: float
    """Margin of the lost units (the shortage penalty)."""
    total_cost: float
    """Storage + capital + transport + shipment fixed costs + handling + lost margin."""
    revenue: float
    """Units served x price."""
    contribution_margin: float
    """Revenue - cost of goods sold - storage - capital - transport."""
    delivery_mix: dict[str, float]
    """Share of served units per promise bucket (see DELIVERY_BUCKETS)."""
    fill_rate_by_market: dict[str, float]
    """Fill rate per market, 0..1."""
    shipment_cost: float = 0.0
    """Fixed cost of the shipments into FCs (per lane departure, sea and air)."""
    handling_cost: float = 0.0
    """Handling: every unit received at an FC, every unit stored at the hub."""

    def to_dict(self) -> dict[str, object]:
        """Return the figures as plain data (JSON-ready)."""
        return asdict(self)


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else 1.0


def _fixed_costs(sc: Scenario, extra: dict[str, Any] | None) -> dict[str, FloatArray]:
    """Return shipment fixed cost and handling per SKU (S), in currency.

    A lane's shipment cost is shared by its SKUs in proportion to units shipped.
    """
    zero = np.zeros(len(sc.skus))
    if extra is None:
        return {"shipment": zero, "handling": zero}
    units = extra["handling_fc_units"]
    share = units / np.maximum(units.sum(axis=0), 1e-12)
    shipment = share @ extra["shipment_lane_cost"]
    inbound = float(extra.get("inbound_cost", 0.0))
    if inbound > 0:
        # Supplier -> hub deliveries, shared by the units delivered to the hub.
        hub = extra["inbound_units"]
        shipment = shipment + inbound * hub / max(float(hub.sum()), 1e-12)
    return {
        "shipment": shipment,
        "handling": units.sum(axis=1) * sc.handling_fc
        + extra["hub_received"] * sc.handling_hub,
    }


def _sku_costs(
    sc: Scenario, f: dict[str, FloatArray], hub_days: FloatArray
) -> dict[str, FloatArray]:
    owned_days = f["fc_days"].sum(axis=1) + f["transit_days"].sum(axis=1) + hub_days
    parcel = (f["served_origin"] * sc.parcel_cost).sum(axis=1) + (
        f["parcels"] @ sc.parcel_fixed
    )
    lost = (f["lost_stock"] + f["lost_slow"]).sum(axis=1)
    return {
        "storage": (f.get("fc_days_rated", f["fc_days"]) * sc.holding_fc).sum(axis=1)
        + hub_days * sc.holding_hub,
        "capital": owned_days * sc.capital_day,
        "sea": (f["shipped"] * sc.sea_cost).sum(axis=1),
        "air": np.zeros(len(sc.skus))
        if sc.air_cost is None
        else (f["shipped_air"] * sc.air_cost).sum(axis=1),
        "parcel": parcel,
        "lost": lost * sc.margin,
    }


def _delivery_mix(
    sc: Scenario, f: dict[str, FloatArray], origin_buckets: FloatArray
) -> dict[str, float]:
    fc_bucket = np.searchsorted(np.array([1.0, 3.0, 7.0]), sc.fc_delivery_days)
    units = origin_buckets + np.bincount(
        fc_bucket, weights=f["served_fc"].sum(axis=0), minlength=len(DELIVERY_BUCKETS)
    )
    total = float(units.sum())
    return {
        k: _ratio(float(u), total) if total else 0.0
        for k, u in zip(DELIVERY_BUCKETS, units, strict=True)
    }


def _inventory(
    sc: Scenario, f: dict[str, FloatArray], hub_days: FloatArray, days: int
) -> tuple[dict[str, float], dict[str, float]]:
    c = sc.unit_cost
    units = {"hub": float(hub_days.sum()) / days}
    value = {"hub": float(c @ hub_days) / days}
    fc_units = f["fc_days"].sum(axis=0) / days
    fc_value = (c @ f["fc_days"]) / days
    for j, market in enumerate(sc.markets):
        units[market] = float(fc_units[j])
        value[market] = float(fc_value[j])
    units["at sea"] = float(f["transit_days"].sum()) / days
    value["at sea"] = float((c @ f["transit_days"]).sum()) / days
    return units, value


def compute_kpis(
    sc: Scenario,
    f: dict[str, FloatArray],
    hub_days: FloatArray,
    origin_buckets: FloatArray,
    transit_value: FloatArray,
    extra: dict[str, Any] | None = None,
) -> tuple[Kpis, FloatArray]:
    """Return the KPIs of a run and its total cost per SKU (S), in currency.

    Args:
        sc: The scenario.
        f: Flow totals (S, M) by name: demand, served_fc, served_origin,
            lost_stock, lost_slow, stockout_days, short_days, demand_days,
            parcels, shipped,
            shipped_air, fc_days and transit_days (units or unit-days).
        hub_days: Hub unit-days per SKU (S).
        origin_buckets: Origin units served per delivery bucket.
        transit_value: Value at sea per simulated day, in currency.
        extra: Shipment departures, handled units and per-stream day counts
            (``Tally._extra``); None = none of them.
    """
    days = len(transit_value)
    costs = _sku_costs(sc, f, hub_days) | _fixed_costs(sc, extra)
    sku_cost = sum(costs.values(), np.zeros(len(sc.skus)))
    units, value = _inventory(sc, f, hub_days, days)
    on_hand = sum(v for k, v in value.items() if k != "at sea")
    served = (f["served_fc"] + f["served_origin"]).sum(axis=1)
    cogs = float((served * sc.unit_cost).sum())
    revenue = float((served * sc.unit_price).sum())
    total = {k: float(v.sum()) for k, v in costs.items()}
    transport = total["sea"] + total["air"] + total["parcel"]
    kpis = Kpis(
        days=days,
        **_service_fields(sc, f, None if extra is None else extra["streams"]),
        avg_inventory_units=units,
        avg_inventory_value=value,
        avg_on_hand_value=on_hand,
        capital_tied=on_hand + value["at sea"],
        turnover=_ratio(cogs * 365.0 / days, on_hand),
        storage_cost=total["storage"],
        capital_cost=total["capital"],
        transport_cost=transport,
        parcel_cost=total["parcel"],
        air_freight_cost=total["air"],
        lost_margin=total["lost"],
        total_cost=float(sku_cost.sum()),
        revenue=revenue,
        contribution_margin=revenue
        - cogs
        - total["storage"]
        - total["capital"]
        - transport
        - total["shipment"]
        - total["handling"],
        delivery_mix=_delivery_mix(sc, f, origin_buckets),
        shipment_cost=total["shipment"],
        handling_cost=total["handling"],
    )
    return kpis, sku_cost


def _service_fields(
    sc: Scenario, f: dict[str, FloatArray], streams: dict[str, FloatArray] | None
) -> dict[str, Any]:
    """Return the unit and rate KPIs: demand, served, lost, fill, stock-outs.

    With ``streams`` (per-stream day counts) the stock-out and short-day rates
    are per stream-day, as for stream-level stock.
    """
    demand = float(f["demand"].sum())
    served_fc, served_origin = (
        float(f["served_fc"].sum()),
        float(f["served_origin"].sum()),
    )
    demand_days = float(f["demand_days"].sum())
    out_days, short_days = float(f["stockout_days"].sum()), float(f["short_days"].sum())
    if streams is not None:
        demand_days = float(streams["demand"].sum())
        out_days, short_days = (
            float(streams["stockout"].sum()),
            float(streams["short"].sum()),
        )
    served = (f["served_fc"] + f["served_origin"]).sum(axis=0)
    by_market = f["demand"].sum(axis=0)
    return {
        "demand_units": demand,
        "served_units": served_fc + served_origin,
        "served_origin_units": served_origin,
        "lost_units": float(f["lost_stock"].sum() + f["lost_slow"].sum()),
        "lost_slow_units": float(f["lost_slow"].sum()),
        "fill_rate": _ratio(served_fc + served_origin, demand),
        "stockout_rate": _ratio(out_days, demand_days) if demand else 0.0,
        "short_day_rate": _ratio(short_days, demand_days) if demand else 0.0,
        "fill_rate_by_market": {
            m: _ratio(float(served[j]), float(by_market[j]))
            for j, m in enumerate(sc.markets)
        },
    }
