"""Build a Scenario from a long demand frame (sku, market, date, units) and the catalog.

Markets are marketplace ids (``UK``, ``DE`` ...), Online Retail II customer
countries (mapped by :data:`COUNTRY_TO_MARKETPLACE`), or any other label such
as an M5 store id, which then takes the economics of ``BuildParams.stores_as``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from worldpool.catalog import Catalog
from worldpool.catalog.rates import RateTable
from worldpool.domain.network import Lane, Mode, Node
from worldpool.orders.rules import RoutingParams
from worldpool.sim.clearance import origin_cleared
from worldpool.sim.scenario import FloatArray, Scenario

__all__ = [
    "COUNTRY_TO_MARKETPLACE",
    "BuildParams",
    "read_demand",
    "scenario_from_frame",
]

COUNTRY_TO_MARKETPLACE: Mapping[str, str] = {
    "United Kingdom": "UK",
    "Germany": "DE",
    "France": "FR",
    "EIRE": "IE",
    "Netherlands": "NL",
    "Spain": "ES",
    "Belgium": "BE",
    "Italy": "IT",
    "Sweden": "SE",
    "Poland": "PL",
    "Australia": "AU",
    "Japan": "JP",
    "United Arab Emirates": "AE",
    "USA": "US",
    "Singapore": "SG",
    "Canada": "CA",
    "RSA": "ZA",
    "Brazil": "BR",
    "Saudi Arabia": "SA",
}
"""Online Retail II customer country -> worldpool marketplace (demo PROVENANCE.md)."""


@dataclass(frozen=True, slots=True)
class BuildParams:
    """Assumptions used where the demand file says nothing (all editable)."""

    hub: str = "CN-SZX"
    """Origin hub node id holding the pool (and the supplier's location)."""
    stores_as: str | None = None
    """Marketplace whose economics a non-marketplace market (a store) takes;
    None drops such markets (e.g. Online Retail's unmapped countries)."""
    default_price: float = 5.0
    """Price per unit when the frame has no price column, in ``currency``."""
    cost_share: float = 0.4
    """Unit cost as a share of price when no SKU table gives it (0..1)."""
    unit_weight_kg: float = 0.3
    """Weight per unit when no SKU table gives it, in kg."""
    unit_volume_m3: float = 0.0015
    """Volume per unit when no SKU table gives it, in m³."""
    capital_rate_year: float = 0.15
    """Cost of capital per year on stock owned, as a share of unit cost."""
    loss_per_day: float = 0.015
    """Share of demand lost per extra day of promise (Fisher, Gallino & Xu)."""
    supplier_lead_days: int = 14
    """Supplier production lead time to the origin, in days."""
    fx_rate: float = 1.0
    """Units of ``currency`` per unit of the catalog's currency (USD)."""
    currency: str = "USD"
    """ISO 4217 code of prices and of every result."""
    air: bool = True
    """Offer hub -> FC air freight to the pool's planner where the catalog has
    an air lane to every FC (the legacy split ships by sea only)."""
    origin_limits: bool = True
    """Apply the routing rules' fulfil-from-origin parcel limits (value and
    weight, ``worldpool.orders.rules.RoutingParams``) to every policy."""
    rates: RateTable | None = None
    """Rate table (``worldpool.catalog.rates``) for peak-month FC storage,
    fixed cost per shipment and handling; None leaves them out (zero)."""


def read_demand(path: Path | str) -> pd.DataFrame:
    """Read a long demand CSV (``sku, market, date, units``; .gz allowed).

    Args:
        path: CSV file, plain or gzip.

    Returns:
        The frame, with ``sku`` and ``market`` as strings and ``date`` parsed.
    """
    frame = pd.read_csv(path, dtype={"sku": str, "market": str})
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _mapped(
    df: pd.DataFrame, catalog: Catalog, params: BuildParams
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the frame with markets mapped to labels, and each label's marketplace.

    Raises:
        ValueError: when no market is left after mapping.
    """
    df = df.assign(
        sku=df["sku"].astype(str),
        market=df["market"].astype(str),
        date=pd.to_datetime(df["date"]),
    )
    places = {m: _marketplace(m, catalog, params) for m in df["market"].unique()}
    df = df[df["market"].map(places).notna()]
    if df.empty:
        raise ValueError("no market of the frame maps to a marketplace")
    labels: dict[str, str] = {
        m: str(p if m in COUNTRY_TO_MARKETPLACE else m) for m, p in places.items()
    }
    df = df.assign(market=df["market"].map(labels))
    return df, {labels[m]: p for m, p in places.items() if p is not None}


def _cube(
    df: pd.DataFrame, skus: list[str], markets: list[str]
) -> tuple[NDArray[np.float32], date]:
    """Return daily demand as a (days, S, M) array (missing days 0) and day 0."""
    start = df["date"].min()
    days = int((df["date"].max() - start).days) + 1
    demand = np.zeros((days, len(skus), len(markets)), dtype=np.float32)
    t = (df["date"] - start).dt.days.to_numpy()
    s = pd.Index(skus).get_indexer(pd.Index(df["sku"]))
    m = pd.Index(markets).get_indexer(pd.Index(df["market"]))
    np.add.at(demand, (t, s, m), df["units"].to_numpy(np.float32))
    return np.maximum(demand, 0), start.date()


def _marketplace(label: str, catalog: Catalog, params: BuildParams) -> str | None:
    if label in catalog.marketplaces:
        return label
    if label in COUNTRY_TO_MARKETPLACE:
        return COUNTRY_TO_MARKETPLACE[label]
    return params.stores_as


def _fc(catalog: Catalog, marketplace: str) -> Node:
    fcs = catalog.fcs_for(marketplace)
    country = catalog.marketplace(marketplace).country
    own = [n for n in fcs if n.country == country]
    if not own and not fcs:
        raise ValueError(f"no FC serves marketplace {marketplace}")
    return (own or list(fcs))[0]


def _unit_cost(lane: Lane, weight: FloatArray, volume: FloatArray) -> FloatArray:
    kg = weight
    if lane.dim_divisor > 0:
        kg = np.maximum(weight, volume * 1_000_000 / lane.dim_divisor)
    return float(lane.cost_per_kg) * kg + float(lane.cost_per_m3) * volume


def _origin_max_units(table: pd.DataFrame, params: BuildParams) -> FloatArray:
    """Return the most units of each SKU one origin parcel may carry (S).

    The routing rules refuse fulfil-from-origin above a parcel value (USD) and
    weight (kg); prices are converted to USD with ``params.fx_rate``.
    """
    rules = RoutingParams()
    price_usd = table["unit_price"].to_numpy(float) / params.fx_rate
    weight = table["unit_weight_kg"].to_numpy(float)
    by_value = float(rules.ffo_max_value_usd) / np.maximum(price_usd, 1e-9)
    by_weight = float(rules.ffo_max_weight_kg) / np.maximum(weight, 1e-9)
    units: FloatArray = np.maximum(np.floor(np.minimum(by_value, by_weight)), 0.0)
    return units


def _sku_table(
    frame: pd.DataFrame,
    skus: list[str],
    params: BuildParams,
    sku_frame: pd.DataFrame | None,
    price_col: str,
) -> pd.DataFrame:
    if price_col in frame.columns:
        price = frame.groupby("sku")[price_col].median()
    else:
        price = pd.Series(params.default_price, index=skus)
    table = pd.DataFrame(
        {"unit_price": price.reindex(skus).fillna(params.default_price)}
    )
    table["unit_cost"] = table["unit_price"] * params.cost_share
    table["unit_weight_kg"] = params.unit_weight_kg
    table["unit_volume_m3"] = params.unit_volume_m3
    if sku_frame is not None:
        given = sku_frame.set_index("sku").reindex(skus)
        for col in table.columns:
            if col in given.columns:
                table[col] = given[col].fillna(table[col])
    return table


def _network(
    catalog: Catalog,
    markets: list[str],
    places: list[str],
    table: pd.DataFrame,
    params: BuildParams,
) -> tuple[dict[str, FloatArray], tuple[FloatArray, FloatArray] | None]:
    hub = catalog.node(params.hub)
    w = table["unit_weight_kg"].to_numpy(float)
    v = table["unit_volume_m3"].to_numpy(float)
    cols: dict[str, list[FloatArray]] = {
        k: [] for k in ("hold", "sea", "parcel", "air")
    }
    rows: dict[str, list[object]] = {
        k: [] for k in ("fixed", "sea_t", "par_t", "dlv", "air_t")
    }
    for place in places:
        fc = _fc(catalog, place)
        sea = catalog.lanes_between(hub.id, fc.id, Mode.SEA)
        parcel = catalog.parcel_lane(hub.id, place)
        if not sea or parcel is None:
            raise ValueError(f"no sea lane or parcel lane {hub.id} -> {place}")
        cols["hold"].append(v * float(fc.storage_cost_m3_day))
        cols["sea"].append(_unit_cost(sea[0], w, v))
        cols["parcel"].append(_unit_cost(parcel, w, v))
        by_air = catalog.lanes_between(hub.id, fc.id, Mode.AIR)
        if by_air:
            lane = by_air[0]
            cols["air"].append(_unit_cost(lane, w, v))
            rows["air_t"].append((lane.transit.p50_days, lane.transit.p90_days))
        rows["fixed"].append(float(parcel.cost_per_parcel))
        rows["sea_t"].append((sea[0].transit.p50_days, sea[0].transit.p90_days))
        rows["par_t"].append((parcel.transit.p50_days, parcel.transit.p90_days))
        rows["dlv"].append(fc.delivery_p50_days)
    fx = params.fx_rate
    par_t = np.array(rows["par_t"], dtype=float)
    dlv = np.array(rows["dlv"], dtype=float)
    air: tuple[FloatArray, FloatArray] | None = None
    if params.air and len(cols["air"]) == len(places):
        air = (
            np.stack(cols["air"], axis=1) * fx,
            np.array(rows["air_t"], dtype=float),
        )
    return {
        "holding_fc": np.stack(cols["hold"], axis=1) * fx,
        "sea_cost": np.stack(cols["sea"], axis=1) * fx,
        "parcel_cost": np.stack(cols["parcel"], axis=1) * fx,
        "parcel_fixed": np.array(rows["fixed"], dtype=float) * fx,
        "sea_transit": np.array(rows["sea_t"], dtype=float),
        "parcel_transit": par_t,
        "fc_delivery_days": dlv,
        "ffo_loss": np.clip(params.loss_per_day * (par_t[:, 0] - dlv), 0.0, 1.0),
        "holding_hub": v * float(hub.storage_cost_m3_day) * fx,
    }, air


def _rated(
    params: BuildParams, places: list[str], start: date, days: int
) -> dict[str, Any]:
    """Return a scenario's rate-table fields: peak storage, fixed costs, handling.

    FC storage keeps the catalog node's year-average rate; ``fc_peak`` spreads
    it over the months as the table's FC rates do (mean over the year = 1).
    """
    rt = params.rates
    if rt is None:
        return {}
    fx = params.fx_rate
    month = np.array(
        [(start + timedelta(days=i)).month for i in range(days)], dtype=np.int64
    )
    by_month = np.array(
        [[rt.storage_m3_day("fc", mo, p) for p in places] for mo in range(1, 13)]
    )
    factor = by_month / by_month.mean(axis=0, keepdims=True)
    return {
        "fc_peak": factor[month - 1],
        "shipment_fixed": np.array([rt.shipment_fixed("sea", p) for p in places]) * fx,
        "shipment_fixed_air": np.array([rt.shipment_fixed("air", p) for p in places])
        * fx,
        "handling_fc": float(np.mean([rt.handling_unit("fc", p) for p in places])) * fx,
        "handling_hub": rt.handling_unit("hub") * fx,
        "inbound_fixed": rt.shipment_fixed("truck") * fx,
    }


def _fields(
    catalog: Catalog,
    markets: list[str],
    places: list[str],
    table: pd.DataFrame,
    params: BuildParams,
    start: date,
    days: int,
) -> dict[str, Any]:
    """Return a scenario's economics and lanes (every field but demand and ids)."""
    net, air = _network(catalog, markets, places, table, params)
    cost = table["unit_cost"].to_numpy(float)
    fields: dict[str, Any] = {**net, **_rated(params, places, start, days)}
    fields.update(
        market_place=tuple(places),
        unit_cost=cost,
        unit_price=table["unit_price"].to_numpy(float),
        capital_day=cost * params.capital_rate_year / 365.0,
        supplier_lead_days=params.supplier_lead_days,
        currency=params.currency,
        air_cost=None if air is None else air[0],
        air_transit=None if air is None else air[1],
        origin_max_units=_origin_max_units(table, params)
        if params.origin_limits
        else None,
    )
    return fields


def scenario_from_frame(
    frame: pd.DataFrame,
    catalog: Catalog,
    params: BuildParams | None = None,
    *,
    sku_frame: pd.DataFrame | None = None,
    sku_col: str = "sku",
    market_col: str = "market",
    date_col: str = "date",
    units_col: str = "units",
    price_col: str = "avg_price",
) -> Scenario:
    """Return the twin scenario of a long daily demand frame.

    Args:
        frame: One row per (sku, market, date), units sold (missing days 0);
            ``price_col`` (per unit, ``params.currency``) used when present.
        catalog: Reference data: FC per marketplace, lanes from ``params.hub``.
        params: Assumptions; defaults to :class:`BuildParams`.
        sku_frame: Optional SKU table (sku, unit_price, unit_cost,
            unit_weight_kg, unit_volume_m3) overriding the defaults; optional
            ``battery`` and ``ffo_markets`` columns restrict origin shipping
            as the routing rules do (:mod:`worldpool.sim.clearance`).
        sku_col: Column of SKU ids.
        market_col: Column of markets (marketplace id, country or store).
        date_col: Column of dates.
        units_col: Column of units (>= 0).
        price_col: Optional column of the day's price per unit.

    Raises:
        ValueError: when no market is left after mapping.
    """
    params = params or BuildParams()
    cols = {sku_col: "sku", market_col: "market", date_col: "date", units_col: "units"}
    df, place_of = _mapped(frame.rename(columns=cols), catalog, params)
    skus, markets = sorted(df["sku"].unique()), sorted(df["market"].unique())
    demand, start = _cube(df, skus, markets)
    table = _sku_table(df, skus, params, sku_frame, price_col)
    places = [place_of[k] for k in markets]
    return Scenario(
        skus=tuple(skus),
        markets=tuple(markets),
        start=start,
        demand=demand,
        origin_cleared=origin_cleared(sku_frame, skus, places),
        **_fields(catalog, markets, places, table, params, start, demand.shape[0]),
    )
