"""Regenerate the catalog's nodes.csv and lanes.csv (editable defaults).

The figures are order-of-magnitude defaults for planning, not quotes. This script
documents how they were derived; the package ships only the CSVs it writes.

Storage (all in USD per m³ per day):
    Amazon FBA US monthly storage for standard-size items is USD 0.78 per ft³
    (Jan-Sep) and USD 2.40 per ft³ (Oct-Dec). The 9/3-month blend is
    USD 1.185 per ft³ per month; x 35.3147 ft³/m³ x 12 / 365 = USD 1.376 per m³
    per day. Other regions scale it by a regional factor (labour and land cost).
    Hubs are 35-38 % cheaper than the US FC (the 20-40 % pilot figure) and below
    the cheapest FC.

Lanes (all in USD), from CN-SZX; VN-SGN adds days and 10 % (thinner networks):
    sea      door-to-FC consolidation per m³ (FBX 2025-26 lane levels for a FEU
             / ~60 usable m³ plus LCL, customs brokerage, drayage and FC
             receiving uplift); no dimensional weight.
    air      airport-to-FC per chargeable kg, dim divisor 6000 (IATA).
    express  integrator per chargeable kg + USD 20 per shipment, divisor 5000.
    parcel   fulfil-from-origin e-commerce line per kg + per parcel, divisor 8000
             (typical of China e-commerce postal/line services).

Run: ``python tools/make_catalog_network.py`` from the repository root.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src/worldpool/catalog/data"
DATE = "2025-01-01"
US_FC_USD_M3_DAY = 1.185 * 35.3147 * 12 / 365

# Marketplace id -> (country, regional storage factor vs the US FC, capacity m³,
# extra marketplaces served locally).
FCS: dict[str, tuple[str, float, int, str]] = {
    "US": ("US", 1.00, 20000, ""),
    "CA": ("CA", 1.00, 4000, ""),
    "MX": ("MX", 0.80, 2500, ""),
    "BR": ("BR", 0.90, 2500, ""),
    "UK": ("GB", 1.10, 8000, ""),
    "DE": ("DE", 1.05, 10000, "NL;BE"),
    "FR": ("FR", 1.05, 5000, ""),
    "IT": ("IT", 1.05, 4000, ""),
    "ES": ("ES", 1.00, 4000, ""),
    "NL": ("NL", 1.05, 2000, ""),
    "SE": ("SE", 1.10, 1500, ""),
    "PL": ("PL", 0.85, 3000, ""),
    "BE": ("BE", 1.05, 1500, ""),
    "IE": ("IE", 1.10, 1500, ""),
    "TR": ("TR", 0.75, 1500, ""),
    "AE": ("AE", 0.90, 2000, ""),
    "SA": ("SA", 0.90, 2000, ""),
    "EG": ("EG", 0.70, 1000, ""),
    "IN": ("IN", 0.70, 3000, ""),
    "JP": ("JP", 1.20, 5000, ""),
    "AU": ("AU", 1.10, 3000, ""),
    "SG": ("SG", 1.20, 1000, ""),
    "ZA": ("ZA", 0.75, 1000, ""),
}

HUBS = {
    "CN-SZX": ("Shenzhen hub", "CN", 0.65, 30000),
    "VN-SGN": ("Ho Chi Minh City hub", "VN", 0.62, 10000),
}

# FC -> shopper delivery (p50, p90 days); editable defaults from typical
# marketplace standard-delivery promises. Markets not listed use (1.5, 3).
DELIVERY = {
    "US": (2, 4),
    "CA": (2, 5),
    "MX": (3, 6),
    "BR": (4, 9),
    "UK": (1, 2),
    "DE": (1, 2),
    "NL": (1, 2),
    "BE": (1, 3),
    "TR": (2, 4),
    "EG": (3, 6),
    "IN": (2, 5),
    "JP": (1, 2),
    "AU": (2, 5),
    "SG": (1, 2),
    "ZA": (3, 6),
    "SA": (2, 4),
}

# Marketplace -> sea (p50, p90, USD/m3), air (p50, p90, USD/kg),
# express (p50, p90, USD/kg), parcel (p50, p90, USD/kg, USD/parcel); from CN-SZX.
LANES: dict[str, tuple[tuple[float, ...], ...]] = {
    "US": ((32, 45, 150), (8, 12, 5.5), (5, 8, 7.0), (9, 15, 9.0, 2.5)),
    "CA": ((35, 50, 165), (9, 13, 6.0), (5, 8, 7.5), (11, 18, 10.0, 2.8)),
    "MX": ((38, 55, 170), (9, 14, 6.5), (6, 9, 8.0), (14, 24, 11.0, 3.0)),
    "BR": ((45, 65, 190), (10, 16, 7.5), (7, 11, 9.5), (18, 30, 14.0, 3.5)),
    "UK": ((40, 55, 140), (8, 12, 5.0), (5, 8, 6.5), (9, 15, 8.0, 2.2)),
    "DE": ((40, 55, 135), (8, 12, 4.8), (5, 8, 6.5), (10, 16, 8.0, 2.2)),
    "FR": ((40, 55, 135), (8, 12, 4.8), (5, 8, 6.5), (10, 16, 8.0, 2.2)),
    "IT": ((40, 55, 135), (8, 12, 4.8), (5, 8, 6.5), (10, 16, 8.0, 2.2)),
    "ES": ((40, 55, 135), (8, 12, 4.8), (5, 8, 6.5), (10, 16, 8.0, 2.2)),
    "NL": ((40, 55, 135), (8, 12, 4.8), (5, 8, 6.5), (10, 16, 8.0, 2.2)),
    "BE": ((40, 55, 135), (8, 12, 4.8), (5, 8, 6.5), (10, 16, 8.0, 2.2)),
    "SE": ((44, 60, 145), (9, 13, 5.2), (6, 9, 7.0), (11, 18, 8.5, 2.4)),
    "PL": ((44, 60, 145), (9, 13, 5.2), (6, 9, 7.0), (11, 18, 8.5, 2.4)),
    "IE": ((44, 60, 145), (9, 13, 5.2), (6, 9, 7.0), (11, 18, 8.5, 2.4)),
    "TR": ((35, 50, 140), (7, 11, 5.0), (5, 8, 7.0), (12, 20, 9.0, 2.5)),
    "AE": ((25, 36, 110), (6, 9, 4.0), (4, 6, 6.0), (8, 13, 7.0, 2.0)),
    "SA": ((28, 40, 120), (7, 10, 4.5), (4, 7, 6.5), (9, 15, 8.0, 2.2)),
    "EG": ((30, 45, 130), (8, 12, 5.0), (5, 8, 7.5), (12, 22, 9.0, 2.5)),
    "IN": ((22, 35, 100), (6, 9, 3.8), (4, 6, 5.5), (10, 18, 6.5, 1.8)),
    "JP": ((12, 18, 90), (4, 6, 3.5), (3, 4, 5.0), (5, 8, 6.0, 1.8)),
    "AU": ((22, 32, 110), (6, 9, 4.5), (4, 6, 6.0), (8, 13, 8.0, 2.2)),
    "SG": ((10, 16, 80), (4, 6, 3.0), (3, 4, 4.5), (5, 8, 5.5, 1.5)),
    "ZA": ((35, 50, 150), (8, 12, 5.5), (6, 9, 8.0), (14, 24, 10.0, 2.8)),
}

# VN-SGN relative to CN-SZX: extra days per mode, cost multiplier.
VN_EXTRA_DAYS = {"sea": 2, "air": 1, "express": 1, "parcel": 2}
VN_COST = 1.10
EXPRESS_PER_SHIPMENT = 20.0

SRC_STORAGE = (
    "editable default derived from Amazon FBA US standard-size monthly storage "
    "(USD 0.78/ft3 Jan-Sep, 2.40/ft3 Oct-Dec; blend x 35.3147 ft3/m3 x 12/365) "
    "x regional factor {f}; see tools/make_catalog_network.py"
)
SRC_HUB = (
    "editable default: {p:.0f}% below the US FC rate (announced hub pilot figure "
    "20-40% cheaper); see tools/make_catalog_network.py"
)
SRC_LANE = {
    "sea": "editable default: door-to-FC consolidation per m3 based on FBX "
    "2025-26 lane levels + LCL/brokerage/drayage uplift",
    "air": "editable default: airport-to-FC air freight per chargeable kg "
    "(TAC index order of magnitude), dim 6000",
    "express": "editable default: integrator per chargeable kg + USD 20 per "
    "shipment, dim 5000",
    "parcel": "editable default: published China e-commerce parcel line rates "
    "(per kg + per parcel), dim 8000",
}


def node_rows() -> list[dict[str, object]]:
    """Return hub and FC rows."""
    rows: list[dict[str, object]] = []
    for hub_id, (name, country, factor, cap) in HUBS.items():
        rows.append(
            {
                "id": hub_id,
                "name": name,
                "kind": "hub",
                "country": country,
                "markets": "",
                "capacity_m3": cap,
                "storage_cost_m3_day": f"{US_FC_USD_M3_DAY * factor:.3f}",
                "source": SRC_HUB.format(p=(1 - factor) * 100),
            }
        )
    for market, (country, factor, cap, extra) in FCS.items():
        rows.append(
            {
                "id": f"{market}-FC1",
                "name": f"{market} fulfilment centre",
                "kind": "fc",
                "country": country,
                "markets": ";".join(filter(None, [market, extra])),
                "storage_cost_m3_day": f"{US_FC_USD_M3_DAY * factor:.3f}",
                "capacity_m3": cap,
                "source": SRC_STORAGE.format(f=factor),
                "delivery_p50_days": DELIVERY.get(market, (1.5, 3))[0],
                "delivery_p90_days": DELIVERY.get(market, (1.5, 3))[1],
            }
        )
    for row in rows:
        row.update(currency="USD", effective_date=DATE)
    return rows


def lane_row(
    origin: str, dest: str, mode: str, p50: float, p90: float, **cost: float
) -> dict[str, object]:
    """Return one lane row, costs rounded to cents."""
    scale = VN_COST if origin == "VN-SGN" else 1.0
    extra = VN_EXTRA_DAYS[mode] if origin == "VN-SGN" else 0
    dim = {"sea": 0, "air": 6000, "express": 5000, "parcel": 8000}[mode]
    row: dict[str, object] = {
        "id": f"{origin}>{dest}:{mode}",
        "origin": origin,
        "destination": dest,
        "mode": mode,
        "p50_days": int(p50 + extra),
        "p90_days": int(p90 + extra),
        "dim_divisor": dim,
        "currency": "USD",
        "source": SRC_LANE[mode],
        "effective_date": DATE,
    }
    for key in ("cost_per_kg", "cost_per_m3", "cost_per_parcel"):
        row[key] = f"{cost.get(key, 0.0) * scale:.2f}"
    return row


def lane_rows() -> list[dict[str, object]]:
    """Return hub -> FC (sea, air, express) and hub -> marketplace parcel rows."""
    rows = []
    for origin in HUBS:
        for market, (sea, air, exp, parcel) in LANES.items():
            fc = f"{market}-FC1"
            rows += [
                lane_row(origin, fc, "sea", sea[0], sea[1], cost_per_m3=sea[2]),
                lane_row(origin, fc, "air", air[0], air[1], cost_per_kg=air[2]),
                lane_row(
                    origin,
                    fc,
                    "express",
                    exp[0],
                    exp[1],
                    cost_per_kg=exp[2],
                    cost_per_parcel=EXPRESS_PER_SHIPMENT,
                ),
                lane_row(
                    origin,
                    market,
                    "parcel",
                    parcel[0],
                    parcel[1],
                    cost_per_kg=parcel[2],
                    cost_per_parcel=parcel[3],
                ),
            ]
    return rows


def write(name: str, fields: str, rows: list[dict[str, object]]) -> None:
    """Write ``rows`` to DATA/name with the given comma-separated header."""
    with (DATA / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields.split(","), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Write nodes.csv and lanes.csv."""
    write(
        "nodes.csv",
        "id,name,kind,country,markets,storage_cost_m3_day,currency,capacity_m3,"
        "source,effective_date,delivery_p50_days,delivery_p90_days",
        node_rows(),
    )
    write(
        "lanes.csv",
        "id,origin,destination,mode,p50_days,p90_days,cost_per_kg,cost_per_m3,"
        "cost_per_parcel,dim_divisor,currency,source,effective_date",
        lane_rows(),
    )


if __name__ == "__main__":
    main()
